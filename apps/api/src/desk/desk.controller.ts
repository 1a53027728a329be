import { randomUUID } from 'node:crypto';
import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DEVICE_COMMAND_PERMISSIONS, hasPermission } from '#kierto/access';
import { fingerprint, toJsonObject, type CommandOutcome } from '#kierto/application';
import {
  deviceIdOf,
  DomainError,
  EVENT_TYPE_OF_COMMAND,
  identifierOfProduct,
  isDeviceEventType,
  type DeviceCommand,
} from '#kierto/domain';
import { parseItemLink } from '#kierto/interop';
import type { RequestBodyByName } from '#kierto/schemas';
import { HtmlPage, Public, Requires } from '../access/decorators.js';
import { requirePrincipal } from '../access/principal.js';
import type { ApiConfig } from '../config.js';
import { GetDeviceHistory, GetDeviceSummary, type DeviceSummary } from '../devices/device-queries.js';
import { actorOf, checkDeviceId, deviceNotFound } from '../devices/devices.controller.js';
import { RecordDeviceEvent } from '../devices/record-device-event.js';
import { API_CONFIG } from '../event-store.provider.js';
import { ApiError, badRequest, type FieldError } from '../http/api-error.js';
import { commandContextOf, now } from '../http/command-context.js';
import { mapError } from '../http/error.filter.js';
import { RequestBodyPipe } from '../http/request-body.pipe.js';
import { TextRulePipe } from '../http/text-rule.js';
import { isLanguage, type Language } from '../pages/i18n.js';
import { csrfField, renderWorkspacePage, sendWorkspacePage, workspaceLanguage } from '../pages/workspace.js';
import { DESK_WORDS } from './desk-i18n.js';
import {
  controlWithInvalidUtf8,
  DESK_COMMANDS,
  DESK_FORMS,
  deskFormOfSegment,
  formValuesOf,
  readForm,
  type DeskCommand,
  type DeskForm,
} from './desk-forms.js';
import { deviceTitle, renderDeviceMain, renderFindMain, type FindForm, type FormState } from './desk-html.js';
import { SCAN_SCRIPT } from './scan-script.js';

/** What a refused request shows: the API's status, and its errors field by field. */
interface Refusal {
  readonly status: number;
  readonly errors: readonly FieldError[];
}

/** A form that was refused, shown again with what was sent and why. */
interface RefusedForm {
  readonly command: DeskCommand;
  readonly state: FormState;
}

const FIND_FIELDS = ['gtin', 'serialNumber', 'manufacturer', 'issuer', 'localId', 'link'] as const;
const textRule = new TextRulePipe();

/**
 * The repairer and refurbisher desk (docs/pages.md, "The desk"): find a device, see its state and
 * history, record a collection, wipe, repair or resale through forms. The forms post here, and each
 * post runs the API's own path: the text rule, the request's JSON Schema (RequestBodyPipe), the
 * access rules (actorOf), the RecordDeviceEvent command and decide. A refusal shows the form again
 * with the API's status, codes and messages; nothing is recorded. Pages, not API: not in OpenAPI.
 */
@ApiExcludeController()
@Controller('desk')
export class DeskController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  /** The lookup; with identifiers or a link, the device they name (303 to its page) or the errors. */
  @Get()
  @HtmlPage()
  @Requires('device:read-state')
  async find(@Req() request: Request, @Res() response: Response): Promise<void> {
    const language = workspaceLanguage(request);
    const values = new Map(FIND_FIELDS.map((name) => [name, queryText(request, name)]));
    const form: FindForm = (values.get('link') ?? '').trim() !== '' ? 'find-link' : 'find-ids';
    if (![...values.values()].some((value) => value.trim() !== '')) {
      this.sendFind(request, response, language, { values, errors: [], form }, 200);
      return;
    }
    try {
      for (const [name, value] of values) textRule.transform(value, { type: 'query', data: name });
      const deviceId = form === 'find-link' ? deviceIdOfLink(values.get('link') ?? '') : deviceIdOfIdentifiers(values);
      const summary = await this.queryBus.execute(new GetDeviceSummary(deviceId));
      if (summary === null) throw deviceNotFound(deviceId);
      response.redirect(303, withLang(devicePath(deviceId), langOf(request)));
    } catch (error) {
      const refusal = refusalOf(error);
      this.sendFind(request, response, language, { values, errors: refusal.errors, form }, refusal.status);
    }
  }

  /** The camera enhancement of the lookup (scan-script.ts); public like any static file. */
  @Get('scan.js')
  @Public()
  script(@Res() response: Response): void {
    response.type('text/javascript; charset=utf-8');
    response.setHeader('Cache-Control', 'public, max-age=3600');
    response.send(SCAN_SCRIPT);
  }

  @Get('devices/:deviceId')
  @HtmlPage()
  @Requires('device:read-state')
  async device(@Param('deviceId') deviceId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.sendDevice(request, response, deviceId, null, 200);
  }

  /**
   * A refused form is shown at the address it was posted to; a link from that page that keeps the
   * address (the language switch) or a reload after it asks for it with GET: the device page.
   */
  @Get('devices/:deviceId/:segment')
  @HtmlPage()
  @Requires('device:read-state')
  formAddress(
    @Param('deviceId') deviceId: string,
    @Param('segment') segment: string,
    @Req() request: Request,
    @Res() response: Response,
  ): void {
    if (deskFormOfSegment(segment) === null) throw new ApiError(404, 'ROUTE_NOT_FOUND', `Cannot GET ${request.path}`);
    response.redirect(303, withLang(devicePath(deviceId), langOf(request)));
  }

  @Post('devices/:deviceId/collections')
  @HtmlPage()
  @Requires(DEVICE_COMMAND_PERMISSIONS.CollectDevice)
  collect(@Param('deviceId') deviceId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.record(DESK_FORMS.CollectDevice, deviceId, request, response);
  }

  @Post('devices/:deviceId/data-wipes')
  @HtmlPage()
  @Requires(DEVICE_COMMAND_PERMISSIONS.RecordDataWipe)
  wipe(@Param('deviceId') deviceId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.record(DESK_FORMS.RecordDataWipe, deviceId, request, response);
  }

  @Post('devices/:deviceId/repairs')
  @HtmlPage()
  @Requires(DEVICE_COMMAND_PERMISSIONS.RecordRepair)
  repair(@Param('deviceId') deviceId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.record(DESK_FORMS.RecordRepair, deviceId, request, response);
  }

  @Post('devices/:deviceId/resales')
  @HtmlPage()
  @Requires(DEVICE_COMMAND_PERMISSIONS.RecordResale)
  resell(@Param('deviceId') deviceId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.record(DESK_FORMS.RecordResale, deviceId, request, response);
  }

  /**
   * One form post: the form read into the command's JSON body, then the API's path. The form's
   * hidden `_idempotency` is the command's Idempotency-Key: a form sent twice (a double click, the
   * back button) records once. Success: 303 to the device page, which confirms what was recorded.
   */
  private async record(form: DeskForm, deviceId: string, request: Request, response: Response): Promise<void> {
    const posted = formValuesOf(request.body);
    const reading = readForm(form, posted);
    const key = posted.get('_idempotency') ?? '';
    try {
      // In the API's order: the bytes (UTF-8), the text rule (the global pipe) and the request's
      // schema (the route's pipe), then the device id, the access rules and the Idempotency-Key.
      const notUtf8 = controlWithInvalidUtf8((request as Request & { rawBody?: Buffer }).rawBody);
      if (notUtf8 !== null) throw badRequest('INVALID_UTF8', notUtf8, 'The request body is not valid UTF-8');
      const body: unknown = textRule.transform(reading.body, { type: 'body' });
      const command = commandOf(form.command, deviceId, body);
      const id = checkDeviceId(deviceId);
      const actor = actorOf(command, request);
      const idempotencyKey = idempotencyKeyOf(key);
      const context = {
        ...commandContextOf(request, actor),
        idempotencyKey,
        // What tells a resent form from a different one with the same key: the body it stands for.
        requestFingerprint: fingerprint('POST', `/devices/${id}/${form.segment}`, toJsonObject(reading.body)),
      };
      const outcome: CommandOutcome = await this.commandBus.execute(new RecordDeviceEvent(command, context));
      const recorded = `recorded=${EVENT_TYPE_OF_COMMAND[form.command]}${outcome.replayed ? '&replayed=1' : ''}`;
      response.redirect(303, withLang(`${devicePath(outcome.streamId)}?${recorded}`, langOf(request)));
    } catch (error) {
      const refusal = refusalOf(error);
      const state: FormState = {
        values: reading.values,
        rows: reading.rows,
        errors: refusal.errors,
        idempotencyKey: key === '' ? randomUUID() : key,
      };
      await this.sendDevice(request, response, deviceId, { command: form.command, state }, refusal.status);
    }
  }

  /** The device page, with a refused form shown again; an unknown or malformed device: the lookup with the error. */
  private async sendDevice(
    request: Request,
    response: Response,
    deviceId: string,
    refused: RefusedForm | null,
    status: number,
  ): Promise<void> {
    const language = workspaceLanguage(request);
    let summary: DeviceSummary | null;
    try {
      const id = checkDeviceId(deviceId);
      summary = await this.queryBus.execute(new GetDeviceSummary(id));
      if (summary === null) throw deviceNotFound(id);
    } catch (error) {
      const refusal = refusalOf(error);
      const values = new Map<string, string>(FIND_FIELDS.map((name) => [name, '']));
      this.sendFind(request, response, language, { values, errors: refusal.errors, form: 'find-ids' }, refusal.status);
      return;
    }
    const history = await this.queryBus.execute(new GetDeviceHistory(summary.deviceId));
    const roles = requirePrincipal(request).organisation.roles;
    const forms = DESK_COMMANDS.map((command) => DESK_FORMS[command])
      .filter((form) => hasPermission(roles, form.permission))
      .map((form) => ({
        form,
        state: refused !== null && refused.command === form.command ? refused.state : freshState(form),
      }));
    const recordedType = queryText(request, 'recorded');
    const recorded =
      refused === null && isDeviceEventType(recordedType)
        ? { type: recordedType, replayed: queryText(request, 'replayed') === '1' }
        : null;
    const main = renderDeviceMain(language, csrfField(request), {
      device: summary,
      history: history?.events ?? [],
      forms,
      recorded,
      lang: langOf(request),
      timeZone: this.config.reportingTimeZone,
    });
    sendWorkspacePage(
      response,
      language,
      renderWorkspacePage(request, language, deviceTitle(language, summary), main),
      status,
    );
  }

  private sendFind(
    request: Request,
    response: Response,
    language: Language,
    page: { values: ReadonlyMap<string, string>; errors: readonly FieldError[]; form: FindForm },
    status: number,
  ): void {
    const main = renderFindMain(language, { ...page, lang: langOf(request) });
    const title = `${DESK_WORDS[language].findTitle} – ${DESK_WORDS[language].desk}`;
    sendWorkspacePage(response, language, renderWorkspacePage(request, language, title, main), status);
  }
}

/** A fresh form: now as the time, the usual country and currency filled in, a new Idempotency-Key. */
function freshState(form: DeskForm): FormState {
  const values = new Map<string, string>([['occurredAt', now().replace(/\.\d{3}Z$/, 'Z')]]);
  if (form.command === 'CollectDevice' || form.command === 'RecordResale') values.set('country', 'FI');
  if (form.command === 'RecordResale') values.set('price.currency', 'EUR');
  return { values, rows: new Map(), errors: [], idempotencyKey: randomUUID() };
}

/**
 * The command a validated body stands for, as the API's route builds it. RequestBodyPipe is the
 * API's validator; its result has the request's type (the schema and the type are held together by
 * libs/schemas drift.check.ts), which is what the route's typed `@Body` relies on too.
 */
function commandOf(kind: DeskCommand, deviceId: string, body: unknown): DeviceCommand {
  const validated = <N extends DeskCommand>(name: N): RequestBodyByName[N] =>
    new RequestBodyPipe(name).transform(body) as RequestBodyByName[N];
  const at = now();
  switch (kind) {
    case 'CollectDevice': {
      const { occurredAt, ...data } = validated('CollectDevice');
      return { kind, deviceId, occurredAt, now: at, data };
    }
    case 'RecordDataWipe': {
      const { occurredAt, ...data } = validated('RecordDataWipe');
      return { kind, deviceId, occurredAt, now: at, data };
    }
    case 'RecordRepair': {
      const { occurredAt, ...data } = validated('RecordRepair');
      return { kind, deviceId, occurredAt, now: at, data };
    }
    case 'RecordResale': {
      const { occurredAt, ...data } = validated('RecordResale');
      return { kind, deviceId, occurredAt, now: at, data };
    }
  }
}

/** The form's key, held to the rule of the Idempotency-Key header (command-context.ts); none: none. */
function idempotencyKeyOf(key: string): string | null {
  if (key === '') return null;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw badRequest(
      'INVALID_IDEMPOTENCY_KEY',
      '_idempotency',
      'Idempotency-Key has 1 to 200 visible ASCII characters',
    );
  }
  return key;
}

/** What the API would answer, as the page shows it; a server failure is not a refusal and goes to the error filter. */
function refusalOf(error: unknown): Refusal {
  const mapped = mapError(error);
  if (mapped.status >= 500) throw error;
  const errors =
    mapped.fields !== undefined && mapped.fields.length > 0
      ? mapped.fields
      : [{ field: '', code: mapped.code, message: mapped.message }];
  return { status: mapped.status, errors };
}

/** The device GET /devices?gtin=…&serialNumber=… (or manufacturer + serialNumber, or issuer + localId) finds. */
function deviceIdOfIdentifiers(values: ReadonlyMap<string, string>): string {
  const given = (name: string): string | undefined => {
    const value = values.get(name) ?? '';
    return value.trim() === '' ? undefined : value;
  };
  try {
    const issuer = given('issuer');
    const localId = given('localId');
    return deviceIdOf(
      identifierOfProduct({
        gtin: given('gtin'),
        manufacturer: given('manufacturer'),
        serialNumber: given('serialNumber'),
        localId: issuer !== undefined && localId !== undefined ? { issuer, value: localId } : undefined,
      }),
    );
  } catch (error) {
    // The API names the missing identifier `identifier`; on the desk that is the GTIN control.
    if (error instanceof DomainError && error.field === 'identifier') {
      throw new DomainError(error.kind, error.code, error.message, 'gtin');
    }
    throw error;
  }
}

/**
 * The device a scanned or typed link names: a GS1 Digital Link (`…/01/{gtin}/21/{serial}`, parsed
 * as the resolver parses it) or a passport URL (`…/passports/{deviceId}`, what the QR code of a
 * device without a GTIN holds). Any error is the resolver's, shown at the link control.
 */
function deviceIdOfLink(link: string): string {
  try {
    let path: string;
    try {
      path = new URL(link.trim(), 'https://kierto.invalid').pathname;
    } catch {
      throw badRequest('INVALID_DIGITAL_LINK', 'link', 'Not a link: give the address in the QR code');
    }
    const passport = /^\/passports\/([^/]+)$/.exec(path);
    if (passport !== null) return checkDeviceId(decodeURIComponent(passport[1] ?? ''));
    const item = parseItemLink(path);
    return deviceIdOf({ gtin: item.gtin, serialNumber: item.serial });
  } catch (error) {
    if (error instanceof DomainError) throw new DomainError(error.kind, error.code, error.message, 'link');
    if (error instanceof ApiError) {
      throw new ApiError(error.status, error.code, error.message, [
        { field: 'link', code: error.code, message: error.message },
      ]);
    }
    if (error instanceof URIError) throw badRequest('INVALID_DIGITAL_LINK', 'link', 'The link is not well encoded');
    throw error;
  }
}

/** A query parameter's text ('' when absent or not one string). */
function queryText(request: Request, name: string): string {
  const value = request.query[name];
  return typeof value === 'string' ? value : '';
}

/** `?lang=` when the person chose the language by it, to keep it on links and redirects. */
function langOf(request: Request): Language | null {
  const lang = request.query['lang'];
  return isLanguage(lang) ? lang : null;
}

function withLang(path: string, lang: Language | null): string {
  return lang === null ? path : `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
}

function devicePath(deviceId: string): string {
  return `/desk/devices/${encodeURIComponent(deviceId)}`;
}

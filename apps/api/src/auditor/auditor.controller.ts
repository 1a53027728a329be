import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { passportAsOf, serializeBundle, serializeCheckpoint, type ChainVerdict } from '#kierto/audit';
import { deviceIdOf, DomainError, isWellFormedDeviceId } from '#kierto/domain';
import { HtmlPage, Public, Requires } from '../access/decorators.js';
import { VerifyChain } from '../audit/audit-queries.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import type { Html } from '../pages/html.js';
import { renderWorkspacePage, sendWorkspacePage, workspaceLanguage } from '../pages/workspace.js';
import { SigningKeys } from '../signing/signing-key.js';
import { parseAsOf } from './as-of-time.js';
import {
  asOfFieldText,
  bundlePath,
  devicePagePath,
  formatsOf,
  renderDevicePage,
  renderOverview,
  renderProblem,
  SLIDER_SCRIPT,
  type AsOfChoice,
  type Formats,
  type OverviewInput,
} from './auditor-html.js';
import type { AuditorFieldProblem } from './auditor-i18n.js';
import { CheckDeviceChain, DeviceAtPosition, ExportBundle, SignCheckpoint } from './auditor-queries.js';

/** A query parameter as one string: absent is '', a repeated one is refused like a malformed one. */
function queryText(request: Request, name: string): string | null {
  const value = request.query[name];
  if (value === undefined) return '';
  return typeof value === 'string' ? value : null;
}

/**
 * The auditor's pages (docs/pages.md, "Auditor"): the chain's status, a device's checked history and
 * its passport as of any moment, and the downloads an auditor takes away (offline bundle, signed
 * checkpoint, public key). Pages for people, not API: left out of the OpenAPI document; the JSON is
 * `/audit/*` (docs/audit.md).
 */
@ApiExcludeController()
@Controller('auditor')
@Requires('audit:read')
@HtmlPage()
export class AuditorController {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly keys: SigningKeys,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  private formats(request: Request): Formats {
    return formatsOf(workspaceLanguage(request), this.config.reportingTimeZone);
  }

  private send(request: Request, response: Response, f: Formats, title: string, main: Html, status = 200): void {
    sendWorkspacePage(response, f.language, renderWorkspacePage(request, f.language, title, main), status);
  }

  @Get()
  async overview(@Req() request: Request, @Res() response: Response): Promise<void> {
    const f = this.formats(request);
    this.send(request, response, f, f.a.title, renderOverview(await this.overviewInput({}), f));
  }

  /** The overview's "open a device" form: to the device's history or its bundle, or the form again with what is wrong. */
  @Get('device')
  async open(@Req() request: Request, @Res() response: Response): Promise<void> {
    const f = this.formats(request);
    const form = {
      deviceId: queryText(request, 'deviceId') ?? '',
      gtin: queryText(request, 'gtin') ?? '',
      serial: queryText(request, 'serial') ?? '',
    };
    const errors = new Map<string, AuditorFieldProblem>();
    const deviceId = deviceIdFromForm(form, errors);
    if (deviceId === null) {
      const main = renderOverview(await this.overviewInput({ form, errors }), f);
      this.send(request, response, f, `${f.a.errors.badRequestTitle} – ${f.a.title}`, main, 400);
      return;
    }
    const checked = await this.queryBus.execute(new CheckDeviceChain(deviceId));
    if (checked === null) {
      const problem = { title: f.a.errors.notFoundTitle, message: f.a.errors.notFound(deviceId) };
      const main = renderOverview(await this.overviewInput({ form, problem }), f);
      this.send(request, response, f, `${f.a.errors.notFoundTitle} – ${f.a.title}`, main, 404);
      return;
    }
    const language = queryText(request, 'lang');
    const suffix = language === null || language === '' ? '' : `?lang=${encodeURIComponent(language)}`;
    response.redirect(
      303,
      `${queryText(request, 'open') === 'bundle' ? bundlePath(deviceId) : devicePagePath(deviceId)}${suffix}`,
    );
  }

  @Get('devices/:deviceId')
  async device(@Param('deviceId') deviceId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const f = this.formats(request);
    if (!isWellFormedDeviceId(deviceId)) {
      const main = renderProblem(f.a.errors.badRequestTitle, f.a.errors.fields['device-id-malformed'], f);
      this.send(request, response, f, f.a.errors.badRequestTitle, main, 400);
      return;
    }
    const checked = await this.queryBus.execute(new CheckDeviceChain(deviceId));
    if (checked === null) {
      this.sendNotFound(request, response, f, deviceId);
      return;
    }
    const errors = new Map<string, AuditorFieldProblem>();
    const asOfText = queryText(request, 'asOf');
    const eventText = queryText(request, 'event');
    let asOf: AsOfChoice = { kind: 'now' };
    if (asOfText === null) errors.set('asOf', 'as-of-invalid');
    else if (eventText === null) errors.set('event', 'event-out-of-range');
    else if (asOfText !== '' && eventText !== '') errors.set('asOf', 'as-of-both');
    else if (asOfText !== '') {
      const instant = parseAsOf(asOfText, this.config.reportingTimeZone);
      if (instant === null) errors.set('asOf', 'as-of-invalid');
      else asOf = { kind: 'date', instant };
    } else if (eventText !== '') {
      const index = /^\d{1,6}$/.test(eventText) ? Number(eventText) : -1;
      if (index < 0 || index >= checked.events.length) errors.set('event', 'event-out-of-range');
      else asOf = { kind: 'event', index };
    }
    const events = checked.events.map(({ event }) => event);
    // Folded from the same events the timeline shows, with the projector's evolve (passportAsOf).
    const passport =
      asOf.kind === 'date'
        ? passportAsOf(events, { recordedAt: new Date(asOf.instant).toISOString() })
        : passportAsOf(events, {
            position: (asOf.kind === 'event' ? events[asOf.index] : events.at(-1))?.globalPosition ?? 0,
          });
    const current = passportAsOf(events, { position: Number.MAX_SAFE_INTEGER });
    const name = current === null ? deviceId : displayName(current.identity, deviceId);
    const main = renderDevicePage(
      {
        checked,
        name,
        asOf,
        passport,
        asOfText: asOf.kind === 'date' ? asOfFieldText(asOf.instant, this.config.reportingTimeZone) : (asOfText ?? ''),
        errors,
      },
      f,
    );
    const title = `${name} – ${f.a.device.heading}`;
    this.send(
      request,
      response,
      f,
      errors.size === 0 ? title : `${f.a.errors.badRequestTitle} – ${title}`,
      main,
      errors.size === 0 ? 200 : 400,
    );
  }

  /** The offline bundle as a file, against a checkpoint signed now with the deployment's key. */
  @Get('devices/:deviceId/bundle')
  async bundle(@Param('deviceId') deviceId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const f = this.formats(request);
    if (!isWellFormedDeviceId(deviceId)) {
      const main = renderProblem(f.a.errors.badRequestTitle, f.a.errors.fields['device-id-malformed'], f);
      this.send(request, response, f, f.a.errors.badRequestTitle, main, 400);
      return;
    }
    const outcome = await this.queryBus.execute(new ExportBundle(deviceId));
    if (outcome.kind === 'unknown-device') {
      this.sendNotFound(request, response, f, deviceId);
      return;
    }
    if (outcome.kind === 'broken') {
      const main = renderProblem(
        f.a.errors.conflictTitle,
        f.a.errors.bundleRefused(f.count(outcome.verdict.position)),
        f,
      );
      this.send(request, response, f, f.a.errors.conflictTitle, main, 409);
      return;
    }
    sendDownload(response, `${fileNameOf(deviceId)}.bundle.json`, 'application/json', serializeBundle(outcome.bundle));
  }

  /** A checkpoint of the current head, signed now: what an auditor keeps to check the store against later. */
  @Get('checkpoint')
  async checkpoint(@Req() request: Request, @Res() response: Response): Promise<void> {
    const f = this.formats(request);
    const outcome = await this.queryBus.execute(new SignCheckpoint());
    if (outcome.kind !== 'signed') {
      const message =
        outcome.kind === 'empty'
          ? f.a.errors.checkpointRefusedEmpty
          : f.a.errors.bundleRefused(f.count(outcome.verdict.position));
      this.send(
        request,
        response,
        f,
        f.a.errors.conflictTitle,
        renderProblem(f.a.errors.conflictTitle, message, f),
        409,
      );
      return;
    }
    const { checkpoint } = outcome;
    sendDownload(
      response,
      `checkpoint-${checkpoint.position}.json`,
      'application/json',
      serializeCheckpoint(checkpoint),
    );
  }

  /** The public half of the deployment's signing key, which checks its checkpoints and bundles. */
  @Get('signing-key.pub')
  publicKey(@Res() response: Response): void {
    const key = this.keys.current();
    const pem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    sendDownload(response, `kierto-${key.keyId}.pub`, 'application/x-pem-file', pem);
  }

  /**
   * The slider's script (CSP: scripts from this origin only). Static code without data, so public:
   * a page's script is fetched before anyone could be refused, and it shows nothing by itself.
   */
  @Get('as-of-slider.js')
  @Public()
  sliderScript(@Res() response: Response): void {
    response.setHeader('Cache-Control', 'public, max-age=3600');
    response.type('application/javascript').send(SLIDER_SCRIPT);
  }

  private sendNotFound(request: Request, response: Response, f: Formats, deviceId: string): void {
    const main = renderProblem(f.a.errors.notFoundTitle, f.a.errors.notFound(deviceId), f);
    this.send(request, response, f, f.a.errors.notFoundTitle, main, 404);
  }

  private async overviewInput(
    parts: Partial<Pick<OverviewInput, 'form' | 'errors' | 'problem'>>,
  ): Promise<OverviewInput> {
    const verdict: ChainVerdict = await this.queryBus.execute(new VerifyChain());
    const checkedAt = new Date().toISOString();
    const deviceAtFailure = verdict.ok ? null : await this.queryBus.execute(new DeviceAtPosition(verdict.position));
    return {
      verdict,
      checkedAt,
      deviceAtFailure,
      keyId: this.keys.current().keyId,
      form: parts.form ?? { deviceId: '', gtin: '', serial: '' },
      errors: parts.errors ?? new Map(),
      problem: parts.problem ?? null,
    };
  }
}

/**
 * The device the form names: a Kierto id, or GTIN + serial made into one as registration does
 * (deviceIdOf). Null, with the fields at fault in `errors`, when it names none.
 */
function deviceIdFromForm(
  form: { readonly deviceId: string; readonly gtin: string; readonly serial: string },
  errors: Map<string, AuditorFieldProblem>,
): string | null {
  const deviceId = form.deviceId.trim();
  if (deviceId !== '') {
    if (isWellFormedDeviceId(deviceId)) return deviceId;
    errors.set('deviceId', 'device-id-malformed');
    return null;
  }
  if (form.gtin.trim() === '' || form.serial.trim() === '') {
    errors.set(form.gtin.trim() === '' ? 'gtin' : 'serial', 'device-or-gtin');
    return null;
  }
  try {
    return deviceIdOf({ gtin: form.gtin.trim(), serialNumber: form.serial });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.field === 'gtin') errors.set('gtin', 'gtin-invalid');
    else errors.set('serial', 'serial-invalid');
    return null;
  }
}

/** Brand and model, else the manufacturer and model, else the device id. */
function displayName(
  identity: { readonly brand: string | null; readonly manufacturer: string | null; readonly model: string | null },
  deviceId: string,
): string {
  const named = [identity.brand ?? identity.manufacturer, identity.model].filter((part) => part !== null).join(' ');
  return named === '' ? deviceId : named;
}

/** A file name from a device id: its characters outside [A-Za-z0-9._-] become `_`. */
function fileNameOf(deviceId: string): string {
  return deviceId.replace(/[^A-Za-z0-9._-]/g, '_');
}

function sendDownload(response: Response, fileName: string, type: string, body: string): void {
  response.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.status(200).type(type).send(body);
}

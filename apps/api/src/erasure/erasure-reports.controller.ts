import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiPropertyOptional,
  ApiProperty,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import type { Request, Response } from 'express';
import { isWellFormedDeviceId, type DeviceDataWipedData } from '#kierto/domain';
import type { CommandContext, CommandOutcome } from '#kierto/application';
import type { EventStore, StoredEvent } from '#kierto/event-store';
import {
  decodeUtf8,
  didWebOf,
  ErasureReportError,
  parseBlanccoXml,
  parseErasureCsv,
  parseNwipeLog,
  reportIdOf,
  signCertificate,
  verificationMethodId,
  type CertifiedWipe,
  type ErasureReport,
  type SanitisationCertificate,
  type SignedCertificate,
} from '#kierto/interop';
import { Requires } from '../access/decorators.js';
import { actorFor } from '../access/principal.js';
import type { ApiConfig } from '../config.js';
import { RecordDeviceEvent } from '../devices/record-device-event.js';
import { API_CONFIG, EVENT_STORE } from '../event-store.provider.js';
import { ApiError, badRequest } from '../http/api-error.js';
import { now } from '../http/command-context.js';
import { correlationIdOf } from '../http/request-context.js';
import { SigningKeys } from '../signing/signing-key.js';
import { certificatePdf } from './certificate-pdf.js';
import { certifiedWipeOf, deviceCertificate, reportCertificate } from './certificates.js';
import { importErasureReport, resolveUnmatched, schemaProblems, wipeOf, type RecordWipe } from './erasure-import.js';
import type { ErasureStore, StoredReport, UnmatchedMedium } from './erasure-store.js';

export const ERASURE_STORE = Symbol('ERASURE_STORE');

/** Largest report accepted: an nwipe log of a busy day is a few hundred kilobytes. */
export const MAX_REPORT_BYTES = 8 * 1024 * 1024;

/** Content-Type → parser. nwipe writes plain text; Blancco XML; the generic format is CSV. */
const PARSERS: readonly {
  readonly types: readonly string[];
  readonly parse: (bytes: Buffer, utcOffset: string) => ErasureReport;
}[] = [
  // nwipe prints whatever bytes a drive returns as its serial (garbage for virtual disks): read
  // leniently, such a serial then counts as unreadable (readableSerial).
  {
    types: ['text/plain', 'text/x-nwipe-log'],
    parse: (bytes, utcOffset) => parseNwipeLog(new TextDecoder().decode(bytes), utcOffset),
  },
  { types: ['application/xml', 'text/xml'], parse: (bytes) => parseBlanccoXml(decodeUtf8(bytes)) },
  { types: ['text/csv'], parse: (bytes) => parseErasureCsv(decodeUtf8(bytes)) },
];

export class ErasureReportQuery {
  @ApiPropertyOptional({
    description: "The wiping machine's UTC offset, for nwipe logs (their times have no zone); default Z",
    example: '+02:00',
  })
  @IsOptional()
  @Matches(/^(Z|[+-](0\d|1[0-4]):[0-5]\d)$/, { message: 'utcOffset is Z or ±hh:mm' })
  utcOffset?: string;
}

export class UnmatchedQuery {
  @ApiPropertyOptional({ description: 'open (default): waiting media; all: resolved ones too', enum: ['open', 'all'] })
  @IsOptional()
  @IsIn(['open', 'all'])
  state?: 'open' | 'all';
}

export class ResolutionBody {
  @ApiProperty({ description: 'The Kierto device id the medium sat in', example: 'mfr:lenovo:PF1KQ2ZX' })
  @IsString()
  @Length(1, 300)
  deviceId!: string;
}

export interface ReportMediumView {
  readonly index: number;
  readonly make: string | null;
  readonly model: string | null;
  readonly serialNumber: string | null;
  readonly capacityGb: number;
  readonly method: string;
  readonly verified: boolean;
  readonly result: string;
  readonly deviceId: string | null;
  readonly eventId: string | null;
  /** The queue entry while it waits (or once it was resolved), else null. */
  readonly unmatched: { readonly id: string; readonly reason: string; readonly resolvedTo: string | null } | null;
}

export interface ReportView {
  readonly reportId: string;
  readonly replayed: boolean;
  readonly format: string;
  readonly tool: { readonly name: string; readonly version: string };
  readonly toolReportId: string | null;
  readonly receivedAt: string;
  readonly media: readonly ReportMediumView[];
  readonly certificate: string;
}

function reportView(report: StoredReport, replayed: boolean, queue: readonly UnmatchedMedium[]): ReportView {
  return {
    reportId: report.id,
    replayed,
    format: report.format,
    tool: report.tool,
    toolReportId: report.toolReportId,
    receivedAt: report.receivedAt,
    media: report.outcomes.map((outcome) => {
      const medium = report.media[outcome.index];
      const queued = queue.find((item) => item.id === outcome.unmatchedId);
      return {
        index: outcome.index,
        make: medium?.make ?? null,
        model: medium?.model ?? null,
        serialNumber: medium?.serialNumber ?? null,
        capacityGb: medium?.capacityGb ?? 0,
        method: medium?.methodName ?? '',
        verified: medium?.verified ?? false,
        result: medium?.result ?? 'failed',
        deviceId: outcome.deviceId ?? queued?.resolution?.deviceId ?? null,
        eventId: outcome.eventId ?? queued?.resolution?.eventId ?? null,
        unmatched:
          outcome.unmatchedId === null
            ? null
            : {
                id: outcome.unmatchedId,
                reason: outcome.reason ?? '',
                resolvedTo: queued?.resolution?.deviceId ?? null,
              },
      };
    }),
    certificate: `/erasure-reports/${report.id}/sanitisation-certificate`,
  };
}

function checkDeviceId(deviceId: string, field: string): string {
  if (!isWellFormedDeviceId(deviceId)) {
    throw badRequest('INVALID_DEVICE_ID', field, `${deviceId} is not a Kierto device id (gtin:… or mfr:…)`);
  }
  return deviceId;
}

/** The body's bytes: the JSON parser leaves other media types unread. */
async function readBody(request: Request): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REPORT_BYTES) {
      throw new ApiError(413, 'REPORT_TOO_LARGE', `An erasure report holds at most ${MAX_REPORT_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Certificates are signed by the deployment's did:web: without a public URL there is none. */
function issuerOf(config: ApiConfig): string {
  if (config.publicUrl === null) {
    throw new ApiError(
      503,
      'PUBLIC_URL_NOT_CONFIGURED',
      'This deployment issues no certificates: set KIERTO_PUBLIC_URL to its public https address (the issuer is its did:web)',
    );
  }
  return didWebOf(config.publicUrl);
}

/** Signed JSON, or the PDF when the client asks for it (Accept: application/pdf). */
async function answerCertificate(
  certificate: SanitisationCertificate,
  keys: SigningKeys,
  request: Request,
  response: Response,
): Promise<SignedCertificate | StreamableFile> {
  const key = keys.current();
  const signed = signCertificate(certificate, key.privateKey, verificationMethodId(certificate.issuer, key.keyId));
  response.vary('Accept');
  if (request.accepts(['application/json', 'application/pdf']) === 'application/pdf') {
    return new StreamableFile(await certificatePdf(signed), {
      type: 'application/pdf',
      disposition: 'inline; filename="sanitisation-certificate.pdf"',
    });
  }
  return signed;
}

@ApiTags('erasure')
@Controller('erasure-reports')
export class ErasureReportsController {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(ERASURE_STORE) private readonly erasure: ErasureStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly keys: SigningKeys,
  ) {}

  private readonly record: RecordWipe = (deviceId, occurredAt, data: DeviceDataWipedData, context: CommandContext) =>
    this.commandBus.execute<RecordDeviceEvent, CommandOutcome>(
      new RecordDeviceEvent({ kind: 'RecordDataWipe', deviceId, occurredAt, now: now(), data }, context),
    );

  @Post()
  @Requires('device:wipe')
  @ApiOperation({
    summary:
      'Import the report an erasure tool wrote (refurbishers): each medium becomes a wipe on its device, or waits in the queue (docs/erasure.md)',
  })
  @ApiConsumes('text/plain', 'text/x-nwipe-log', 'application/xml', 'text/xml', 'text/csv')
  @ApiBody({ schema: { type: 'string', description: 'nwipe log (text/plain), Blancco-style XML, or the generic CSV' } })
  @ApiResponse({ status: 201, description: 'Imported: each medium with its device and event, or its queue entry' })
  @ApiResponse({ status: 200, description: 'This report was imported before: the same answer, nothing appended' })
  @ApiResponse({ status: 400, description: 'The report cannot be read: `error.code` says why, `fields` where' })
  @ApiResponse({ status: 413, description: 'REPORT_TOO_LARGE' })
  @ApiResponse({ status: 415, description: 'UNSUPPORTED_MEDIA_TYPE: not one of the report types' })
  async importReport(
    @Query() query: ErasureReportQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReportView> {
    const parser = PARSERS.find((candidate) => candidate.types.some((type) => request.is(type) === type));
    if (parser === undefined) {
      throw new ApiError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'Send an erasure report as text/plain (nwipe log), application/xml (Blancco-style) or text/csv',
      );
    }
    const actor = actorFor(request, 'device:wipe');
    const bytes = await readBody(request);
    if (bytes.length === 0) throw badRequest('REPORT_EMPTY', '(body)', 'The report is empty');
    let report: ErasureReport;
    try {
      report = parser.parse(bytes, query.utcOffset ?? 'Z');
    } catch (error) {
      if (error instanceof ErasureReportError) throw badRequest(error.code, error.field, error.message);
      if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
        throw badRequest(error.code, '(body)', error.message);
      }
      throw error;
    }
    const result = await importErasureReport(this.erasure, this.record, {
      report,
      reportId: reportIdOf(bytes),
      actor,
      correlationId: correlationIdOf(request) ?? randomUUID(),
      receivedAt: now(),
    });
    response.status(result.replayed ? 200 : 201);
    response.setHeader('Location', `/erasure-reports/${result.report.id}`);
    return reportView(result.report, result.replayed, await this.erasure.listUnmatched(actor.organisationId, true));
  }

  @Get('unmatched')
  @Requires('device:wipe')
  @ApiOperation({ summary: "The organisation's queue: media of its reports that matched no device, oldest first" })
  async unmatched(@Query() query: UnmatchedQuery, @Req() request: Request): Promise<{ items: UnmatchedMedium[] }> {
    const actor = actorFor(request, 'device:wipe');
    return { items: await this.erasure.listUnmatched(actor.organisationId, query.state === 'all') };
  }

  @Post('unmatched/:id/resolution')
  @HttpCode(201)
  @Requires('device:wipe')
  @ApiOperation({
    summary: 'Name the device a queued medium sat in: its wipe is recorded there, and the drive is remembered',
  })
  @ApiParam({ name: 'id' })
  @ApiResponse({ status: 404, description: 'UNMATCHED_MEDIUM_NOT_FOUND (not in your queue), DEVICE_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'ALREADY_RESOLVED: resolved to another device' })
  @ApiResponse({ status: 422, description: 'The device refuses the wipe: `error.code` names the rule' })
  async resolve(
    @Param('id') id: string,
    @Body() body: ResolutionBody,
    @Req() request: Request,
  ): Promise<{ id: string; deviceId: string; eventId: string; replayed: boolean }> {
    const actor = actorFor(request, 'device:wipe');
    const deviceId = checkDeviceId(body.deviceId, 'deviceId');
    const item = await this.erasure.unmatched(actor.organisationId, id);
    if (item === null) throw new ApiError(404, 'UNMATCHED_MEDIUM_NOT_FOUND', `No medium ${id} waits in your queue`);
    if (item.resolution !== null && item.resolution.deviceId !== deviceId) {
      throw new ApiError(
        409,
        'ALREADY_RESOLVED',
        `The medium ${id} was resolved to ${item.resolution.deviceId} already`,
      );
    }
    const report = await this.erasure.report(actor.organisationId, item.reportId);
    const problems = report === null ? [] : schemaProblems(item.queuedAt, wipeOf(report, report.id, [item.medium]));
    if (problems.length > 0)
      throw new ApiError(422, 'INVALID_WIPE', `The medium cannot be recorded: ${problems.join('; ')}`);
    const outcome = await resolveUnmatched(this.erasure, this.record, {
      item,
      deviceId,
      actor,
      correlationId: correlationIdOf(request) ?? randomUUID(),
      now: now(),
    });
    return { id, deviceId, eventId: outcome.events[0]?.eventId ?? '', replayed: outcome.replayed };
  }

  @Get(':reportId')
  @Requires('device:wipe')
  @ApiOperation({ summary: 'An imported report of your organisation: each medium and what became of it' })
  @ApiParam({ name: 'reportId' })
  @ApiResponse({ status: 404, description: 'REPORT_NOT_FOUND' })
  async report(@Param('reportId') reportId: string, @Req() request: Request): Promise<ReportView> {
    const actor = actorFor(request, 'device:wipe');
    return reportView(
      await this.requireReport(actor.organisationId, reportId),
      true,
      await this.erasure.listUnmatched(actor.organisationId, true),
    );
  }

  @Get(':reportId/sanitisation-certificate')
  @Requires('device:wipe')
  @ApiOperation({
    summary:
      "A report's data sanitisation certificate (the batch): signed JSON ({certificate, proof.jws}), or the PDF with Accept: application/pdf",
  })
  @ApiParam({ name: 'reportId' })
  @ApiProduces('application/json', 'application/pdf')
  @ApiResponse({ status: 404, description: 'REPORT_NOT_FOUND' })
  @ApiResponse({ status: 503, description: 'PUBLIC_URL_NOT_CONFIGURED' })
  async reportCertificate(
    @Param('reportId') reportId: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SignedCertificate | StreamableFile> {
    const actor = actorFor(request, 'device:wipe');
    const report = await this.requireReport(actor.organisationId, reportId);
    const issuer = issuerOf(this.config);
    const queue = (await this.erasure.listUnmatched(actor.organisationId, true)).filter(
      (item) => item.reportId === report.id,
    );
    const eventIds = [
      ...report.outcomes.map((outcome) => outcome.eventId),
      ...queue.map((item) => item.resolution?.eventId ?? null),
    ].filter((eventId): eventId is string => eventId !== null);
    const wipes: CertifiedWipe[] = [];
    for (const eventId of [...new Set(eventIds)]) {
      const event = await this.store.findEvent(eventId);
      if (event !== null)
        wipes.push(await certifiedWipeOf(event, (organisationId, id) => this.erasure.report(organisationId, id)));
    }
    const waiting = queue.filter((item) => item.resolution === null).map((item) => item.medium);
    return answerCertificate(reportCertificate(report, wipes, waiting, issuer), this.keys, request, response);
  }

  private async requireReport(organisationId: string, reportId: string): Promise<StoredReport> {
    const report = await this.erasure.report(organisationId, reportId);
    if (report === null)
      throw new ApiError(404, 'REPORT_NOT_FOUND', `Your organisation imported no report ${reportId}`);
    return report;
  }
}

/** GET /devices/{id}/sanitisation-certificate: beside the device routes, in this feature's module. */
@ApiTags('erasure')
@Controller('devices')
export class DeviceCertificatesController {
  constructor(
    @Inject(ERASURE_STORE) private readonly erasure: ErasureStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly keys: SigningKeys,
  ) {}

  @Get(':deviceId/sanitisation-certificate')
  @Requires('passport:read-repairer')
  @ApiOperation({
    summary:
      "A device's data sanitisation certificate: every wipe in its history, signed JSON ({certificate, proof.jws}), or the PDF with Accept: application/pdf",
  })
  @ApiParam({ name: 'deviceId' })
  @ApiProduces('application/json', 'application/pdf')
  @ApiResponse({ status: 404, description: 'DEVICE_NOT_FOUND, NO_WIPE_RECORDED' })
  @ApiResponse({ status: 503, description: 'PUBLIC_URL_NOT_CONFIGURED' })
  async certificate(
    @Param('deviceId') deviceId: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SignedCertificate | StreamableFile> {
    checkDeviceId(deviceId, 'deviceId');
    const issuer = issuerOf(this.config);
    const events: StoredEvent[] = await this.store.readStream(deviceId);
    if (events.length === 0) throw new ApiError(404, 'DEVICE_NOT_FOUND', `No device ${deviceId} is registered`);
    if (!events.some((event) => event.type === 'DeviceDataWiped')) {
      throw new ApiError(404, 'NO_WIPE_RECORDED', `No data wipe is recorded for ${deviceId}`);
    }
    const certificate = await deviceCertificate(
      deviceId,
      events,
      (organisationId, id) => this.erasure.report(organisationId, id),
      issuer,
    );
    return answerCertificate(certificate, this.keys, request, response);
  }
}

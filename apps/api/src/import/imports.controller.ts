import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Transform, type TransformCallback } from 'node:stream';
import type { Permission } from '#kierto/access';
import type { EventStore } from '#kierto/event-store';
import { importNdjson, type ImportLineError, type ImportSummary } from '#kierto/import';
import { actorFor, requirePrincipal } from '../access/principal.js';
import { importAuthorisation } from './import-authorisation.js';
import { Requires } from '../access/decorators.js';
import { ApiError } from '../http/api-error.js';
import { correlationIdOf } from '../http/request-context.js';
import { EVENT_STORE } from '../event-store.provider.js';
import type { ApiMetrics } from '../metrics/metrics.js';
import { METRICS } from '../metrics/metrics.module.js';

/** The permission an import needs; each line is then checked like its command (import-authorisation.ts). */
export const IMPORT_PERMISSION: Permission = 'device:import';

/** Largest import body, separate from the JSON body limit (KIERTO_IMPORT_BODY_LIMIT, bytes). */
export const DEFAULT_IMPORT_BODY_LIMIT = 2 * 1024 * 1024 * 1024;
/** Error rows answered inline; the summary always counts them all. */
export const MAX_INLINE_ERRORS = 1_000;

export const IMPORT_BODY_LIMIT = Symbol('IMPORT_BODY_LIMIT');

export interface ImportResponse {
  readonly summary: ImportSummary;
  readonly errors: readonly ImportLineError[];
  /** True when more error rows exist than are listed (summary.refused counts them all). */
  readonly errorsTruncated: boolean;
}

/** Counts bytes and fails the stream once the limit is passed. */
class ByteLimit extends Transform {
  private seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) {
      callback(new ApiError(413, 'IMPORT_TOO_LARGE', `An import body holds at most ${this.limit} bytes`));
      return;
    }
    callback(null, chunk);
  }
}

@ApiTags('imports')
@Controller('imports')
export class ImportsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IMPORT_BODY_LIMIT) private readonly bodyLimit: number,
    @Inject(METRICS) private readonly metrics: ApiMetrics,
  ) {}

  @Post()
  @HttpCode(200)
  @Requires(IMPORT_PERMISSION)
  @ApiOperation({ summary: 'Bulk import of device events: NDJSON, one event per line (docs/import.md)' })
  @ApiConsumes('application/x-ndjson')
  @ApiBody({
    schema: {
      type: 'string',
      description: 'One import line per line: {type, deviceId?, occurredAt, eventId?, data} (docs/import.md)',
    },
  })
  @ApiResponse({
    status: 200,
    description:
      'The summary and the error rows (refused lines); the rest is imported. `summary.lastPosition` is the highest ' +
      'global position appended (null when nothing was): pass it as `minPosition` to read figures that include the import',
  })
  @ApiResponse({ status: 413, description: 'Body larger than the import limit' })
  @ApiResponse({ status: 415, description: 'Body is not application/x-ndjson' })
  async importEvents(@Req() request: Request): Promise<ImportResponse> {
    if (!request.is('application/x-ndjson')) {
      throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the import as Content-Type: application/x-ndjson');
    }
    const declared = Number(request.header('content-length') ?? '0');
    if (declared > this.bodyLimit) {
      throw new ApiError(413, 'IMPORT_TOO_LARGE', `An import body holds at most ${this.bodyLimit} bytes`);
    }
    const actor = actorFor(request, IMPORT_PERMISSION);
    const { organisation } = requirePrincipal(request);
    const errors: ImportLineError[] = [];
    const body = request.pipe(new ByteLimit(this.bodyLimit));
    request.on('error', (error) => body.destroy(error));
    const summary = await importNdjson(this.store, body, {
      actor,
      authorise: importAuthorisation(organisation, this.store),
      correlationId: correlationIdOf(request) ?? undefined,
      onError: (row) => {
        if (errors.length < MAX_INLINE_ERRORS) errors.push(row);
      },
    });
    this.metrics.countImport(summary);
    return { summary, errors, errorsTruncated: summary.refused > errors.length };
  }
}

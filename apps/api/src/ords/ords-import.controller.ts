import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Readable } from 'node:stream';
import type { EventStore } from '#kierto/event-store';
import { importNdjson } from '#kierto/import';
import {
  OrdsFileError,
  ordsErrorOfImportRow,
  ordsImportNdjson,
  readOrdsFile,
  type OrdsFile,
  type OrdsRecordError,
} from '#kierto/interop';
import { actorFor, requirePrincipal } from '../access/principal.js';
import { Requires } from '../access/decorators.js';
import { ApiError } from '../http/api-error.js';
import { correlationIdOf } from '../http/request-context.js';
import { EVENT_STORE } from '../event-store.provider.js';
import { importAuthorisation } from '../import/import-authorisation.js';
import { IMPORT_PERMISSION, MAX_INLINE_ERRORS } from '../import/imports.controller.js';
import type { ApiMetrics } from '../metrics/metrics.js';
import { METRICS } from '../metrics/metrics.module.js';

/**
 * Largest ORDS file (bytes). The file is read whole (the CSV reader is not incremental): 64 MiB holds
 * about 200 000 records, the size of a year of the Open Repair Alliance's aggregate.
 */
export const ORDS_IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

export interface OrdsImportSummary {
  /** Data records in the file. */
  readonly records: number;
  readonly imported: number;
  /** Records whose repair Kierto already holds (a re-run). */
  readonly duplicates: number;
  readonly refused: number;
  /** As for POST /imports: pass it as `minPosition` to read passports that include the import. */
  readonly lastPosition: number | null;
}

export interface OrdsImportResponse {
  readonly summary: OrdsImportSummary;
  /** One row per refused record, in line order: the line it starts on, the column at fault. */
  readonly errors: readonly OrdsRecordError[];
  readonly errorsTruncated: boolean;
}

async function readBody(request: Request, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limit) throw new ApiError(413, 'IMPORT_TOO_LARGE', `An ORDS file holds at most ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

@ApiTags('imports')
@Controller('imports/ords')
export class OrdsImportController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(METRICS) private readonly metrics: ApiMetrics,
  ) {}

  @Post()
  @HttpCode(200)
  @Requires(IMPORT_PERMISSION)
  @ApiOperation({
    summary: 'Import an Open Repair Data Standard v0.3 CSV file as repair events (docs/interop.md, "ORDS")',
  })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', description: 'ORDS v0.3 CSV, UTF-8, header row first' } })
  @ApiResponse({ status: 200, description: 'The summary and one row per refused record; the rest is imported' })
  @ApiResponse({
    status: 400,
    description: 'Not CSV, not UTF-8, or a header with an unknown, repeated or missing column',
  })
  @ApiResponse({ status: 413, description: 'File larger than 64 MiB' })
  @ApiResponse({ status: 415, description: 'Body is not text/csv' })
  async importOrds(@Req() request: Request): Promise<OrdsImportResponse> {
    if (!request.is('text/csv')) {
      throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the ORDS file as Content-Type: text/csv');
    }
    const actor = actorFor(request, IMPORT_PERMISSION);
    const { organisation } = requirePrincipal(request);
    const declared = Number(request.header('content-length') ?? '0');
    if (declared > ORDS_IMPORT_BODY_LIMIT) {
      throw new ApiError(413, 'IMPORT_TOO_LARGE', `An ORDS file holds at most ${ORDS_IMPORT_BODY_LIMIT} bytes`);
    }
    const file = parsed(await readBody(request, ORDS_IMPORT_BODY_LIMIT));
    const refused: OrdsRecordError[] = [...file.refused];
    // Through the bulk import: the same schema validation, access rule (a repairer records repairs),
    // decide and append as any imported line; event ids derive from the records' ids (idempotent).
    const summary = await importNdjson(this.store, Readable.from([ordsImportNdjson(file.lines)]), {
      actor,
      authorise: importAuthorisation(organisation, this.store),
      correlationId: correlationIdOf(request) ?? undefined,
      onError: (row) => {
        refused.push(ordsErrorOfImportRow(row, file));
      },
    });
    this.metrics.countImport({ ...summary, refused: summary.refused + file.refused.length });
    refused.sort((a, b) => a.line - b.line);
    return {
      summary: {
        records: file.records,
        imported: summary.imported,
        duplicates: summary.duplicates,
        refused: refused.length,
        lastPosition: summary.lastPosition,
      },
      errors: refused.slice(0, MAX_INLINE_ERRORS),
      errorsTruncated: refused.length > MAX_INLINE_ERRORS,
    };
  }
}

/** The file, or the 400 that says where it stops being an ORDS CSV file. */
function parsed(bytes: Buffer): OrdsFile {
  try {
    return readOrdsFile(bytes);
  } catch (error) {
    if (!(error instanceof OrdsFileError)) throw error;
    const at = `Line ${error.line}${error.column > 0 ? `, column ${error.column}` : ''}`;
    const message = `${at}: ${error.message}`;
    const field = error.field === '' ? `line ${error.line}` : error.field;
    throw new ApiError(400, error.code, message, [{ field, code: error.code, message }]);
  }
}

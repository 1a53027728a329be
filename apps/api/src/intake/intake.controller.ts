import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { actingRole, DEVICE_COMMAND_PERMISSIONS, type Organisation } from '#kierto/access';
import { DEVICE_COMMAND_OF } from '#kierto/domain';
import {
  MAPPING_NAME,
  mappingProblems,
  previewRows,
  type ColumnMapping,
  type IntakeJob,
  type IntakeStore,
  type PreviewRow,
  type SavedMapping,
  type Sheet,
} from '#kierto/import';
import { readSheet, SheetError, writeErrorSheet, XLSX_MEDIA_TYPE, type SheetFormat } from '#kierto/interop';
import { actorFor, forbidden, requirePrincipal } from '../access/principal.js';
import { Requires } from '../access/decorators.js';
import { ApiError, badRequest } from '../http/api-error.js';
import { correlationIdOf } from '../http/request-context.js';
import { IMPORT_PERMISSION } from '../import/imports.controller.js';
import { INTAKE_STORE, IntakeJobs } from './intake-jobs.js';

/** Limits of a sheet sent for intake (read whole: an XLSX file is a zip, read by exceljs in memory). */
export interface IntakeLimits {
  readonly bodyBytes: number;
  readonly rows: number;
}
export const INTAKE_LIMITS = Symbol('INTAKE_LIMITS');
export const DEFAULT_INTAKE_LIMITS: IntakeLimits = { bodyBytes: 64 * 1024 * 1024, rows: 1_000_000 };

/** Rows a preview shows by default and at most. */
const PREVIEW_ROWS = 10;
const MAX_PREVIEW_ROWS = 100;

export interface IntakeJobStatus {
  readonly id: string;
  readonly mapping: string;
  readonly state: IntakeJob['state'];
  readonly rows: number;
  readonly rowsRead: number;
  readonly imported: number;
  readonly duplicates: number;
  readonly refused: number;
  readonly rowsPerSecond: number;
  readonly etaSeconds: number | null;
  readonly elapsedMs: number;
  readonly lastPosition: number | null;
  readonly failure: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly errors: string;
}

function statusOf(job: IntakeJob): IntakeJobStatus {
  return {
    id: job.id,
    mapping: job.mapping,
    state: job.state,
    ...job.progress,
    lastPosition: job.lastPosition,
    failure: job.failure,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
    errors: `/intake/jobs/${job.id}/errors.csv`,
  };
}

/** The sheet's format from its Content-Type; multipart is not read (send the file as the body). */
function formatOf(request: Request): SheetFormat {
  if (request.is('text/csv')) return 'csv';
  if (request.is(XLSX_MEDIA_TYPE)) return 'xlsx';
  throw new ApiError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    `Send the sheet itself as the body, Content-Type: text/csv or ${XLSX_MEDIA_TYPE}`,
  );
}

async function readBody(request: Request, limit: number): Promise<Buffer> {
  const tooLarge = (): ApiError => new ApiError(413, 'IMPORT_TOO_LARGE', `A sheet holds at most ${limit} bytes`);
  if (Number(request.header('content-length') ?? '0') > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The sheet, or the 400 that says where it cannot be read (row and column). */
async function sheetOf(request: Request, limits: IntakeLimits, sheetName: string | undefined): Promise<Sheet> {
  const format = formatOf(request);
  const bytes = await readBody(request, limits.bodyBytes);
  try {
    return await readSheet(bytes, format, { sheetName, maxRows: limits.rows });
  } catch (error) {
    if (!(error instanceof SheetError)) throw error;
    const status = error.code === 'TOO_MANY_ROWS' ? 413 : 400;
    const at = error.row > 0 ? `Row ${error.row}${error.column > 0 ? `, column ${error.column}` : ''}: ` : '';
    const field = error.code === 'SHEET_NOT_FOUND' ? 'sheet' : error.row > 0 ? `row ${error.row}` : 'body';
    const message = `${at}${error.message}`;
    throw new ApiError(status, error.code, message, [{ field, code: error.code, message }]);
  }
}

/** 400 INVALID_MAPPING listing each problem, or 403 when the organisation may not record the event. */
function checkMapping(organisation: Organisation, mapping: unknown, columns?: readonly string[]): ColumnMapping {
  const problems = mappingProblems(mapping, columns);
  if (problems.length > 0) {
    throw new ApiError(
      400,
      'INVALID_MAPPING',
      problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '),
      problems,
    );
  }
  const valid = mapping as ColumnMapping;
  const permission = DEVICE_COMMAND_PERMISSIONS[DEVICE_COMMAND_OF[valid.eventType]];
  if (!organisation.roles.includes('admin') && actingRole(organisation, permission) === null) {
    throw forbidden(
      permission,
      `Your organisation's roles do not allow ${permission} (${valid.eventType})`,
      'eventType',
    );
  }
  return valid;
}

function mappingName(name: unknown): string {
  if (typeof name !== 'string' || name === '')
    throw badRequest('REQUIRED', 'mapping', 'Name the saved column mapping: ?mapping=<name>');
  if (!MAPPING_NAME.test(name))
    throw badRequest('INVALID_VALUE', 'mapping', 'A mapping name is 1–64 letters, digits, ".", "_" or "-"');
  return name;
}

@ApiTags('intake')
@Controller('intake')
export class IntakeController {
  constructor(
    @Inject(INTAKE_STORE) private readonly intake: IntakeStore,
    @Inject(INTAKE_LIMITS) private readonly limits: IntakeLimits,
    private readonly jobs: IntakeJobs,
  ) {}

  @Put('mappings/:name')
  @Requires(IMPORT_PERMISSION)
  @ApiOperation({ summary: 'Save a column mapping of the organisation (docs/import.md, "Spreadsheets")' })
  @ApiResponse({ status: 200, description: 'The mapping as saved' })
  @ApiResponse({ status: 400, description: 'INVALID_MAPPING: unknown target field, event type, … (each in `fields`)' })
  @ApiResponse({ status: 403, description: "The organisation may not record the mapping's event type" })
  async putMapping(@Req() request: Request, @Param('name') name: string, @Body() body: unknown): Promise<SavedMapping> {
    const { organisation } = requirePrincipal(request);
    const valid = checkMapping(organisation, body);
    const saved = { name: mappingName(name), mapping: valid, updatedAt: new Date().toISOString() };
    await this.intake.putMapping(organisation.id, saved.name, valid, saved.updatedAt);
    return saved;
  }

  @Get('mappings/:name')
  @Requires(IMPORT_PERMISSION)
  @ApiOperation({ summary: 'A saved column mapping of the organisation' })
  @ApiResponse({ status: 404, description: 'MAPPING_NOT_FOUND' })
  async getMapping(@Req() request: Request, @Param('name') name: string): Promise<SavedMapping> {
    return this.savedMapping(requirePrincipal(request).organisation.id, mappingName(name));
  }

  @Post('preview')
  @HttpCode(200)
  @Requires(IMPORT_PERMISSION)
  @ApiOperation({
    summary: 'The first rows of a sheet as the import lines they would become, with their errors; changes nothing',
  })
  @ApiConsumes('text/csv', XLSX_MEDIA_TYPE)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  async preview(
    @Req() request: Request,
    @Query('mapping') name: unknown,
    @Query('sheet') sheetName: unknown,
    @Query('rows') rows: unknown,
  ): Promise<{ columns: readonly string[]; rows: number; preview: PreviewRow[] }> {
    const { organisation } = requirePrincipal(request);
    const count = rows === undefined ? PREVIEW_ROWS : Number(rows);
    if (!Number.isSafeInteger(count) || count < 1 || count > MAX_PREVIEW_ROWS)
      throw badRequest('OUT_OF_RANGE', 'rows', `rows is 1 to ${MAX_PREVIEW_ROWS}`);
    const saved = await this.savedMapping(organisation.id, mappingName(name));
    const sheet = await sheetOf(request, this.limits, typeof sheetName === 'string' ? sheetName : undefined);
    const mapping = checkMapping(organisation, saved.mapping, sheet.columns);
    return {
      columns: sheet.columns,
      rows: sheet.rows.length,
      preview: previewRows(sheet, mapping, organisation.id, count),
    };
  }

  @Post('jobs')
  @HttpCode(202)
  @Requires(IMPORT_PERMISSION)
  @ApiOperation({
    summary: 'Import a sheet (CSV or XLSX) through a saved mapping as a job; GET its Location for progress',
  })
  @ApiConsumes('text/csv', XLSX_MEDIA_TYPE)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 202, description: 'The job, queued; `Location` is its status' })
  @ApiResponse({
    status: 400,
    description: 'No mapping named, a sheet that cannot be read, or columns the mapping names missing',
  })
  @ApiResponse({ status: 404, description: 'MAPPING_NOT_FOUND' })
  @ApiResponse({ status: 413, description: 'A sheet over the size or row limit' })
  @ApiResponse({ status: 415, description: 'Body is not text/csv or XLSX' })
  async submit(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query('mapping') name: unknown,
    @Query('sheet') sheetName: unknown,
  ): Promise<IntakeJobStatus> {
    const actor = actorFor(request, IMPORT_PERMISSION);
    const { organisation } = requirePrincipal(request);
    const saved = await this.savedMapping(organisation.id, mappingName(name));
    const sheet = await sheetOf(request, this.limits, typeof sheetName === 'string' ? sheetName : undefined);
    const mapping = checkMapping(organisation, saved.mapping, sheet.columns);
    const job = await this.jobs.submit({
      organisation,
      actor,
      mappingName: saved.name,
      mapping,
      sheet,
      correlationId: correlationIdOf(request) ?? undefined,
    });
    response.setHeader('Location', `/intake/jobs/${job.id}`);
    return statusOf(job);
  }

  @Get('jobs/:id')
  @Requires(IMPORT_PERMISSION)
  @ApiOperation({
    summary: 'An intake job: state, rows read, imported, refused, rate, ETA, and at the end the last position',
  })
  @ApiResponse({ status: 404, description: "JOB_NOT_FOUND (also for another organisation's job)" })
  async status(@Req() request: Request, @Param('id') id: string): Promise<IntakeJobStatus> {
    return statusOf(await this.job(request, id));
  }

  @Get('jobs/:id/errors.csv')
  @Requires(IMPORT_PERMISSION)
  @ApiProduces('text/csv')
  @ApiOperation({
    summary: "The refused rows in the sheet's own layout, with an `error` column (code, column, message)",
  })
  @ApiResponse({ status: 404, description: 'JOB_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'JOB_NOT_FINISHED: the job is queued or running' })
  async errors(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Param('id') id: string,
  ): Promise<string> {
    const job = await this.job(request, id);
    // The refused rows are stored when the job ends: a partial list would read as a complete one.
    if (job.state === 'queued' || job.state === 'running')
      throw new ApiError(409, 'JOB_NOT_FINISHED', `Job ${job.id} is ${job.state}: its refused rows come when it ends`);
    // Set once the job is found and ended: an error answers the JSON error body.
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    return writeErrorSheet(job.columns, await this.intake.getJobErrors(job.id));
  }

  private async savedMapping(organisationId: string, name: string): Promise<SavedMapping> {
    const saved = await this.intake.getMapping(organisationId, name);
    if (saved === null)
      throw new ApiError(
        404,
        'MAPPING_NOT_FOUND',
        `Your organisation has no mapping "${name}" (PUT /intake/mappings/${name})`,
      );
    return saved;
  }

  private async job(request: Request, id: string): Promise<IntakeJob> {
    const job = await this.intake.getJob(requirePrincipal(request).organisation.id, id);
    if (job === null) throw new ApiError(404, 'JOB_NOT_FOUND', `No intake job ${id} of your organisation`);
    return job;
  }
}

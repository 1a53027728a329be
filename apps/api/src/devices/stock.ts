/**
 * The stock list, `GET /devices` without identifiers (docs/intake.md, "Stock"): the devices the
 * calling organisation holds (libs/projections/src/stock), filtered, cursor-paged, as JSON or CSV.
 */
import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  stockPage,
  utcOf,
  type AtCheckpoint,
  type ReadModelStore,
  type StockEntry,
  type StockFilter,
  type StockPage,
} from '#kierto/projections';
import { badRequest } from '../http/api-error.js';
import { ProjectionGate } from '../projections/projection-gate.js';
import { READ_MODELS } from '../projections/projections.tokens.js';
import { toCsv } from '../statistics/csv.js';
import { FindDeviceQuery } from './find-device.query.js';

export const STOCK_STATUSES = ['in-use', 'collected'] as const;
export const STOCK_WIPE_STATES = ['not-wiped', 'passed', 'failed'] as const;
const DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
export const DEFAULT_STOCK_LIMIT = 100;
export const MAX_STOCK_LIMIT = 1000;

/** GET /devices: the identifiers of a lookup, or the filters of the stock list (never both). */
export class DevicesQuery extends FindDeviceQuery {
  @ApiPropertyOptional({ description: 'Stock: lifecycle status', enum: STOCK_STATUSES })
  @IsOptional()
  @IsIn(STOCK_STATUSES)
  status?: (typeof STOCK_STATUSES)[number];

  @ApiPropertyOptional({ description: 'Stock: WEEE category (Annex III, 1–6)', minimum: 1, maximum: 6 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(6)
  category?: number;

  @ApiPropertyOptional({
    description: 'Stock: received at or after (a date, or a date-time with a zone)',
    example: '2026-11-01',
  })
  @IsOptional()
  @Matches(DATE_OR_TIME, { message: 'receivedFrom is a date (YYYY-MM-DD) or a date-time with a zone' })
  receivedFrom?: string;

  @ApiPropertyOptional({
    description: 'Stock: received before (a date, or a date-time with a zone)',
    example: '2026-12-01',
  })
  @IsOptional()
  @Matches(DATE_OR_TIME, { message: 'receivedBefore is a date (YYYY-MM-DD) or a date-time with a zone' })
  receivedBefore?: string;

  @ApiPropertyOptional({ description: 'Stock: the latest wipe since the device was received', enum: STOCK_WIPE_STATES })
  @IsOptional()
  @IsIn(STOCK_WIPE_STATES)
  wipe?: (typeof STOCK_WIPE_STATES)[number];

  @ApiPropertyOptional({ description: 'Stock: only the devices put in this lot (POST /lots/{lotId}/devices)' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { message: 'lot is a lot id: letters, digits and ._- (1–100)' })
  lot?: string;

  @ApiPropertyOptional({ description: `Stock: rows per page, 1–${MAX_STOCK_LIMIT} (default ${DEFAULT_STOCK_LIMIT})` })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_STOCK_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'Stock: the nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;

  @ApiPropertyOptional({
    description: 'Stock: wait until the stock includes this global position (from a command response)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

const LOOKUP_FIELDS = ['gtin', 'manufacturer', 'serialNumber', 'issuer', 'localId'] as const;
const STOCK_FIELDS = [
  'status',
  'category',
  'receivedFrom',
  'receivedBefore',
  'wipe',
  'lot',
  'limit',
  'cursor',
  'minPosition',
] as const;

/** Whether the query asks for the stock list (no identifier given); a stock filter beside an identifier is a 400. */
export function isStockQuery(query: DevicesQuery): boolean {
  const lookup = LOOKUP_FIELDS.some((field) => query[field] !== undefined);
  if (!lookup) return true;
  const filter = STOCK_FIELDS.find((field) => query[field] !== undefined);
  if (filter !== undefined) {
    throw badRequest(
      'STOCK_FILTER_WITH_LOOKUP',
      filter,
      `${filter} filters the stock list; a lookup by identifiers takes none`,
    );
  }
  return false;
}

/** A date is its day's start in UTC; a date-time the instant it names. */
function instantOf(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  const time = value.length === 10 ? `${value}T00:00:00Z` : value;
  if (Number.isNaN(Date.parse(time)))
    throw badRequest('INVALID_TIMESTAMP', field, `${value} is not a real date or time`);
  return utcOf(time) ?? undefined;
}

const encodeCursor = (last: NonNullable<StockPage['last']>): string =>
  Buffer.from(JSON.stringify([last.receivedAt, last.deviceId])).toString('base64url');

function decodeCursor(cursor: string | undefined): StockFilter['after'] {
  if (cursor === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { receivedAt: value[0], deviceId: value[1] };
    }
  } catch {
    // Falls through to the 400 below.
  }
  throw badRequest('INVALID_CURSOR', 'cursor', 'cursor is not a nextCursor this endpoint gave out');
}

export function stockFilterOf(holder: string, query: DevicesQuery): StockFilter {
  return {
    holder,
    status: query.status,
    weeeCategory: query.category,
    receivedFrom: instantOf(query.receivedFrom, 'receivedFrom'),
    receivedBefore: instantOf(query.receivedBefore, 'receivedBefore'),
    wipe: query.wipe,
    lot: query.lot,
    after: decodeCursor(query.cursor),
    limit: query.limit ?? DEFAULT_STOCK_LIMIT,
  };
}

export class GetStock extends Query<AtCheckpoint<StockPage>> {
  constructor(
    readonly filter: StockFilter,
    readonly minPosition: number | undefined,
  ) {
    super();
  }
}

@QueryHandler(GetStock)
export class GetStockHandler implements IQueryHandler<GetStock> {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    private readonly gate: ProjectionGate,
  ) {}

  async execute({ filter, minPosition }: GetStock): Promise<AtCheckpoint<StockPage>> {
    await this.gate.reach('stock', minPosition);
    return stockPage(this.readModels, filter);
  }
}

export interface StockDocument {
  readonly holder: string;
  readonly items: readonly Omit<StockEntry, 'globalPosition'>[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
  readonly basis: { readonly checkpoint: number };
}

export function stockDocument(holder: string, { value, checkpoint }: AtCheckpoint<StockPage>): StockDocument {
  return {
    holder,
    items: value.entries.map(({ globalPosition: _position, ...entry }) => entry),
    nextCursor: value.more && value.last !== null ? encodeCursor(value.last) : null,
    basis: { checkpoint },
  };
}

export const STOCK_CSV_HEADER = [
  'device_id',
  'status',
  'weee_category',
  'received_at',
  'wipe',
  'wiped_at',
  'manufacturer',
  'brand',
  'model',
  'serial_number',
] as const;

export function stockCsv(document: StockDocument): string {
  return toCsv(
    STOCK_CSV_HEADER,
    document.items.map((item) => [
      item.deviceId,
      item.status,
      item.weeeCategory,
      item.receivedAt,
      item.wipe,
      item.wipedAt,
      item.manufacturer,
      item.brand,
      item.model,
      item.serialNumber,
    ]),
  );
}

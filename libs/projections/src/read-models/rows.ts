/**
 * Rows as both adapters return them, read into typed values. PostgreSQL hands bigint and numeric
 * sums back as strings; SQLite as numbers. Everything numeric goes through `integer`, which refuses
 * what a JavaScript number cannot hold exactly.
 */
import type { Market, TreatmentLocation, WeeeCategory } from '../../../domain/src/index.js';
import { MEASURES, type Measure, type StatisticsFact } from '../statistics/facts.js';
import { PROJECTION_NAMES, type ProjectionName } from '../projection.js';
import type { AttributedFact, QuarantinedEvent, SumDimension, SumRow } from './port.js';
import { FACT_INSERT_COLUMNS, isMeasure, type SqlParam } from '../statistics/sql.js';

export type Row = Record<string, unknown>;

export function integer(value: unknown, column: string): number {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw new RangeError(`Column ${column} holds ${String(value)}, not a safe integer`);
  }
  return number;
}

const nullableInteger = (value: unknown, column: string): number | null => (value === null ? null : integer(value, column));

function text(value: unknown, column: string): string {
  if (typeof value !== 'string') throw new TypeError(`Column ${column} holds ${String(value)}, not text`);
  return value;
}

const nullableText = (value: unknown, column: string): string | null => (value === null ? null : text(value, column));

function measure(value: unknown): Measure {
  const name = text(value, 'measure');
  if (!isMeasure(name, MEASURES)) throw new RangeError(`Unknown measure ${name}`);
  return name;
}

/** Stored by this code only, so the narrowing casts below restate what was written. */
const category = (value: unknown): WeeeCategory => integer(value, 'category') as WeeeCategory;
const market = (value: unknown): Market => text(value, 'market') as Market;
const treatment = (value: unknown): TreatmentLocation | null =>
  value === null || value === '' ? null : (text(value, 'treatment') as TreatmentLocation);

export function sumRow(row: Row, groupBy: readonly SumDimension[]): SumRow {
  return {
    year: integer(row['year'], 'year'),
    measure: measure(row['measure']),
    category: groupBy.includes('category') ? category(row['category']) : null,
    market: groupBy.includes('market') ? market(row['market']) : null,
    treatment: groupBy.includes('treatment') ? treatment(row['treatment']) : null,
    massMg: integer(row['mass_mg'], 'mass_mg'),
    units: integer(row['units'], 'units'),
    value: integer(row['indicator_sum'], 'indicator_sum'),
    facts: integer(row['facts'], 'facts'),
  };
}

export function factRow(row: Row): AttributedFact {
  return {
    globalPosition: integer(row['global_position'], 'global_position'),
    measure: measure(row['measure']),
    eventId: text(row['event_id'], 'event_id'),
    deviceId: text(row['device_id'], 'device_id'),
    recordedAt: text(row['recorded_at'], 'recorded_at'),
    occurredAt: text(row['occurred_at'], 'occurred_at'),
    year: integer(row['year'], 'year'),
    country: text(row['country'], 'country'),
    producerId: nullableText(row['producer_id'], 'producer_id'),
    onBehalfOf: nullableText(row['on_behalf_of'], 'on_behalf_of'),
    attributedAt: integer(row['attributed_ms'], 'attributed_ms'),
    category: category(row['category']),
    market: market(row['market']),
    treatment: treatment(row['treatment']),
    massMg: integer(row['mass_mg'], 'mass_mg'),
    units: integer(row['units'], 'units'),
    value: nullableInteger(row['indicator_value'], 'indicator_value'),
    organisationId: nullableText(row['organisation_id'], 'organisation_id'),
  };
}

/** A fact's values in FACT_INSERT_COLUMNS order. */
export function factValues(fact: StatisticsFact): SqlParam[] {
  const values: Record<(typeof FACT_INSERT_COLUMNS)[number], SqlParam> = {
    global_position: fact.globalPosition,
    measure: fact.measure,
    event_id: fact.eventId,
    device_id: fact.deviceId,
    recorded_at: fact.recordedAt,
    occurred_at: fact.occurredAt,
    year: fact.year,
    country: fact.country,
    producer_id: fact.producerId,
    on_behalf_of: fact.onBehalfOf,
    attributed_ms: fact.attributedAt,
    category: fact.category,
    market: fact.market,
    treatment: fact.treatment,
    mass_mg: fact.massMg,
    units: fact.units,
    indicator_value: fact.value,
  };
  return FACT_INSERT_COLUMNS.map((column) => values[column]);
}

/** Integer-looking columns of dumped rows become numbers, so SQLite and PostgreSQL dumps compare equal. */
const INTEGER_COLUMNS = new Set([
  'position',
  'global_position',
  'year',
  'attributed_ms',
  'category',
  'mass_mg',
  'units',
  'indicator_value',
  'joined_position',
  'joined_ms',
  'left_ms',
  'left_position',
  'indicator_sum',
  'facts',
]);

export function normaliseDumpRow(row: Row): Row {
  const out: Row = {};
  for (const [column, value] of Object.entries(row)) {
    if (column === 'document') out[column] = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
    else if (INTEGER_COLUMNS.has(column) && value !== null) out[column] = integer(value, column);
    else out[column] = value;
  }
  return out;
}

/** Longest reason kept for a quarantined event: an error message, never a payload dump. */
export const QUARANTINE_REASON_MAX = 2000;

/** A quarantined event's values in the column order of the quarantine INSERT of both adapters. */
export function quarantineValues(event: QuarantinedEvent): SqlParam[] {
  return [
    event.name,
    event.globalPosition,
    event.eventId,
    event.eventType,
    event.streamId,
    storableText(event.reason.slice(0, QUARANTINE_REASON_MAX)),
    event.quarantinedAt,
  ];
}

/**
 * An error message may quote the bad value itself, and PostgreSQL text refuses NUL and lone
 * surrogates (the cut above can split a pair too): a reason that could not be stored would fail
 * the very page that isolates the event, so those characters become U+FFFD.
 */
function storableText(value: string): string {
  return value.replaceAll('\u0000', '\ufffd').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** A quarantine row; rows of a projection this code no longer has are skipped (as checkpoints are). */
export function quarantineRow(row: Row): QuarantinedEvent[] {
  const name = PROJECTION_NAMES.find((known) => known === row['name']);
  if (name === undefined) return [];
  return [
    {
      name,
      globalPosition: integer(row['global_position'], 'global_position'),
      eventId: text(row['event_id'], 'event_id'),
      eventType: text(row['event_type'], 'event_type'),
      streamId: text(row['stream_id'], 'stream_id'),
      reason: text(row['reason'], 'reason'),
      quarantinedAt: text(row['quarantined_at'], 'quarantined_at'),
    },
  ];
}

export function quarantineCounts(rows: readonly Row[]): Map<ProjectionName, number> {
  const counts = new Map<ProjectionName, number>();
  for (const row of rows) {
    const name = PROJECTION_NAMES.find((known) => known === row['name']);
    if (name !== undefined) counts.set(name, integer(row['events'], 'events'));
  }
  return counts;
}

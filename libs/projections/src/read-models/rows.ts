/**
 * Rows as both adapters return them, read into typed values. PostgreSQL hands bigint and numeric
 * sums back as strings; SQLite as numbers. Everything numeric goes through `integer`, which refuses
 * what a JavaScript number cannot hold exactly.
 */
import type { QuarantinedEvent } from './port.js';
import { JSON_TEXT, type DocumentCodec } from './documents.js';
import type { Row, SqlParam } from './sql.js';

export function integer(value: unknown, column: string): number {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw new RangeError(`Column ${column} holds ${String(value)}, not a safe integer`);
  }
  return number;
}

export const nullableInteger = (value: unknown, column: string): number | null =>
  value === null ? null : integer(value, column);

export function text(value: unknown, column: string): string {
  if (typeof value !== 'string') throw new TypeError(`Column ${column} holds ${String(value)}, not text`);
  return value;
}

export const nullableText = (value: unknown, column: string): string | null =>
  value === null ? null : text(value, column);

/**
 * Dumped rows read alike from both dialects, so SQLite and PostgreSQL dumps compare equal: integer
 * columns (pg hands bigint back as text; `bigintColumns` names them) become numbers, and a
 * `document` column (./documents.ts) is parsed.
 */
export function normaliseDumpRow(
  row: Row,
  bigintColumns: ReadonlySet<string> = NONE,
  documents: DocumentCodec = JSON_TEXT,
): Row {
  const out: Row = {};
  for (const [column, value] of Object.entries(row)) {
    if (column === 'document') out[column] = value === null ? null : documents.decode(value);
    else if (bigintColumns.has(column) && value !== null) out[column] = integer(value, column);
    else out[column] = value;
  }
  return out;
}

const NONE: ReadonlySet<string> = new Set();

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
  return value
    .replaceAll('\u0000', '\ufffd')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** A quarantine row. */
export function quarantineRow(row: Row): QuarantinedEvent {
  return {
    name: text(row['name'], 'name'),
    globalPosition: integer(row['global_position'], 'global_position'),
    eventId: text(row['event_id'], 'event_id'),
    eventType: text(row['event_type'], 'event_type'),
    streamId: text(row['stream_id'], 'stream_id'),
    reason: text(row['reason'], 'reason'),
    quarantinedAt: text(row['quarantined_at'], 'quarantined_at'),
  };
}

export function quarantineCounts(rows: readonly Row[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    counts.set(text(row['name'], 'name'), integer(row['events'], 'events'));
  }
  return counts;
}

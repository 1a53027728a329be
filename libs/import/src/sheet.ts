/**
 * Spreadsheet intake (docs/import.md, "Spreadsheets"; ADR 0024): the rows of a sheet (CSV or XLSX,
 * read by libs/interop) become import lines through a column mapping, and run through the same
 * import as NDJSON (importNdjson): one schema check, one access rule, one decide, batched appends.
 *
 * This module never reads a file format: it takes a sheet as a header row and rows of cells, so the
 * CSV and XLSX readers stay in libs/interop and the rules stay here.
 */
import { hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { isDeviceEventType, type DeviceEventType } from '#kierto/domain';
import type { EventStore } from '#kierto/event-store';
import { eventDataSchemas } from '#kierto/schemas';
import {
  importNdjson,
  parseImportLine,
  type ImportLineError,
  type ImportOptions,
  type ImportProgress,
} from './import.js';

/** One cell as a sheet reader hands it over: text (CSV), or a typed value (XLSX); null when empty. */
export type SheetCell = string | number | boolean | Date | null;

export interface SheetRow {
  /** The row's number in the sheet as a person sees it (the header is row 1). */
  readonly row: number;
  readonly cells: readonly SheetCell[];
}

/** A sheet: its header (column names, as written) and its data rows. */
export interface Sheet {
  readonly columns: readonly string[];
  readonly rows: readonly SheetRow[];
}

/**
 * How the rows of a sheet become import lines of one event type. `columns` maps a target field of the
 * import line (`occurredAt`, `deviceId`, `data.<path>`) to the sheet column (header) that holds it;
 * `constants` gives the value of fields the sheet lacks (`data.country: "FI"`).
 */
export interface ColumnMapping {
  readonly eventType: DeviceEventType;
  readonly columns: Readonly<Record<string, string>>;
  readonly constants?: Readonly<Record<string, string | number | boolean>>;
}

/** A problem with a mapping as such (not with a row): the field of the mapping at fault. */
export interface MappingProblem {
  readonly code: string;
  readonly field: string;
  readonly message: string;
}

/** Mapping names: short, safe in a URL path and a file name. */
export const MAPPING_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

type Schema = { readonly [keyword: string]: unknown };

/** The JSON Schema of the target field of an event type, or null when the event has no such field. */
export function targetSchema(eventType: DeviceEventType, target: string): Schema | null {
  if (target === 'occurredAt' || target === 'deviceId') return { type: 'string' };
  if (!target.startsWith('data.')) return null;
  let schema: Schema | undefined = eventDataSchemas[eventType];
  for (const segment of target.slice('data.'.length).split('.')) {
    const properties = schema?.['properties'] as Record<string, Schema> | undefined;
    schema = properties !== undefined && Object.hasOwn(properties, segment) ? properties[segment] : undefined;
    if (schema === undefined) return null;
  }
  // Only leaves take a cell: an object or array is not one value of a row.
  return schema['type'] === 'object' || schema['type'] === 'array' ? null : schema;
}

/** Checks a mapping against the event type's fields and the sheet's columns (when a sheet is given). */
export function mappingProblems(mapping: unknown, columns?: readonly string[]): MappingProblem[] {
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
    return [{ code: 'INVALID_MAPPING', field: '', message: 'A mapping is an object {eventType, columns, constants?}' }];
  }
  const problems: MappingProblem[] = [];
  const given = mapping as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!['eventType', 'columns', 'constants'].includes(key))
      problems.push({ code: 'UNKNOWN_FIELD', field: key, message: `Unknown field ${key}` });
  }
  const eventType = given['eventType'];
  if (typeof eventType !== 'string' || !isDeviceEventType(eventType)) {
    problems.push({ code: 'UNKNOWN_EVENT_TYPE', field: 'eventType', message: 'eventType is a device event type' });
    return problems;
  }
  const columnsOf = given['columns'];
  const constants = given['constants'] ?? {};
  const targets = new Set<string>();
  const checkTarget = (section: string, target: string): void => {
    if (targets.has(target))
      problems.push({
        code: 'DUPLICATE_TARGET',
        field: `${section}.${target}`,
        message: `${target} is given by a column and a constant`,
      });
    targets.add(target);
    if (targetSchema(eventType, target) === null)
      problems.push({
        code: 'UNKNOWN_TARGET_FIELD',
        field: `${section}.${target}`,
        message: `${eventType} has no field ${target} that takes one value (occurredAt, deviceId or data.<path>)`,
      });
  };
  if (typeof columnsOf !== 'object' || columnsOf === null || Array.isArray(columnsOf)) {
    problems.push({ code: 'REQUIRED', field: 'columns', message: 'columns maps target fields to sheet columns' });
  } else {
    for (const [target, column] of Object.entries(columnsOf as Record<string, unknown>)) {
      checkTarget('columns', target);
      if (typeof column !== 'string' || column.trim() === '')
        problems.push({
          code: 'INVALID_VALUE',
          field: `columns.${target}`,
          message: 'A column is named by its header',
        });
      else if (columns !== undefined && !columns.includes(column))
        problems.push({
          code: 'UNKNOWN_COLUMN',
          field: `columns.${target}`,
          message: `The sheet has no column "${column}" (it has ${columns.map((each) => `"${each}"`).join(', ')})`,
        });
    }
  }
  if (typeof constants !== 'object' || constants === null || Array.isArray(constants)) {
    problems.push({ code: 'INVALID_VALUE', field: 'constants', message: 'constants maps target fields to values' });
  } else {
    for (const [target, value] of Object.entries(constants as Record<string, unknown>)) {
      checkTarget('constants', target);
      if (!['string', 'number', 'boolean'].includes(typeof value))
        problems.push({
          code: 'INVALID_VALUE',
          field: `constants.${target}`,
          message: 'A constant is a string, number or boolean',
        });
    }
  }
  if (!targets.has('occurredAt'))
    problems.push({
      code: 'REQUIRED',
      field: 'columns.occurredAt',
      message: 'occurredAt needs a column or a constant',
    });
  return problems;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DECIMAL_COMMA = /^-?\d+,\d+$/;

/**
 * A cell as the value of its target field: numbers for numeric fields (a decimal comma, as Finnish
 * sheets write it, is read as a point), booleans for yes/no fields, text otherwise. A value that is
 * not of the field's type is passed on as text, so the schema check names the field and the problem.
 */
function cellValue(cell: SheetCell, schema: Schema, target: string): unknown {
  const type = schema['type'];
  if (cell instanceof Date) {
    // An XLSX date without a time of day is midnight (Excel stores no zone): a date, as in CSV below.
    const iso = cell.toISOString();
    return target === 'occurredAt' && iso.endsWith('T00:00:00.000Z') ? `${iso.slice(0, 10)}T12:00:00Z` : iso;
  }
  if (typeof cell === 'number' || typeof cell === 'boolean') return type === 'string' ? String(cell) : cell;
  if (cell === null) return null;
  const text = cell.trim();
  if (type === 'number' || type === 'integer') {
    const numeric = DECIMAL_COMMA.test(text) ? text.replace(',', '.') : text;
    return numeric !== '' && Number.isFinite(Number(numeric)) ? Number(numeric) : text;
  }
  if (type === 'boolean') {
    if (/^(true|yes|1)$/i.test(text)) return true;
    if (/^(false|no|0)$/i.test(text)) return false;
    return text;
  }
  // A date without a time is taken at noon UTC: the same calendar day in every European time zone
  // (midnight UTC would be the day before in the Americas and a statistics period could move).
  if (target === 'occurredAt' && DATE_ONLY.test(text)) return `${text}T12:00:00Z`;
  return text;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    let next = node[segment];
    if (typeof next !== 'object' || next === null) {
      next = {};
      node[segment] = next;
    }
    node = next as Record<string, unknown>;
  }
  node[segments.at(-1) as string] = value;
}

/** The import line a row stands for under a (valid) mapping; an empty mapped cell leaves its field out. */
export function rowToLine(sheet: Sheet, mapping: ColumnMapping, row: SheetRow): Record<string, unknown> {
  const line: Record<string, unknown> = { type: mapping.eventType, data: {} };
  for (const [target, value] of Object.entries(mapping.constants ?? {})) {
    const schema = targetSchema(mapping.eventType, target) ?? {};
    setPath(line, target, cellValue(value, schema, target));
  }
  for (const [target, column] of Object.entries(mapping.columns)) {
    const index = sheet.columns.indexOf(column);
    const cell = index < 0 ? null : (row.cells[index] ?? null);
    const value = cellValue(
      typeof cell === 'string' && cell.trim() === '' ? null : cell,
      targetSchema(mapping.eventType, target) ?? {},
      target,
    );
    if (value === null) continue;
    setPath(line, target, value);
  }
  return line;
}

/**
 * The event id of a row: a UUID (version 8) of the organisation and the import line the row became
 * (ADR 0024). The same row sent again, by any mapping that reads it the same, is the same event; the
 * same row of another organisation is another event; a changed cell is a different row.
 */
export function intakeEventId(organisationId: string, line: Record<string, unknown>): string {
  const hex = hash('sha256', `kierto-intake\n${organisationId}\n${JSON.stringify(line)}`, 'hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/** A refused row: the row, its cells as read, and why (the sheet column at fault, when there is one). */
export interface IntakeRowError {
  readonly row: number;
  readonly cells: readonly SheetCell[];
  readonly code: string;
  /** The sheet column at fault, or the import line's field when no column holds it (a constant). */
  readonly column: string;
  readonly message: string;
}

export interface IntakeProgress {
  readonly rows: number;
  readonly rowsRead: number;
  readonly imported: number;
  readonly duplicates: number;
  readonly refused: number;
  /** Rows handled per second so far. */
  readonly rowsPerSecond: number;
  /** Seconds until the last row, at the rate so far; null before the first batch. */
  readonly etaSeconds: number | null;
  readonly elapsedMs: number;
}

export interface IntakeSummary extends IntakeProgress {
  /** The highest global position the run appended, null when it appended nothing. */
  readonly lastPosition: number | null;
}

export interface IntakeOptions extends Pick<
  ImportOptions,
  'actor' | 'authorise' | 'batchEvents' | 'correlationId' | 'now'
> {
  readonly onProgress?: (progress: IntakeProgress) => void | Promise<void>;
  readonly onError?: (error: IntakeRowError) => void | Promise<void>;
}

/** The sheet column that gave an import line's field (`data.product.weightKg` → "Weight"), or the field. */
function columnOf(mapping: ColumnMapping, field: string): string {
  if (field === '') return '';
  // Schema errors name the line's field (`data.product.weightKg`), the domain's rules the command's
  // (`product.weightKg`): both are looked up among the mapping's targets.
  const fields =
    field === 'occurredAt' || field === 'deviceId' || field.startsWith('data.') ? [field] : [`data.${field}`];
  for (const each of fields) {
    const target = Object.keys(mapping.columns).find(
      (name) => each === name || each.startsWith(`${name}.`) || name.startsWith(`${each}.`),
    );
    if (target !== undefined) return mapping.columns[target] ?? field;
  }
  return field;
}

/** Progress of a run from the import's own counters, with rate and ETA in rows. */
function intakeProgress(rows: number, progress: ImportProgress): IntakeProgress {
  const rowsRead = Math.min(rows, progress.lines);
  const seconds = progress.elapsedMs / 1000;
  const rate = seconds > 0 ? rowsRead / seconds : 0;
  return {
    rows,
    rowsRead,
    imported: progress.imported,
    duplicates: progress.duplicates,
    refused: progress.refused,
    rowsPerSecond: Math.round(rate),
    etaSeconds: rate > 0 ? Math.round((rows - rowsRead) / rate) : null,
    elapsedMs: Math.round(progress.elapsedMs),
  };
}

/**
 * Runs the rows of a sheet through the bulk import. Line n of the NDJSON handed to importNdjson is
 * the n-th data row, so every error row of the import maps back to its sheet row and column.
 */
export async function runIntake(
  store: EventStore,
  sheet: Sheet,
  mapping: ColumnMapping,
  options: IntakeOptions,
): Promise<IntakeSummary> {
  const rows = sheet.rows.length;
  const lines = sheet.rows.map((row) => {
    const line = rowToLine(sheet, mapping, row);
    return JSON.stringify({ ...line, eventId: intakeEventId(options.actor.organisationId, line) });
  });
  const progressOf = (progress: ImportProgress): IntakeProgress => intakeProgress(rows, progress);
  const summary = await importNdjson(store, Readable.from(linesOf(lines)), {
    actor: options.actor,
    ...(options.authorise === undefined ? {} : { authorise: options.authorise }),
    ...(options.batchEvents === undefined ? {} : { batchEvents: options.batchEvents }),
    ...(options.correlationId === undefined ? {} : { correlationId: options.correlationId }),
    ...(options.now === undefined ? {} : { now: options.now }),
    onError: async (error: ImportLineError) => {
      const row = sheet.rows[error.line - 1];
      if (row === undefined) return;
      await options.onError?.({
        row: row.row,
        cells: row.cells,
        code: error.code,
        column: columnOf(mapping, error.field),
        message: error.message,
      });
    },
    // After each committed batch (awaited, so a job's status is stored before the next batch).
    afterBatch: async (_batch, progress) => {
      await options.onProgress?.(progressOf(progress));
    },
  });
  return { ...progressOf({ ...summary, lines: rows }), lastPosition: summary.lastPosition };
}

/** The lines in chunks of about 256, so the import reads them as a stream and reports as it goes. */
function* linesOf(lines: readonly string[]): Generator<string> {
  for (let start = 0; start < lines.length; start += 256) {
    yield `${lines.slice(start, start + 256).join('\n')}\n`;
  }
}

/** A row as a preview shows it: the import line it becomes, and why it would be refused. */
export interface PreviewRow {
  readonly row: number;
  readonly line: Record<string, unknown>;
  /** Problems of the line itself (schema, device identity); the device's history is not read. */
  readonly errors: readonly { readonly code: string; readonly column: string; readonly message: string }[];
}

/**
 * The first rows of a sheet as import lines, checked as the import checks a line before deciding it
 * (parseImportLine: schema, device id); nothing is read from or written to the store.
 */
export function previewRows(sheet: Sheet, mapping: ColumnMapping, organisationId: string, count: number): PreviewRow[] {
  return sheet.rows.slice(0, count).map((row, index) => {
    const built = rowToLine(sheet, mapping, row);
    const line = { ...built, eventId: intakeEventId(organisationId, built) };
    try {
      parseImportLine(JSON.stringify(line), index + 1);
      return { row: row.row, line, errors: [] };
    } catch (error) {
      const { code, field } = error as { code?: unknown; field?: unknown };
      if (typeof code !== 'string' || typeof field !== 'string') throw error;
      return {
        row: row.row,
        line,
        errors: [{ code, column: columnOf(mapping, field), message: (error as Error).message }],
      };
    }
  });
}

/** One line of progress of an intake run: rows, rate and ETA (the CLI's bar, the job's status in words). */
export function renderIntakeProgress(progress: IntakeProgress): string {
  const eta = progress.etaSeconds === null ? '--' : `${progress.etaSeconds} s`;
  return (
    `${progress.rowsRead}/${progress.rows} rows: ${progress.imported} imported, ${progress.duplicates} already there, ` +
    `${progress.refused} refused; ${progress.rowsPerSecond} rows/s, ETA ${eta}`
  );
}

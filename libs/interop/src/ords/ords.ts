/**
 * Open Repair Data Standard v0.3 (docs/interop.md, "ORDS"; ADR 0019): ORDS records to the repair
 * events they stand for, and Kierto's repairs back to ORDS records. Pure: no I/O; the HTTP import
 * feeds the lines made here to the bulk import, so every rule of the domain applies once.
 */
import { hash } from 'node:crypto';
import {
  deviceIdOf,
  DomainError,
  identifierOfProduct,
  isDeviceEventType,
  UNU_KEYS,
  type DeviceEvent,
  type CountryCode,
  type DeviceRepairedData,
  type OrdsFieldName,
  type RepairSourceRecord,
  type RepairBarrier,
  type RepairedProductDescription,
  type RepairOutcome,
  type WeeeCategory,
} from '#kierto/domain';
import { CsvSyntaxError, decodeUtf8, parseCsv } from './csv.js';

/** The columns of an ORDS v0.3 record, in the order of the table schema and the published files. */
export const ORDS_COLUMNS = [
  'id',
  'data_provider',
  'country',
  'partner_product_category',
  'product_category',
  'product_category_id',
  'brand',
  'year_of_manufacture',
  'product_age',
  'repair_status',
  'repair_barrier_if_end_of_life',
  'group_identifier',
  'event_date',
  'problem',
] as const;

export type OrdsColumn = (typeof ORDS_COLUMNS)[number];
export type OrdsRow = Readonly<Record<OrdsColumn, string>>;

/**
 * Columns a file must have: the standard's required fields, and the category id the WEEE category
 * comes from. The others may be missing (their value is then empty).
 */
const REQUIRED_COLUMNS: readonly OrdsColumn[] = [
  'id',
  'data_provider',
  'repair_status',
  'event_date',
  'product_category_id',
];
/** In the standard but not in the published files nor the table schema: read and kept, not exported. */
const OPTIONAL_STANDARD_COLUMNS = ['record_date'] as const;

/**
 * The 40 ORDS v0.3 product categories and their UNU-KEY (openrepair/tools
 * `dat/ords_product_category_unu_key_map.csv`, copied in test/fixtures/standards/ords/); the Annex III
 * category is the UNU-KEY's (UNU_KEYS in libs/domain). Every ORDS category is powered: unpowered
 * items are a separate summary file, never records.
 */
export const ORDS_PRODUCT_CATEGORIES: readonly (readonly [id: number, name: string, unuKey: string])[] = [
  [1, 'Aircon/dehumidifier', '0111'],
  [2, 'Battery/charger/adapter', '0201'],
  [3, 'Decorative or safety lights', '0506'],
  [4, 'Desktop computer', '0302'],
  [5, 'Digital compact camera', '0406'],
  [6, 'DSLR/video camera', '0406'],
  [7, 'Fan', '0201'],
  [8, 'Flat screen', '0408'],
  [9, 'Hair & beauty item', '0205'],
  [10, 'Handheld entertainment device', '0401'],
  [11, 'Headphones', '0401'],
  [12, 'Hi-Fi integrated', '0403'],
  [13, 'Hi-Fi separates', '0403'],
  [14, 'Kettle', '0203'],
  [15, 'Lamp', '0506'],
  [16, 'Laptop', '0303'],
  [17, 'Large home electrical', '0601'],
  [18, 'Misc', '0601'],
  [19, 'Mobile', '0306'],
  [20, 'Musical instrument', '0403'],
  [21, 'Paper shredder', '0601'],
  [22, 'PC accessory', '0301'],
  [23, 'Portable radio', '0402'],
  [24, 'Power tool', '0601'],
  [25, 'Printer/scanner', '0304'],
  [26, 'Projector', '0201'],
  [27, 'Sewing machine', '0601'],
  [28, 'Small home electrical', '0201'],
  [29, 'Small kitchen item', '0202'],
  [30, 'Tablet', '0303'],
  [31, 'Toaster', '0202'],
  [32, 'Toy', '0701'],
  [33, 'TV and gaming-related accessories', '0404'],
  [34, 'Vacuum', '0204'],
  [35, 'Watch/clock', '0201'],
  [36, 'Coffee maker', '0203'],
  [37, 'Food processor', '0202'],
  [38, 'Games console', '0702'],
  [39, 'Hair dryer', '0205'],
  [40, 'Iron', '0201'],
];

/**
 * Categories that name no product. The map gives "Misc" UNU-KEY 0601 (household tools), a
 * placeholder rather than a classification. Its records are imported by the map's own bridge all the
 * same (ADR 0019): a repair-café device is in no WEEE figure, so the category only labels its
 * passport, and the record keeps "Misc" in its source. Kierto never writes Misc for a device it
 * knows better (the export below).
 */
const CATEGORIES_NAMING_NO_PRODUCT = new Set([18]);

const CATEGORY_BY_ID = new Map(ORDS_PRODUCT_CATEGORIES.map(([id, name, unuKey]) => [id, { id, name, unuKey }]));

/** ORDS repair_status (codelist) → Kierto's outcome; "Unknown" (code 0) is recorded as unknown. */
const OUTCOME_OF_STATUS: Readonly<Record<string, RepairOutcome>> = {
  Fixed: 'fixed',
  Repairable: 'repairable',
  'End of life': 'end-of-life',
  Unknown: 'unknown',
};
const STATUS_OF_OUTCOME: Readonly<Record<RepairOutcome, string>> = {
  fixed: 'Fixed',
  repairable: 'Repairable',
  'end-of-life': 'End of life',
  unknown: 'Unknown',
};

/**
 * ORDS repair_barrier_if_end_of_life → Kierto's barrier. Code 6 has three spellings (codelists.csv
 * note): "Item too worn out" (the standard's table and the published data, what the export writes),
 * "Too worn out" (the table schema's enum) and "Product too worn out" (the standard's prose); all three
 * are read.
 */
const BARRIER_OF_TEXT: Readonly<Record<string, RepairBarrier>> = {
  'Spare parts not available': 'spare-parts-not-available',
  'Spare parts too expensive': 'spare-parts-too-expensive',
  'No way to open product': 'no-way-to-open-product',
  'Repair information not available': 'repair-information-not-available',
  'Lack of equipment': 'lack-of-equipment',
  'Item too worn out': 'item-too-worn-out',
  'Too worn out': 'item-too-worn-out',
  'Product too worn out': 'item-too-worn-out',
};
const TEXT_OF_BARRIER: Readonly<Record<RepairBarrier, string>> = {
  'spare-parts-not-available': 'Spare parts not available',
  'spare-parts-too-expensive': 'Spare parts too expensive',
  'no-way-to-open-product': 'No way to open product',
  'repair-information-not-available': 'Repair information not available',
  'lack-of-equipment': 'Lack of equipment',
  'item-too-worn-out': 'Item too worn out',
};

/** Kierto's `problem` is at most 2 000 characters; a longer ORDS text is cut there (kept whole in `source`). */
const MAX_PROBLEM = 2000;
/** What Kierto's required `problem` says when the ORDS record has none (the standard allows it). */
export const PROBLEM_NOT_RECORDED = 'Not recorded in the ORDS record';

/** A whole file refused (HTTP 400): bad CSV, bad header. */
export class OrdsFileError extends Error {
  constructor(
    readonly code: string,
    readonly line: number,
    readonly column: number,
    /** The column name at fault, or '' for the whole line. */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** One record not imported, and why: the line it starts on, the column at fault. */
export interface OrdsRecordError {
  readonly line: number;
  readonly recordId: string | null;
  readonly deviceId: string | null;
  readonly code: string;
  /** The ORDS column at fault, '' for the whole record. */
  readonly field: string;
  /** 1-based column number of `field` in the file's header, 0 for the whole record. */
  readonly column: number;
  readonly message: string;
}

/** The bulk-import line an ORDS record stands for (docs/import.md), with its record's line. */
export interface OrdsImportLine {
  readonly line: number;
  readonly recordId: string;
  readonly type: 'DeviceRepaired';
  readonly deviceId: string;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly data: DeviceRepairedData;
}

export interface OrdsFile {
  /** The header as given (its order, for column numbers). */
  readonly columns: readonly string[];
  readonly lines: readonly OrdsImportLine[];
  readonly refused: readonly OrdsRecordError[];
  /** Data records in the file (blank lines not counted). */
  readonly records: number;
}

/**
 * Reads an ORDS CSV file (UTF-8 bytes) into import lines and the records refused before any domain
 * rule. Throws OrdsFileError when the file as a whole cannot be read: not UTF-8, not CSV, a header
 * with an unknown, repeated or missing column.
 */
export function readOrdsFile(bytes: Uint8Array): OrdsFile {
  let records;
  try {
    records = parseCsv(decodeUtf8(bytes));
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      throw new OrdsFileError(error.code, error.line, error.column, '', error.message);
    throw error;
  }
  const header = records[0];
  if (header === undefined)
    throw new OrdsFileError('REQUIRED', 1, 0, '', 'The file is empty: an ORDS file starts with its header');
  const columns = checkHeader(header.fields);
  const lines: OrdsImportLine[] = [];
  const refused: OrdsRecordError[] = [];
  let count = 0;
  for (const record of records.slice(1)) {
    if (record.fields.length === 1 && record.fields[0] === '') continue;
    count += 1;
    if (record.fields.length !== columns.length) {
      refused.push({
        line: record.line,
        recordId: null,
        deviceId: null,
        code: 'CSV_FIELD_COUNT',
        field: '',
        column: 0,
        message: `The record has ${record.fields.length} fields; the header has ${columns.length}`,
      });
      continue;
    }
    const values: Record<string, string> = {};
    columns.forEach((column, index) => (values[column] = record.fields[index] as string));
    const mapped = ordsRecordToImportLine(values, record.line);
    if (mapped.ok) lines.push(mapped.line);
    else refused.push({ ...mapped.error, column: columns.indexOf(mapped.error.field) + 1 });
  }
  return { columns, lines, refused, records: count };
}

function checkHeader(fields: readonly string[]): readonly string[] {
  const known: readonly string[] = [...ORDS_COLUMNS, ...OPTIONAL_STANDARD_COLUMNS];
  fields.forEach((name, index) => {
    if (!known.includes(name)) {
      throw new OrdsFileError('UNKNOWN_COLUMN', 1, index + 1, name, `${name} is not an ORDS v0.3 column`);
    }
    if (fields.indexOf(name) !== index) {
      throw new OrdsFileError('DUPLICATE_COLUMN', 1, index + 1, name, `Column ${name} appears twice`);
    }
  });
  for (const name of REQUIRED_COLUMNS) {
    if (!fields.includes(name))
      throw new OrdsFileError('MISSING_COLUMN', 1, 0, name, `The header has no ${name} column`);
  }
  return fields;
}

type Mapped =
  | { readonly ok: true; readonly line: OrdsImportLine }
  | { readonly ok: false; readonly error: Omit<OrdsRecordError, 'column'> };

/**
 * One ORDS record (column → text as read) to the repair event it stands for (ADR 0019): one repair of
 * one unit, its device the local id (issuer data_provider, value id), its Annex III category the
 * UNU-KEY's of its ORDS category, the record itself kept in `source` for the way back.
 */
export function ordsRecordToImportLine(record: Readonly<Record<string, string>>, line: number): Mapped {
  const text = (column: OrdsColumn): string => record[column] ?? '';
  const recordId = text('id');
  const fail = (code: string, field: string, message: string, deviceId: string | null = null): Mapped => ({
    ok: false,
    error: { line, recordId: recordId === '' ? null : recordId, deviceId, code, field, message },
  });
  if (recordId.trim() === '') return fail('REQUIRED', 'id', 'id is required: the record’s ORDS identifier');
  if (text('data_provider').trim() === '') return fail('REQUIRED', 'data_provider', 'data_provider is required');
  let deviceId: string;
  try {
    deviceId = deviceIdOf(identifierOfProduct({ localId: { issuer: text('data_provider'), value: recordId } }));
  } catch (error) {
    if (error instanceof DomainError)
      return fail(error.code, error.field?.endsWith('issuer') ? 'data_provider' : 'id', error.message);
    throw error;
  }
  const failDevice = (code: string, field: string, message: string): Mapped => fail(code, field, message, deviceId);

  const date = text('event_date');
  if (!isCalendarDate(date))
    return failDevice('INVALID_DATE', 'event_date', `event_date ${JSON.stringify(date)} is not a date YYYY-MM-DD`);
  const outcome = OUTCOME_OF_STATUS[text('repair_status')];
  if (outcome === undefined) {
    return failDevice(
      'INVALID_CODE',
      'repair_status',
      `repair_status ${JSON.stringify(text('repair_status'))} is not one of ${Object.keys(OUTCOME_OF_STATUS).join(', ')}`,
    );
  }
  const barrierText = text('repair_barrier_if_end_of_life');
  const barrier = barrierText === '' ? undefined : BARRIER_OF_TEXT[barrierText];
  if (barrierText !== '' && barrier === undefined) {
    return failDevice(
      'INVALID_CODE',
      'repair_barrier_if_end_of_life',
      `${JSON.stringify(barrierText)} is not an ORDS v0.3 repair barrier`,
    );
  }
  const category = categoryOf(text('product_category_id'), text('product_category'));
  if (!category.ok) return failDevice(category.code, category.field, category.message);
  const year = text('year_of_manufacture');
  if (year !== '' && !/^[0-9]{4}$/.test(year)) {
    return failDevice(
      'INVALID_FORMAT',
      'year_of_manufacture',
      `year_of_manufacture ${JSON.stringify(year)} is not a year YYYY`,
    );
  }
  const brand = text('brand');
  const product: RepairedProductDescription = {
    weeeCategory: category.weeeCategory,
    unuKey: category.unuKey,
    localId: { issuer: text('data_provider'), value: recordId },
    // "Unknown" is the brand column's missing value (table schema); unknown is left out, not stored.
    ...(brand === '' || brand === 'Unknown' ? {} : { brand }),
    ...(year === '' ? {} : { yearOfManufacture: Number(year) }),
  };
  const problem = text('problem');
  const data: DeviceRepairedData = {
    problem: problem.trim() === '' ? PROBLEM_NOT_RECORDED : cut(problem, MAX_PROBLEM),
    actions: [],
    partsReplaced: [],
    outcome,
    ...(barrier === undefined ? {} : { barrier }),
    product,
    source: { standard: 'ORDS', version: '0.3', record: sourceRecordOf(record) },
  };
  return {
    ok: true,
    line: {
      line,
      recordId,
      type: 'DeviceRepaired',
      deviceId,
      eventId: ordsEventId(deviceId),
      // Noon UTC: the same calendar date from UTC−12 to UTC+11, so the date survives any reader's zone.
      occurredAt: `${date}T12:00:00Z`,
      data,
    },
  };
}

/** The record's ORDS fields as read (those of the file's columns; nothing else is kept). */
function sourceRecordOf(record: Readonly<Record<string, string>>): RepairSourceRecord['record'] {
  const kept: Partial<Record<OrdsFieldName, string>> = {};
  for (const name of [...ORDS_COLUMNS, ...OPTIONAL_STANDARD_COLUMNS]) {
    const value = record[name];
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

type CategoryResult =
  | { readonly ok: true; readonly weeeCategory: WeeeCategory; readonly unuKey: string }
  | { readonly ok: false; readonly code: string; readonly field: string; readonly message: string };

function categoryOf(idText: string, name: string): CategoryResult {
  const category = /^[0-9]{1,2}$/.test(idText) ? CATEGORY_BY_ID.get(Number(idText)) : undefined;
  if (category === undefined) {
    return {
      ok: false,
      code: 'ORDS_UNKNOWN_CATEGORY',
      field: 'product_category_id',
      message: `product_category_id ${JSON.stringify(idText)} is not an ORDS v0.3 category (1–40)`,
    };
  }
  if (name !== '' && name !== category.name) {
    return {
      ok: false,
      code: 'ORDS_CATEGORY_MISMATCH',
      field: 'product_category',
      message: `product_category ${JSON.stringify(name)} is not category ${category.id} (${category.name})`,
    };
  }
  const unu = UNU_KEYS[category.unuKey];
  if (unu === undefined) {
    return {
      ok: false,
      code: 'ORDS_CATEGORY_UNMAPPED',
      field: 'product_category_id',
      message: `ORDS category ${category.id} (${category.name}) has no UNU-KEY that Kierto maps to a WEEE category`,
    };
  }
  return { ok: true, weeeCategory: unu.annexIII, unuKey: category.unuKey };
}

function isCalendarDate(text: string): boolean {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * The event id of an ORDS record's repair: a UUID (version 8) of its device id, which is its
 * provider and record id; so a re-run, or a corrected copy of the record, imports nothing twice.
 */
export function ordsEventId(deviceId: string): string {
  const hex = hash('sha256', `kierto-ords-0.3\n${deviceId}`, 'hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/** The ORDS column an import error's field (`data.product.brand`, `occurredAt`) comes from. */
export function ordsColumnOfImportField(field: string): string {
  if (field.startsWith('data.source.record.')) return field.slice('data.source.record.'.length).split(/[.[]/)[0] ?? '';
  if (field === 'occurredAt') return 'event_date';
  if (field.startsWith('data.product.brand')) return 'brand';
  if (field.startsWith('data.product.yearOfManufacture')) return 'year_of_manufacture';
  if (field.startsWith('data.product')) return 'id';
  if (field.startsWith('data.problem')) return 'problem';
  if (field.startsWith('data.outcome')) return 'repair_status';
  if (field.startsWith('data.barrier')) return 'repair_barrier_if_end_of_life';
  return '';
}

/**
 * The import lines of an ORDS file as NDJSON for the bulk import (docs/import.md), each on the line
 * its record starts on in the CSV (blank lines between, which the bulk import skips), so that the
 * import's error rows name CSV lines.
 */
export function ordsImportNdjson(lines: readonly OrdsImportLine[]): string {
  const text: string[] = [];
  for (const line of lines) {
    while (text.length < line.line - 1) text.push('');
    const { type, deviceId, eventId, occurredAt, data } = line;
    text.push(JSON.stringify({ type, deviceId, eventId, occurredAt, data }));
  }
  return text.join('\n');
}

/** An error row of the bulk import (libs/import's ImportLineError), as far as this module reads it. */
export interface ImportErrorRow {
  readonly line: number;
  readonly deviceId: string | null;
  readonly code: string;
  readonly field: string;
  readonly message: string;
}

/** Each file's record ids by line, built once per file (a file may have many refused records). */
const RECORD_IDS = new WeakMap<OrdsFile, ReadonlyMap<number, string>>();
function recordIdsOf(file: OrdsFile): ReadonlyMap<number, string> {
  let ids = RECORD_IDS.get(file);
  if (ids === undefined) {
    ids = new Map(file.lines.map((line) => [line.line, line.recordId]));
    RECORD_IDS.set(file, ids);
  }
  return ids;
}

/** A bulk-import error row of an ORDS file's line as an ORDS error row: the ORDS column, not the event's field. */
export function ordsErrorOfImportRow(row: ImportErrorRow, file: OrdsFile): OrdsRecordError {
  const field = ordsColumnOfImportField(row.field);
  return {
    line: row.line,
    recordId: recordIdsOf(file).get(row.line) ?? null,
    deviceId: row.deviceId,
    code: row.code,
    field,
    column: field === '' ? 0 : file.columns.indexOf(field) + 1,
    message: row.message,
  };
}

// ------------------------------------------------------------------------------------------ export

/** A stored device event, as much of it as the export reads (libs/event-store's StoredEvent has it). */
export interface OrdsExportEvent {
  readonly streamId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly globalPosition: number;
  readonly actor: { readonly organisationId: string };
  readonly data: unknown;
}

/**
 * Folds the global log, in order, into the repairs to export: each device's description (from the
 * event that started its history) and latest known country go with its repairs. `include` says
 * which repairs the caller may read.
 */
export class OrdsExport {
  private readonly devices = new Map<
    string,
    { product: RepairedProductDescription | null; country: CountryCode | null }
  >();
  private readonly repairs: RepairToExport[] = [];

  constructor(private readonly include: (event: OrdsExportEvent) => boolean) {}

  add(event: OrdsExportEvent): void {
    if (!isDeviceEventType(event.type)) return;
    const deviceEvent = { type: event.type, occurredAt: event.occurredAt, data: event.data } as DeviceEvent;
    const device = this.devices.get(event.streamId) ?? { product: null, country: null };
    switch (deviceEvent.type) {
      case 'DevicePlacedOnMarket':
        device.product ??= deviceEvent.data.product;
        device.country = deviceEvent.data.country;
        break;
      case 'DeviceCollected':
        device.product ??= deviceEvent.data.product ?? null;
        device.country = deviceEvent.data.country;
        break;
      case 'DeviceResold':
        device.country = deviceEvent.data.country;
        break;
      case 'DeviceRepaired':
        device.product ??= deviceEvent.data.product ?? null;
        if (this.include(event)) {
          this.repairs.push({
            globalPosition: event.globalPosition,
            occurredAt: event.occurredAt,
            organisationId: event.actor.organisationId,
            data: deviceEvent.data,
            product: device.product,
            country: device.country,
          });
        }
        break;
      default:
        break;
    }
    this.devices.set(event.streamId, device);
  }

  /** The export: the header and one record per repair, in the order Kierto stored them. */
  rows(): string[][] {
    const records = this.repairs.map((repair) => {
      const row = ordsRowOfRepair(repair);
      return ORDS_COLUMNS.map((column) => row[column]);
    });
    return [[...ORDS_COLUMNS], ...records];
  }
}

/** A repair Kierto holds, with what the export needs of its device. */
export interface RepairToExport {
  readonly globalPosition: number;
  readonly occurredAt: string;
  /** The organisation that recorded the repair: its group (ORDS group_identifier). */
  readonly organisationId: string;
  readonly data: DeviceRepairedData;
  /** The device's description as its history gives it, null when unknown. */
  readonly product: RepairedProductDescription | null;
  /** A country the device's history gives (placing on market, collection, sale), ISO alpha-2. */
  readonly country: CountryCode | null;
}

/** Who Kierto's own records say contributed them (ORDS data_provider). */
export const KIERTO_DATA_PROVIDER = 'Kierto';

/**
 * One repair as an ORDS v0.3 record: the source record's fields unchanged when the repair was
 * transcribed from one (the round trip), else written from Kierto's own fields.
 */
export function ordsRowOfRepair(repair: RepairToExport): OrdsRow {
  const source = repair.data.source;
  if (source !== undefined && source.standard === 'ORDS') {
    const row = {} as Record<OrdsColumn, string>;
    for (const column of ORDS_COLUMNS) row[column] = source.record[column] ?? '';
    return row;
  }
  const { data, product } = repair;
  const category = ordsCategoryOf(product);
  const year = product?.yearOfManufacture;
  const repairYear = Number(repair.occurredAt.slice(0, 4));
  return {
    // Matches the table schema's id pattern ^[a-z]+-[0-9]+$; stable: a repair's position never changes.
    id: `kierto-${repair.globalPosition}`,
    data_provider: KIERTO_DATA_PROVIDER,
    country: repair.country === null ? '' : (ALPHA_3[repair.country] ?? ''),
    partner_product_category: category.name,
    product_category: category.name,
    product_category_id: String(category.id),
    brand: product?.brand ?? 'Unknown',
    year_of_manufacture: year === undefined ? '' : String(year),
    product_age: year === undefined || repairYear < year ? '' : String(repairYear - year),
    repair_status: STATUS_OF_OUTCOME[data.outcome],
    repair_barrier_if_end_of_life: data.barrier === undefined ? '' : TEXT_OF_BARRIER[data.barrier],
    group_identifier: repair.organisationId,
    event_date: new Date(repair.occurredAt).toISOString().slice(0, 10),
    problem: data.problem,
  };
}

/**
 * The ORDS category of a Kierto product: the one whose UNU-KEY is the product's, when exactly one
 * has it; else Misc (18), which names no product: Kierto does not guess between, say, laptop and tablet.
 */
function ordsCategoryOf(product: RepairedProductDescription | null): { readonly id: number; readonly name: string } {
  const matches = ORDS_PRODUCT_CATEGORIES.filter(([, , unuKey]) => unuKey === product?.unuKey);
  const [only] = matches;
  if (matches.length === 1 && only !== undefined && !CATEGORIES_NAMING_NO_PRODUCT.has(only[0]))
    return { id: only[0], name: only[1] };
  return { id: 18, name: 'Misc' };
}

/**
 * ISO 3166-1 alpha-2 → alpha-3 for the countries whose WEEE reporting Kierto serves (EU, EEA,
 * Switzerland, the United Kingdom) and the United States (where published ORDS data comes from).
 * Another country is written empty: the table schema does not require the column.
 */
const ALPHA_3: Readonly<Record<string, string>> = {
  AT: 'AUT',
  BE: 'BEL',
  BG: 'BGR',
  CY: 'CYP',
  CZ: 'CZE',
  DE: 'DEU',
  DK: 'DNK',
  EE: 'EST',
  ES: 'ESP',
  FI: 'FIN',
  FR: 'FRA',
  GR: 'GRC',
  HR: 'HRV',
  HU: 'HUN',
  IE: 'IRL',
  IT: 'ITA',
  LT: 'LTU',
  LU: 'LUX',
  LV: 'LVA',
  MT: 'MLT',
  NL: 'NLD',
  PL: 'POL',
  PT: 'PRT',
  RO: 'ROU',
  SE: 'SWE',
  SI: 'SVN',
  SK: 'SVK',
  IS: 'ISL',
  LI: 'LIE',
  NO: 'NOR',
  CH: 'CHE',
  GB: 'GBR',
  US: 'USA',
};

/**
 * The read-model tables, per dialect. Same names and columns in both; only the types differ.
 * Read models are never migrated: a projection whose version changes is dropped and rebuilt from the
 * log (projector.ts), so `CREATE TABLE` here is the whole story.
 *
 * Facts are keyed (position, measure), the order they are appended in: clustered that way in
 * SQLite (WITHOUT ROWID), a page's facts are appended at the end of the table, and the key is the
 * double-application guard. The (year, measure, position) index serves as-of sums and fact listings;
 * the producer index finds a producer's facts when its membership changes. Clustering the table by
 * year instead made as-of sums 3–4× faster but the rebuild 25 % slower (bench, 300 000 devices):
 * the rebuild has a target (DESIGN §7), as-of reports do not, and in a real log positions follow
 * time closely enough that a year's facts sit together anyway. Cells are clustered by their key.
 */
import type { ProjectionName } from '../projection.js';
import type { Tables } from '../statistics/sql.js';

export type Dialect = 'sqlite' | 'postgres';

interface Types {
  readonly int: string;
  readonly text: string;
  /**
   * Documents are JSON text in both: they are only ever read whole, and PostgreSQL's jsonb would
   * parse every passport on every write (measured: the rebuild ran at half the speed).
   */
  readonly document: string;
  readonly strict: string;
  readonly clustered: string;
  /** Table options of the document tables. */
  readonly documents: string;
}

const TYPES: Record<Dialect, Types> = {
  sqlite: { int: 'INTEGER', text: 'TEXT', document: 'TEXT', strict: ' STRICT', clustered: ' WITHOUT ROWID, STRICT', documents: ' STRICT' },
  // Passports of a few kilobytes stay in the row instead of being compressed into TOAST on every write.
  // Byte order for text, as SQLite compares: keyset paging and listings order alike in both.
  postgres: { int: 'bigint', text: 'text COLLATE "C"', document: 'text', strict: '', clustered: '', documents: ' WITH (toast_tuple_target = 8160)' },
};

export function checkpointsDdl(dialect: Dialect, tables: Tables): string {
  const t = TYPES[dialect];
  return `CREATE TABLE IF NOT EXISTS ${tables.checkpoints} (
    name ${t.text} PRIMARY KEY,
    position ${t.int} NOT NULL,
    version ${t.text} NOT NULL,
    hash ${t.text},
    updated_at ${t.text}
  )${t.strict}`;
}

/**
 * Events a projection passed without applying them (docs/adr/0011-poison-event-quarantine.md). One
 * table for every projection, created with the checkpoints and never dropped with a projection's
 * tables: a reset deletes that projection's rows instead, so the rows outlive nothing they explain.
 */
export function quarantineDdl(dialect: Dialect, tables: Tables): string {
  const t = TYPES[dialect];
  return `CREATE TABLE IF NOT EXISTS ${tables.quarantine} (
    name ${t.text} NOT NULL,
    global_position ${t.int} NOT NULL,
    event_id ${t.text} NOT NULL,
    event_type ${t.text} NOT NULL,
    stream_id ${t.text} NOT NULL,
    reason ${t.text} NOT NULL,
    quarantined_at ${t.text} NOT NULL,
    PRIMARY KEY (name, global_position)
  )${t.strict}`;
}

/** The tables of each projection, with the name of the index-free part for DROP. */
export function projectionTables(name: ProjectionName, tables: Tables): readonly string[] {
  return name === 'passports'
    ? [tables.passports]
    : [tables.statisticsDevices, tables.facts, tables.memberships, tables.cells];
}

/** CREATE statements of a projection's tables and indexes; `IF NOT EXISTS` so they can be re-run. */
export function projectionDdl(dialect: Dialect, name: ProjectionName, tables: Tables, indexPrefix: string): string[] {
  const t = TYPES[dialect];
  const documents = (table: string): string =>
    `CREATE TABLE IF NOT EXISTS ${table} (device_id ${t.text} PRIMARY KEY, document ${t.document} NOT NULL)${t.documents}`;
  if (name === 'passports') return [documents(tables.passports)];
  return [
    documents(tables.statisticsDevices),
    `CREATE TABLE IF NOT EXISTS ${tables.facts} (
      global_position ${t.int} NOT NULL,
      measure ${t.text} NOT NULL,
      event_id ${t.text} NOT NULL,
      device_id ${t.text} NOT NULL,
      recorded_at ${t.text} NOT NULL,
      occurred_at ${t.text} NOT NULL,
      year ${t.int} NOT NULL,
      country ${t.text} NOT NULL,
      producer_id ${t.text},
      on_behalf_of ${t.text},
      attributed_ms ${t.int} NOT NULL,
      category ${t.int} NOT NULL,
      market ${t.text} NOT NULL,
      treatment ${t.text},
      mass_mg ${t.int} NOT NULL,
      units ${t.int} NOT NULL,
      indicator_value ${t.int},
      PRIMARY KEY (global_position, measure)
    )${t.clustered}`,
    `CREATE INDEX IF NOT EXISTS ${indexPrefix}statistics_facts_by_year ON ${tables.facts} (year, measure, global_position)`,
    `CREATE INDEX IF NOT EXISTS ${indexPrefix}statistics_facts_by_producer ON ${tables.facts} (producer_id)`,
    `CREATE TABLE IF NOT EXISTS ${tables.memberships} (
      producer_id ${t.text} NOT NULL,
      joined_position ${t.int} NOT NULL,
      organisation_id ${t.text} NOT NULL,
      joined_ms ${t.int} NOT NULL,
      joined_recorded_at ${t.text} NOT NULL,
      left_ms ${t.int},
      left_recorded_at ${t.text},
      left_position ${t.int},
      PRIMARY KEY (producer_id, joined_position)
    )${t.strict}`,
    `CREATE TABLE IF NOT EXISTS ${tables.cells} (
      year ${t.int} NOT NULL,
      measure ${t.text} NOT NULL,
      country ${t.text} NOT NULL,
      category ${t.int} NOT NULL,
      market ${t.text} NOT NULL,
      treatment ${t.text} NOT NULL,
      organisation_id ${t.text} NOT NULL,
      producer_id ${t.text} NOT NULL,
      mass_mg ${t.int} NOT NULL,
      units ${t.int} NOT NULL,
      indicator_sum ${t.int} NOT NULL,
      facts ${t.int} NOT NULL,
      PRIMARY KEY (year, measure, country, category, market, treatment, organisation_id, producer_id)
    )${t.clustered}`,
  ];
}

/** ORDER BY of each table for dump(): its key. */
export const DUMP_ORDER: Readonly<Record<string, string>> = {
  passports: 'device_id',
  statistics_devices: 'device_id',
  statistics_facts: 'global_position, measure',
  statistics_memberships: 'producer_id, joined_position',
  statistics_cells: 'year, measure, country, category, market, treatment, organisation_id, producer_id',
};

/**
 * The engine's tables (checkpoints, quarantine) and the column types every projection's DDL uses,
 * per dialect: same names and columns in both, only the types differ. Read models are never
 * migrated: a projection whose version changes is dropped and rebuilt from the log (projector.ts),
 * so `CREATE TABLE` is the whole story.
 */
export type Dialect = 'sqlite' | 'postgres';

export interface ColumnTypes {
  readonly int: string;
  readonly text: string;
  /**
   * Documents are JSON text in both: they are only ever read whole, and PostgreSQL's jsonb would
   * parse every passport on every write (measured: the rebuild ran at half the speed).
   */
  readonly document: string;
  /** Bytes a codec wrote (a compressed document, docs/adr/0031). */
  readonly bytes: string;
  readonly strict: string;
  /** Table options of a table clustered by its key (SQLite WITHOUT ROWID). */
  readonly clustered: string;
  /** Table options of the document tables. */
  readonly documents: string;
}

const TYPES: Readonly<Record<Dialect, ColumnTypes>> = {
  sqlite: {
    int: 'INTEGER',
    text: 'TEXT',
    document: 'TEXT',
    bytes: 'BLOB',
    strict: ' STRICT',
    clustered: ' WITHOUT ROWID, STRICT',
    documents: ' STRICT',
  },
  // Passports of a few kilobytes stay in the row instead of being compressed into TOAST on every write.
  // Byte order for text, as SQLite compares: keyset paging and listings order alike in both.
  postgres: {
    int: 'bigint',
    text: 'text COLLATE "C"',
    document: 'text',
    bytes: 'bytea',
    strict: '',
    clustered: '',
    documents: ' WITH (toast_tuple_target = 8160)',
  },
};

export const columnTypes = (dialect: Dialect): ColumnTypes => TYPES[dialect];

export const CHECKPOINTS_TABLE = 'projection_checkpoints';
export const QUARANTINE_TABLE = 'projection_quarantine';

export function checkpointsDdl(dialect: Dialect, table: string): string {
  const t = TYPES[dialect];
  return `CREATE TABLE IF NOT EXISTS ${table} (
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
export function quarantineDdl(dialect: Dialect, table: string): string {
  const t = TYPES[dialect];
  return `CREATE TABLE IF NOT EXISTS ${table} (
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

export const LEADER_TABLE = 'projector_leader';

/**
 * PostgreSQL only: the projector leader's epoch (docs/adr/0020-projector-leader-election.md). One
 * row; a process that takes the leadership increments the epoch, and every page it writes commits
 * only while the epoch is still its own.
 */
export function leaderDdl(table: string): readonly string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (
    id int PRIMARY KEY CHECK (id = 1),
    epoch bigint NOT NULL,
    holder text,
    acquired_at text
  )`,
    `INSERT INTO ${table} (id, epoch) VALUES (1, 0) ON CONFLICT (id) DO NOTHING`,
  ];
}

/**
 * Keyed JSON documents, one per stream (a device's passport, what the statistics remember of a
 * device): the table shape and the load and write of both dialects, shared by the projections that
 * keep documents so that each does not write its own. The document is JSON text (./ddl.ts says why).
 */
import { columnTypes, type Dialect } from './ddl.js';
import type { Evolved, PostgresSession, ReadModelStorage, SqliteSession } from '../projection.js';

/**
 * How a document table stores its documents: JSON text by default, or bytes a codec writes (the
 * passports, deflated against a dictionary: ../passport/compact.ts).
 */
export interface DocumentCodec {
  readonly column: 'text' | 'bytes';
  encode(document: unknown): string | Buffer;
  decode(stored: unknown): unknown;
}

export const JSON_TEXT: DocumentCodec = {
  column: 'text',
  encode: (document) => JSON.stringify(document),
  decode: (stored) => {
    if (typeof stored !== 'string') throw new TypeError('A JSON document column held no text');
    return JSON.parse(stored) as unknown;
  },
};

export function documentsDdl(dialect: Dialect, table: string, codec: DocumentCodec = JSON_TEXT): string {
  const t = columnTypes(dialect);
  const type = codec.column === 'bytes' ? t.bytes : t.document;
  return `CREATE TABLE IF NOT EXISTS ${table} (device_id ${t.text} PRIMARY KEY, document ${type} NOT NULL)${t.documents}`;
}

/** The ORDER BY of a document table in dump(): its key. */
export const DOCUMENTS_ORDER = 'device_id';

export function loadSqliteDocuments<Doc>(
  session: SqliteSession,
  table: string,
  keys: readonly string[],
  codec: DocumentCodec = JSON_TEXT,
): Map<string, Doc> {
  const found = new Map<string, Doc>();
  if (keys.length === 0) return found;
  const rows = session
    .prepare<[string], { device_id: string; document: unknown }>(
      `SELECT device_id, document FROM ${session.table(table)} WHERE device_id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(keys));
  for (const row of rows) found.set(row.device_id, codec.decode(row.document) as Doc);
  return found;
}

export function writeSqliteDocuments(
  session: SqliteSession,
  table: string,
  documents: ReadonlyMap<string, unknown>,
  codec: DocumentCodec = JSON_TEXT,
): void {
  if (documents.size === 0) return;
  const upsert = session.prepare<[string, string | Buffer]>(
    `INSERT INTO ${session.table(table)} (device_id, document) VALUES (?, ?)
     ON CONFLICT (device_id) DO UPDATE SET document = excluded.document`,
  );
  for (const [key, document] of documents) upsert.run(key, codec.encode(document));
}

export async function loadPostgresDocuments<Doc>(
  session: PostgresSession,
  table: string,
  keys: readonly string[],
  codec: DocumentCodec = JSON_TEXT,
): Promise<Map<string, Doc>> {
  const found = new Map<string, Doc>();
  if (keys.length === 0) return found;
  const { rows } = await session.client.query<{ device_id: string; document: unknown }>(
    `SELECT device_id, document FROM ${session.table(table)} WHERE device_id = ANY($1::text[])`,
    [keys],
  );
  for (const row of rows) found.set(row.device_id, codec.decode(row.document) as Doc);
  return found;
}

/**
 * Documents go to the server as one multi-row VALUES statement per chunk, each value its own text
 * parameter: no array literal to escape and parse, which matters for kilobytes of passport JSON.
 * PostgreSQL takes at most 65 535 parameters per statement.
 */
const DOCUMENT_ROWS_PER_STATEMENT = 10_000;

export async function writePostgresDocuments(
  session: PostgresSession,
  table: string,
  documents: ReadonlyMap<string, unknown>,
  codec: DocumentCodec = JSON_TEXT,
): Promise<void> {
  const writes = [...documents];
  for (let start = 0; start < writes.length; start += DOCUMENT_ROWS_PER_STATEMENT) {
    const chunk = writes.slice(start, start + DOCUMENT_ROWS_PER_STATEMENT);
    await session.client.query(
      `INSERT INTO ${session.table(table)} (device_id, document) VALUES ${chunk.map((_, row) => `($${row * 2 + 1}, $${row * 2 + 2})`).join(', ')}
       ON CONFLICT (device_id) DO UPDATE SET document = excluded.document`,
      chunk.flatMap(([key, document]) => [key, codec.encode(document)]),
    );
  }
}

/** The storage of a projection whose read model is one table of documents (the passports). */
export function documentStorage<Doc>(
  table: string,
  codec: DocumentCodec = JSON_TEXT,
): ReadModelStorage<Doc, Evolved<Doc>> {
  return {
    tables: { [table]: DOCUMENTS_ORDER },
    ddl: (dialect, name) => [documentsDdl(dialect, name(table), codec)],
    documentCodec: codec,
    sqlite: {
      load: (session, keys) => loadSqliteDocuments<Doc>(session, table, keys, codec),
      write: (session, page) => writeSqliteDocuments(session, table, page.documents, codec),
    },
    postgres: {
      load: (session, keys) => loadPostgresDocuments<Doc>(session, table, keys, codec),
      write: (session, page) => writePostgresDocuments(session, table, page.documents, codec),
    },
  };
}

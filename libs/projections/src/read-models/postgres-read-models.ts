/**
 * Read models in PostgreSQL, in the same database and schema as the event store (DATABASE_SCHEMA),
 * through their own small pool. A page is one transaction; the checkpoint moves first with a
 * compare-and-set, so a competing projector blocks on the row lock and then finds the checkpoint
 * moved (nothing double-applied). Queries that read more than one statement run in one
 * REPEATABLE READ, READ ONLY transaction: one snapshot, checkpoint included.
 */
import pg from 'pg';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { Passport } from '../passport/passport.js';
import { PROJECTION_NAMES, type DocumentCollection, type ProjectionName } from '../projection.js';
import { checkpointsDdl, DUMP_ORDER, projectionDdl, projectionTables, quarantineDdl } from './ddl.js';
import {
  CheckpointMovedError,
  QuarantineReleasedError,
  type AtCheckpoint,
  type AttributedFact,
  type Checkpoint,
  type FactsQuery,
  type PageWrite,
  type PrepareOutcome,
  type QuarantinedEvent,
  type ReadModelStore,
  type SumRow,
  type SumsQuery,
} from './port.js';
import {
  factRow,
  factValues,
  integer,
  normaliseDumpRow,
  quarantineCounts,
  quarantineRow,
  quarantineValues,
  sumRow,
  type Row,
} from './rows.js';
import {
  addPageToCells,
  FACT_INSERT_COLUMNS,
  factsSql,
  recomputeProducerCells,
  statisticsRange,
  sumsSql,
  type Sql,
  type Tables,
} from '../statistics/sql.js';

export interface PostgresReadModelOptions {
  readonly connectionString: string;
  /** The schema of the event store's tables; the read models go next to them. */
  readonly schema: string;
  readonly poolSize?: number;
}

/** PostgreSQL type of each fact column, for the casts of the batch insert. */
const FACT_COLUMN_TYPES: Record<(typeof FACT_INSERT_COLUMNS)[number], string> = {
  global_position: 'bigint',
  measure: 'text',
  event_id: 'text',
  device_id: 'text',
  recorded_at: 'text',
  occurred_at: 'text',
  year: 'bigint',
  country: 'text',
  producer_id: 'text',
  on_behalf_of: 'text',
  attributed_ms: 'bigint',
  category: 'bigint',
  market: 'text',
  treatment: 'text',
  mass_mg: 'bigint',
  units: 'bigint',
  indicator_value: 'bigint',
};

/** Serialises read-model migrations of one schema ('KP'); the second key is the schema. */
const PREPARE_LOCK_CLASS = 0x4b50;

export class PostgresReadModelStore implements ReadModelStore {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;
  private readonly tables: Tables;
  private readonly indexPrefix: string;
  private readonly collectionTables: Readonly<Record<DocumentCollection, string>>;

  constructor(private readonly options: PostgresReadModelOptions) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
      throw new RangeError(`Invalid PostgreSQL schema name ${JSON.stringify(options.schema)}: use [a-z_][a-z0-9_]*`);
    }
    const s = `"${options.schema}"`;
    this.tables = {
      checkpoints: `${s}.projection_checkpoints`,
      passports: `${s}.passports`,
      statisticsDevices: `${s}.statistics_devices`,
      facts: `${s}.statistics_facts`,
      memberships: `${s}.statistics_memberships`,
      cells: `${s}.statistics_cells`,
      quarantine: `${s}.projection_quarantine`,
    };
    // Index names live in the schema of their table, so the same name in two schemas is fine.
    this.indexPrefix = '';
    this.collectionTables = { passports: this.tables.passports, statistics_devices: this.tables.statisticsDevices };
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: 10_000,
      idle_in_transaction_session_timeout: 60_000,
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  async init(): Promise<void> {
    await this.transaction(async (client) => {
      await this.lockSchema(client);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.options.schema}"`);
      await client.query(checkpointsDdl('postgres', this.tables));
      await client.query(quarantineDdl('postgres', this.tables));
    });
  }

  prepare(name: ProjectionName, version: string): Promise<PrepareOutcome> {
    return this.transaction(async (client): Promise<PrepareOutcome> => {
      await this.lockSchema(client);
      const { rows } = await client.query<{ version: string }>(
        `SELECT version FROM ${this.tables.checkpoints} WHERE name = $1 FOR UPDATE`,
        [name],
      );
      const stored = rows[0]?.version;
      if (stored === version) {
        for (const statement of projectionDdl('postgres', name, this.tables, this.indexPrefix)) await client.query(statement);
        return 'kept';
      }
      await this.recreate(client, name, version);
      return stored === undefined ? 'created' : { recreated: stored };
    });
  }

  async checkpoints(): Promise<ReadonlyMap<ProjectionName, Checkpoint>> {
    const { rows } = await this.pool.query<{
      name: string;
      position: string;
      version: string;
      hash: string | null;
      updated_at: string | null;
    }>(`SELECT name, position, version, hash, updated_at FROM ${this.tables.checkpoints}`);
    const map = new Map<ProjectionName, Checkpoint>();
    for (const row of rows) {
      const name = PROJECTION_NAMES.find((known) => known === row.name);
      if (name === undefined) continue;
      map.set(name, { name, position: integer(row.position, 'position'), version: row.version, hash: row.hash, updatedAt: row.updated_at });
    }
    return map;
  }

  async loadDocuments(collection: DocumentCollection, keys: readonly string[]): Promise<Map<string, object>> {
    const found = new Map<string, object>();
    if (keys.length === 0) return found;
    const { rows } = await this.pool.query<{ device_id: string; document: string }>(
      `SELECT device_id, document FROM ${this.collectionTables[collection]} WHERE device_id = ANY($1::text[])`,
      [keys],
    );
    for (const row of rows) found.set(row.device_id, JSON.parse(row.document) as object);
    return found;
  }

  commit(page: PageWrite): Promise<void> {
    return this.transaction((client) => this.writePage(client, page));
  }

  reset(name: ProjectionName, version: string): Promise<void> {
    return this.transaction(async (client) => {
      await this.lockSchema(client);
      await this.recreate(client, name, version);
    });
  }

  quarantined(limit: number): Promise<{ events: QuarantinedEvent[]; counts: Map<ProjectionName, number> }> {
    return this.transaction(async (client) => {
      const rows = await client.query<Row>(
        `SELECT * FROM ${this.tables.quarantine} ORDER BY global_position, name LIMIT $1`,
        [limit],
      );
      const counts = await client.query<Row>(`SELECT name, COUNT(*) AS events FROM ${this.tables.quarantine} GROUP BY name`);
      return { events: rows.rows.flatMap(quarantineRow), counts: quarantineCounts(counts.rows) };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async passport(deviceId: string): Promise<AtCheckpoint<Passport | null>> {
    // One statement, one snapshot: the checkpoint row with the passport (if any) beside it.
    const { rows } = await this.pool.query<{ position: string; document: string | null }>(
      `SELECT c.position, p.document FROM ${this.tables.checkpoints} c
       LEFT JOIN ${this.tables.passports} p ON p.device_id = $2 WHERE c.name = $1`,
      ['passports', deviceId],
    );
    const row = rows[0];
    const document = row?.document ?? null;
    return {
      value: document === null ? null : (JSON.parse(document) as Passport),
      checkpoint: row === undefined ? 0 : integer(row.position, 'position'),
    };
  }

  sums(query: SumsQuery): Promise<AtCheckpoint<SumRow[]>> {
    return this.snapshot('statistics', async (client) =>
      (await query_(client, sumsSql(this.tables, query))).map((row) => sumRow(row, query.groupBy)),
    );
  }

  facts(query: FactsQuery): Promise<AtCheckpoint<AttributedFact[]>> {
    return this.snapshot('statistics', async (client) => (await query_(client, factsSql(this.tables, query))).map(factRow));
  }

  async dump(): Promise<Record<string, unknown[]>> {
    const s = `"${this.options.schema}"`;
    const checkpoints = await this.pool.query<Row>(
      `SELECT name, position, version, hash FROM ${this.tables.checkpoints} ORDER BY name`,
    );
    const dump: Record<string, unknown[]> = { projection_checkpoints: checkpoints.rows.map(normaliseDumpRow) };
    for (const [table, order] of Object.entries(DUMP_ORDER)) {
      const { rows } = await this.pool.query<Row>(`SELECT * FROM ${s}.${table} ORDER BY ${order}`);
      dump[table] = rows.map(normaliseDumpRow);
    }
    return dump;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async writePage(client: PoolClient, page: PageWrite): Promise<void> {
    // Checkpoints first: a competing instance waits on the row lock here, then finds it moved.
    for (const move of page.checkpoints) {
      const result = await client.query(
        `UPDATE ${this.tables.checkpoints} SET position = $1, hash = $2, updated_at = $3 WHERE name = $4 AND position = $5`,
        [move.to, move.hash, new Date().toISOString(), move.name, move.from],
      );
      if (result.rowCount !== 1) throw new CheckpointMovedError(move.name, move.from);
    }
    if (page.release !== undefined) {
      const released = await client.query(`DELETE FROM ${this.tables.quarantine} WHERE name = $1 AND global_position = $2`, [
        page.release.name,
        page.release.position,
      ]);
      if (released.rowCount !== 1) throw new QuarantineReleasedError(page.release.name, page.release.position);
    }
    for (const event of page.quarantine ?? []) {
      await client.query(
        `INSERT INTO ${this.tables.quarantine} (name, global_position, event_id, event_type, stream_id, reason, quarantined_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name, global_position) DO NOTHING`,
        quarantineValues(event),
      );
    }
    for (const collection of ['passports', 'statistics_devices'] as const) {
      const writes = page.documents.filter((write) => write.collection === collection);
      for (const chunk of chunks(writes, DOCUMENT_ROWS_PER_STATEMENT)) {
        await client.query(
          `INSERT INTO ${this.collectionTables[collection]} (device_id, document) VALUES ${placeholders(chunk.length, 2)}
           ON CONFLICT (device_id) DO UPDATE SET document = excluded.document`,
          chunk.flatMap((write) => [write.key, JSON.stringify(write.document)]),
        );
      }
    }
    if (page.facts.length > 0) {
      // One JSON parameter unpacked by the server: no 17 array literals to escape and parse, and
      // the types come from the casts rather than from inferring thousands of parameters.
      await client.query(
        `INSERT INTO ${this.tables.facts} (${FACT_INSERT_COLUMNS.join(', ')})
         SELECT ${FACT_INSERT_COLUMNS.map((column, index) => `(r->>${index})::${FACT_COLUMN_TYPES[column]}`).join(', ')}
         FROM jsonb_array_elements($1::jsonb) AS r`,
        [JSON.stringify(page.facts.map(factValues))],
      );
    }
    for (const change of page.memberships) {
      if (change.kind === 'joined') {
        await client.query(
          `INSERT INTO ${this.tables.memberships} (producer_id, joined_position, organisation_id, joined_ms, joined_recorded_at)
           VALUES ($1, $2, $3, $4, $5)`,
          [change.producerId, change.globalPosition, change.organisationId, change.effectiveAt, change.recordedAt],
        );
      } else {
        await client.query(
          `UPDATE ${this.tables.memberships} SET left_ms = $1, left_recorded_at = $2, left_position = $3
           WHERE producer_id = $4 AND organisation_id = $5 AND left_ms IS NULL`,
          [change.effectiveAt, change.recordedAt, change.globalPosition, change.producerId, change.organisationId],
        );
      }
    }
    const statistics = statisticsRange(page);
    if (statistics !== null && (page.facts.length > 0 || page.memberships.length > 0)) {
      const changed = [...new Set(page.memberships.map((change) => change.producerId))];
      await query_(client, addPageToCells(this.tables, statistics.from, statistics.to, changed));
      if (changed.length > 0) for (const sql of recomputeProducerCells(this.tables, changed)) await query_(client, sql);
    }
  }

  private async recreate(client: PoolClient, name: ProjectionName, version: string): Promise<void> {
    for (const table of projectionTables(name, this.tables)) await client.query(`DROP TABLE IF EXISTS ${table}`);
    for (const statement of projectionDdl('postgres', name, this.tables, this.indexPrefix)) await client.query(statement);
    await client.query(`DELETE FROM ${this.tables.quarantine} WHERE name = $1`, [name]);
    await client.query(
      `INSERT INTO ${this.tables.checkpoints} (name, position, version, hash, updated_at) VALUES ($1, 0, $2, NULL, $3)
       ON CONFLICT (name) DO UPDATE SET position = 0, version = excluded.version, hash = NULL, updated_at = excluded.updated_at`,
      [name, version, new Date().toISOString()],
    );
  }

  private async lockSchema(client: PoolClient): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PREPARE_LOCK_CLASS, this.options.schema]);
  }

  private async snapshot<T>(name: ProjectionName, read: (client: PoolClient) => Promise<T>): Promise<AtCheckpoint<T>> {
    return this.transaction(async (client) => {
      const value = await read(client);
      const { rows } = await client.query<{ position: string }>(
        `SELECT position FROM ${this.tables.checkpoints} WHERE name = $1`,
        [name],
      );
      return { value, checkpoint: rows[0] === undefined ? 0 : integer(rows[0].position, 'position') };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  /** BEGIN … COMMIT on one client; ROLLBACK on any error; a client whose ROLLBACK failed is discarded. */
  private async transaction<T>(work: (client: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

/**
 * Documents go to the server as one multi-row VALUES statement per chunk, each value its own text
 * parameter: no array literal to escape and parse, which matters for kilobytes of passport JSON.
 * PostgreSQL takes at most 65 535 parameters per statement.
 */
const DOCUMENT_ROWS_PER_STATEMENT = 10_000;

function placeholders(rows: number, columns: number): string {
  const tuples: string[] = [];
  for (let row = 0; row < rows; row += 1) {
    const values: string[] = [];
    for (let column = 1; column <= columns; column += 1) values.push(`$${row * columns + column}`);
    tuples.push(`(${values.join(', ')})`);
  }
  return tuples.join(', ');
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** Numbers the `?` placeholders ($1, $2, …) and runs the statement. */
async function query_(client: PoolClient, sql: Sql): Promise<Row[]> {
  let index = 0;
  const text = sql.text.replace(/\?/g, () => `$${(index += 1)}`);
  const result = await client.query<QueryResultRow>(text, sql.params);
  return result.rows;
}

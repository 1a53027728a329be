/**
 * Read models in PostgreSQL, in the same database and schema as the event store (DATABASE_SCHEMA),
 * through their own small pool. A page is one transaction; the checkpoint moves first with a
 * compare-and-set, so a competing projector blocks on the row lock and then finds the checkpoint
 * moved (nothing double-applied). Queries that read more than one statement run in one
 * REPEATABLE READ, READ ONLY transaction: one snapshot, checkpoint included. This store names no
 * read model: the projections bring their tables and writers (../projection.ts).
 */
import pg from 'pg';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { AnyProjection, PostgresSession, ProjectionName } from '../projection.js';
import { CHECKPOINTS_TABLE, checkpointsDdl, LEADER_TABLE, leaderDdl, QUARANTINE_TABLE, quarantineDdl } from './ddl.js';
import {
  CheckpointMovedError,
  LeadershipLostError,
  QuarantineReleasedError,
  type AtCheckpoint,
  type Checkpoint,
  type PageWrite,
  type PrepareOutcome,
  type QuarantinedEvent,
  readableCheckpoint,
  type ReadModelStore,
  rebuildingVersion,
  type SnapshotRead,
} from './port.js';
import { integer, normaliseDumpRow, quarantineCounts, quarantineRow, quarantineValues } from './rows.js';
import type { Row, Sql } from './sql.js';
import type { DocumentCodec } from './documents.js';

export interface PostgresReadModelOptions {
  readonly connectionString: string;
  /** The schema of the event store's tables; the read models go next to them. */
  readonly schema: string;
  readonly poolSize?: number;
}

/** Serialises read-model migrations of one schema ('KP'); the second key is the schema. */
const PREPARE_LOCK_CLASS = 0x4b50;

/** pg's type id of bigint, which it hands back as text. */
const INT8_OID = 20;

export class PostgresReadModelStore implements ReadModelStore {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;
  private readonly checkpointsTable: string;
  private readonly quarantineTable: string;
  private readonly leaderTable: string;
  /** The projections prepared here, by name: whose tables reset() and dump() handle. */
  private readonly prepared = new Map<ProjectionName, AnyProjection>();

  constructor(private readonly options: PostgresReadModelOptions) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
      throw new RangeError(`Invalid PostgreSQL schema name ${JSON.stringify(options.schema)}: use [a-z_][a-z0-9_]*`);
    }
    this.checkpointsTable = this.table(CHECKPOINTS_TABLE);
    this.quarantineTable = this.table(QUARANTINE_TABLE);
    this.leaderTable = this.table(LEADER_TABLE);
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
      await client.query(checkpointsDdl('postgres', this.checkpointsTable));
      await client.query(quarantineDdl('postgres', this.quarantineTable));
      for (const statement of leaderDdl(this.leaderTable)) await client.query(statement);
    });
  }

  prepare(projection: AnyProjection): Promise<PrepareOutcome> {
    this.prepared.set(projection.name, projection);
    return this.transaction(async (client): Promise<PrepareOutcome> => {
      await this.lockSchema(client);
      const { rows } = await client.query<{ version: string }>(
        `SELECT version FROM ${this.checkpointsTable} WHERE name = $1 FOR UPDATE`,
        [projection.name],
      );
      const stored = rows[0]?.version;
      if (stored === projection.version || stored === rebuildingVersion(projection.version)) {
        // A finished read model gets any missing index back; a rebuild left unfinished resumes
        // without them, to create them at its end (docs/adr/0032).
        const indexes =
          stored === projection.version ? (projection.storage.indexes?.('postgres', this.table) ?? []) : [];
        for (const statement of [...projection.storage.ddl('postgres', this.table), ...indexes])
          await client.query(statement);
        return 'kept';
      }
      await this.recreate(client, projection, projection.version);
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
    }>(`SELECT name, position, version, hash, updated_at FROM ${this.checkpointsTable}`);
    const map = new Map<ProjectionName, Checkpoint>();
    for (const row of rows) {
      map.set(row.name, {
        name: row.name,
        position: integer(row.position, 'position'),
        version: row.version,
        hash: row.hash,
        updatedAt: row.updated_at,
      });
    }
    return map;
  }

  async loadDocuments(projection: AnyProjection, keys: readonly string[]): Promise<Map<string, object>> {
    const client = await this.pool.connect();
    try {
      return await projection.storage.postgres.load(this.session(client), keys);
    } finally {
      client.release();
    }
  }

  commit(page: PageWrite): Promise<void> {
    return this.transaction((client) => this.writePage(client, page));
  }

  reset(name: ProjectionName, version: string): Promise<void> {
    const projection = this.prepared.get(name);
    if (projection === undefined)
      return Promise.reject(new Error(`Projection ${name} was not prepared on this read-model store`));
    return this.transaction(async (client) => {
      await this.lockSchema(client);
      await this.recreate(client, projection, version);
    });
  }

  async analyze(names: readonly ProjectionName[] = [...this.prepared.keys()]): Promise<void> {
    for (const name of names) {
      const projection = this.prepared.get(name);
      if (projection === undefined) throw new Error(`Projection ${name} was not prepared on this read-model store`);
      for (const table of Object.keys(projection.storage.tables)) await this.pool.query(`ANALYZE ${this.table(table)}`);
    }
  }

  quarantined(limit: number): Promise<{ events: QuarantinedEvent[]; counts: Map<ProjectionName, number> }> {
    return this.transaction(async (client) => {
      const rows = await client.query<Row>(
        `SELECT * FROM ${this.quarantineTable} ORDER BY global_position, name LIMIT $1`,
        [limit],
      );
      const counts = await client.query<Row>(
        `SELECT name, COUNT(*) AS events FROM ${this.quarantineTable} GROUP BY name`,
      );
      return { events: rows.rows.map(quarantineRow), counts: quarantineCounts(counts.rows) };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async snapshot<T>(name: ProjectionName, read: SnapshotRead<T>): Promise<AtCheckpoint<T>> {
    if (read.postgresAtOnce !== undefined) {
      const client = await this.pool.connect();
      try {
        return await read.postgresAtOnce(this.session(client), this.checkpointsTable, name);
      } finally {
        client.release();
      }
    }
    return this.transaction(async (client) => {
      const value = await read.postgres(this.session(client));
      const { rows } = await client.query<{ position: string; version: string }>(
        `SELECT position, version FROM ${this.checkpointsTable} WHERE name = $1`,
        [name],
      );
      const row = rows[0];
      const stored =
        row === undefined ? undefined : { position: integer(row.position, 'position'), version: row.version };
      return { value, checkpoint: stored === undefined ? 0 : readableCheckpoint(stored, this.prepared.get(name)) };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async dump(projections: readonly AnyProjection[] = [...this.prepared.values()]): Promise<Record<string, unknown[]>> {
    const dump: Record<string, unknown[]> = {
      projection_checkpoints: await this.dumpRows(
        `SELECT name, position, version, hash FROM ${this.checkpointsTable} ORDER BY name`,
      ),
    };
    for (const projection of projections) {
      for (const [table, order] of Object.entries(projection.storage.tables)) {
        dump[table] = await this.dumpRows(
          `SELECT * FROM ${this.table(table)} ORDER BY ${order}`,
          projection.storage.documentCodec,
        );
      }
    }
    return dump;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** The rows of a query, bigint columns as numbers, as SQLite gives them. */
  private async dumpRows(text: string, documents?: DocumentCodec): Promise<Row[]> {
    const result = await this.pool.query<Row>(text);
    const bigints = new Set(result.fields.filter((field) => field.dataTypeID === INT8_OID).map((field) => field.name));
    return result.rows.map((row) => normaliseDumpRow(row, bigints, documents));
  }

  /** A table of the store's schema. */
  private readonly table = (name: string): string => `"${this.options.schema}".${name}`;

  private session(client: PoolClient): PostgresSession {
    return { client, table: this.table, query: async (sql) => query_(client, sql) };
  }

  private async writePage(client: PoolClient, page: PageWrite): Promise<void> {
    // The fence first (docs/adr/0020): FOR SHARE holds the epoch row until this page commits, so a
    // new leader's epoch increment waits for it, and any later page of the old leader sees the new
    // epoch and writes nothing.
    if (page.fence !== undefined) {
      const { rows } = await client.query<{ epoch: string }>(
        `SELECT epoch FROM ${this.leaderTable} WHERE id = 1 FOR SHARE`,
      );
      if (rows[0] === undefined || integer(rows[0].epoch, 'epoch') !== page.fence) {
        throw new LeadershipLostError(page.fence);
      }
    }
    // Checkpoints first: a competing instance waits on the row lock here, then finds it moved.
    for (const move of page.checkpoints) {
      const result = await client.query(
        `UPDATE ${this.checkpointsTable} SET position = $1, hash = $2, updated_at = $3
         WHERE name = $4 AND position = $5 AND version = $6`,
        [move.to, move.hash, new Date().toISOString(), move.name, move.from, move.version],
      );
      if (result.rowCount !== 1) throw new CheckpointMovedError(move.name, move.from);
    }
    if (page.release !== undefined) {
      const released = await client.query(
        `DELETE FROM ${this.quarantineTable} WHERE name = $1 AND global_position = $2`,
        [page.release.name, page.release.position],
      );
      if (released.rowCount !== 1) throw new QuarantineReleasedError(page.release.name, page.release.position);
    }
    for (const event of page.quarantine ?? []) {
      await client.query(
        `INSERT INTO ${this.quarantineTable} (name, global_position, event_id, event_type, stream_id, reason, quarantined_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name, global_position) DO NOTHING`,
        quarantineValues(event),
      );
    }
    const session = this.session(client);
    for (const part of page.parts) await part.projection.storage.postgres.write(session, part.page);
    for (const { projection, position } of page.finish ?? []) {
      // The guard first: another projector that finished this rebuild, or moved on, refuses the page.
      const finished = await client.query(
        `UPDATE ${this.checkpointsTable} SET version = $1 WHERE name = $2 AND position = $3 AND version = $4`,
        [projection.version, projection.name, position, rebuildingVersion(projection.version)],
      );
      if (finished.rowCount !== 1) throw new CheckpointMovedError(projection.name, position);
      await projection.storage.postgres.finishRebuild?.(session);
      for (const statement of projection.storage.indexes?.('postgres', this.table) ?? []) await client.query(statement);
    }
  }

  private async recreate(client: PoolClient, projection: AnyProjection, version: string): Promise<void> {
    for (const table of Object.keys(projection.storage.tables))
      await client.query(`DROP TABLE IF EXISTS ${this.table(table)}`);
    // A full rebuild starts: tables without their secondary indexes, the version marked until its last page.
    for (const statement of projection.storage.ddl('postgres', this.table)) await client.query(statement);
    await client.query(`DELETE FROM ${this.quarantineTable} WHERE name = $1`, [projection.name]);
    await client.query(
      `INSERT INTO ${this.checkpointsTable} (name, position, version, hash, updated_at) VALUES ($1, 0, $2, NULL, $3)
       ON CONFLICT (name) DO UPDATE SET position = 0, version = excluded.version, hash = NULL, updated_at = excluded.updated_at`,
      [projection.name, rebuildingVersion(version), new Date().toISOString()],
    );
  }

  private async lockSchema(client: PoolClient): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PREPARE_LOCK_CLASS, this.options.schema]);
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

/** Numbers the `?` placeholders ($1, $2, …) and runs the statement. */
async function query_(client: PoolClient, sql: Sql): Promise<Row[]> {
  let index = 0;
  const text = sql.text.replace(/\?/g, () => `$${(index += 1)}`);
  const result = await client.query<QueryResultRow>(text, sql.params);
  return result.rows;
}

/**
 * Read models in SQLite (better-sqlite3), in their own file next to the event store's
 * (`projections.sqlite` under the data folder): the projector's page transactions then never hold
 * the store's write lock, so appends do not wait for projections, and deleting the file is a valid
 * way to rebuild everything.
 *
 * better-sqlite3 is synchronous: a page is written by one synchronous function inside
 * BEGIN IMMEDIATE … COMMIT, and a query's statements run inside one read transaction, so each sees
 * one snapshot even while another process writes.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
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
  type SqlParam,
  type Tables,
} from '../statistics/sql.js';

export interface SqliteReadModelOptions {
  /** The database file (its folder is created), or ':memory:'. */
  readonly file: string;
  /** How long a writer waits for another connection's lock, ms (blocks the thread). */
  readonly busyTimeoutMs?: number;
}

const TABLES: Tables = {
  checkpoints: 'projection_checkpoints',
  passports: 'passports',
  statisticsDevices: 'statistics_devices',
  facts: 'statistics_facts',
  memberships: 'statistics_memberships',
  cells: 'statistics_cells',
  quarantine: 'projection_quarantine',
};

const COLLECTION_TABLES: Readonly<Record<DocumentCollection, string>> = {
  passports: TABLES.passports,
  statistics_devices: TABLES.statisticsDevices,
};

type Db = Database.Database;

interface CheckpointRow {
  readonly name: string;
  readonly position: number;
  readonly version: string;
  readonly hash: string | null;
  readonly updated_at: string | null;
}

type Prepare = <P extends unknown[], R = unknown>(text: string) => Database.Statement<P, R>;

export class SqliteReadModelStore implements ReadModelStore {
  readonly kind = 'sqlite' as const;
  private db: Db | null = null;
  /** Statements by text: a rebuild writes thousands of pages with the same few statements. */
  private readonly statements = new Map<string, Database.Statement<unknown[], unknown>>();

  constructor(private readonly options: SqliteReadModelOptions) {}

  init(): Promise<void> {
    return settled(() => {
      if (this.db !== null) return;
      const { file } = this.options;
      if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
      const db = new Database(file, { timeout: this.options.busyTimeoutMs ?? 10_000 });
      try {
        if (file !== ':memory:') db.pragma('journal_mode = WAL');
        // A crash may lose the last committed pages (they are replayed from the checkpoint), never corrupt.
        db.pragma('synchronous = NORMAL');
        // 64 MiB of page cache (the default is 2 MiB): a page of events touches the facts, cells and
        // documents B-trees all over, and at a million devices the default cache thrashes.
        db.pragma('cache_size = -65536');
        db.exec(checkpointsDdl('sqlite', TABLES));
        db.exec(quarantineDdl('sqlite', TABLES));
      } catch (error) {
        db.close();
        throw error;
      }
      this.db = db;
    });
  }

  prepare(name: ProjectionName, version: string): Promise<PrepareOutcome> {
    return settled(() => {
      const db = this.open();
      const prepare = db.transaction((): PrepareOutcome => {
        const row = db.prepare<[string], CheckpointRow>(`SELECT * FROM ${TABLES.checkpoints} WHERE name = ?`).get(name);
        if (row !== undefined && row.version === version) {
          for (const statement of projectionDdl('sqlite', name, TABLES, '')) db.exec(statement);
          return 'kept';
        }
        this.recreate(db, name, version);
        return row === undefined ? 'created' : { recreated: row.version };
      });
      return prepare.immediate();
    });
  }

  checkpoints(): Promise<ReadonlyMap<ProjectionName, Checkpoint>> {
    return settled(() => readCheckpoints(this.open()));
  }

  loadDocuments(collection: DocumentCollection, keys: readonly string[]): Promise<Map<string, object>> {
    return settled(() => {
      const found = new Map<string, object>();
      if (keys.length === 0) return found;
      const rows = this.open()
        .prepare<[string], { device_id: string; document: string }>(
          `SELECT device_id, document FROM ${COLLECTION_TABLES[collection]} WHERE device_id IN (SELECT value FROM json_each(?))`,
        )
        .all(JSON.stringify(keys));
      for (const row of rows) found.set(row.device_id, JSON.parse(row.document) as object);
      return found;
    });
  }

  commit(page: PageWrite): Promise<void> {
    return settled(() => {
      const db = this.open();
      db.transaction(() => writePage(this.cached, page)).immediate();
    });
  }

  reset(name: ProjectionName, version: string): Promise<void> {
    return settled(() => {
      const db = this.open();
      db.transaction(() => this.recreate(db, name, version)).immediate();
    });
  }

  quarantined(limit: number): Promise<{ events: QuarantinedEvent[]; counts: Map<ProjectionName, number> }> {
    return settled(() => {
      const db = this.open();
      return db.transaction(() => {
        const rows = db
          .prepare<[number], Row>(`SELECT * FROM ${TABLES.quarantine} ORDER BY global_position, name LIMIT ?`)
          .all(limit);
        const counts = db
          .prepare<[], Row>(`SELECT name, COUNT(*) AS events FROM ${TABLES.quarantine} GROUP BY name`)
          .all();
        return { events: rows.flatMap(quarantineRow), counts: quarantineCounts(counts) };
      })();
    });
  }

  passport(deviceId: string): Promise<AtCheckpoint<Passport | null>> {
    return settled(() =>
      this.snapshot('passports', (db) => {
        const row = db
          .prepare<[string], { document: string }>(`SELECT document FROM ${TABLES.passports} WHERE device_id = ?`)
          .get(deviceId);
        return row === undefined ? null : (JSON.parse(row.document) as Passport);
      }),
    );
  }

  sums(query: SumsQuery): Promise<AtCheckpoint<SumRow[]>> {
    return settled(() =>
      this.snapshot('statistics', (db) => all(db, sumsSql(TABLES, query)).map((row) => sumRow(row, query.groupBy))),
    );
  }

  facts(query: FactsQuery): Promise<AtCheckpoint<AttributedFact[]>> {
    return settled(() => this.snapshot('statistics', (db) => all(db, factsSql(TABLES, query)).map(factRow)));
  }

  dump(): Promise<Record<string, unknown[]>> {
    return settled(() => {
      const db = this.open();
      const dump: Record<string, unknown[]> = {
        projection_checkpoints: db
          .prepare<[], Row>(`SELECT name, position, version, hash FROM ${TABLES.checkpoints} ORDER BY name`)
          .all(),
      };
      for (const [table, order] of Object.entries(DUMP_ORDER)) {
        dump[table] = db.prepare<[], Row>(`SELECT * FROM ${table} ORDER BY ${order}`).all().map(normaliseDumpRow);
      }
      return dump;
    });
  }

  close(): Promise<void> {
    return settled(() => {
      this.statements.clear();
      this.db?.close();
      this.db = null;
    });
  }

  private readonly cached: Prepare = <P extends unknown[], R = unknown>(text: string): Database.Statement<P, R> => {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = this.open().prepare<unknown[], unknown>(text);
      this.statements.set(text, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  };

  private open(): Db {
    if (this.db === null) throw new Error('SqliteReadModelStore: call init() first (or it was closed)');
    return this.db;
  }

  private recreate(db: Db, name: ProjectionName, version: string): void {
    // Dropped tables invalidate the statements prepared on them.
    this.statements.clear();
    for (const table of projectionTables(name, TABLES)) db.exec(`DROP TABLE IF EXISTS ${table}`);
    for (const statement of projectionDdl('sqlite', name, TABLES, '')) db.exec(statement);
    db.prepare(`DELETE FROM ${TABLES.quarantine} WHERE name = ?`).run(name);
    db.prepare(
      `INSERT INTO ${TABLES.checkpoints} (name, position, version, hash, updated_at) VALUES (?, 0, ?, NULL, ?)
       ON CONFLICT (name) DO UPDATE SET position = 0, version = excluded.version, hash = NULL, updated_at = excluded.updated_at`,
    ).run(name, version, new Date().toISOString());
  }

  /** Runs a query and reads its projection's checkpoint in one read transaction: one snapshot. */
  private snapshot<T>(name: ProjectionName, read: (db: Db) => T): AtCheckpoint<T> {
    const db = this.open();
    return db.transaction((): AtCheckpoint<T> => {
      const value = read(db);
      const row = db
        .prepare<[string], { position: number }>(`SELECT position FROM ${TABLES.checkpoints} WHERE name = ?`)
        .get(name);
      return { value, checkpoint: row?.position ?? 0 };
    })();
  }
}

function readCheckpoints(db: Db): Map<ProjectionName, Checkpoint> {
  const map = new Map<ProjectionName, Checkpoint>();
  for (const row of db.prepare<[], CheckpointRow>(`SELECT * FROM ${TABLES.checkpoints}`).all()) {
    const name = PROJECTION_NAMES.find((known) => known === row.name);
    if (name === undefined) continue;
    map.set(name, {
      name,
      position: integer(row.position, 'position'),
      version: row.version,
      hash: row.hash,
      updatedAt: row.updated_at,
    });
  }
  return map;
}

function all(db: Db, sql: Sql): Row[] {
  return db.prepare<SqlParam[], Row>(sql.text).all(...sql.params);
}

/** The whole page, inside the caller's transaction; any throw rolls everything back. */
function writePage(prepare: Prepare, page: PageWrite): void {
  const run = (sql: Sql): void => {
    prepare<SqlParam[]>(sql.text).run(...sql.params);
  };
  const now = new Date().toISOString();
  const moveCheckpoint = prepare<[number, string, string, string, number]>(
    `UPDATE ${TABLES.checkpoints} SET position = ?, hash = ?, updated_at = ? WHERE name = ? AND position = ?`,
  );
  for (const move of page.checkpoints) {
    if (moveCheckpoint.run(move.to, move.hash, now, move.name, move.from).changes !== 1) {
      throw new CheckpointMovedError(move.name, move.from);
    }
  }
  if (page.release !== undefined) {
    const released = prepare<[string, number]>(`DELETE FROM ${TABLES.quarantine} WHERE name = ? AND global_position = ?`).run(
      page.release.name,
      page.release.position,
    );
    if (released.changes !== 1) throw new QuarantineReleasedError(page.release.name, page.release.position);
  }
  for (const event of page.quarantine ?? []) {
    prepare<SqlParam[]>(
      `INSERT INTO ${TABLES.quarantine} (name, global_position, event_id, event_type, stream_id, reason, quarantined_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name, global_position) DO NOTHING`,
    ).run(...quarantineValues(event));
  }
  for (const write of page.documents) {
    prepare<[string, string]>(
      `INSERT INTO ${COLLECTION_TABLES[write.collection]} (device_id, document) VALUES (?, ?)
       ON CONFLICT (device_id) DO UPDATE SET document = excluded.document`,
    ).run(write.key, JSON.stringify(write.document));
  }
  if (page.facts.length > 0) {
    const insertFact = prepare<SqlParam[]>(
      `INSERT INTO ${TABLES.facts} (${FACT_INSERT_COLUMNS.join(', ')}) VALUES (${FACT_INSERT_COLUMNS.map(() => '?').join(', ')})`,
    );
    for (const fact of page.facts) insertFact.run(...factValues(fact));
  }
  for (const change of page.memberships) {
    if (change.kind === 'joined') {
      prepare<[string, number, string, number, string]>(
        `INSERT INTO ${TABLES.memberships} (producer_id, joined_position, organisation_id, joined_ms, joined_recorded_at)
         VALUES (?, ?, ?, ?, ?)`,
      ).run(change.producerId, change.globalPosition, change.organisationId, change.effectiveAt, change.recordedAt);
    } else {
      prepare<[number, string, number, string, string]>(
        `UPDATE ${TABLES.memberships} SET left_ms = ?, left_recorded_at = ?, left_position = ?
         WHERE producer_id = ? AND organisation_id = ? AND left_ms IS NULL`,
      ).run(change.effectiveAt, change.recordedAt, change.globalPosition, change.producerId, change.organisationId);
    }
  }
  const statistics = statisticsRange(page);
  if (statistics !== null && (page.facts.length > 0 || page.memberships.length > 0)) {
    const changed = [...new Set(page.memberships.map((change) => change.producerId))];
    run(addPageToCells(TABLES, statistics.from, statistics.to, changed));
    if (changed.length > 0) for (const sql of recomputeProducerCells(TABLES, changed)) run(sql);
  }
}

/** better-sqlite3 works synchronously; hands the result over as the port's promise, a throw as a rejection. */
function settled<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}

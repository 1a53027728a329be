/**
 * Read models in SQLite (better-sqlite3), in their own file next to the event store's
 * (`projections.sqlite` under the data folder): the projector's page transactions then never hold
 * the store's write lock, so appends do not wait for projections, and deleting the file is a valid
 * way to rebuild everything.
 *
 * better-sqlite3 is synchronous: a page is written by one synchronous function inside
 * BEGIN IMMEDIATE … COMMIT (each projection's storage writes its part in it), and a read's
 * statements run inside one read transaction, so each sees one snapshot even while another process
 * writes. This store names no read model: the projections bring their tables (../projection.ts).
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { AnyProjection, ProjectionName, SqliteSession } from '../projection.js';
import { CHECKPOINTS_TABLE, checkpointsDdl, QUARANTINE_TABLE, quarantineDdl } from './ddl.js';
import {
  CheckpointMovedError,
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
import type { Row, SqlParam } from './sql.js';

export interface SqliteReadModelOptions {
  /** The database file (its folder is created), or ':memory:'. */
  readonly file: string;
  /** How long a writer waits for another connection's lock, ms (blocks the thread). */
  readonly busyTimeoutMs?: number;
}

type Db = Database.Database;

interface CheckpointRow {
  readonly name: string;
  readonly position: number;
  readonly version: string;
  readonly hash: string | null;
  readonly updated_at: string | null;
}

export class SqliteReadModelStore implements ReadModelStore {
  readonly kind = 'sqlite' as const;
  private db: Db | null = null;
  /** Statements by text: a rebuild writes thousands of pages with the same few statements. */
  private readonly statements = new Map<string, Database.Statement<unknown[], unknown>>();
  /** The projections prepared here, by name: whose tables reset() and dump() handle. */
  private readonly prepared = new Map<ProjectionName, AnyProjection>();

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
        db.exec(checkpointsDdl('sqlite', CHECKPOINTS_TABLE));
        db.exec(quarantineDdl('sqlite', QUARANTINE_TABLE));
      } catch (error) {
        db.close();
        throw error;
      }
      this.db = db;
    });
  }

  prepare(projection: AnyProjection): Promise<PrepareOutcome> {
    return settled(() => {
      const db = this.open();
      this.prepared.set(projection.name, projection);
      const prepare = db.transaction((): PrepareOutcome => {
        const row = db
          .prepare<[string], CheckpointRow>(`SELECT * FROM ${CHECKPOINTS_TABLE} WHERE name = ?`)
          .get(projection.name);
        if (
          row !== undefined &&
          (row.version === projection.version || row.version === rebuildingVersion(projection.version))
        ) {
          // A finished read model gets any missing index back; a rebuild left unfinished resumes
          // without them, to create them at its end (docs/adr/0032).
          const indexes =
            row.version === projection.version ? (projection.storage.indexes?.('sqlite', same) ?? []) : [];
          for (const statement of [...projection.storage.ddl('sqlite', same), ...indexes]) db.exec(statement);
          return 'kept';
        }
        this.recreate(db, projection, projection.version);
        return row === undefined ? 'created' : { recreated: row.version };
      });
      return prepare.immediate();
    });
  }

  checkpoints(): Promise<ReadonlyMap<ProjectionName, Checkpoint>> {
    return settled(() => readCheckpoints(this.open()));
  }

  loadDocuments(projection: AnyProjection, keys: readonly string[]): Promise<Map<string, object>> {
    return settled(() => projection.storage.sqlite.load(this.session(), keys));
  }

  commit(page: PageWrite): Promise<void> {
    return settled(() => {
      // One process owns the embedded files; there is no election to fence by (docs/operations.md).
      if (page.fence !== undefined) throw new RangeError('SQLite read models have no projector leader election');
      const db = this.open();
      db.transaction(() => writePage(this.session(), page)).immediate();
    });
  }

  reset(name: ProjectionName, version: string): Promise<void> {
    return settled(() => {
      const db = this.open();
      db.transaction(() => this.recreate(db, this.preparedNamed(name), version)).immediate();
    });
  }

  analyze(names: readonly ProjectionName[] = [...this.prepared.keys()]): Promise<void> {
    return settled(() => {
      const db = this.open();
      for (const name of names) {
        for (const table of Object.keys(this.preparedNamed(name).storage.tables)) db.exec(`ANALYZE ${table}`);
      }
    });
  }

  quarantined(limit: number): Promise<{ events: QuarantinedEvent[]; counts: Map<ProjectionName, number> }> {
    return settled(() => {
      const db = this.open();
      return db.transaction(() => {
        const rows = db
          .prepare<[number], Row>(`SELECT * FROM ${QUARANTINE_TABLE} ORDER BY global_position, name LIMIT ?`)
          .all(limit);
        const counts = db
          .prepare<[], Row>(`SELECT name, COUNT(*) AS events FROM ${QUARANTINE_TABLE} GROUP BY name`)
          .all();
        return { events: rows.map(quarantineRow), counts: quarantineCounts(counts) };
      })();
    });
  }

  /** Runs the read and reads the projection's checkpoint in one read transaction: one snapshot. */
  snapshot<T>(name: ProjectionName, read: SnapshotRead<T>): Promise<AtCheckpoint<T>> {
    return settled(() => {
      const db = this.open();
      return db.transaction((): AtCheckpoint<T> => {
        const value = read.sqlite(this.session());
        const row = this.cached<[string], { position: number; version: string }>(
          `SELECT position, version FROM ${CHECKPOINTS_TABLE} WHERE name = ?`,
        ).get(name);
        return { value, checkpoint: row === undefined ? 0 : readableCheckpoint(row, this.prepared.get(name)) };
      })();
    });
  }

  dump(projections: readonly AnyProjection[] = [...this.prepared.values()]): Promise<Record<string, unknown[]>> {
    return settled(() => {
      const db = this.open();
      const dump: Record<string, unknown[]> = {
        projection_checkpoints: db
          .prepare<[], Row>(`SELECT name, position, version, hash FROM ${CHECKPOINTS_TABLE} ORDER BY name`)
          .all(),
      };
      for (const projection of projections) {
        for (const [table, order] of Object.entries(projection.storage.tables)) {
          dump[table] = db
            .prepare<[], Row>(`SELECT * FROM ${table} ORDER BY ${order}`)
            .all()
            .map((row) => normaliseDumpRow(row, undefined, projection.storage.documentCodec));
        }
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

  private session(): SqliteSession {
    return { db: this.open(), prepare: this.cached, table: same };
  }

  private readonly cached = <P extends unknown[] = unknown[], R = unknown>(text: string): Database.Statement<P, R> => {
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

  private preparedNamed(name: ProjectionName): AnyProjection {
    const projection = this.prepared.get(name);
    if (projection === undefined) throw new Error(`Projection ${name} was not prepared on this read-model store`);
    return projection;
  }

  private recreate(db: Db, projection: AnyProjection, version: string): void {
    // Dropped tables invalidate the statements prepared on them.
    this.statements.clear();
    for (const table of Object.keys(projection.storage.tables)) db.exec(`DROP TABLE IF EXISTS ${table}`);
    // A full rebuild starts: tables without their secondary indexes, the version marked until its last page.
    for (const statement of projection.storage.ddl('sqlite', same)) db.exec(statement);
    db.prepare(`DELETE FROM ${QUARANTINE_TABLE} WHERE name = ?`).run(projection.name);
    db.prepare(
      `INSERT INTO ${CHECKPOINTS_TABLE} (name, position, version, hash, updated_at) VALUES (?, 0, ?, NULL, ?)
       ON CONFLICT (name) DO UPDATE SET position = 0, version = excluded.version, hash = NULL, updated_at = excluded.updated_at`,
    ).run(projection.name, rebuildingVersion(version), new Date().toISOString());
  }
}

/** SQLite tables are unqualified: the read models have their file to themselves. */
const same = (name: string): string => name;

function readCheckpoints(db: Db): Map<ProjectionName, Checkpoint> {
  const map = new Map<ProjectionName, Checkpoint>();
  for (const row of db.prepare<[], CheckpointRow>(`SELECT * FROM ${CHECKPOINTS_TABLE}`).all()) {
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

/** The whole page, inside the caller's transaction; any throw rolls everything back. */
function writePage(session: SqliteSession, page: PageWrite): void {
  const { prepare } = session;
  const now = new Date().toISOString();
  const moveCheckpoint = prepare<[number, string, string, string, number, string]>(
    `UPDATE ${CHECKPOINTS_TABLE} SET position = ?, hash = ?, updated_at = ? WHERE name = ? AND position = ? AND version = ?`,
  );
  for (const move of page.checkpoints) {
    if (moveCheckpoint.run(move.to, move.hash, now, move.name, move.from, move.version).changes !== 1) {
      throw new CheckpointMovedError(move.name, move.from);
    }
  }
  if (page.release !== undefined) {
    const released = prepare<[string, number]>(
      `DELETE FROM ${QUARANTINE_TABLE} WHERE name = ? AND global_position = ?`,
    ).run(page.release.name, page.release.position);
    if (released.changes !== 1) throw new QuarantineReleasedError(page.release.name, page.release.position);
  }
  for (const event of page.quarantine ?? []) {
    prepare<SqlParam[]>(
      `INSERT INTO ${QUARANTINE_TABLE} (name, global_position, event_id, event_type, stream_id, reason, quarantined_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name, global_position) DO NOTHING`,
    ).run(...quarantineValues(event));
  }
  for (const part of page.parts) part.projection.storage.sqlite.write(session, part.page);
  const finish = prepare<[string, string, number, string]>(
    `UPDATE ${CHECKPOINTS_TABLE} SET version = ? WHERE name = ? AND position = ? AND version = ?`,
  );
  for (const { projection, position } of page.finish ?? []) {
    // The guard first: another projector that finished this rebuild, or moved on, refuses the page.
    const { version, name } = projection;
    if (finish.run(version, name, position, rebuildingVersion(version)).changes !== 1)
      throw new CheckpointMovedError(name, position);
    projection.storage.sqlite.finishRebuild?.(session);
    for (const statement of projection.storage.indexes?.('sqlite', same) ?? []) session.db.exec(statement);
  }
}

/** better-sqlite3 works synchronously; hands the result over as the port's promise, a throw as a rejection. */
function settled<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}

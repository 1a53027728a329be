/**
 * The embedded event store (docs/architecture.md): one SQLite file through better-sqlite3.
 *
 * better-sqlite3 is synchronous, and that is what makes this adapter safe: every append runs from
 * `BEGIN IMMEDIATE` to `COMMIT` inside one synchronous call, so no other async call of this
 * process can interleave with it, and other connections or processes wait on SQLite's write lock
 * (`busy_timeout`). With a single writer, "next position = head + 1" read inside the transaction
 * gives dense, commit-ordered positions and a hash chain without gaps.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  EVENT_COLUMNS,
  eventFromRow,
  planAppend,
  requestedEventIds,
  requestedStreamIds,
  rowValues,
  validateAppend,
} from '../append-plan.js';
import type { AppendPlan, EventRow, SqlValue, StoreHead } from '../append-plan.js';
import { StoreUnavailableError } from '../errors.js';
import { GENESIS_HASH } from '../hash-chain.js';
import { DEFAULT_POLL_INTERVAL_MS, HeadWaiters } from '../head-waiters.js';
import { DEFAULT_LIMITS } from '../port.js';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  StoreLimits,
  StoredEvent,
} from '../port.js';

export interface SqliteEventStoreOptions {
  /** Path of the database file (its folder is created), or ':memory:'. */
  readonly file: string;
  readonly limits?: StoreLimits;
  /** Source of recordedAt; real time by default. */
  readonly clock?: () => Date;
  /** How often waitForEvents looks for appends made by other connections, ms. */
  readonly pollIntervalMs?: number;
  /**
   * How long a writer waits for another connection's write lock before failing with
   * StoreUnavailableError, ms; default 10 000. The wait blocks the thread (better-sqlite3 is synchronous).
   */
  readonly busyTimeoutMs?: number;
  /**
   * SQLite's `synchronous` for this connection. Unset keeps the build's default, which with the
   * bundled better-sqlite3 is FULL on the connection that turns a new file to WAL and NORMAL when a
   * WAL file is opened again (NORMAL: a commit survives the process crashing; the last ones may not
   * survive the machine losing power). 'full' syncs the WAL at every commit, what node-sqlite3 (and
   * so Emmett) runs with; the bench sets it so both sides of a comparison have the same durability.
   */
  readonly synchronous?: 'normal' | 'full';
}

const DEFAULT_BUSY_TIMEOUT_MS = 10_000;

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Applied in order on init(); never edit a released migration, add the next one. Timestamps are
 * TEXT so the exact string the hash covers comes back unchanged. STRICT makes SQLite reject a value
 * of the wrong type instead of storing it.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events',
    sql: `
      CREATE TABLE events (
        global_position INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL UNIQUE,
        stream_id TEXT NOT NULL,
        stream_revision INTEGER NOT NULL,
        type TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        occurred_at TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        actor_organisation_id TEXT NOT NULL,
        actor_role TEXT NOT NULL,
        actor_key_id TEXT NOT NULL,
        correlation_id TEXT NOT NULL,
        causation_id TEXT,
        data TEXT NOT NULL,
        metadata TEXT NOT NULL,
        hash TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        UNIQUE (stream_id, stream_revision)
      ) STRICT;`,
  },
];

const SELECT_EVENT = `SELECT ${EVENT_COLUMNS.join(', ')} FROM events`;

type Db = Database.Database;

/** Prepared once per connection, after the migrations ran. */
interface Statements {
  readonly head: Database.Statement<[], StoreHead>;
  readonly headPosition: Database.Statement<[], { position: number }>;
  readonly eventsByIds: Database.Statement<[string], EventRow>;
  readonly lastRevisions: Database.Statement<[string], { stream_id: string; revision: number }>;
  readonly insert: Database.Statement<SqlValue[]>;
  readonly readStream: Database.Statement<[string, number], EventRow>;
  readonly readStreams: Database.Statement<[string], EventRow>;
  readonly readAll: Database.Statement<[number, number], EventRow>;
  readonly findEvent: Database.Statement<[string], EventRow>;
}

interface Connection {
  readonly db: Db;
  readonly statements: Statements;
  readonly appendTransaction: Database.Transaction<(requests: readonly AppendRequest[]) => AppendPlan>;
}

export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  private readonly limits: StoreLimits;
  private readonly clock: () => Date;
  private readonly waiters: HeadWaiters;
  private connection: Connection | null = null;
  private closed = false;

  constructor(private readonly options: SqliteEventStoreOptions) {
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.clock = options.clock ?? (() => new Date());
    this.waiters = new HeadWaiters(() => this.headPosition(), options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
  }

  // better-sqlite3 works synchronously; `settled` hands the result over as the port's promise,
  // with a throw turned into a rejection.

  init(): Promise<void> {
    return settled(() => {
      if (this.closed) throw new Error('SqliteEventStore is closed');
      if (this.connection) return;
      const db = openDatabase(this.options.file, this.options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
      if (this.options.synchronous !== undefined) setSynchronous(db, this.options.synchronous);
      try {
        migrate(db);
        const statements = prepareStatements(db);
        this.connection = { db, statements, appendTransaction: this.appendTransaction(db, statements) };
      } catch (error) {
        db.close();
        throw error;
      }
    });
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    const [result] = await this.appendMany([{ streamId, events, expectedRevision }]);
    if (!result) throw new Error('appendMany returned no result for a single request');
    return result;
  }

  appendMany(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    return settled(() => {
      validateAppend(requests, this.limits);
      const { appendTransaction } = this.open();
      const plan = runWrite(() => appendTransaction.immediate(requests));
      if (plan.newEvents.length > 0) this.waiters.notify(plan.head.position);
      return plan.results;
    });
  }

  readStream(streamId: string, fromRevision = 0): Promise<StoredEvent[]> {
    return settled(() => this.open().statements.readStream.all(streamId, fromRevision).map(eventFromRow));
  }

  readStreams(streamIds: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    return settled(() => {
      const streams = new Map<string, StoredEvent[]>(streamIds.map((id) => [id, []]));
      if (streamIds.length === 0) return streams;
      for (const row of this.open().statements.readStreams.all(JSON.stringify([...new Set(streamIds)]))) {
        const event = eventFromRow(row);
        streams.get(event.streamId)?.push(event);
      }
      return streams;
    });
  }

  readAll(after: number, limit: number): Promise<StoredEvent[]> {
    return settled(() => (limit <= 0 ? [] : this.open().statements.readAll.all(after, limit).map(eventFromRow)));
  }

  headPosition(): Promise<number> {
    return settled(() => this.open().statements.headPosition.get()?.position ?? 0);
  }

  findEvent(eventId: string): Promise<StoredEvent | null> {
    return settled(() => {
      const row = this.open().statements.findEvent.get(eventId);
      return row ? eventFromRow(row) : null;
    });
  }

  waitForEvents(after: number, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(after, timeoutMs);
  }

  close(): Promise<void> {
    return settled(() => {
      this.closed = true;
      this.waiters.close();
      this.connection?.db.close();
      this.connection = null;
    });
  }

  private open(): Connection {
    if (this.connection) return this.connection;
    throw new Error(this.closed ? 'SqliteEventStore is closed' : 'SqliteEventStore: call init() first');
  }

  /**
   * The whole append as one synchronous function: better-sqlite3 wraps it in BEGIN IMMEDIATE …
   * COMMIT (or ROLLBACK when it throws). The clock is read after the write lock is taken, so
   * recordedAt never goes backwards along the global order (on one machine's clock).
   */
  private appendTransaction(db: Db, statements: Statements): Connection['appendTransaction'] {
    return db.transaction((requests: readonly AppendRequest[]): AppendPlan => {
      const plan = planAppend({
        requests,
        head: statements.head.get() ?? { position: 0, hash: GENESIS_HASH },
        recordedAt: this.clock().toISOString(),
        stored: storedEvents(statements, requestedEventIds(requests)),
        lastRevisions: lastRevisions(statements, requestedStreamIds(requests)),
      });
      for (const event of plan.newEvents) statements.insert.run(...rowValues(event));
      return plan;
    });
  }
}

function settled<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}

function openDatabase(file: string, busyTimeoutMs: number): Db {
  if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
  const db = new Database(file, { timeout: busyTimeoutMs });
  try {
    configure(db, file, busyTimeoutMs);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Pragmas are checked, not assumed: a silently ignored WAL would serialise readers behind writers. */
function configure(db: Db, file: string, busyTimeoutMs: number): void {
  const mode = runWrite(() => db.pragma('journal_mode = WAL', { simple: true }));
  const expected = file === ':memory:' ? 'memory' : 'wal';
  if (mode !== expected) throw new Error(`SQLite refused WAL mode for ${file}: journal_mode is ${String(mode)}`);
  const timeout = db.pragma('busy_timeout', { simple: true });
  if (timeout !== busyTimeoutMs) throw new Error(`SQLite busy_timeout is ${String(timeout)}, not ${busyTimeoutMs}`);
}

/** SQLite reports `synchronous` as a number: 1 NORMAL, 2 FULL. */
function setSynchronous(db: Db, level: 'normal' | 'full'): void {
  db.pragma(`synchronous = ${level === 'full' ? 'FULL' : 'NORMAL'}`);
  const actual = db.pragma('synchronous', { simple: true });
  const expected = level === 'full' ? 2 : 1;
  if (actual !== expected) throw new Error(`SQLite synchronous is ${String(actual)}, not ${expected}`);
}

/** Runs pending migrations under the write lock, so two processes starting at once apply each once. */
function migrate(db: Db): void {
  const apply = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
    const applied = new Set(
      db
        .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
        .all()
        .map((row) => row.version),
    );
    const record = db.prepare<[number, string, string]>(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }
  });
  runWrite(() => apply.immediate());
}

function prepareStatements(db: Db): Statements {
  const placeholders = EVENT_COLUMNS.map(() => '?').join(', ');
  return {
    head: db.prepare('SELECT global_position AS position, hash FROM events ORDER BY global_position DESC LIMIT 1'),
    headPosition: db.prepare('SELECT COALESCE(MAX(global_position), 0) AS position FROM events'),
    // One statement for any number of ids: the ids travel as one JSON array parameter.
    eventsByIds: db.prepare(`${SELECT_EVENT} WHERE event_id IN (SELECT value FROM json_each(?))`),
    lastRevisions: db.prepare(
      `SELECT stream_id, MAX(stream_revision) AS revision FROM events
       WHERE stream_id IN (SELECT value FROM json_each(?)) GROUP BY stream_id`,
    ),
    insert: db.prepare(`INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${placeholders})`),
    readStream: db.prepare(`${SELECT_EVENT} WHERE stream_id = ? AND stream_revision >= ? ORDER BY stream_revision`),
    readStreams: db.prepare(
      `${SELECT_EVENT} WHERE stream_id IN (SELECT value FROM json_each(?)) ORDER BY stream_id, stream_revision`,
    ),
    readAll: db.prepare(`${SELECT_EVENT} WHERE global_position > ? ORDER BY global_position LIMIT ?`),
    findEvent: db.prepare(`${SELECT_EVENT} WHERE event_id = ?`),
  };
}

function storedEvents(statements: Statements, eventIds: readonly string[]): Map<string, StoredEvent> {
  const stored = new Map<string, StoredEvent>();
  if (eventIds.length === 0) return stored;
  for (const row of statements.eventsByIds.all(JSON.stringify(eventIds))) stored.set(row.event_id, eventFromRow(row));
  return stored;
}

function lastRevisions(statements: Statements, streamIds: readonly string[]): Map<string, number> {
  const rows = statements.lastRevisions.all(JSON.stringify(streamIds));
  return new Map(rows.map((row) => [row.stream_id, row.revision]));
}

/**
 * Recognised by its code, not `instanceof SqliteError`: the native addon binds one error class per
 * process, so a second copy of the JS module (jest's registry, a bundler) would not match it.
 */
function isSqliteBusy(error: unknown): error is { code: string; message: string } {
  // Not `instanceof Error` either: under jest's VM modules the addon's errors come from another realm.
  if (typeof error !== 'object' || error === null || !('code' in error) || !('message' in error)) return false;
  return typeof error.code === 'string' && error.code.startsWith('SQLITE_BUSY');
}

/** SQLITE_BUSY after the busy timeout means another connection holds the lock: report it as 503. */
function runWrite<T>(write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (isSqliteBusy(error)) {
      throw new StoreUnavailableError(`SQLite database is locked by another connection: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Webhook subscriptions and their delivery cursors (docs/feed.md, ADR 0022), beside the access store:
 * in Kierto's PostgreSQL schema when DATABASE_URL is set, else in `access.sqlite` (so `kierto backup`
 * carries them with the organisations they belong to). The cursor (`position`) moves by
 * compare-and-set after each delivery, so a deliverer that lost the leadership cannot move it back.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

export type SubscriptionState = 'active' | 'paused';

export interface Subscription {
  readonly id: string;
  readonly organisationId: string;
  readonly url: string;
  /** Null: every event type. */
  readonly eventTypes: readonly string[] | null;
  /** Null: every device (and the memberships). */
  readonly deviceIds: readonly string[] | null;
  /** HMAC-SHA256 key of the signatures; shown once, when the subscription is created. */
  readonly secret: string;
  readonly createdAt: string;
  readonly state: SubscriptionState;
  /** The last global position delivered (or passed over by the filter): delivery resumes after it. */
  readonly position: number;
  readonly consecutiveFailures: number;
  /** When the next attempt is due after a failure (null: at once). */
  readonly nextAttemptAt: string | null;
  readonly lastAttemptAt: string | null;
  readonly lastSuccessAt: string | null;
  /** HTTP status of the last attempt (null: no answer: refused, timed out, not allowed). */
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly pausedAt: string | null;
}

export interface FailedAttempt {
  readonly at: string;
  readonly status: number | null;
  readonly error: string;
  readonly consecutiveFailures: number;
  readonly nextAttemptAt: string;
  /** True: the failures reached the limit, the subscription pauses. */
  readonly pause: boolean;
}

export interface SubscriptionStore {
  init(): Promise<void>;
  create(subscription: Subscription): Promise<void>;
  get(id: string): Promise<Subscription | null>;
  list(organisationId: string): Promise<Subscription[]>;
  listActive(): Promise<Subscription[]>;
  /** False when the organisation has no such subscription. */
  remove(organisationId: string, id: string): Promise<boolean>;
  /** Delivered up to `to` (status the receiver's): moves the cursor from `from`, clears the failures. False: moved by someone else. */
  delivered(id: string, from: number, to: number, at: string, status: number): Promise<boolean>;
  /** Passed over events the filter does not match: moves the cursor from `from` to `to`. */
  advance(id: string, from: number, to: number): Promise<boolean>;
  failed(id: string, attempt: FailedAttempt): Promise<void>;
  /** Pauses it (failures, or the organisation may no longer read the feed). */
  pause(id: string, at: string, reason: string): Promise<void>;
  /** Active again from its cursor, failures cleared; null when the organisation has no such subscription. */
  resume(organisationId: string, id: string): Promise<Subscription | null>;
  close(): Promise<void>;
}

interface SubscriptionRow {
  id: string;
  organisation_id: string;
  url: string;
  event_types: string | null;
  device_ids: string | null;
  secret: string;
  created_at: string;
  state: string;
  position: number | string;
  consecutive_failures: number;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_status: number | null;
  last_error: string | null;
  paused_at: string | null;
}

const COLUMNS =
  'id, organisation_id, url, event_types, device_ids, secret, created_at, state, position, consecutive_failures, next_attempt_at, last_attempt_at, last_success_at, last_status, last_error, paused_at';

function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    url: row.url,
    eventTypes: row.event_types === null ? null : (JSON.parse(row.event_types) as string[]),
    deviceIds: row.device_ids === null ? null : (JSON.parse(row.device_ids) as string[]),
    secret: row.secret,
    createdAt: row.created_at,
    state: row.state === 'paused' ? 'paused' : 'active',
    // PostgreSQL answers bigint as a string.
    position: Number(row.position),
    consecutiveFailures: row.consecutive_failures,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    lastSuccessAt: row.last_success_at,
    lastStatus: row.last_status,
    lastError: row.last_error,
    pausedAt: row.paused_at,
  };
}

function rowValues(s: Subscription): (string | number | null)[] {
  return [
    s.id,
    s.organisationId,
    s.url,
    s.eventTypes === null ? null : JSON.stringify(s.eventTypes),
    s.deviceIds === null ? null : JSON.stringify(s.deviceIds),
    s.secret,
    s.createdAt,
    s.state,
    s.position,
    s.consecutiveFailures,
    s.nextAttemptAt,
    s.lastAttemptAt,
    s.lastSuccessAt,
    s.lastStatus,
    s.lastError,
    s.pausedAt,
  ];
}

/** The embedded store: a table of its own in access.sqlite, on a connection of its own. */
export class SqliteSubscriptionStore implements SubscriptionStore {
  private db: Database.Database | null = null;

  constructor(private readonly file: string) {}

  init(): Promise<void> {
    if (this.file !== ':memory:') mkdirSync(dirname(this.file), { recursive: true });
    const db = new Database(this.file);
    db.pragma('busy_timeout = 10000');
    db.exec(`
      CREATE TABLE IF NOT EXISTS webhook_subscriptions (
        id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL, url TEXT NOT NULL, event_types TEXT, device_ids TEXT,
        secret TEXT NOT NULL, created_at TEXT NOT NULL, state TEXT NOT NULL, position INTEGER NOT NULL,
        consecutive_failures INTEGER NOT NULL, next_attempt_at TEXT, last_attempt_at TEXT, last_success_at TEXT,
        last_status INTEGER, last_error TEXT, paused_at TEXT) STRICT;
      CREATE INDEX IF NOT EXISTS webhook_subscriptions_by_organisation ON webhook_subscriptions (organisation_id);
    `);
    this.db = db;
    return Promise.resolve();
  }

  create(subscription: Subscription): Promise<void> {
    this.open()
      .prepare(`INSERT INTO webhook_subscriptions (${COLUMNS}) VALUES (${COLUMNS.split(',').fill('?').join(', ')})`)
      .run(...rowValues(subscription));
    return Promise.resolve();
  }

  get(id: string): Promise<Subscription | null> {
    const row = this.open()
      .prepare<[string], SubscriptionRow>(`SELECT ${COLUMNS} FROM webhook_subscriptions WHERE id = ?`)
      .get(id);
    return Promise.resolve(row === undefined ? null : toSubscription(row));
  }

  list(organisationId: string): Promise<Subscription[]> {
    const rows = this.open()
      .prepare<[string], SubscriptionRow>(
        `SELECT ${COLUMNS} FROM webhook_subscriptions WHERE organisation_id = ? ORDER BY created_at, id`,
      )
      .all(organisationId);
    return Promise.resolve(rows.map(toSubscription));
  }

  listActive(): Promise<Subscription[]> {
    const rows = this.open()
      .prepare<[], SubscriptionRow>(`SELECT ${COLUMNS} FROM webhook_subscriptions WHERE state = 'active' ORDER BY id`)
      .all();
    return Promise.resolve(rows.map(toSubscription));
  }

  remove(organisationId: string, id: string): Promise<boolean> {
    const result = this.open()
      .prepare('DELETE FROM webhook_subscriptions WHERE id = ? AND organisation_id = ?')
      .run(id, organisationId);
    return Promise.resolve(result.changes > 0);
  }

  delivered(id: string, from: number, to: number, at: string, status: number): Promise<boolean> {
    const result = this.open()
      .prepare(
        `UPDATE webhook_subscriptions SET position = ?, consecutive_failures = 0, next_attempt_at = NULL,
           last_attempt_at = ?, last_success_at = ?, last_status = ?, last_error = NULL WHERE id = ? AND position = ?`,
      )
      .run(to, at, at, status, id, from);
    return Promise.resolve(result.changes > 0);
  }

  advance(id: string, from: number, to: number): Promise<boolean> {
    const result = this.open()
      .prepare('UPDATE webhook_subscriptions SET position = ? WHERE id = ? AND position = ?')
      .run(to, id, from);
    return Promise.resolve(result.changes > 0);
  }

  failed(id: string, attempt: FailedAttempt): Promise<void> {
    this.open()
      .prepare(
        `UPDATE webhook_subscriptions SET consecutive_failures = ?, next_attempt_at = ?, last_attempt_at = ?,
           last_status = ?, last_error = ?,
           state = CASE WHEN ? THEN 'paused' ELSE state END,
           paused_at = CASE WHEN ? THEN ? ELSE paused_at END
         WHERE id = ?`,
      )
      .run(
        attempt.consecutiveFailures,
        attempt.nextAttemptAt,
        attempt.at,
        attempt.status,
        attempt.error,
        attempt.pause ? 1 : 0,
        attempt.pause ? 1 : 0,
        attempt.at,
        id,
      );
    return Promise.resolve();
  }

  pause(id: string, at: string, reason: string): Promise<void> {
    this.open()
      .prepare(`UPDATE webhook_subscriptions SET state = 'paused', paused_at = ?, last_error = ? WHERE id = ?`)
      .run(at, reason, id);
    return Promise.resolve();
  }

  resume(organisationId: string, id: string): Promise<Subscription | null> {
    this.open()
      .prepare(
        `UPDATE webhook_subscriptions SET state = 'active', consecutive_failures = 0, next_attempt_at = NULL,
           paused_at = NULL WHERE id = ? AND organisation_id = ?`,
      )
      .run(id, organisationId);
    return this.get(id).then((found) => (found?.organisationId === organisationId ? found : null));
  }

  close(): Promise<void> {
    this.db?.close();
    this.db = null;
    return Promise.resolve();
  }

  private open(): Database.Database {
    if (this.db === null) throw new Error('SqliteSubscriptionStore used before init() or after close()');
    return this.db;
  }
}

/** The same table in Kierto's PostgreSQL schema, shared by every API instance. */
export class PostgresSubscriptionStore implements SubscriptionStore {
  private readonly pool: pg.Pool;
  private readonly table: string;

  constructor(
    connectionString: string,
    private readonly schema = 'kierto',
  ) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError(`Invalid schema name ${schema}`);
    this.pool = new pg.Pool({ connectionString, max: 2 });
    this.table = `"${schema}".webhook_subscriptions`;
  }

  async init(): Promise<void> {
    await this.pool.query(`
      CREATE SCHEMA IF NOT EXISTS "${this.schema}";
      CREATE TABLE IF NOT EXISTS ${this.table} (
        id text PRIMARY KEY, organisation_id text NOT NULL, url text NOT NULL, event_types text, device_ids text,
        secret text NOT NULL, created_at text NOT NULL, state text NOT NULL, position bigint NOT NULL,
        consecutive_failures integer NOT NULL, next_attempt_at text, last_attempt_at text, last_success_at text,
        last_status integer, last_error text, paused_at text);
      CREATE INDEX IF NOT EXISTS webhook_subscriptions_by_organisation ON ${this.table} (organisation_id);
    `);
  }

  async create(subscription: Subscription): Promise<void> {
    const placeholders = COLUMNS.split(',').map((_, index) => `$${index + 1}`);
    await this.pool.query(
      `INSERT INTO ${this.table} (${COLUMNS}) VALUES (${placeholders.join(', ')})`,
      rowValues(subscription),
    );
  }

  async get(id: string): Promise<Subscription | null> {
    const { rows } = await this.pool.query<SubscriptionRow>(`SELECT ${COLUMNS} FROM ${this.table} WHERE id = $1`, [id]);
    const row = rows[0];
    return row === undefined ? null : toSubscription(row);
  }

  async list(organisationId: string): Promise<Subscription[]> {
    const { rows } = await this.pool.query<SubscriptionRow>(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE organisation_id = $1 ORDER BY created_at, id`,
      [organisationId],
    );
    return rows.map(toSubscription);
  }

  async listActive(): Promise<Subscription[]> {
    const { rows } = await this.pool.query<SubscriptionRow>(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE state = 'active' ORDER BY id`,
    );
    return rows.map(toSubscription);
  }

  async remove(organisationId: string, id: string): Promise<boolean> {
    const result = await this.pool.query(`DELETE FROM ${this.table} WHERE id = $1 AND organisation_id = $2`, [
      id,
      organisationId,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async delivered(id: string, from: number, to: number, at: string, status: number): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE ${this.table} SET position = $1, consecutive_failures = 0, next_attempt_at = NULL,
         last_attempt_at = $2, last_success_at = $2, last_status = $3, last_error = NULL WHERE id = $4 AND position = $5`,
      [to, at, status, id, from],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async advance(id: string, from: number, to: number): Promise<boolean> {
    const result = await this.pool.query(`UPDATE ${this.table} SET position = $1 WHERE id = $2 AND position = $3`, [
      to,
      id,
      from,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async failed(id: string, attempt: FailedAttempt): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.table} SET consecutive_failures = $1, next_attempt_at = $2, last_attempt_at = $3,
         last_status = $4, last_error = $5,
         state = CASE WHEN $6 THEN 'paused' ELSE state END,
         paused_at = CASE WHEN $6 THEN $3 ELSE paused_at END
       WHERE id = $7`,
      [
        attempt.consecutiveFailures,
        attempt.nextAttemptAt,
        attempt.at,
        attempt.status,
        attempt.error,
        attempt.pause,
        id,
      ],
    );
  }

  async pause(id: string, at: string, reason: string): Promise<void> {
    await this.pool.query(`UPDATE ${this.table} SET state = 'paused', paused_at = $1, last_error = $2 WHERE id = $3`, [
      at,
      reason,
      id,
    ]);
  }

  async resume(organisationId: string, id: string): Promise<Subscription | null> {
    const { rows } = await this.pool.query<SubscriptionRow>(
      `UPDATE ${this.table} SET state = 'active', consecutive_failures = 0, next_attempt_at = NULL, paused_at = NULL
       WHERE id = $1 AND organisation_id = $2 RETURNING ${COLUMNS}`,
      [id, organisationId],
    );
    const row = rows[0];
    return row === undefined ? null : toSubscription(row);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export interface SubscriptionStoreConfig {
  readonly databaseUrl: string | null;
  readonly databaseSchema: string;
  readonly dataDir: string;
}

/** Beside the access store: PostgreSQL when configured, else access.sqlite under dataDir. */
export function createSubscriptionStore(config: SubscriptionStoreConfig): SubscriptionStore {
  if (config.databaseUrl !== null) return new PostgresSubscriptionStore(config.databaseUrl, config.databaseSchema);
  return new SqliteSubscriptionStore(join(config.dataDir, 'access.sqlite'));
}

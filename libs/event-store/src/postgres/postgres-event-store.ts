/**
 * The server event store (docs/architecture.md) on PostgreSQL through a `pg` pool.
 *
 * Appends are serialised by locking the one-row head table (`SELECT … FOR UPDATE`) at the start of
 * the transaction: the next append can only read the head after this one committed, so positions
 * are dense and commit-ordered and a reader polling `WHERE global_position > $1` can never see
 * p + 1 before p. PostgreSQL makes a commit visible before it releases the transaction's locks.
 * The same lock makes the idempotency lookup race-free; the UNIQUE constraints stay as the last
 * line of defence and are mapped to the port's errors.
 *
 * Small appends (a device's command) are committed in groups (docs/adr/0027-group-commit.md): the
 * appends that arrive while one group transaction runs share the next one, two round trips in all,
 * one of them under the lock: `BEGIN`, the lock and the lookup of stored ids and last revisions in
 * one simple query; then every succeeding member's rows, the head and `COMMIT` in another. Each
 * member is planned on its own, so a conflict fails only its own caller. Each event is serialised
 * and most of its hash computed before the lock (prepared-event.ts).
 *
 * Large appends (bulk import, `copyMinEvents`) run alone and `COPY` their rows straight into the
 * events table, which costs both sides far less CPU than binding and parsing rows, and skip the
 * lookup of their ids: the unique index on event_id refuses a stored one, and the append is then
 * done again the exact way (docs/adr/0008-postgres-bulk-append.md).
 */
import pg from 'pg';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import {
  EVENT_COLUMNS,
  eventFromRow,
  planAppend,
  prepareAppend,
  requestedEventIds,
  requestedStreamIds,
  toSafeInteger,
} from '../append-plan.js';
import type { AppendPlan, EventRow, PreparedRequest, StoreHead } from '../append-plan.js';
import { ConcurrencyError, DuplicateEventIdError, EventStoreError, StoreUnavailableError } from '../errors.js';
import { GENESIS_HASH } from '../hash-chain.js';
import { DEFAULT_POLL_INTERVAL_MS, HeadWaiters } from '../head-waiters.js';
import { DEFAULT_LIMITS } from '../port.js';
import type { PreparedEvent } from '../prepared-event.js';
import { CopyRows, copyIn } from './copy-in.js';
import { GroupCommitQueue } from './group-commit.js';
import type { GroupMember } from './group-commit.js';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  StoreLimits,
  StoredEvent,
} from '../port.js';

export interface PostgresEventStoreOptions {
  readonly connectionString: string;
  /** Schema holding the tables, created on init(); default 'kierto'. */
  readonly schema?: string;
  /** Most connections this store opens; default 10. */
  readonly poolSize?: number;
  readonly limits?: StoreLimits;
  /** Source of recordedAt; real time by default. */
  readonly clock?: () => Date;
  /** How often waitForEvents looks for appends made by other processes, ms. */
  readonly pollIntervalMs?: number;
  /**
   * Appends of at least this many events write their rows with COPY and leave the check for stored
   * ids to the unique index; smaller ones look their ids up first and INSERT. Default
   * DEFAULT_COPY_MIN_EVENTS. Both give the same results (the contract suite runs with 1 as well).
   */
  readonly copyMinEvents?: number;
}

export const DEFAULT_COPY_MIN_EVENTS = 64;

export const DEFAULT_POSTGRES_SCHEMA = 'kierto';

/** First key of the two-int advisory lock that guards migrations ('KI'); the second is the schema. */
const MIGRATION_LOCK_CLASS = 0x4b49;

/** PostgreSQL type of each of EVENT_COLUMNS, for the typed NULLs of the lookup. */
const COLUMN_TYPES: Record<(typeof EVENT_COLUMNS)[number], string> = {
  global_position: 'bigint',
  event_id: 'text',
  stream_id: 'text',
  stream_revision: 'bigint',
  type: 'text',
  schema_version: 'integer',
  occurred_at: 'text',
  recorded_at: 'text',
  actor_organisation_id: 'text',
  actor_role: 'text',
  actor_key_id: 'text',
  correlation_id: 'text',
  causation_id: 'text',
  data: 'jsonb',
  metadata: 'jsonb',
  hash: 'text',
  prev_hash: 'text',
};

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: (schema: string) => string;
}

/**
 * Applied in order on init(); never edit a released migration, add the next one. Timestamps are
 * text so the exact string the hash covers comes back unchanged (timestamptz would reformat it).
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events',
    sql: (s) => `
      CREATE TABLE ${s}.events (
        global_position bigint PRIMARY KEY,
        event_id text NOT NULL,
        stream_id text NOT NULL,
        stream_revision bigint NOT NULL,
        type text NOT NULL,
        schema_version integer NOT NULL,
        occurred_at text NOT NULL,
        recorded_at text NOT NULL,
        actor_organisation_id text NOT NULL,
        actor_role text NOT NULL,
        actor_key_id text NOT NULL,
        correlation_id text NOT NULL,
        causation_id text,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        hash text NOT NULL,
        prev_hash text NOT NULL,
        CONSTRAINT events_event_id_key UNIQUE (event_id),
        CONSTRAINT events_stream_revision_key UNIQUE (stream_id, stream_revision)
      );
      CREATE TABLE ${s}.head (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        position bigint NOT NULL,
        hash text NOT NULL
      );
      INSERT INTO ${s}.head (singleton, position, hash) VALUES (true, 0, '${GENESIS_HASH}');`,
  },
];

interface HeadRow extends QueryResultRow {
  readonly position: string;
  readonly hash: string;
}

/** A row of the append's lookup: a stored event (last_revision null) or a stream's last revision. */
type LookupRow =
  (EventRow & { readonly last_revision: null }) | { readonly stream_id: string; readonly last_revision: string };

type State = 'new' | 'ready' | 'closed';

/** What the head lock and the lookup found: the state every append of the transaction is planned on. */
interface LockedState {
  readonly head: StoreHead;
  /** Stored events among the requested ids. */
  readonly stored: Map<string, StoredEvent>;
  /** Last revision of every requested stream that exists. */
  readonly lastRevisions: Map<string, number>;
}

type MemberOutcome = { readonly results: AppendResult[] } | { readonly error: unknown };

interface GroupOutcome {
  /** One per member, in the group's order. */
  readonly members: MemberOutcome[];
  readonly head: StoreHead;
  readonly newEvents: number;
}

export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;
  private readonly limits: StoreLimits;
  private readonly clock: () => Date;
  private readonly waiters: HeadWaiters;
  private readonly schemaName: string;
  private readonly sql: ReturnType<typeof statements>;
  private readonly copyMinEvents: number;
  private readonly groups: GroupCommitQueue<readonly PreparedRequest[], AppendResult[]>;
  private state: State = 'new';

  constructor(options: PostgresEventStoreOptions) {
    this.schemaName = options.schema ?? DEFAULT_POSTGRES_SCHEMA;
    this.sql = statements(quoteSchema(this.schemaName));
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.clock = options.clock ?? (() => new Date());
    this.copyMinEvents = options.copyMinEvents ?? DEFAULT_COPY_MIN_EVENTS;
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 10_000,
      // A client that dies mid-transaction must not hold the head lock (and stop every writer) for long.
      idle_in_transaction_session_timeout: 60_000,
      // Every statement here is a handful of index probes. Before ANALYZE has seen a growing events
      // table the planner can estimate them as huge, and JIT-compiling such a plan costs 0.1–0.3 s
      // per statement. (An `options` parameter in the connection string replaces this one.)
      options: '-c jit=off',
    });
    // An idle client that loses its connection emits 'error' on the pool; without a listener Node
    // would crash the process. The pool discards that client and the next query reconnects.
    this.pool.on('error', () => undefined);
    this.waiters = new HeadWaiters(() => this.headPosition(), options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    // A group's rows go in one INSERT with literal values; capping a group at one append's limits
    // keeps that statement within what a single append could send.
    this.groups = new GroupCommitQueue((group) => this.commitGroup(group), {
      events: this.limits.maxBatchEvents,
      bytes: this.limits.maxBatchBytes,
    });
  }

  /** Creates the schema and applies pending migrations under an advisory lock (two processes may start at once). */
  async init(): Promise<void> {
    if (this.state === 'closed') throw new Error('PostgresEventStore is closed');
    await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, this.schemaName]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteSchema(this.schemaName)}`);
      await client.query(this.sql.createMigrations);
      const applied = await client.query<{ version: number }>(this.sql.appliedMigrations);
      const versions = new Set(applied.rows.map((row) => row.version));
      for (const migration of MIGRATIONS) {
        if (versions.has(migration.version)) continue;
        await client.query(migration.sql(quoteSchema(this.schemaName)));
        await client.query(this.sql.recordMigration, [migration.version, migration.name]);
      }
    });
    this.state = 'ready';
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

  async appendMany(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    const prepared = prepareAppend(requests, this.limits);
    this.assertReady();
    const events = eventCount(requests);
    if (events < this.copyMinEvents) {
      const bytes = prepared.reduce((sum, request) => sum + request.prepared.reduce((n, e) => n + e.bytes, 0), 0);
      return this.groups.submit(prepared, { events, bytes });
    }
    return this.appendBulk(prepared);
  }

  /**
   * A large append (bulk import) runs in a transaction of its own and first assumes that none of its
   * ids is stored yet, letting the unique index on event_id say otherwise, instead of probing that
   * index for every id first. Whatever could have come from a stored id (a unique violation on
   * event_id, or a conflict that a replay would have explained) sends it down the exact path, which
   * decides.
   */
  private async appendBulk(requests: readonly PreparedRequest[]): Promise<AppendResult[]> {
    const attempt = (lookUpIds: boolean): Promise<AppendPlan> =>
      this.onClient((client) => this.appendInTransaction(client, requests, lookUpIds));
    const plan =
      (await attempt(false).catch((error: unknown) => {
        if (error instanceof ConcurrencyError || isEventIdViolation(error)) return null;
        throw mapAppendError(error, requests);
      })) ??
      (await attempt(true).catch((error: unknown) => {
        throw mapAppendError(error, requests);
      }));
    if (plan.newEvents.length > 0) this.waiters.notify(plan.head.position);
    return plan.results;
  }

  /**
   * One transaction for every append that queued while the previous group committed: one lock, one
   * lookup for all of them, each planned on its own in arrival order (as if appended one after the
   * other), and the rows of those that succeeded inserted with the head move and COMMIT. A member
   * that conflicts gets its own error and adds nothing; the others go on. If the database refuses
   * the group's statement, the members are committed again one by one, so that only the one at
   * fault fails.
   */
  private async commitGroup(group: readonly GroupMember<readonly PreparedRequest[], AppendResult[]>[]): Promise<void> {
    let outcome: GroupOutcome;
    try {
      outcome = await this.onClient((client) => this.groupTransaction(client, group));
    } catch (error) {
      if (group.length > 1 && !(error instanceof StoreUnavailableError)) {
        for (const member of group) await this.commitGroup([member]);
        return;
      }
      for (const member of group) member.reject(mapAppendError(error, member.input));
      return;
    }
    if (outcome.newEvents > 0) this.waiters.notify(outcome.head.position);
    group.forEach((member, index) => {
      const result = outcome.members[index];
      if (result === undefined) member.reject(new Error('group commit lost a member'));
      else if ('error' in result) member.reject(result.error);
      else member.resolve(result.results);
    });
  }

  private async groupTransaction(
    client: PoolClient,
    group: readonly GroupMember<readonly PreparedRequest[], AppendResult[]>[],
  ): Promise<GroupOutcome> {
    const requests = group.flatMap((member) => member.input);
    const found = await lockAndLookUp(client, this.sql, requestedEventIds(requests), requestedStreamIds(requests));
    const recordedAt = this.clock().toISOString();
    const stored = new Map(found.stored);
    const revisions = new Map(found.lastRevisions);
    let head = found.head;
    const rows: string[] = [];
    const members = group.map((member): MemberOutcome => {
      let plan: AppendPlan;
      try {
        plan = planAppend({ requests: member.input, head, recordedAt, stored, lastRevisions: revisions });
      } catch (error) {
        return { error };
      }
      // The next member sees this one as appended: its streams' revisions, its events' ids.
      head = plan.head;
      for (const result of plan.results)
        if (!result.replayed) revisions.set(result.streamId, result.nextExpectedRevision);
      plan.newEvents.forEach((event, index) => {
        stored.set(event.eventId, event);
        rows.push(valuesLiteral(rowTexts(event, preparedAt(plan, index))));
      });
      return { results: plan.results };
    });
    if (rows.length === 0) await client.query('COMMIT');
    else await client.query(this.sql.insertMoveHeadAndCommit(rows, head));
    return { members, head, newEvents: rows.length };
  }

  async readStream(streamId: string, fromRevision = 0): Promise<StoredEvent[]> {
    return (await this.query<EventRow>(this.sql.readStream, [streamId, fromRevision])).map(eventFromRow);
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    const streams = new Map<string, StoredEvent[]>(streamIds.map((id) => [id, []]));
    if (streamIds.length === 0) return streams;
    for (const row of await this.query<EventRow>(this.sql.readStreams, [[...new Set(streamIds)]])) {
      const event = eventFromRow(row);
      streams.get(event.streamId)?.push(event);
    }
    return streams;
  }

  async readAll(after: number, limit: number): Promise<StoredEvent[]> {
    if (limit <= 0) return [];
    return (await this.query<EventRow>(this.sql.readAll, [after, limit])).map(eventFromRow);
  }

  async headPosition(): Promise<number> {
    const [row] = await this.query<HeadRow>(this.sql.readHead, []);
    return row ? toSafeInteger(row.position) : 0;
  }

  async findEvent(eventId: string): Promise<StoredEvent | null> {
    const [row] = await this.query<EventRow>(this.sql.findEvent, [eventId]);
    return row ? eventFromRow(row) : null;
  }

  waitForEvents(after: number, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(after, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.waiters.close();
    await this.pool.end();
  }

  /**
   * The head lock comes first: everything read after it is the committed state no writer can change
   * (each statement of a READ COMMITTED transaction reads what was committed when it started, so the
   * lookups must be statements of their own, after the one that waited for the lock).
   */
  private async appendInTransaction(
    client: PoolClient,
    requests: readonly PreparedRequest[],
    lookUpIds: boolean,
  ): Promise<AppendPlan> {
    const { head, stored, lastRevisions } = await lockAndLookUp(
      client,
      this.sql,
      lookUpIds ? requestedEventIds(requests) : [],
      requestedStreamIds(requests),
    );
    const plan = planAppend({ requests, head, recordedAt: this.clock().toISOString(), stored, lastRevisions });
    if (plan.newEvents.length === 0) {
      await client.query('COMMIT');
      return plan;
    }
    const rows = new CopyRows();
    plan.newEvents.forEach((event, index) => rows.add(rowTexts(event, preparedAt(plan, index))));
    await copyIn(client, this.sql.copyEvents, rows.chunks());
    await client.query(this.sql.moveHeadAndCommit(plan.head));
    return plan;
  }

  private async query<R extends QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    this.assertReady();
    try {
      return (await this.pool.query<R>(text, values)).rows;
    } catch (error) {
      throw mapConnectionError(error);
    }
  }

  /** BEGIN … COMMIT around `work`. */
  private transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.onClient(async (client) => {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    });
  }

  /**
   * `work` on one pooled client; it opens and commits its own transaction. On any error the client is
   * rolled back (harmless when no transaction is open), and a client whose ROLLBACK failed is discarded.
   */
  private async onClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw mapConnectionError(error);
    });
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw mapConnectionError(error);
    } finally {
      client.release(broken);
    }
  }

  private assertReady(): void {
    if (this.state === 'ready') return;
    throw new Error(this.state === 'closed' ? 'PostgresEventStore is closed' : 'PostgresEventStore: call init() first');
  }
}

/** Only plain lower-case identifiers: the name is interpolated into SQL (quoted) and must stay harmless. */
function quoteSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new RangeError(`Invalid PostgreSQL schema name ${JSON.stringify(schema)}: use [a-z_][a-z0-9_]*`);
  }
  return `"${schema}"`;
}

function statements(s: string) {
  const columns = EVENT_COLUMNS.map((c) => (c === 'data' || c === 'metadata' ? `${c}::text AS ${c}` : c)).join(', ');
  const select = `SELECT ${columns} FROM ${s}.events`;
  // The lookup's second half: one row per existing stream, every event column null but stream_id.
  const revisionColumns = EVENT_COLUMNS.map((c) =>
    c === 'stream_id' ? 'wanted.id' : `NULL::${c === 'data' || c === 'metadata' ? 'text' : COLUMN_TYPES[c]}`,
  );
  const lockHead = `SELECT position, hash FROM ${s}.head FOR UPDATE`;
  const columnList = EVENT_COLUMNS.join(', ');
  return {
    createMigrations: `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    appliedMigrations: `SELECT version FROM ${s}.schema_migrations`,
    recordMigration: `INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`,
    readHead: `SELECT position, hash FROM ${s}.head`,
    /**
     * BEGIN, the head lock and the lookup as one simple query: one round trip, and once the lock is
     * granted the lookup runs at once on the server. In a multi-statement simple query each statement
     * of a READ COMMITTED transaction still takes its own snapshot, so the lookup reads what was
     * committed after the lock was granted. The lookup returns the stored events among the requested
     * ids (last_revision null), then the last revision of every requested stream that exists (one
     * backward index probe each). Ids and streams arrive as array literals (simple queries take no
     * parameters), escaped by pg's escapeLiteral.
     */
    beginLockAndLookUp: (eventIds: readonly string[], streamIds: readonly string[]): string =>
      `BEGIN; ${lockHead};
      SELECT ${columns}, NULL::bigint AS last_revision FROM ${s}.events
        WHERE event_id = ANY(${textArrayLiteral(eventIds)}::text[])
      UNION ALL
      SELECT ${revisionColumns.join(', ')}, last.stream_revision
      FROM unnest(${textArrayLiteral(streamIds)}::text[]) AS wanted(id)
      CROSS JOIN LATERAL (SELECT stream_revision FROM ${s}.events WHERE stream_id = wanted.id
        ORDER BY stream_revision DESC LIMIT 1) AS last`,
    /**
     * A group's rows, the head move and COMMIT as one simple query: the one round trip left under the
     * lock. Every value is a quoted literal, so the server parses it with the column type's own input
     * function, exactly as it would a bound parameter; an error stops the query before COMMIT.
     */
    insertMoveHeadAndCommit: (rows: readonly string[], head: StoreHead): string =>
      `INSERT INTO ${s}.events (${columnList}) VALUES ${rows.join(',\n')};
      UPDATE ${s}.head SET (position, hash) = (${checkedHead(head)}); COMMIT`,
    copyEvents: `COPY ${s}.events (${EVENT_COLUMNS.join(', ')}) FROM STDIN`,
    /** A simple query (no parameters) so the head and COMMIT cost one round trip; both values are checked. */
    moveHeadAndCommit: (head: StoreHead): string =>
      `UPDATE ${s}.head SET (position, hash) = (${checkedHead(head)}); COMMIT`,
    readStream: `${select} WHERE stream_id = $1 AND stream_revision >= $2 ORDER BY stream_revision`,
    // One index probe per stream whatever the statistics say: `stream_id = ANY(…)` is planned as a
    // scan of the whole table until ANALYZE has seen it, which made every batch of an import slower
    // than the one before. The inner ORDER BY keeps the planner from flattening the subquery into a
    // join (a merge join walks the whole index); the outer one only sorts the rows found.
    readStreams: `SELECT ${EVENT_COLUMNS.map((c) => `e.${c}`).join(', ')} FROM unnest($1::text[]) AS wanted(id)
      CROSS JOIN LATERAL (${select} WHERE stream_id = wanted.id ORDER BY stream_revision) AS e
      ORDER BY e.stream_id, e.stream_revision`,
    readAll: `${select} WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
    findEvent: `${select} WHERE event_id = $1`,
  };
}

/** The head's two values for an UPDATE written into SQL text, both checked first. */
function checkedHead(head: StoreHead): string {
  if (!Number.isSafeInteger(head.position) || !/^[0-9a-f]{64}$/.test(head.hash)) {
    throw new Error(`Refusing to write an invalid head ${JSON.stringify(head)}`);
  }
  return `${head.position}, '${head.hash}'`;
}

/**
 * BEGIN, the head lock and the lookup in one round trip. pg answers a multi-statement simple query
 * with one result per statement: BEGIN, the head row, the lookup rows.
 */
async function lockAndLookUp(
  client: PoolClient,
  sql: ReturnType<typeof statements>,
  eventIds: readonly string[],
  streamIds: readonly string[],
): Promise<LockedState> {
  const answer: unknown = await client.query(sql.beginLockAndLookUp(eventIds, streamIds));
  const results = (Array.isArray(answer) ? answer : [answer]) as QueryResult[];
  const [headRow] = (results[1]?.rows ?? []) as HeadRow[];
  if (!headRow) throw new Error('The event store head row is missing; was the schema created by init()?');
  const stored = new Map<string, StoredEvent>();
  const lastRevisions = new Map<string, number>();
  for (const row of (results[2]?.rows ?? []) as LookupRow[]) {
    if (row.last_revision === null) stored.set(row.event_id, eventFromRow(row));
    else lastRevisions.set(row.stream_id, toSafeInteger(row.last_revision));
  }
  return { head: { position: toSafeInteger(headRow.position), hash: headRow.hash }, stored, lastRevisions };
}

/**
 * An array of text as one SQL literal (`'{"a","b"}'`): the array's own quoting (backslash before `"`
 * and `\`) inside pg's escapeLiteral. One literal is parsed far faster than ARRAY[…] of many.
 */
function textArrayLiteral(values: readonly string[]): string {
  const elements = values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`);
  return pg.escapeLiteral(`{${elements.join(',')}}`);
}

/** The serialised form of the plan's new event at `index`; a missing one would leave a gap in the chain. */
function preparedAt(plan: AppendPlan, index: number): PreparedEvent {
  const prepared = plan.newPrepared[index];
  if (prepared === undefined) throw new Error(`The append plan has no serialised form for its event ${index}`);
  return prepared;
}

/**
 * The event's columns in EVENT_COLUMNS order as the text PostgreSQL parses (null for NULL): data and
 * metadata are the canonical JSON serialised once when the append was prepared.
 */
function rowTexts(event: StoredEvent, prepared: PreparedEvent): (string | null)[] {
  return [
    String(event.globalPosition),
    event.eventId,
    event.streamId,
    String(event.streamRevision),
    event.type,
    String(event.schemaVersion),
    event.occurredAt,
    event.recordedAt,
    event.actor.organisationId,
    event.actor.role,
    event.actor.keyId,
    event.correlationId,
    event.causationId,
    prepared.dataJson,
    prepared.metadataJson,
    event.hash,
    event.prevHash,
  ];
}

/**
 * One row of a VALUES list. Every value, numbers too, is a quoted literal: an unknown-typed literal is
 * read by the column type's input function, so a schemaVersion of 1.5 is refused as a bound
 * parameter would be, never rounded into an integer the hash does not cover.
 */
function valuesLiteral(texts: readonly (string | null)[]): string {
  return `(${texts.map((text) => (text === null ? 'NULL' : pg.escapeLiteral(text))).join(',')})`;
}

function eventCount(requests: readonly AppendRequest[]): number {
  return requests.reduce((sum, request) => sum + request.events.length, 0);
}

// ---------------------------------------------------------------------------------------------
// Errors

function errorField(error: unknown, name: 'code' | 'constraint' | 'detail' | 'message'): string | undefined {
  if (typeof error !== 'object' || error === null || !(name in error)) return undefined;
  const value: unknown = (error as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE']);

/**
 * Errors that mean "the server cannot be reached" become StoreUnavailableError (HTTP 503). After a
 * lost connection during COMMIT the outcome is unknown; retrying with the same event ids is safe
 * because a stored append is replayed, not duplicated.
 */
function mapConnectionError(error: unknown): unknown {
  if (error instanceof EventStoreError) return error;
  const code = errorField(error, 'code') ?? '';
  const message = errorField(error, 'message') ?? String(error);
  const unreachable =
    CONNECTION_ERROR_CODES.has(code) ||
    code.startsWith('08') || // connection_exception class
    code === '57P01' || // admin_shutdown
    code === '57P02' || // crash_shutdown
    code === '57P03' || // cannot_connect_now
    code === '53300' || // too_many_connections
    /Connection terminated|timeout exceeded when trying to connect/i.test(message);
  return unreachable ? new StoreUnavailableError(`PostgreSQL is unavailable: ${message}`) : error;
}

function isEventIdViolation(error: unknown): boolean {
  return errorField(error, 'code') === '23505' && errorField(error, 'constraint') === 'events_event_id_key';
}

/** Unique violations should not happen under the head lock; if one does, it still means what the port says. */
function mapAppendError(error: unknown, requests: readonly AppendRequest[]): unknown {
  if (errorField(error, 'code') !== '23505') return error;
  const detail = errorField(error, 'detail') ?? '';
  const constraint = errorField(error, 'constraint');
  if (constraint === 'events_event_id_key') {
    const eventId = /^Key \(event_id\)=\((.*)\) already exists\.$/.exec(detail)?.[1];
    return new DuplicateEventIdError(eventId ?? 'unknown');
  }
  if (constraint === 'events_stream_revision_key') {
    const match = /^Key \(stream_id, stream_revision\)=\((.*), (\d+)\) already exists\.$/.exec(detail);
    const streamId = match?.[1] ?? 'unknown';
    const expected = requests.find((request) => request.streamId === streamId)?.expectedRevision ?? 'any';
    return new ConcurrencyError(streamId, String(expected), Number(match?.[2] ?? -1));
  }
  return error;
}

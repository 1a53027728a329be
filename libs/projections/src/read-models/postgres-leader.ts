/**
 * Projector leader election on PostgreSQL (docs/adr/0020-projector-leader-election.md): a
 * session-level advisory lock, keyed by the schema, held on a connection of its own. The lock dies
 * with that connection, so a killed leader frees it at once and a partitioned one when the server's
 * TCP keepalive gives up on it (set per session below). Whoever takes the lock increments the epoch
 * in `projector_leader`; pages are fenced by that epoch (PostgresReadModelStore.writePage), so a
 * leader that has lost its lock without noticing yet commits nothing.
 */
import pg from 'pg';
import type { LeaderElection } from '../leadership.js';
import { LEADER_TABLE, leaderDdl } from './ddl.js';

export interface PostgresLeaderElectionOptions {
  readonly connectionString: string;
  /** The read models' schema: one leader per schema. */
  readonly schema: string;
  /** Who this process is, stored with the epoch for operators (host:pid). */
  readonly holder: string;
  /**
   * How long the server keeps a silent leader connection before dropping it (and the lock), seconds:
   * tcp_keepalives_idle, then 3 probes at a third of it. Default 10 (about 20 s in all).
   */
  readonly keepAliveSeconds?: number;
}

/** Advisory lock class of the projector leader ('KL'); the second key is the schema's hash. */
const LEADER_LOCK_CLASS = 0x4b4c;
/** A heartbeat that takes longer than this means the connection is gone. */
const HEARTBEAT_TIMEOUT_MS = 5_000;

export class PostgresLeaderElection implements LeaderElection {
  private client: pg.Client | null = null;
  private held: number | null = null;
  private readonly leaderTable: string;

  constructor(private readonly options: PostgresLeaderElectionOptions) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
      throw new RangeError(`Invalid PostgreSQL schema name ${JSON.stringify(options.schema)}: use [a-z_][a-z0-9_]*`);
    }
    this.leaderTable = `"${options.schema}".${LEADER_TABLE}`;
  }

  get epoch(): number | null {
    return this.held;
  }

  async tryAcquire(): Promise<number | null> {
    if (this.held !== null) return this.held;
    const client = await this.connection();
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
      [LEADER_LOCK_CLASS, this.options.schema],
    );
    if (rows[0]?.locked !== true) return null;
    // The increment waits for a page of the previous leader still in flight (it holds the row FOR SHARE).
    const bumped = await client.query<{ epoch: string }>(
      `UPDATE ${this.leaderTable} SET epoch = epoch + 1, holder = $1, acquired_at = $2 WHERE id = 1 RETURNING epoch`,
      [this.options.holder, new Date().toISOString()],
    );
    const epoch = Number(bumped.rows[0]?.epoch);
    if (!Number.isSafeInteger(epoch)) throw new Error(`${this.leaderTable} has no leader row: init() the read models`);
    this.held = epoch;
    return epoch;
  }

  async confirm(): Promise<boolean> {
    if (this.held === null || this.client === null) return false;
    try {
      const { rows } = await this.client.query<{ epoch: string }>(`SELECT epoch FROM ${this.leaderTable} WHERE id = 1`);
      if (Number(rows[0]?.epoch) === this.held) return true;
    } catch {
      // The connection is gone (or too slow to trust): so is the lock, as far as this process can tell.
    }
    await this.drop();
    return false;
  }

  async release(): Promise<void> {
    await this.drop();
  }

  /** Creates the epoch table if the read models have not yet (their init() does the same). */
  async init(): Promise<void> {
    const client = await this.connection();
    for (const statement of leaderDdl(this.leaderTable)) await client.query(statement);
  }

  private async connection(): Promise<pg.Client> {
    if (this.client !== null) return this.client;
    const keepAlive = this.options.keepAliveSeconds ?? 10;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      connectionTimeoutMillis: 10_000,
      query_timeout: HEARTBEAT_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: keepAlive * 1000,
    });
    // A lost connection is a lost lock: forget both; the next confirm() or tryAcquire() says so.
    client.on('error', () => {
      if (this.client === client) {
        this.client = null;
        this.held = null;
      }
    });
    await client.connect();
    // The server drops a leader it cannot hear from after idle + 3 × interval: the bounded takeover
    // after a network partition (a killed process closes its socket and frees the lock at once).
    const interval = Math.max(1, Math.round(keepAlive / 3));
    await client.query(`SET tcp_keepalives_idle = ${keepAlive}`);
    await client.query(`SET tcp_keepalives_interval = ${interval}`);
    await client.query('SET tcp_keepalives_count = 3');
    this.client = client;
    return client;
  }

  /** Closes the connection, which frees the lock if it was held. */
  private async drop(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.held = null;
    await client?.end().catch(() => undefined);
  }
}

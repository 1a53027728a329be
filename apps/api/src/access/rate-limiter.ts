import pg from 'pg';

/**
 * Fixed-window rate limits per key (or per client address for anonymous calls), in memory; the
 * guard uses it through a RequestLimiter (below), in process or shared through PostgreSQL. Answers
 * what the RateLimit-* headers need.
 */
export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the window resets. */
  readonly resetSeconds: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly windowMs = 60_000) {}

  take(client: string, limit: number, nowMs: number): RateDecision {
    let window = this.windows.get(client);
    if (window === undefined || nowMs - window.start >= this.windowMs) {
      window = { start: nowMs, count: 0 };
      this.windows.set(client, window);
      if (this.windows.size > 100_000) this.evictExpired(nowMs);
    }
    window.count += 1;
    const resetSeconds = Math.max(1, Math.ceil((window.start + this.windowMs - nowMs) / 1000));
    return { allowed: window.count <= limit, limit, remaining: Math.max(0, limit - window.count), resetSeconds };
  }

  /** How many requests `client` has made in its current window, without counting one. */
  count(client: string, nowMs: number): { count: number; resetSeconds: number } {
    const window = this.windows.get(client);
    if (window === undefined || nowMs - window.start >= this.windowMs) return { count: 0, resetSeconds: 0 };
    return { count: window.count, resetSeconds: Math.max(1, Math.ceil((window.start + this.windowMs - nowMs) / 1000)) };
  }

  private evictExpired(nowMs: number): void {
    for (const [client, window] of this.windows) if (nowMs - window.start >= this.windowMs) this.windows.delete(client);
  }
}

/**
 * Limits on failed authentication (docs/access.md), so that keys cannot be guessed at full speed:
 * - per client address: after `perAddress` failures in a window the address is refused (429) before
 *   its key is even looked at, whatever key it sends, until the window resets;
 * - per key id: after `perKey` failures for one key id (wrong secret, revoked, expired) in a window,
 *   the key id is refused to every address that has itself failed in that window. Guessing one key
 *   from many addresses is then held to one try per address and window, while the key's owner, whose
 *   address has not failed, keeps working: key ids are public (they are in every event's actor), so
 *   refusing the key id to everyone would let anyone lock any key out.
 */
export class FailedAuthenticationLimiter {
  /**
   * `failures` counts the windows: in process, or the PostgreSQL limiter the request limits use, so
   * that every instance sees the failures of the others (prefixed: its own clients are not these).
   */
  constructor(
    private readonly perAddress: number,
    private readonly perKey: number,
    private readonly failures: RequestLimiter = new InProcessRequestLimiter(),
  ) {}

  /** Seconds the client must wait before trying again, or null when it may try now. */
  async blockedFor(address: string, keyId: string | null, nowMs: number): Promise<number | null> {
    const byAddress = await this.failures.count(`failed-ip:${address}`, nowMs);
    if (byAddress.count >= this.perAddress) return byAddress.resetSeconds;
    if (keyId === null || byAddress.count === 0) return null;
    const byKey = await this.failures.count(`failed-key:${keyId}`, nowMs);
    return byKey.count >= this.perKey ? byKey.resetSeconds : null;
  }

  async record(address: string, keyId: string | null, nowMs: number): Promise<void> {
    await this.failures.take(`failed-ip:${address}`, this.perAddress, nowMs);
    if (keyId !== null) await this.failures.take(`failed-key:${keyId}`, this.perKey, nowMs);
  }
}

/**
 * The request budget of a key or address as the guard asks for it: one `take` per request. In
 * process on the embedded store (one process per installation); in PostgreSQL when it is configured,
 * so that every API instance on the database draws from one budget (docs/access.md).
 */
export interface RequestLimiter {
  take(client: string, limit: number, nowMs: number): Promise<RateDecision>;
  /** How many requests `client` has made in its current window, without counting one. */
  count(client: string, nowMs: number): Promise<{ count: number; resetSeconds: number }>;
  close(): Promise<void>;
}

export class InProcessRequestLimiter implements RequestLimiter {
  private readonly windows: RateLimiter;

  constructor(windowMs = 60_000) {
    this.windows = new RateLimiter(windowMs);
  }

  take(client: string, limit: number, nowMs: number): Promise<RateDecision> {
    return Promise.resolve(this.windows.take(client, limit, nowMs));
  }

  count(client: string, nowMs: number): Promise<{ count: number; resetSeconds: number }> {
    return Promise.resolve(this.windows.count(client, nowMs));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** How often an instance deletes windows that have ended (each instance, at most this often). */
const PURGE_EVERY_MS = 60_000;

/**
 * Fixed windows shared through PostgreSQL: one row per client and window, counted by an upsert. The
 * windows are aligned on the database's clock (`clock_timestamp()`), not the instances', so
 * instances whose clocks differ still count into the same window. Costs one round trip per request.
 * If the database does not answer, the request is let through and `onError` told: the limit
 * protects the service, and an API whose database is away cannot serve much anyway.
 */
export class PostgresRequestLimiter implements RequestLimiter {
  private readonly pool: pg.Pool;
  private readonly table: string;
  private ready: Promise<void> | null = null;
  private lastPurge = 0;

  constructor(
    connectionString: string,
    private readonly schema: string,
    private readonly onError: (error: unknown) => void,
    private readonly windowMs = 60_000,
  ) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError(`Invalid schema name ${schema}`);
    this.pool = new pg.Pool({ connectionString, max: 4 });
    // An idle connection's error (the server restarting) must not crash the process.
    this.pool.on('error', (error) => onError(error));
    this.table = `"${schema}".rate_limit_windows`;
  }

  async take(client: string, limit: number, nowMs: number): Promise<RateDecision> {
    try {
      await this.init();
      const { rows } = await this.pool.query<{ count: number; window_start: string; now_ms: string }>(
        `WITH clock AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms)
         INSERT INTO ${this.table} AS w (client, window_start, count)
         SELECT $1, (ms / $2) * $2, 1 FROM clock
         ON CONFLICT (client, window_start) DO UPDATE SET count = w.count + 1
         RETURNING w.count, w.window_start, (SELECT ms FROM clock) AS now_ms`,
        [client, this.windowMs],
      );
      const row = rows[0];
      if (row === undefined) throw new Error('the rate limit upsert returned no row');
      const now = Number(row.now_ms);
      this.purge(now);
      const resetSeconds = Math.max(1, Math.ceil((Number(row.window_start) + this.windowMs - now) / 1000));
      return { allowed: row.count <= limit, limit, remaining: Math.max(0, limit - row.count), resetSeconds };
    } catch (error) {
      this.onError(error);
      const resetSeconds = Math.max(1, Math.ceil((this.windowMs - (nowMs % this.windowMs)) / 1000));
      return { allowed: true, limit, remaining: limit, resetSeconds };
    }
  }

  async count(client: string, nowMs: number): Promise<{ count: number; resetSeconds: number }> {
    try {
      await this.init();
      const { rows } = await this.pool.query<{ count: number | null; now_ms: string }>(
        `WITH clock AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms)
         SELECT w.count, clock.ms AS now_ms FROM clock
         LEFT JOIN ${this.table} w ON w.client = $1 AND w.window_start = (clock.ms / $2) * $2`,
        [client, this.windowMs],
      );
      const now = Number(rows[0]?.now_ms ?? nowMs);
      const count = rows[0]?.count ?? 0;
      return {
        count,
        resetSeconds: count === 0 ? 0 : Math.max(1, Math.ceil((this.windowMs - (now % this.windowMs)) / 1000)),
      };
    } catch (error) {
      this.onError(error);
      return { count: 0, resetSeconds: 0 };
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private init(): Promise<void> {
    this.ready ??= this.pool
      .query(
        `CREATE SCHEMA IF NOT EXISTS "${this.schema}";
         CREATE TABLE IF NOT EXISTS ${this.table} (
           client text NOT NULL, window_start bigint NOT NULL, count integer NOT NULL,
           PRIMARY KEY (client, window_start))`,
      )
      .then(
        () => undefined,
        (error: unknown) => {
          this.ready = null;
          throw error;
        },
      );
    return this.ready;
  }

  /** Deletes ended windows now and then; not awaited: the request does not wait for housekeeping. */
  private purge(nowMs: number): void {
    if (nowMs - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = nowMs;
    this.pool
      .query(`DELETE FROM ${this.table} WHERE window_start < $1`, [nowMs - 2 * this.windowMs])
      .catch((error: unknown) => this.onError(error));
  }
}

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
    await this.failures.add(`failed-ip:${address}`, nowMs);
    if (keyId !== null) await this.failures.add(`failed-key:${keyId}`, nowMs);
  }
}

/**
 * The request budget of a key or address as the guard asks for it: one `take` per request. In
 * process on the embedded store (one process per installation); in PostgreSQL when it is configured,
 * so that every API instance on the database draws from one budget (docs/access.md).
 */
export interface RequestLimiter {
  take(client: string, limit: number, nowMs: number): Promise<RateDecision>;
  /** Counts one for `client` in its current window, exactly (what `count` reads back), deciding nothing. */
  add(client: string, nowMs: number): Promise<void>;
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

  add(client: string, nowMs: number): Promise<void> {
    this.windows.take(client, Number.POSITIVE_INFINITY, nowMs);
    return Promise.resolve();
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
 * The most requests an instance reserves for a client at once: a 64th of the limit (what other
 * instances may be refused while this one holds reserved requests it does not use), and never more
 * than 256. Limits under 128 reserve one at a time: every request is counted as it comes, as before.
 */
export function leaseCap(limit: number): number {
  return Math.max(1, Math.min(256, Math.floor(limit / 64)));
}

/** How many clients' leases an instance keeps before it drops those whose window has ended. */
const MAX_LEASES = 100_000;

/** Requests of one client's window this instance has reserved in the shared count and not used yet. */
interface Lease {
  /** When the window ends, on this instance's clock. */
  readonly endsAtMs: number;
  left: number;
  /** The shared count once this lease was taken: what was used elsewhere, and by this instance, and what it holds. */
  readonly reservedTo: number;
  readonly size: number;
}

/**
 * Fixed windows shared through PostgreSQL: one row per client and window, counted by an upsert. The
 * windows are aligned on the database's clock (`clock_timestamp()`), not the instances', so
 * instances whose clocks differ still count into the same window.
 *
 * A client that sends many requests does not cost a database write each (docs/adr/0035): the upsert
 * reserves several requests of the window at once (a lease, doubling while the client uses each one
 * up, back to one when it did not, at most `leaseCap(limit)`), and the requests that follow take
 * from it in memory. The shared count includes what every instance reserved, so all instances
 * together never allow more than the limit; an instance may hold up to `leaseCap(limit) − 1`
 * reserved requests it does not use, which others are refused meanwhile. Concurrent requests of one
 * client wait for the reservation in flight rather than each making its own.
 *
 * If the database does not answer, the request is let through and `onError` told: the limit
 * protects the service, and an API whose database is away cannot serve much anyway.
 */
export class PostgresRequestLimiter implements RequestLimiter {
  private readonly pool: pg.Pool;
  private readonly table: string;
  private ready: Promise<void> | null = null;
  private lastPurge = 0;
  private readonly leases = new Map<string, Lease>();
  private readonly reserving = new Map<string, Promise<RateDecision>>();

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
    for (;;) {
      const lease = this.leases.get(client);
      if (lease !== undefined && nowMs < lease.endsAtMs && lease.left > 0) {
        lease.left -= 1;
        return {
          allowed: true,
          limit,
          remaining: Math.max(0, limit - (lease.reservedTo - lease.left)),
          resetSeconds: Math.max(1, Math.ceil((lease.endsAtMs - nowMs) / 1000)),
        };
      }
      const inFlight = this.reserving.get(client);
      if (inFlight === undefined) break;
      // Never rejects (reserve answers its errors); then try the lease it left.
      await inFlight;
    }
    const reservation = this.reserve(client, limit, nowMs);
    this.reserving.set(client, reservation);
    try {
      return await reservation;
    } finally {
      this.reserving.delete(client);
    }
  }

  /** Reserves the next lease of `client`'s window and takes this request's from it. */
  private async reserve(client: string, limit: number, nowMs: number): Promise<RateDecision> {
    const previous = this.leases.get(client);
    const size =
      previous === undefined || previous.left > 0 ? 1 : Math.min(leaseCap(limit), Math.max(1, previous.size * 2));
    try {
      const row = await this.upsert(client, size);
      const now = Number(row.now_ms);
      this.purge(now);
      const windowEnd = Number(row.window_start) + this.windowMs;
      const resetSeconds = Math.max(1, Math.ceil((windowEnd - now) / 1000));
      const before = row.count - size;
      const granted = Math.max(0, Math.min(size, limit - before));
      if (granted === 0) {
        this.leases.delete(client);
        return { allowed: false, limit, remaining: 0, resetSeconds };
      }
      this.leases.set(client, {
        endsAtMs: nowMs + (windowEnd - now),
        left: granted - 1,
        reservedTo: before + granted,
        size,
      });
      // One lease per client seen (addresses too): ended ones go once there are many.
      if (this.leases.size > MAX_LEASES) {
        for (const [key, lease] of this.leases) if (lease.endsAtMs <= nowMs) this.leases.delete(key);
      }
      return { allowed: true, limit, remaining: Math.max(0, limit - (before + 1)), resetSeconds };
    } catch (error) {
      this.onError(error);
      const resetSeconds = Math.max(1, Math.ceil((this.windowMs - (nowMs % this.windowMs)) / 1000));
      return { allowed: true, limit, remaining: limit, resetSeconds };
    }
  }

  /** The database's clock decides the window, as for `take`. */
  async add(client: string): Promise<void> {
    try {
      this.purge(Number((await this.upsert(client, 1)).now_ms));
    } catch (error) {
      this.onError(error);
    }
  }

  /** Adds `by` to the client's count in the current window of the database's clock. */
  private async upsert(client: string, by: number): Promise<{ count: number; window_start: string; now_ms: string }> {
    await this.init();
    const { rows } = await this.pool.query<{ count: number; window_start: string; now_ms: string }>(
      `WITH clock AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms)
       INSERT INTO ${this.table} AS w (client, window_start, count)
       SELECT $1, (ms / $2) * $2, $3 FROM clock
       ON CONFLICT (client, window_start) DO UPDATE SET count = w.count + $3
       RETURNING w.count, w.window_start, (SELECT ms FROM clock) AS now_ms`,
      [client, this.windowMs, by],
    );
    const row = rows[0];
    if (row === undefined) throw new Error('the rate limit upsert returned no row');
    return row;
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

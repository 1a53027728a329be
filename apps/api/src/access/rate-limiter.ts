/**
 * Fixed-window rate limits per key (or per client address for anonymous calls), in memory: one
 * process serves one installation. Answers what the RateLimit-* headers need.
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
  private readonly failures: RateLimiter;

  constructor(
    private readonly perAddress: number,
    private readonly perKey: number,
    windowMs = 60_000,
  ) {
    this.failures = new RateLimiter(windowMs);
  }

  /** Seconds the client must wait before trying again, or null when it may try now. */
  blockedFor(address: string, keyId: string | null, nowMs: number): number | null {
    const byAddress = this.failures.count(`ip:${address}`, nowMs);
    if (byAddress.count >= this.perAddress) return byAddress.resetSeconds;
    if (keyId === null || byAddress.count === 0) return null;
    const byKey = this.failures.count(`key:${keyId}`, nowMs);
    return byKey.count >= this.perKey ? byKey.resetSeconds : null;
  }

  record(address: string, keyId: string | null, nowMs: number): void {
    this.failures.take(`ip:${address}`, this.perAddress, nowMs);
    if (keyId !== null) this.failures.take(`key:${keyId}`, this.perKey, nowMs);
  }
}

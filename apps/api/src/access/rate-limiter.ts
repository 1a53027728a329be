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

  private evictExpired(nowMs: number): void {
    for (const [client, window] of this.windows) if (nowMs - window.start >= this.windowMs) this.windows.delete(client);
  }
}

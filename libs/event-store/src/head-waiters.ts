/**
 * `waitForEvents` for adapters without push notifications from other processes: appends made
 * through this store instance wake waiters at once (`notify`), anything else is found by polling
 * the head. `close()` resolves every pending wait with false and clears its timers, so a closed
 * store leaves no handle that keeps Node (or jest) alive.
 */
import { EventEmitter } from 'node:events';

export const DEFAULT_POLL_INTERVAL_MS = 150;

interface PendingWait {
  finish(found: boolean): void;
}

export class HeadWaiters {
  private readonly appended = new EventEmitter();
  private readonly pending = new Set<PendingWait>();
  private closed = false;

  constructor(
    private readonly readHead: () => Promise<number>,
    private readonly pollIntervalMs: number = DEFAULT_POLL_INTERVAL_MS,
  ) {
    // Every waiter listens; many concurrent waiters are expected, not a leak.
    this.appended.setMaxListeners(0);
  }

  /** Called by the adapter after a commit that moved the head. */
  notify(head: number): void {
    this.appended.emit('head', head);
  }

  async wait(after: number, timeoutMs: number): Promise<boolean> {
    if (this.closed) return false;
    if ((await this.readHead()) > after) return true;
    if (this.closed || timeoutMs <= 0) return false;
    return new Promise<boolean>((resolve, reject) => this.start(after, timeoutMs, resolve, reject));
  }

  close(): void {
    this.closed = true;
    for (const wait of [...this.pending]) wait.finish(false);
  }

  private start(
    after: number,
    timeoutMs: number,
    resolve: (found: boolean) => void,
    reject: (error: unknown) => void,
  ): void {
    let pollTimer: NodeJS.Timeout | undefined;
    let done = false;
    /** Returns false when the wait was already settled (by the deadline, a wake-up or close). */
    const settle = (): boolean => {
      if (done) return false;
      done = true;
      clearTimeout(deadline);
      clearTimeout(pollTimer);
      this.appended.off('head', onHead);
      this.pending.delete(wait);
      return true;
    };
    const wait: PendingWait = {
      finish: (found) => {
        if (settle()) resolve(found);
      },
    };
    const onHead = (head: number): void => {
      if (head > after) wait.finish(true);
    };
    const poll = (): void => {
      this.readHead().then(
        (head) => {
          if (done) return;
          if (head > after) wait.finish(true);
          else pollTimer = setTimeout(poll, this.pollIntervalMs);
        },
        (error: unknown) => {
          if (settle()) reject(error);
        },
      );
    };
    const deadline = setTimeout(() => wait.finish(false), timeoutMs);
    this.pending.add(wait);
    this.appended.on('head', onHead);
    pollTimer = setTimeout(poll, this.pollIntervalMs);
  }
}

/**
 * One projector at a time (docs/adr/0020-projector-leader-election.md): every process that may
 * project polls a LeaderElection; the one that wins runs the projector with its pages fenced by the
 * leader epoch, the others wait. When the leader dies its lock goes with its connection and a
 * follower takes over at its next poll.
 */
import type { Projector } from './projector.js';

/** A way to decide which process projects: the PostgreSQL one is ./read-models/postgres-leader.ts. */
export interface LeaderElection {
  /** The epoch this process leads under, or null when it does not lead. */
  readonly epoch: number | null;
  /** Takes the leadership when it is free; the epoch when this process leads, else null. */
  tryAcquire(): Promise<number | null>;
  /** Whether this process still leads (a round trip on the lock's connection); false drops it. */
  confirm(): Promise<boolean>;
  /** Gives the leadership up (closing the lock's connection). */
  release(): Promise<void>;
}

/**
 * What a process does about projecting, as `GET /projections/status` shows it: `leader` or
 * `follower` under an election (PostgreSQL), `sole` where one process owns the files (SQLite: no
 * election), `off` when this process does not project (KIERTO_PROJECTOR=off).
 */
export type Leadership = 'leader' | 'follower' | 'sole' | 'off';

export interface ElectedProjectorOptions {
  /** How often a follower tries to take over, and a leader confirms it still leads, ms. */
  readonly pollMs: number;
  /** Told when this process becomes leader or follower; for logs. */
  readonly onChange?: (leadership: 'leader' | 'follower', epoch: number | null) => void;
  /** Told when a poll fails (the database away); the next poll tries again. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Runs `projector` only while `election` says this process leads. The projector must have been
 * built with `fence: () => election.epoch`, so that its pages carry the epoch they were led under.
 */
export class ElectedProjector {
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wakeUp: (() => void) | null = null;
  private leading = false;

  constructor(
    private readonly projector: Projector,
    private readonly election: LeaderElection,
    private readonly options: ElectedProjectorOptions,
  ) {
    if (!(options.pollMs > 0)) throw new RangeError('pollMs must be positive');
  }

  get leadership(): 'leader' | 'follower' {
    return this.leading ? 'leader' : 'follower';
  }

  start(): void {
    if (this.loop !== null) return;
    this.stopping = false;
    this.loop = this.run().finally(() => {
      this.loop = null;
    });
  }

  /** Stops polling, lets the page in flight finish, then gives the leadership up. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.loop;
    await this.projector.stop();
    await this.election.release();
    this.leading = false;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.poll();
      } catch (error) {
        this.options.onError?.(error);
      }
      await this.pause();
    }
  }

  /** One round: a leader confirms it still leads (and restarts a projector a fenced page stopped); a follower tries to lead. */
  private async poll(): Promise<void> {
    if (this.leading) {
      if (await this.election.confirm()) {
        if (this.projector.state === 'stopped') this.projector.start();
        return;
      }
      this.leading = false;
      // Its pages are fenced already; stopping ends the wait and the retries.
      await this.projector.stop();
      this.options.onChange?.('follower', null);
    }
    const epoch = await this.election.tryAcquire();
    if (epoch === null || this.stopping) return;
    this.leading = true;
    this.options.onChange?.('leader', epoch);
    this.projector.start();
  }

  private pause(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, this.options.pollMs);
      this.wakeUp = done;
    });
  }
}

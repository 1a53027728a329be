/**
 * The projector (DESIGN §2, docs/projections.md): reads the global log from the projections'
 * checkpoints in pages, applies each projection, and writes the read-model changes and the new
 * checkpoints in one transaction per page. Hence each event is applied exactly once, whatever
 * crashes: a page either committed with its checkpoint or left no trace and is read again.
 *
 * - Following: after catching up it waits on the store (`waitForEvents`) and goes on; `stop()`
 *   ends the wait at once and lets the page in flight finish.
 * - Several projectors on one read-model store (the API's and a CLI `project`) are safe: the
 *   checkpoint moves by compare-and-set in the page's transaction; the loser's page rolls back and
 *   it reads on from the new checkpoint.
 * - On start, a projection whose stored version differs from the code's, or whose checkpoint does
 *   not match the log (another store, a restored backup), is dropped and rebuilt from zero.
 */
import { EventEmitter } from 'node:events';
import type { EventStore, StoredEvent } from '../../event-store/src/port.js';
import type { AnyProjection, ProjectionName } from './projection.js';
import {
  CheckpointMovedError,
  type Checkpoint,
  type DocumentWrite,
  type PageWrite,
  type ReadModelStore,
} from './read-models/port.js';
import type { MembershipChange, StatisticsFact } from './statistics/facts.js';

export interface ProjectorOptions {
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly projections: readonly AnyProjection[];
  /**
   * Most events per page (and per transaction); default 5000. Following, pages are as small as the
   * backlog; catching up and rebuilding, big pages amortise the statistics cells, which a page
   * touches nearly one per fact when it is small (measured in bench/projections.bench.ts).
   */
  readonly pageSize?: number;
  /** Longest single wait for new events while following, ms; stop() interrupts it. Default 30 000. */
  readonly idleWaitMs?: number;
  /** First delay after a failed page, ms, doubled per failure up to 30 s. Default 500. */
  readonly retryDelayMs?: number;
  /** Told about every failed page (the projector retries it); for logs. */
  readonly onError?: (error: unknown) => void;
  /** Told when a projection is dropped to be rebuilt, and why; for logs. */
  readonly onReset?: (name: ProjectionName, reason: string) => void;
}

export type ProjectorState = 'stopped' | 'following' | 'failing';

export interface RebuildReport {
  readonly projections: readonly ProjectionName[];
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

const DEFAULT_PAGE_SIZE = 5000;
const MAX_RETRY_DELAY_MS = 30_000;

export class Projector {
  private readonly pageSize: number;
  private readonly progress = new EventEmitter();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wakeUp: (() => void) | null = null;
  private failure: { readonly message: string; readonly at: string } | null = null;

  constructor(private readonly options: ProjectorOptions) {
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) throw new RangeError('pageSize must be a positive integer');
    // Every query waiting for a position listens; many at once is expected.
    this.progress.setMaxListeners(0);
  }

  get projections(): readonly AnyProjection[] {
    return this.options.projections;
  }

  get state(): ProjectorState {
    if (this.loop === null) return 'stopped';
    return this.failure === null ? 'following' : 'failing';
  }

  /** The last failure while following, until a page succeeds again. */
  get lastError(): { readonly message: string; readonly at: string } | null {
    return this.failure;
  }

  /**
   * Makes every projection's tables ready, and drops (to rebuild) those built by another version or
   * from another log. Run before the first page; safe to run again.
   */
  async prepare(): Promise<void> {
    const { readModels, store } = this.options;
    await readModels.init();
    for (const projection of this.options.projections) {
      const outcome = await readModels.prepare(projection.name, projection.version);
      if (outcome === 'created') continue;
      if (outcome !== 'kept') {
        this.options.onReset?.(projection.name, `it was built by ${outcome.recreated}, the code is ${projection.version}`);
        continue;
      }
      const checkpoint = (await readModels.checkpoints()).get(projection.name);
      if (checkpoint === undefined || checkpoint.position === 0) continue;
      const [event] = await store.readAll(checkpoint.position - 1, 1);
      if (event === undefined || event.globalPosition !== checkpoint.position || event.hash !== checkpoint.hash) {
        const reason =
          event === undefined
            ? `its checkpoint ${checkpoint.position} lies beyond the end of the log`
            : `the event at its checkpoint ${checkpoint.position} is not the one it was built from`;
        this.options.onReset?.(projection.name, reason);
        await readModels.reset(projection.name, projection.version);
      }
    }
  }

  /**
   * Reads one page from the lowest checkpoint and commits it. Returns the number of events read:
   * 0 means every projection has caught up with the log.
   */
  async runPage(): Promise<number> {
    const { readModels, store } = this.options;
    const checkpoints = await readModels.checkpoints();
    const positions = this.options.projections.map((projection) => positionOf(checkpoints, projection.name));
    const events = await store.readAll(Math.min(...positions), this.pageSize);
    const last = events.at(-1);
    if (last === undefined) return 0;
    const page: MutablePage = { checkpoints: [], documents: [], facts: [], memberships: [] };
    for (const [index, projection] of this.options.projections.entries()) {
      const from = positions[index] ?? 0;
      const unseen = events.filter((event) => event.globalPosition > from);
      if (unseen.length === 0) continue;
      await applyPage(projection, unseen, readModels, page);
      page.checkpoints.push({ name: projection.name, from, to: last.globalPosition, hash: last.hash });
    }
    await readModels.commit(page);
    this.progress.emit('progress');
    return events.length;
  }

  /**
   * Pages until every projection has reached the head it finds; returns the events read. A page
   * another projector committed first is not an error: this one reads on from there.
   */
  async catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      try {
        const read = await this.runPage();
        if (read === 0) return total;
        total += read;
      } catch (error) {
        if (!(error instanceof CheckpointMovedError)) throw error;
      }
    }
  }

  /** Drops the projections' read models and replays the whole log into them. */
  async rebuild(names: readonly ProjectionName[] = this.options.projections.map((p) => p.name)): Promise<RebuildReport> {
    const started = performance.now();
    for (const projection of this.options.projections) {
      if (names.includes(projection.name)) await this.options.readModels.reset(projection.name, projection.version);
    }
    const events = await this.catchUp();
    const seconds = (performance.now() - started) / 1000;
    return { projections: names, events, seconds, eventsPerSecond: seconds > 0 ? Math.round(events / seconds) : events };
  }

  /** Follows the log in the background until stop(). Call prepare() first. */
  start(): void {
    if (this.loop !== null) return;
    this.stopping = false;
    this.loop = this.follow().finally(() => {
      this.loop = null;
    });
  }

  /** Ends following: interrupts the wait, lets the page in flight commit or roll back, resolves after. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.loop;
  }

  /** Calls the listener after every committed page; returns the unsubscribe function. */
  onProgress(listener: () => void): () => void {
    this.progress.on('progress', listener);
    return () => this.progress.off('progress', listener);
  }

  private async follow(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        const read = await this.runPage();
        failures = 0;
        this.failure = null;
        if (read === 0) await this.interruptible(async (signal) => this.waitForNewEvents(signal));
      } catch (error) {
        // Another projector moved a checkpoint: nothing was written, read on from where it is now.
        if (error instanceof CheckpointMovedError) continue;
        failures += 1;
        this.failure = { message: error instanceof Error ? error.message : String(error), at: new Date().toISOString() };
        this.options.onError?.(error);
        const delay = Math.min((this.options.retryDelayMs ?? 500) * 2 ** (failures - 1), MAX_RETRY_DELAY_MS);
        await this.interruptible((signal) => sleep(delay, signal));
      }
    }
  }

  private async waitForNewEvents(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const checkpoints = await this.options.readModels.checkpoints();
    const lowest = Math.min(...this.options.projections.map((projection) => positionOf(checkpoints, projection.name)));
    await this.options.store.waitForEvents(lowest, this.options.idleWaitMs ?? 30_000);
  }

  /** Runs a wait that stop() can cut short; the abandoned wait ends on its own timeout or when the store closes. */
  private async interruptible(wait: (signal: AbortSignal) => Promise<unknown>): Promise<void> {
    if (this.stopping) return;
    const controller = new AbortController();
    const stopped = new Promise<void>((resolve) => {
      this.wakeUp = () => {
        controller.abort();
        resolve();
      };
    });
    try {
      await Promise.race([wait(controller.signal), stopped]);
    } finally {
      this.wakeUp = null;
      controller.abort();
    }
  }
}

type MutablePage = {
  -readonly [K in keyof PageWrite]: PageWrite[K] extends readonly (infer E)[] ? E[] : PageWrite[K];
};

/** Folds a projection over the unseen events of a page, loading each document once and writing it once. */
async function applyPage(
  projection: AnyProjection,
  events: readonly StoredEvent[],
  readModels: ReadModelStore,
  page: MutablePage,
): Promise<void> {
  const relevant = events.filter((event) => projection.handles(event.type));
  if (relevant.length === 0) return;
  const keys = [...new Set(relevant.map((event) => projection.documentKey(event)).filter((key) => key !== null))];
  const documents = await readModels.loadDocuments(projection.collection, keys);
  const changed = new Set<string>();
  const facts: StatisticsFact[] = page.facts;
  const memberships: MembershipChange[] = page.memberships;
  for (const event of relevant) {
    const key = projection.documentKey(event);
    const applied = projection.apply(key === null ? null : (documents.get(key) ?? null), event);
    if (key !== null && applied.document !== null) {
      documents.set(key, applied.document);
      changed.add(key);
    }
    facts.push(...applied.facts);
    memberships.push(...applied.memberships);
  }
  const writes: DocumentWrite[] = page.documents;
  for (const key of changed) {
    const document = documents.get(key);
    if (document !== undefined) writes.push({ collection: projection.collection, key, document });
  }
}

function positionOf(checkpoints: ReadonlyMap<ProjectionName, Checkpoint>, name: ProjectionName): number {
  const checkpoint = checkpoints.get(name);
  if (checkpoint === undefined) throw new Error(`Projection ${name} has no checkpoint: run prepare() first`);
  return checkpoint.position;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Resolves once the projection's checkpoint reaches `position`, or with the checkpoint it is at
 * after `timeoutMs` (read-your-writes for a query: `?minPosition=`). Wakes on the in-process
 * projector's progress and polls the checkpoint too, for a projector running in another process.
 */
export async function waitForCheckpoint(
  readModels: ReadModelStore,
  name: ProjectionName,
  position: number,
  timeoutMs: number,
  projector: Projector | null,
  pollIntervalMs = 50,
): Promise<{ readonly reached: boolean; readonly checkpoint: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const checkpoint = (await readModels.checkpoints()).get(name)?.position ?? 0;
    if (checkpoint >= position) return { reached: true, checkpoint };
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { reached: false, checkpoint };
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(pollIntervalMs, remaining));
      const unsubscribe = projector?.onProgress(done);
      function done(): void {
        clearTimeout(timer);
        unsubscribe?.();
        resolve();
      }
    });
  }
}

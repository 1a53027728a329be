/**
 * The projector (docs/projections.md): reads the global log from the projections' checkpoints in
 * pages, evolves each projection, and has each projection's storage write its changes, with the new
 * checkpoints, in one transaction per page. It knows no projection by name: whatever follows the
 * contract of ./projection.ts runs here (docs/adr/0012-open-projection-contract.md). Hence each event is applied exactly once, whatever
 * crashes: a page either committed with its checkpoint or left no trace and is read again.
 *
 * - Following: after catching up it waits on the store (`waitForEvents`) and goes on; `stop()`
 *   ends the wait at once and lets the page in flight finish.
 * - Several projectors on one read-model store (the API's and a CLI `project`) are safe: the
 *   checkpoint moves by compare-and-set in the page's transaction; the loser's page rolls back and
 *   it reads on from the new checkpoint.
 * - On start, a projection whose stored version differs from the code's, or whose checkpoint does
 *   not match the log (another store, a restored backup), is dropped and rebuilt from zero.
 * - One event never stops a read model (docs/adr/0011-poison-event-quarantine.md): when a page fails
 *   with an error that is not a known transient one (./transient.ts), each projection retries its
 *   part alone, halving it until the event that fails by itself is found; that event is quarantined
 *   with its reason and passed, everything else is applied. Transient errors (the database is away)
 *   fail the page as before, to be retried whole.
 */
import { EventEmitter } from 'node:events';
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EventStore, StoredEvent } from '#kierto/event-store';
import type { AnyProjection, Evolved, ProjectionName } from './projection.js';
import {
  CheckpointMovedError,
  isRebuilding,
  LeadershipLostError,
  readableCheckpoint,
  rebuildingVersion,
  type Checkpoint,
  type CheckpointMove,
  type PagePart,
  type PageWrite,
  type QuarantinedEvent,
  type ReadModelStore,
  type RebuildFinish,
} from './read-models/port.js';
import { isTransientError, reasonOf } from './transient.js';

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
  /**
   * How long one page may hold up the process, ms. better-sqlite3 is synchronous, so an in-process
   * projector on SQLite stops request handling for as long as a page takes: with a budget, each
   * page's size is scaled from the last page's time to take about this long (between
   * MIN_BUDGETED_PAGE and pageSize events), and the projector lets the event loop run between
   * pages. Unset: fixed pages of pageSize, for rebuilds and the CLI, where throughput is all.
   */
  readonly pageBudgetMs?: number;
  /** Longest single wait for new events while following, ms; stop() interrupts it. Default 30 000. */
  readonly idleWaitMs?: number;
  /** First delay after a failed page, ms, doubled per failure up to 30 s. Default 500. */
  readonly retryDelayMs?: number;
  /** Told about every failed page (the projector retries it); for logs. */
  readonly onError?: (error: unknown) => void;
  /** Told when a projection is dropped to be rebuilt, and why; for logs. */
  readonly onReset?: (name: ProjectionName, reason: string) => void;
  /** Told about every event quarantined (passed without being applied); for logs and alerts. */
  readonly onQuarantine?: (event: QuarantinedEvent) => void;
  /**
   * Under a leader election (./leadership.ts): the epoch this process leads under, or null. Each
   * page carries it and commits only while it is still the stored epoch; with null nothing is
   * written. Following stops at the first fenced page (LeadershipLostError).
   */
  readonly fence?: () => number | null;
}

/** What re-projecting a quarantined event did (`kierto quarantine --retry`). */
export type RetryOutcome =
  | { readonly outcome: 'applied' }
  /** Still failing: it stays quarantined; `reason` is the new error. */
  | { readonly outcome: 'failed'; readonly reason: string }
  /** Not re-projected, nothing written: `reason` says why and what to do instead. */
  | { readonly outcome: 'refused'; readonly reason: string };

export type ProjectorState = 'stopped' | 'following' | 'failing';

export interface RebuildReport {
  readonly projections: readonly ProjectionName[];
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

const DEFAULT_PAGE_SIZE = 5000;
/** The instrumentation scope of the projector's spans (docs/operations.md, "Traces"). */
const TRACER_SCOPE = 'kierto-projections';
/** The API's page budget on the embedded store (docs/projections.md, bench/projector-stall.bench.ts). */
export const EMBEDDED_PAGE_BUDGET_MS = 50;
/**
 * A catch-up that read at least this many events was a bulk load: the read models' planner
 * statistics are refreshed after it, since Kierto cannot count on autovacuum (docs/adr/0031).
 */
const ANALYZE_AFTER_EVENTS = 10_000;

/** Below this a page's fixed costs (checkpoints, statistics cells) dominate: smaller pages only slow the catch-up. */
const MIN_BUDGETED_PAGE = 50;
const MAX_RETRY_DELAY_MS = 30_000;

export class Projector {
  private readonly pageSize: number;
  /** The size of the next page: pageSize, or what the page budget allows. */
  private nextPageSize: number;
  private readonly progress = new EventEmitter();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wakeUp: (() => void) | null = null;
  private failure: { readonly message: string; readonly at: string } | null = null;

  constructor(private readonly options: ProjectorOptions) {
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1)
      throw new RangeError('pageSize must be a positive integer');
    const budget = options.pageBudgetMs;
    if (budget !== undefined && !(budget > 0)) throw new RangeError('pageBudgetMs must be positive');
    this.nextPageSize = budget === undefined ? this.pageSize : Math.min(this.pageSize, MIN_BUDGETED_PAGE);
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
      const outcome = await readModels.prepare(projection);
      if (outcome === 'created') continue;
      if (outcome !== 'kept') {
        this.options.onReset?.(
          projection.name,
          `it was built by ${outcome.recreated}, the code is ${projection.version}`,
        );
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
    const started = performance.now();
    const page = await this.readPage(await this.positions(), new Map());
    if (page.events.length === 0 && page.finish.length === 0) return 0;
    await this.writePage(page);
    this.fitPageToBudget(page.events.length, performance.now() - started);
    this.progress.emit('progress');
    return page.events.length;
  }

  /** Where each projection stands: its checkpoint and the version stored with it. */
  private async positions(): Promise<ProjectionPosition[]> {
    const checkpoints = await this.options.readModels.checkpoints();
    return this.options.projections.map((projection) => {
      const checkpoint = checkpoints.get(projection.name);
      if (checkpoint === undefined)
        throw new Error(`Projection ${projection.name} has no checkpoint: run prepare() first`);
      return { projection, position: checkpoint.position, version: checkpoint.version };
    });
  }

  /**
   * Reads the next page from these positions and folds every projection over its unseen events,
   * each document taken from `overlay` (the documents of a page still committing, by projection)
   * before the store. A fold that throws is kept, not thrown: writePage() isolates it.
   */
  private async readPage(
    positions: readonly ProjectionPosition[],
    overlay: ReadonlyMap<ProjectionName, ReadonlyMap<string, object>>,
  ): Promise<ReadPage> {
    const { readModels, store } = this.options;
    const startTime = Date.now();
    const size = this.nextPageSize;
    const events = await store.readAll(Math.min(...positions.map((each) => each.position)), size);
    const last = events.at(-1);
    const parts = positions.flatMap((at) => {
      const unseen = events.filter((event) => event.globalPosition > at.position);
      return unseen.length === 0 ? [] : [{ at, events: unseen }];
    });
    const after = positions.map((at) => ({ ...at, position: Math.max(at.position, last?.globalPosition ?? 0) }));
    // A page shorter than asked for reached the end of the log: it ends the full rebuilds in progress.
    const finish =
      events.length < size ? after.filter((at) => at.version === rebuildingVersion(at.projection.version)) : [];
    let fold: ReadPage['fold'];
    try {
      const page = emptyPage();
      for (const { at, events: unseen } of parts) {
        const move = moveOf(at, unseen);
        const documents = overlay.get(at.projection.name);
        page.parts.push(await applyPage(at.projection, unseen, readModels, move, isRebuilding(at.version), documents));
        page.checkpoints.push(move);
      }
      fold = { page };
    } catch (error) {
      fold = { error };
    }
    return { startTime, events, parts, after, finish: finish.map(finishOf), fold };
  }

  /**
   * Commits a page read by readPage(): every projection's part in one transaction, with the
   * rebuilds it ends. Returns whether that fast path committed; 'isolated' when the page failed
   * for a reason that may be an event's and each projection's part was committed on its own,
   * narrowed down to the events quarantined (the documents may then differ from the page's fold).
   */
  private async writePage(page: ReadPage): Promise<'committed' | 'isolated'> {
    const first = page.events[0];
    const last = page.events.at(-1);
    // Started only once the page has events, back-dated to its first read: a caught-up projector
    // polling an empty log would otherwise send a span per wait. A no-op without a tracer provider.
    const span = trace.getTracer(TRACER_SCOPE).startSpan('projector page', {
      startTime: page.startTime,
      attributes: {
        'kierto.projector.read_models': page.parts.length,
        'kierto.projector.events': page.events.length,
        'kierto.projector.first_position': first?.globalPosition ?? 0,
        'kierto.projector.last_position': last?.globalPosition ?? 0,
        'kierto.projector.rebuilds_finished': page.finish.length,
      },
    });
    try {
      try {
        // The fast path: every projection's part in one transaction.
        if ('error' in page.fold) throw page.fold.error;
        await this.commit({ ...page.fold.page, finish: page.finish });
        return 'committed';
      } catch (error) {
        if (isRefusal(error) || isTransientError(error)) throw error;
        span.setAttribute('kierto.projector.isolated', true);
        // Possibly one event's fault: each projection on its own, so that passports and statistics
        // never share a failure, and within it the part that fails narrowed down to its event.
        for (const part of page.parts) await this.isolate(part.at, part.events);
        if (page.finish.length > 0) await this.commit({ ...emptyPage(), finish: page.finish });
        return 'isolated';
      }
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /** Commits a page, fenced by the leader epoch when this projector runs under an election. */
  private async commit(page: PageWrite): Promise<void> {
    const fence = this.options.fence;
    if (fence === undefined) return this.options.readModels.commit(page);
    const epoch = fence();
    if (epoch === null) throw new LeadershipLostError(null);
    return this.options.readModels.commit({ ...page, fence: epoch });
  }

  /**
   * Scales the next page so that it takes about the budget: by the last page's time per event, at
   * most doubling at once (one fast page of a quiet moment says little about the next one).
   */
  private fitPageToBudget(events: number, elapsedMs: number): void {
    const budget = this.options.pageBudgetMs;
    if (budget === undefined || events < this.nextPageSize) return;
    const fitting = Math.floor((events * budget) / Math.max(elapsedMs, 1));
    this.nextPageSize = Math.min(this.pageSize, Math.max(MIN_BUDGETED_PAGE, Math.min(fitting, events * 2)));
  }

  /** With a page budget, lets waiting requests run before the next page (an awaited read alone would not: it settles as a microtask). */
  private async yieldBetweenPages(): Promise<void> {
    if (this.options.pageBudgetMs !== undefined) await nextTurn();
  }

  /**
   * Commits a projection's part of a page on its own; when it fails for a reason that is not
   * transient, commits each half in turn, down to the single event that fails alone, which is
   * quarantined: its checkpoint moves past it with nothing applied. A page with one poison event
   * costs about 2·log2(page size) transactions.
   */
  private async isolate(at: ProjectionPosition, events: readonly StoredEvent[]): Promise<void> {
    const { readModels } = this.options;
    const { projection } = at;
    const last = events.at(-1);
    if (last === undefined) return;
    const move = moveOf(at, events);
    let failure: unknown;
    try {
      const page = emptyPage();
      page.parts.push(await applyPage(projection, events, readModels, move, isRebuilding(at.version)));
      page.checkpoints.push(move);
      await this.commit(page);
      return;
    } catch (error) {
      if (isRefusal(error) || isTransientError(error)) throw error;
      failure = error;
    }
    if (events.length === 1) {
      const quarantined: QuarantinedEvent = {
        name: projection.name,
        globalPosition: last.globalPosition,
        eventId: last.eventId,
        eventType: last.type,
        streamId: last.streamId,
        reason: reasonOf(failure),
        quarantinedAt: new Date().toISOString(),
      };
      await this.commit({ ...emptyPage(), checkpoints: [move], quarantine: [quarantined] });
      this.options.onQuarantine?.(quarantined);
      return;
    }
    const half = Math.ceil(events.length / 2);
    const first = events.slice(0, half);
    await this.isolate(at, first);
    await this.isolate({ ...at, position: first.at(-1)?.globalPosition ?? at.position }, events.slice(half));
  }

  /**
   * Applies a quarantined event after a fix (`kierto quarantine --retry`). Only when no later event
   * of its stream has reached the projection since: the projections fold a stream in order, so an
   * event applied after its successors would be ignored or give another document than a replay
   * does; then the answer is a rebuild of that projection, which replays everything in order.
   * The event leaves the quarantine in the same transaction that applies it, so concurrent retries
   * apply it once (QuarantineReleasedError for the other).
   */
  async retryQuarantined(name: ProjectionName, position: number): Promise<RetryOutcome> {
    const { readModels, store } = this.options;
    const projection = this.options.projections.find((each) => each.name === name);
    if (projection === undefined) return { outcome: 'refused', reason: `no projection ${name} runs here` };
    const { events } = await readModels.quarantined(Number.MAX_SAFE_INTEGER);
    if (!events.some((event) => event.name === name && event.globalPosition === position)) {
      return { outcome: 'refused', reason: `the ${name} quarantine holds no event at position ${position}` };
    }
    const [event] = await store.readAll(position - 1, 1);
    if (event === undefined || event.globalPosition !== position) {
      return { outcome: 'refused', reason: `the log has no event at position ${position}` };
    }
    const checkpoint = positionOf(await readModels.checkpoints(), name);
    const later = (await store.readStream(event.streamId)).filter(
      (each) => each.globalPosition > position && each.globalPosition <= checkpoint && handles(projection, each.type),
    );
    if (later.length > 0) {
      return {
        outcome: 'refused',
        reason:
          `${later.length} later event(s) of ${event.streamId} reached ${name} without it (first at position ` +
          `${later[0]?.globalPosition ?? 0}); run \`kierto rebuild --projection ${name}\` to replay the stream in order`,
      };
    }
    try {
      const page = emptyPage();
      const covers = { from: position - 1, to: position };
      page.parts.push(await applyPage(projection, [event], readModels, covers, false));
      await this.commit({ ...page, release: { name, position } });
    } catch (error) {
      if (error instanceof LeadershipLostError || isTransientError(error)) throw error;
      return { outcome: 'failed', reason: reasonOf(error) };
    }
    this.progress.emit('progress');
    return { outcome: 'applied' };
  }

  /**
   * Pages until every projection has reached the head it finds; returns the events read. A page
   * another projector committed first is not an error: this one reads on from there.
   *
   * Without a page budget (rebuilds, `kierto project`) the next page is read and folded while the
   * one before commits, its documents taken from that page (docs/adr/0032): pages still commit in
   * order, one at a time. The folded page is dropped whenever the one before did not commit as
   * folded (another projector moved a checkpoint, an event was quarantined), and read again.
   */
  async catchUp(): Promise<number> {
    if (this.options.pageBudgetMs !== undefined) return this.catchUpPageByPage();
    let total = 0;
    /** The next page, read and folded while the one before commits; null: read it from the checkpoints. */
    let ahead: Promise<ReadPage> | null = null;
    for (;;) {
      try {
        const pending = ahead;
        ahead = null;
        const page = pending !== null ? await pending : await this.readPage(await this.positions(), new Map());
        if (page.events.length === 0 && page.finish.length === 0) return await this.caughtUp(total);
        const written = this.writePage(page);
        // Not past a page that ends a rebuild: the next one would be folded under the rebuild's marker.
        let next: Promise<ReadPage> | null = null;
        if (page.finish.length === 0) {
          next = this.readPage(page.after, documentsOf(page));
          // Dropped unread when this page fails; a failure of its own surfaces when it is read again.
          next.catch(() => undefined);
        }
        if ((await written) === 'committed') ahead = next;
        total += page.events.length;
        this.progress.emit('progress');
      } catch (error) {
        if (!(error instanceof CheckpointMovedError)) throw error;
      }
    }
  }

  /** catchUp() one page at a time, each sized to the page budget, the event loop let run between pages. */
  private async catchUpPageByPage(): Promise<number> {
    let total = 0;
    for (;;) {
      try {
        const read = await this.runPage();
        if (read === 0) return await this.caughtUp(total);
        total += read;
        await this.yieldBetweenPages();
      } catch (error) {
        if (!(error instanceof CheckpointMovedError)) throw error;
      }
    }
  }

  /** A catch-up of `events` reached the head: after a bulk load the planner's statistics are refreshed. */
  private async caughtUp(events: number): Promise<number> {
    if (events >= ANALYZE_AFTER_EVENTS)
      await this.options.readModels.analyze(this.options.projections.map((p) => p.name));
    return events;
  }

  /** Drops the projections' read models and replays the whole log into them. */
  async rebuild(
    names: readonly ProjectionName[] = this.options.projections.map((p) => p.name),
  ): Promise<RebuildReport> {
    const started = performance.now();
    for (const projection of this.options.projections) {
      if (!names.includes(projection.name)) continue;
      // Prepared first: the store learns the projection's tables (a rebuild may be this instance's first call).
      await this.options.readModels.prepare(projection);
      await this.options.readModels.reset(projection.name, projection.version);
    }
    const events = await this.catchUp();
    // catchUp() analyses after a bulk load; a smaller rebuild still replaced every table.
    if (events < ANALYZE_AFTER_EVENTS) await this.options.readModels.analyze(names);
    const seconds = (performance.now() - started) / 1000;
    return {
      projections: names,
      events,
      seconds,
      eventsPerSecond: seconds > 0 ? Math.round(events / seconds) : events,
    };
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
    /** Events read since the projections last reached the head: a backlog this big was a bulk load. */
    let backlog = 0;
    while (!this.stopping) {
      try {
        const read = await this.runPage();
        failures = 0;
        this.failure = null;
        backlog += read;
        if (read === 0) {
          if (backlog >= ANALYZE_AFTER_EVENTS)
            await this.options.readModels.analyze(this.options.projections.map((p) => p.name));
          backlog = 0;
          await this.interruptible(async (signal) => this.waitForNewEvents(signal));
        } else await this.yieldBetweenPages();
      } catch (error) {
        // Another projector moved a checkpoint: nothing was written, read on from where it is now.
        if (error instanceof CheckpointMovedError) continue;
        // Fenced off: another process leads now; the election (./leadership.ts) decides what next.
        if (error instanceof LeadershipLostError) return;
        failures += 1;
        this.failure = {
          message: error instanceof Error ? error.message : String(error),
          at: new Date().toISOString(),
        };
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

/** The store refused the page as a whole, for a reason no event of it is to blame for: never quarantine on it. */
function failSpan(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

function isRefusal(error: unknown): boolean {
  return error instanceof CheckpointMovedError || error instanceof LeadershipLostError;
}

/** A projection's checkpoint as a page starts from it: position and the version stored with it. */
interface ProjectionPosition {
  readonly projection: AnyProjection;
  readonly position: number;
  readonly version: string;
}

/** A page read and folded, ready to be written (Projector.readPage). */
interface ReadPage {
  /** When its read started (epoch ms), for its span. */
  readonly startTime: number;
  readonly events: readonly StoredEvent[];
  /** Each projection that has unseen events in it, where it starts and those events. */
  readonly parts: readonly { readonly at: ProjectionPosition; readonly events: readonly StoredEvent[] }[];
  /** Every projection's position once the page is committed: where the next page starts. */
  readonly after: readonly ProjectionPosition[];
  /** The full rebuilds the page ends. */
  readonly finish: readonly RebuildFinish[];
  /** Every part folded, with the checkpoint moves; or the error a fold threw. */
  readonly fold: { readonly page: MutablePage } | { readonly error: unknown };
}

/** The documents a page's fold changed, by projection: what the next page folds over while this one commits. */
function documentsOf(page: ReadPage): ReadonlyMap<ProjectionName, ReadonlyMap<string, object>> {
  const documents = new Map<ProjectionName, ReadonlyMap<string, object>>();
  if ('page' in page.fold)
    for (const part of page.fold.page.parts) documents.set(part.projection.name, part.page.documents);
  return documents;
}

/** The checkpoint move of a part starting at `at` and ending with the last of `events` (at least one). */
function moveOf(at: ProjectionPosition, events: readonly StoredEvent[]): CheckpointMove {
  const last = events.at(-1);
  if (last === undefined) throw new RangeError('A checkpoint move needs at least one event');
  const { projection, position, version } = at;
  return { name: projection.name, from: position, version, to: last.globalPosition, hash: last.hash };
}

function finishOf(at: ProjectionPosition): RebuildFinish {
  return { projection: at.projection, position: at.position };
}

/** A page being assembled. */
interface MutablePage {
  readonly checkpoints: CheckpointMove[];
  readonly parts: PagePart[];
}

function emptyPage(): MutablePage {
  return { checkpoints: [], parts: [] };
}

const eventTypeSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** Whether the projection reads events of this type (its declared list, as a set made once). */
function handles(projection: AnyProjection, type: string): boolean {
  let types = eventTypeSets.get(projection.eventTypes);
  if (types === undefined) {
    types = new Set(projection.eventTypes);
    eventTypeSets.set(projection.eventTypes, types);
  }
  return types.has(type);
}

/**
 * Folds a projection over the unseen events of a page, loading each document once: its part of the
 * page, the positions (from, to] it covers, for its storage to write. A document in `overlay` (the
 * page before, still committing) is taken from there rather than loaded.
 */
async function applyPage(
  projection: AnyProjection,
  events: readonly StoredEvent[],
  readModels: ReadModelStore,
  covers: { readonly from: number; readonly to: number },
  rebuilding: boolean,
  overlay: ReadonlyMap<string, object> = new Map(),
): Promise<PagePart> {
  const relevant = events.filter((event) => handles(projection, event.type));
  const keys = [...new Set(relevant.map((event) => projection.documentKey(event)).filter((key) => key !== null))];
  const missing = keys.filter((key) => !overlay.has(key));
  const documents =
    missing.length === 0 ? new Map<string, object>() : await readModels.loadDocuments(projection, missing);
  for (const key of keys) {
    const overlaid = overlay.get(key);
    if (overlaid !== undefined) documents.set(key, overlaid);
  }
  const changed = new Map<string, object>();
  const applied: Evolved<object>[] = [];
  for (const event of relevant) {
    const key = projection.documentKey(event);
    const evolved = projection.evolve(key === null ? null : (documents.get(key) ?? null), event);
    if (key !== null && evolved.document !== null) {
      documents.set(key, evolved.document);
      changed.set(key, evolved.document);
    }
    applied.push(evolved);
  }
  return { projection, page: { from: covers.from, to: covers.to, documents: changed, applied, rebuilding } };
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
 * after `timeoutMs` (read-your-writes for a query: `?minPosition=`), as `readableCheckpoint` gives
 * it. Wakes on the in-process
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
    const stored = (await readModels.checkpoints()).get(name);
    // A full rebuild that finishes its read model at the end gives nothing to rely on before (docs/adr/0032).
    const projection = projector?.projections.find((each) => each.name === name);
    const checkpoint = stored === undefined ? 0 : readableCheckpoint(stored, projection);
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

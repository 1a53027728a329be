/**
 * The event store port (docs/architecture.md) on EventStoreDB / KurrentDB 25.1+ through @kurrent/kurrentdb-client.
 *
 * Layout (docs/eventstoredb.md has the full design and what is not guaranteed):
 * - `<prefix><deviceId>`: one stream per device, the events themselves: native id, type and JSON
 *   data, the rest of the envelope (positions, actor, hash chain …) in metadata.
 * - `<prefix>kierto-log`: the global log. Its record at revision r points to the event at global
 *   position r + 1 and carries that event's hash, so positions are dense by construction and the
 *   head (position, hash) is one read of the log's last record.
 * - `<prefix>kierto-event-<eventId>`: one single-record stream per event id (where it is stored),
 *   for findEvent and store-wide id uniqueness.
 *
 * Every append is ONE multiStreamAppend (atomic across streams, KurrentDB 25.1+) of the device
 * events, their log records and their index records, each stream with an exact expected state.
 * The log's expected revision is the store-wide write lock: of two writers that planned from the
 * same head, the server lets exactly one commit, and the other re-reads and plans again. So
 * positions never repeat or skip, p + 1 can only commit after p, and the hash chain follows the
 * global order, just as under the SQL adapters' head lock (ADR 0002).
 */
import { BACKWARDS, END, FORWARDS, KurrentDBClient, NO_STREAM } from '@kurrent/kurrentdb-client';
import type { AppendStreamRequest, ReadStreamOptions, RecordedEvent } from '@kurrent/kurrentdb-client';
import { planAppend, requestedEventIds, requestedStreamIds, validateAppend } from '../append-plan.js';
import type { AppendPlan, StoreHead } from '../append-plan.js';
import { GENESIS_HASH } from '../hash-chain.js';
import { DEFAULT_POLL_INTERVAL_MS, HeadWaiters } from '../head-waiters.js';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  StoreLimits,
  StoredEvent,
} from '../port.js';
import {
  IntegrityError,
  STORE_FORMAT,
  describeEndpoint,
  deviceEventData,
  indexEventData,
  isDeviceStreamId,
  isStreamNotFound,
  isWrongExpectedVersion,
  logEventData,
  markerEventData,
  nativeEventId,
  parseIndexEntry,
  parseLogEntry,
  parseMarkerFormat,
  positionOfLogRevision,
  stateBefore,
  storedEventFromRecorded,
  streamNames,
  toSafeNumber,
  translateError,
} from './mapping.js';
import type { RecordedLike, StreamNames } from './mapping.js';

/**
 * The part of the client the adapter uses. Tests hand in a simulated server through it
 * (testing/in-memory-kurrentdb.ts) to run the contract suite where no KurrentDB runs.
 */
export type KurrentClient = Pick<KurrentDBClient, 'readStream' | 'multiStreamAppend' | 'dispose'>;

export interface EventStoreDbEventStoreOptions {
  /** kurrentdb://, kurrentdb+discover://, esdb://, … e.g. kurrentdb://127.0.0.1:2113?tls=false */
  readonly connectionString: string;
  /** Use this client instead of connecting with connectionString (which then only names the server in messages). */
  readonly client?: KurrentClient;
  /**
   * Prepended to every stream name the store uses (devices and its own), so several Kierto
   * installations (or test runs) can share one server; default '' (stream name = device id).
   */
  readonly streamPrefix?: string;
  readonly limits?: StoreLimits;
  /** Source of recordedAt; real time by default. */
  readonly clock?: () => Date;
  /** How often waitForEvents looks for appends made by other processes, ms. */
  readonly pollIntervalMs?: number;
  /**
   * How long one append keeps re-planning while other writers keep winning the log, ms; then it
   * fails with StoreUnavailableError (HTTP 503). Default 10 000.
   */
  readonly contentionTimeoutMs?: number;
  /** Most reads one call runs in parallel (readAll over many streams, id lookups); default 16. */
  readonly readConcurrency?: number;
}

/**
 * Smaller batches than the SQL adapters: KurrentDB refuses a transaction over MaxAppendSize
 * (1 MiB by default), and each event travels with its envelope (~0.6 KiB of metadata) and two
 * small records (log, index; ~0.3 KiB): 250 events with at most 512 KiB of data and metadata
 * come to about 0.8 MiB. Raise them together with the server's MaxAppendSize; an oversized append
 * is refused by the server anyway and reported as BatchTooLargeError.
 */
export const EVENTSTOREDB_DEFAULT_LIMITS: StoreLimits = {
  maxEventBytes: 64 * 1024,
  maxBatchEvents: 250,
  maxBatchBytes: 512 * 1024,
};

/** kurrentdb://, kurrent://, kdb:// and the deprecated esdb://, each also as +discover. */
export function isEventStoreDbUrl(url: string): boolean {
  return /^(kurrentdb|kurrent|kdb|esdb)(\+discover)?:\/\//i.test(url);
}

type State = 'new' | 'ready' | 'closed';

export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly client: KurrentClient;
  private readonly names: StreamNames;
  private readonly endpoint: string;
  private readonly limits: StoreLimits;
  private readonly clock: () => Date;
  private readonly waiters: HeadWaiters;
  private readonly contentionTimeoutMs: number;
  private readonly readConcurrency: number;
  /** Appends of this instance run one after another, so it never races itself for the log. */
  private appendQueue: Promise<unknown> = Promise.resolve();
  private state: State = 'new';

  constructor(options: EventStoreDbEventStoreOptions) {
    this.endpoint = describeEndpoint(options.connectionString);
    this.names = streamNames(options.streamPrefix ?? '');
    this.limits = options.limits ?? EVENTSTOREDB_DEFAULT_LIMITS;
    this.clock = options.clock ?? (() => new Date());
    this.contentionTimeoutMs = options.contentionTimeoutMs ?? 10_000;
    this.readConcurrency = Math.max(1, options.readConcurrency ?? 16);
    this.client = options.client ?? connect(options.connectionString, this.endpoint);
    this.waiters = new HeadWaiters(() => this.headPosition(), options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
  }

  /**
   * Checks the server is reachable and records the store's format in `<prefix>kierto-store` (the
   * first write also proves the server supports multi-stream appends). Idempotent, and safe when
   * several processes start at once: the marker is written with expected state NO_STREAM.
   */
  async init(): Promise<void> {
    if (this.state === 'closed') throw new Error('EventStoreDbEventStore is closed');
    const marker = await this.readLast(this.names.marker);
    if (marker) {
      const format = parseMarkerFormat(marker);
      if (format !== STORE_FORMAT) {
        throw new Error(
          `The Kierto store at ${this.endpoint} has format ${format}; this Kierto reads format ${STORE_FORMAT}`,
        );
      }
    } else {
      try {
        await this.client.multiStreamAppend([
          { streamName: this.names.marker, expectedState: NO_STREAM, events: [markerEventData()] },
        ]);
      } catch (error) {
        // Another process created the marker first: the store exists, which is all init needs.
        if (!isWrongExpectedVersion(error)) throw this.translate(error);
      }
    }
    // close() may have run while init() waited for the server; a closed store stays closed.
    if (this.state === 'new') this.state = 'ready';
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
    validateAppend(requests, this.limits);
    // Refuses reserved stream ids ($…, kierto-…) before any I/O.
    for (const request of requests) this.names.device(request.streamId);
    this.assertReady();
    const plan = await this.serialised(() => this.appendWithRetry(requests));
    if (plan.newEvents.length > 0) this.waiters.notify(plan.head.position);
    return plan.results;
  }

  async readStream(streamId: string, fromRevision = 0): Promise<StoredEvent[]> {
    this.assertReady();
    // A reserved name can never hold device events; like any unknown stream it reads as empty.
    if (!isDeviceStreamId(streamId)) return [];
    const records = await this.readRecords(this.names.device(streamId), {
      direction: FORWARDS,
      fromRevision: BigInt(Math.max(0, fromRevision)),
    });
    return records.map((record) => storedEventFromRecorded(record, this.names));
  }

  /**
   * Position p is log revision p - 1, so the page is one forward read of the log from revision
   * `after`, then one read per device stream the page touches (its events in the page are
   * consecutive revisions of that stream, so one range read returns exactly them).
   */
  async readAll(after: number, limit: number): Promise<StoredEvent[]> {
    this.assertReady();
    if (limit <= 0) return [];
    const logRecords = await this.readRecords(this.names.log, {
      direction: FORWARDS,
      fromRevision: BigInt(Math.max(0, Math.floor(after))),
      maxCount: limit,
    });
    const entries = logRecords.map((record) => ({
      position: positionOfLogRevision(record.revision),
      entry: parseLogEntry(record),
    }));

    const ranges = new Map<string, { first: number; last: number }>();
    for (const { entry } of entries) {
      const range = ranges.get(entry.streamId);
      if (range) range.last = entry.streamRevision;
      else ranges.set(entry.streamId, { first: entry.streamRevision, last: entry.streamRevision });
    }
    const pages = await mapLimit([...ranges], this.readConcurrency, ([streamId, range]) =>
      this.readRecords(this.names.device(streamId), {
        direction: FORWARDS,
        fromRevision: BigInt(range.first),
        maxCount: range.last - range.first + 1,
      }),
    );
    const byPlace = new Map<string, StoredEvent>();
    for (const record of pages.flat()) {
      const event = storedEventFromRecorded(record, this.names);
      byPlace.set(placeKey(event.streamId, event.streamRevision), event);
    }
    return entries.map(({ position, entry }) => {
      const event = byPlace.get(placeKey(entry.streamId, entry.streamRevision));
      if (!event || event.eventId !== entry.eventId || event.globalPosition !== position) {
        throw new IntegrityError(
          `log position ${position} points to ${entry.streamId}@${entry.streamRevision} (${entry.eventId}), which holds ` +
            (event ? `${event.eventId} at position ${event.globalPosition}` : 'no event'),
        );
      }
      return event;
    });
  }

  async headPosition(): Promise<number> {
    this.assertReady();
    return (await this.readHead()).position;
  }

  /** Two point reads: the id's index stream, then the event at the revision it names. */
  async findEvent(eventId: string): Promise<StoredEvent | null> {
    this.assertReady();
    if (typeof eventId !== 'string' || eventId.length === 0) return null;
    return this.lookUpEvent(eventId);
  }

  /** Polls the log's head (one small read per interval); appends through this instance wake at once. */
  waitForEvents(after: number, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(after, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.waiters.close();
    await this.client.dispose();
  }

  // -------------------------------------------------------------------------------------------
  // Appending

  /**
   * Plans from what is committed, writes with exact expected states, and re-plans when the server
   * says another writer got in first. Port errors (ConcurrencyError, DuplicateEventIdError) come
   * from planAppend on a fresh read, so they describe committed state; a conflict on the log
   * alone is only contention and is retried until contentionTimeoutMs.
   */
  private async appendWithRetry(requests: readonly AppendRequest[]): Promise<AppendPlan> {
    const deadline = Date.now() + this.contentionTimeoutMs;
    for (let attempt = 1; ; attempt += 1) {
      const plan = await this.plan(requests);
      if (plan.newEvents.length === 0) return plan;
      try {
        await this.client.multiStreamAppend(this.appendRequests(plan));
        return plan;
      } catch (error) {
        if (!isWrongExpectedVersion(error) || Date.now() >= deadline) {
          const ids = new Map(plan.newEvents.map((event) => [nativeEventId(event.eventId), event.eventId]));
          throw this.translate(error, (recordId) => ids.get(recordId));
        }
        await sleep(backoffMs(attempt));
      }
    }
  }

  /**
   * The reads are not one snapshot, and need not be: everything the plan relies on is guarded by
   * an expected state in the write (the log's head, each device stream's revision, each new id's
   * index stream), so a commit by anyone between these reads makes the write fail and re-plan.
   */
  private async plan(requests: readonly AppendRequest[]): Promise<AppendPlan> {
    const [head, stored, lastRevisions] = await Promise.all([
      this.readHead(),
      this.readStoredEvents(requestedEventIds(requests)),
      this.readLastRevisions(requestedStreamIds(requests)),
    ]);
    return planAppend({ requests, head, recordedAt: this.clock().toISOString(), stored, lastRevisions });
  }

  /** One request per device stream (its new events in revision order), the log, and each id's index stream. */
  private appendRequests(plan: AppendPlan): AppendStreamRequest[] {
    const byStream = new Map<string, StoredEvent[]>();
    for (const event of plan.newEvents) {
      const events = byStream.get(event.streamId);
      if (events) events.push(event);
      else byStream.set(event.streamId, [event]);
    }
    const requests: AppendStreamRequest[] = [];
    for (const [streamId, events] of byStream) {
      requests.push({
        streamName: this.names.device(streamId),
        expectedState: stateBefore(events[0]?.streamRevision ?? 0),
        events: events.map(deviceEventData),
      });
    }
    const firstPosition = plan.newEvents[0]?.globalPosition ?? 1;
    requests.push({
      streamName: this.names.log,
      // Position p is log revision p - 1: the log must end exactly where the plan's head was.
      expectedState: stateBefore(firstPosition - 1),
      events: plan.newEvents.map(logEventData),
    });
    for (const event of plan.newEvents) {
      requests.push({
        streamName: this.names.eventIndex(event.eventId),
        expectedState: NO_STREAM,
        events: [indexEventData(event)],
      });
    }
    return requests;
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.appendQueue.then(work, work);
    this.appendQueue = run.catch(() => undefined);
    return run;
  }

  // -------------------------------------------------------------------------------------------
  // Reading

  private async readHead(): Promise<StoreHead> {
    const last = await this.readLast(this.names.log);
    if (!last) return { position: 0, hash: GENESIS_HASH };
    return { position: positionOfLogRevision(last.revision), hash: parseLogEntry(last).hash };
  }

  private async readStoredEvents(eventIds: readonly string[]): Promise<Map<string, StoredEvent>> {
    const found = await mapLimit(eventIds, this.readConcurrency, (eventId) => this.lookUpEvent(eventId));
    return new Map(found.flatMap((event) => (event ? [[event.eventId, event] as const] : [])));
  }

  private async readLastRevisions(streamIds: readonly string[]): Promise<Map<string, number>> {
    const last = await mapLimit(streamIds, this.readConcurrency, async (streamId) => {
      const record = await this.readLast(this.names.device(streamId));
      return record ? ([streamId, toSafeNumber(record.revision)] as const) : null;
    });
    return new Map(last.flatMap((entry) => (entry ? [entry] : [])));
  }

  private async lookUpEvent(eventId: string): Promise<StoredEvent | null> {
    const indexRecord = await this.readLast(this.names.eventIndex(eventId));
    if (!indexRecord) return null;
    const entry = parseIndexEntry(indexRecord);
    const [record] = await this.readRecords(this.names.device(entry.streamId), {
      direction: FORWARDS,
      fromRevision: BigInt(entry.streamRevision),
      maxCount: 1,
    });
    const event = record ? storedEventFromRecorded(record, this.names) : null;
    if (!event || event.eventId !== eventId || event.globalPosition !== entry.globalPosition) {
      throw new IntegrityError(
        `the index of event ${eventId} points to ${entry.streamId}@${entry.streamRevision}, which holds another event`,
      );
    }
    return event;
  }

  private async readLast(streamName: string): Promise<RecordedLike | null> {
    const [last] = await this.readRecords(streamName, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    return last ?? null;
  }

  /** The stream's records; [] when the stream does not exist. Client errors are translated here. */
  private async readRecords(streamName: string, options: ReadStreamOptions): Promise<RecordedEvent[]> {
    const records: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamName, options)) {
        if (resolved.event) records.push(resolved.event);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw this.translate(error);
    }
    return records;
  }

  private translate(error: unknown, eventIdOf?: (recordId: string) => string | undefined): unknown {
    return translateError(error, { names: this.names, endpoint: this.endpoint, ...(eventIdOf ? { eventIdOf } : {}) });
  }

  private assertReady(): void {
    if (this.state === 'ready') return;
    throw new Error(
      this.state === 'closed' ? 'EventStoreDbEventStore is closed' : 'EventStoreDbEventStore: call init() first',
    );
  }
}

/** Parses the string and prepares the connection; nothing is sent until the first call. */
function connect(connectionString: string, endpoint: string): KurrentClient {
  try {
    return KurrentDBClient.connectionString(connectionString);
  } catch (error) {
    throw new RangeError(`Invalid EventStoreDB connection string for ${endpoint}: ${messageOf(error)}`);
  }
}

function placeKey(streamId: string, revision: number): string {
  return `${revision}\u0000${streamId}`;
}

/** Jittered, growing pause between attempts, so writers that collided do not collide again in step. */
function backoffMs(attempt: number): number {
  return Math.min(50, 2 ** Math.min(attempt, 6)) * (0.5 + Math.random());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function messageOf(error: unknown): string {
  const message: unknown = typeof error === 'object' && error !== null && 'message' in error ? error.message : error;
  return String(message);
}

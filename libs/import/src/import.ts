/**
 * Bulk import of NDJSON device events (docs/import.md). Streaming: lines are read one by one, at most
 * two batches are held in memory, and the only state that grows with the file is the set of devices
 * that had a refused line (so their later lines are reported, not applied out of order).
 *
 * Each line is parsed, its data validated against the event's JSON Schema, and the command it stands
 * for decided against the device's state by the same code as an HTTP command (libs/application's
 * decideCommand); what decide returned is what is appended. The state of the devices of a batch is
 * read from the store once per batch and folded forward through the batch's lines. The accepted
 * events of a batch go to the store in one appendMany (one transaction, all or nothing), each device
 * with the revision that was read, so a concurrent writer makes the batch fail and be decided
 * again. While a batch is appended
 * the next one is parsed and decided, its devices that are in the batch being appended taken as that
 * batch leaves them; it is appended once that batch committed (decided again if that one was).
 *
 * Re-runs are idempotent: every event gets a deterministic id (the line's own eventId, or a UUIDv8 of
 * the device id and the line's text; further events of one line, ids derived from the first), and a line whose id the device's stream already holds is
 * counted as already imported, never refused. A run killed midway leaves whole batches behind, so a
 * restart imports exactly what is missing.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { decideCommand, deviceStreams, foldStream, type DecidedCommand } from '#kierto/application';
import {
  deviceCommandOf,
  DomainError,
  type DeviceCommand,
  type DeviceEventType,
  type DeviceState,
} from '#kierto/domain';
import { ConcurrencyError } from '#kierto/event-store';
import {
  DEFAULT_LIMITS,
  type Actor,
  type AppendRequest,
  type EventStore,
  type JsonObject,
  type NewEvent,
  type StoreLimits,
  type StoredEvent,
} from '#kierto/event-store';
import { ImportErrorCodes, importEventId, parseLine, type ParsedLine, type PendingLine } from './parse-line.js';
import { ParsePool } from './parse-pool.js';
import { Utf8LineWatch } from './utf8-lines.js';

export { ImportErrorCodes, importEventId, parseImportLine } from './parse-line.js';

/** One row of the error report. */
export interface ImportLineError {
  /** 1-based line number in the file. */
  readonly line: number;
  /** The device the line is about, when it could be told; null otherwise. */
  readonly deviceId: string | null;
  readonly code: string;
  /** Path of the field at fault (`data.product.weightKg`), empty for the whole line. */
  readonly field: string;
  readonly message: string;
}

export interface ImportProgress {
  readonly lines: number;
  readonly imported: number;
  readonly duplicates: number;
  readonly refused: number;
  /** Bytes of the input consumed so far. */
  readonly bytes: number;
  readonly elapsedMs: number;
}

export interface ImportSummary extends ImportProgress {
  /** Lines that were empty or only whitespace (ignored). */
  readonly blankLines: number;
  readonly batches: number;
  /** Imported events per second of wall time. */
  readonly eventsPerSecond: number;
  /**
   * The highest global position of the events this import appended (or found stored by an earlier
   * run of the same lines), null when it appended none: pass it as `?minPosition=` to read figures
   * and passports that include the import.
   */
  readonly lastPosition: number | null;
}

/** A parsed line, as the importer's authorisation sees it. */
export interface ImportLineRequest {
  readonly line: number;
  readonly type: DeviceEventType;
  readonly deviceId: string;
  readonly data: JsonObject;
  /** The command the line stands for, as the HTTP route would send it (what libs/access rules look at). */
  readonly command: DeviceCommand;
}

/** Whether the importer may record a line, and in which role (recorded as the actor's role). */
export type LineAuthorisation =
  | { readonly allowed: true; readonly role: string }
  | { readonly allowed: false; readonly field: string; readonly message: string };

export interface ImportOptions {
  /** Who records the imported events: the importing organisation's key (CLI operator, HTTP principal). */
  readonly actor: Actor;
  /**
   * Checks each line against what the importer may record (the HTTP import: the caller's roles,
   * docs/access.md); a refused line is reported as FORBIDDEN and holds back the device's later
   * lines, like a lifecycle refusal. Without it every line is recorded as `actor`.
   */
  readonly authorise?: (line: ImportLineRequest) => LineAuthorisation | Promise<LineAuthorisation>;
  /** Events per transaction (default 5 000; never above the store's maxBatchEvents). */
  readonly batchEvents?: number;
  /** Concurrent stream reads per batch (default 8). */
  readonly readConcurrency?: number;
  readonly limits?: StoreLimits;
  /** Decision time (rule: occurredAt not in the future); default the wall clock. */
  readonly now?: () => Date;
  readonly correlationId?: string;
  /** Receives each error row, in line order; awaited (so a slow report file applies backpressure). */
  readonly onError?: (error: ImportLineError) => void | Promise<void>;
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Called after each committed batch (tests use it to simulate a crash). */
  readonly afterBatch?: (batch: number, progress: ImportProgress) => void | Promise<void>;
  /**
   * Worker threads that parse and validate lines while this thread decides and appends (parse-pool.ts,
   * docs/adr/0034-import-parse-workers.md). Default 0: every line in this thread; `'auto'`: one per
   * core but the one this thread runs on (at least one).
   */
  readonly parseWorkers?: number | 'auto';
}

/** Lines per chunk sent to a parse worker. */
const PARSE_CHUNK_LINES = 512;

/** Attempts of one batch when another writer moved one of its streams meanwhile. */
const MAX_BATCH_ATTEMPTS = 3;

type DeviceRead = { state: DeviceState; revision: number | null; ids: Set<string> };

/** A batch decided against its devices' state: what its append needs and what it reports. */
interface BatchDecision {
  readonly requests: AppendRequest[];
  readonly errors: ImportLineError[];
  readonly refusedDevices: Map<string, number>;
  readonly imported: number;
  readonly duplicates: number;
  /** Every device of the batch as it is once the requests are stored (state, revision, ids). */
  readonly after: Map<string, DeviceRead>;
}

/** The batch being appended, and its decision (which the next batch is decided against meanwhile). */
interface InFlight {
  readonly decision: Promise<BatchDecision>;
  /** Resolves true when the batch was stored as first decided. */
  readonly done: Promise<boolean>;
  /** The batch's devices: their stored state is not read ahead while it is appended. */
  readonly devices: ReadonlySet<string>;
}

/** While a batch is being appended, the line loop lets pending I/O in every this many lines. */
const YIELD_EVERY_LINES = 256;

/** Stream ids per readStreams call. */
const READ_CHUNK = 1_000;

const PRECEDING_LINE_REFUSED_MESSAGE =
  'An earlier line of this device was refused; this line is not applied out of order';

/** The device streams of a batch: with readStreams in chunks when the adapter has it, else concurrently one by one. */
async function readDevices(
  store: EventStore,
  deviceIds: readonly string[],
  concurrency: number,
): Promise<Map<string, DeviceRead>> {
  const result = new Map<string, DeviceRead>();
  const add = (deviceId: string, history: readonly StoredEvent[]): void => {
    const { state, revision } = foldStream(deviceStreams, history);
    result.set(deviceId, { state, revision, ids: new Set(history.map((event) => event.eventId)) });
  };
  if (store.readStreams) {
    for (let start = 0; start < deviceIds.length; start += READ_CHUNK) {
      const streams = await store.readStreams(deviceIds.slice(start, start + READ_CHUNK));
      for (const [deviceId, history] of streams) add(deviceId, history);
    }
    return result;
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < deviceIds.length) {
      const deviceId = deviceIds[next] as string;
      next += 1;
      add(deviceId, await store.readStream(deviceId));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, deviceIds.length) }, worker));
  return result;
}

/**
 * The id of the index-th event a line's command records: the line's own id for the first (the
 * rule of docs/import.md), and for any further one a UUID (version 8) of that id and the index, so
 * that re-runs give every event the same id.
 */
function importedEventId(lineEventId: string, index: number): string {
  return index === 0 ? lineEventId : importEventId(lineEventId, String(index));
}

/** Imports an NDJSON stream into the store; resolves with the summary once every line is handled. */
export function importNdjson(store: EventStore, input: Readable, options: ImportOptions): Promise<ImportSummary> {
  return new ImportRun(store, options).run(input);
}

/**
 * One run of an import, in the steps a line goes through: parse (parseImportLine, while reading),
 * batch (collect lines, flush), authorise (the caller's rule, libs/access over HTTP), decide (the
 * command through libs/application's decideCommand, as HTTP commands are), append (appendMany,
 * decided again on a concurrent write) and report (error rows, progress, summary).
 */
class ImportRun {
  private readonly limits: StoreLimits;
  private readonly batchEvents: number;
  private readonly batchBytes: number;
  private readonly readConcurrency: number;
  private readonly now: () => Date;
  private readonly correlationId: string;
  private readonly started = performance.now();
  /** Device id → the first line of it that was refused; its later lines are reported, not applied. */
  private readonly refusedAt = new Map<string, number>();
  /**
   * The same for refusals before any decision (the line itself is invalid), which are known in line
   * order as lines are taken. Lines are held back from the pending batch by these only: refusals of
   * decided batches arrive when their batch commits, at a moment that depends on the server, and
   * would make where batches are cut depend on it too. Deciding holds back by both.
   */
  private readonly refusedBeforeDecidingAt = new Map<string, number>();
  private readonly utf8 = new Utf8LineWatch();

  private lines = 0;
  private blankLines = 0;
  private imported = 0;
  private duplicates = 0;
  private lastPosition: number | null = null;
  private refused = 0;
  private bytes = 0;
  private batches = 0;
  /** The batch being collected, and the rows of its lines refused before any decision. */
  private pending: PendingLine[] = [];
  private pendingBytes = 0;
  private errors: ImportLineError[] = [];
  private inFlight: InFlight | null = null;
  /** The devices of the pending batch; those not yet sent to be read ahead; the reads ahead sent. */
  private pendingDevices = new Set<string>();
  private toRead: string[] = [];
  private readsAhead: Promise<Map<string, DeviceRead>>[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly options: ImportOptions,
  ) {
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.batchEvents = Math.max(1, Math.min(options.batchEvents ?? 5_000, this.limits.maxBatchEvents));
    this.batchBytes = Math.floor(this.limits.maxBatchBytes / 2);
    this.readConcurrency = options.readConcurrency ?? 8;
    this.now = options.now ?? (() => new Date());
    this.correlationId = options.correlationId ?? randomUUID();
  }

  async run(input: Readable): Promise<ImportSummary> {
    // Registered before readline's own listeners, so each chunk is watched before its lines are read.
    input.on('data', (chunk: Buffer | string) => {
      this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      if (typeof chunk !== 'string') this.utf8.feed(chunk);
    });
    input.on('end', () => this.utf8.end());
    const asked = this.options.parseWorkers ?? 0;
    const workers = asked === 'auto' ? Math.max(1, availableParallelism() - 1) : Math.max(0, Math.floor(asked));
    const pool = workers > 0 ? new ParsePool(workers, this.limits) : null;
    try {
      if (pool === null) await this.readInThread(input);
      else await this.readWithWorkers(input, pool, workers);
      if (this.pending.length > 0 || this.errors.length > 0) await this.flush();
      if (this.inFlight !== null) await this.inFlight.done;
    } catch (error) {
      // A batch still being appended, and reads ahead, finish before the caller (who may close the
      // store) hears of the failure.
      await this.inFlight?.done.catch(() => undefined);
      await Promise.allSettled(this.readsAhead);
      throw error;
    } finally {
      await pool?.close();
    }
    return this.summary();
  }

  // --- parse ---

  /** Every line parsed in this thread as it is read. */
  private async readInThread(input: Readable): Promise<void> {
    let read = 0;
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      read += 1;
      if (this.inFlight !== null && read % YIELD_EVERY_LINES === 0) {
        // Let the in-flight append's replies in: readline hands over a whole chunk of lines without
        // returning to the event loop, and the server would wait for the next statement meanwhile.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const kind = this.kindOf(text, read);
      // Only a full batch waits: a promise per line is measurable at bulk speed.
      if (this.take(read, kind, kind === 'line' ? parseLine(text, read, this.limits) : null, text.length))
        await this.flush();
    }
  }

  /**
   * Lines sent to the parse workers in chunks, and taken back chunk by chunk in the order they were
   * read: the batches, the error rows and every decision are those of the in-thread path.
   */
  private async readWithWorkers(input: Readable, pool: ParsePool, workers: number): Promise<void> {
    const sent: { readonly chunk: ReadChunk; readonly parsed: Promise<readonly ParsedLine[]> }[] = [];
    // Lines sent ahead: a batch and a chunk per worker, so that the workers parse the next batch while
    // this thread decides the last one and waits for its reads (a few chunks kept them idle meanwhile).
    const ahead = Math.ceil(this.batchEvents / PARSE_CHUNK_LINES) + workers;
    let chunk = emptyChunk();
    let read = 0;
    const send = (): void => {
      const parsed = pool.parse(chunk.texts, chunk.parseLines);
      // Awaited in order below; a failure meanwhile must not be an unhandled rejection.
      parsed.catch(() => undefined);
      sent.push({ chunk, parsed });
      chunk = emptyChunk();
    };
    const takeOldest = async (): Promise<void> => {
      const oldest = sent.shift();
      if (oldest === undefined) return;
      const results = await oldest.parsed;
      let next = 0;
      for (const [index, line] of oldest.chunk.lines.entries()) {
        const kind = oldest.chunk.kinds[index] ?? 'line';
        const parsed = kind === 'line' ? results[next++] : null;
        if (kind === 'line' && parsed === undefined) throw new Error(`line ${line} came back unparsed`);
        if (this.take(line, kind, parsed ?? null, oldest.chunk.lengths[index] ?? 0)) await this.flush();
      }
    };
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      read += 1;
      const kind = this.kindOf(text, read);
      chunk.lines.push(read);
      chunk.kinds.push(kind);
      chunk.lengths.push(text.length);
      if (kind === 'line') {
        chunk.texts.push(text);
        chunk.parseLines.push(read);
      }
      if (chunk.lines.length < PARSE_CHUNK_LINES) continue;
      send();
      while (sent.length > ahead) await takeOldest();
    }
    if (chunk.lines.length > 0) send();
    while (sent.length > 0) await takeOldest();
  }

  /** What a line is before parsing: blank, not UTF-8 (told by the byte watch as it is read), or a line to parse. */
  private kindOf(text: string, lineNumber: number): LineKind {
    if (text.trim() === '') return 'blank';
    // Asked as the line is read: the watch has seen exactly the bytes up to this line's chunk.
    return this.utf8.takeInvalid(lineNumber) ? 'invalid-utf8' : 'line';
  }

  /**
   * Takes one line, in file order, into the pending batch, or reports why it cannot be; true when the
   * batch is full and is to be flushed.
   */
  private take(lineNumber: number, kind: LineKind, parsed: ParsedLine | null, length: number): boolean {
    this.lines = lineNumber;
    if (kind === 'blank') {
      this.blankLines += 1;
      return false;
    }
    const refusal =
      kind === 'invalid-utf8'
        ? {
            code: ImportErrorCodes.invalidUtf8,
            field: '',
            message: 'The line holds bytes that are not UTF-8',
            deviceId: null,
          }
        : parsed?.ok === false
          ? parsed.refusal
          : null;
    if (refusal !== null) {
      // A line that names its device and is invalid also holds back that device's later lines.
      if (refusal.deviceId !== null) {
        if (!this.refusedAt.has(refusal.deviceId)) this.refusedAt.set(refusal.deviceId, lineNumber);
        if (!this.refusedBeforeDecidingAt.has(refusal.deviceId))
          this.refusedBeforeDecidingAt.set(refusal.deviceId, lineNumber);
      }
      this.errors.push({ line: lineNumber, ...refusal });
    } else if (parsed?.ok === true) {
      const line = parsed.line;
      const at = this.refusedBeforeDecidingAt.get(line.deviceId);
      if (at !== undefined && at < lineNumber) {
        this.errors.push(precedingLineRefused(lineNumber, line.deviceId));
      } else {
        this.pending.push(line);
        this.pendingBytes += length;
        this.readAhead(line.deviceId);
      }
    }
    // Cut by lines: each device command records one event today, so lines are the batch's events.
    return this.pending.length >= this.batchEvents || this.pendingBytes >= this.batchBytes;
  }

  /**
   * Reads the stored state of the pending batch's devices while its lines are still being read, a
   * chunk at a time, so that the server answers while this thread parses. Not the devices of the
   * batch being appended: those are taken as it leaves them, or read again if it is decided again.
   * Every batch before it has committed (flush waits for it), so what is read here is what deciding
   * would read; a writer that moves a device meanwhile fails the append, which then decides again
   * from fresh reads.
   */
  private readAhead(deviceId: string): void {
    if (this.pendingDevices.has(deviceId)) return;
    this.pendingDevices.add(deviceId);
    if (this.inFlight?.devices.has(deviceId) === true) return;
    this.toRead.push(deviceId);
    if (this.toRead.length < READ_CHUNK) return;
    const reads = readDevices(this.store, this.toRead, this.readConcurrency);
    // Awaited when the batch is decided; a failure meanwhile is not an unhandled rejection.
    reads.catch(() => undefined);
    this.readsAhead.push(reads);
    this.toRead = [];
  }

  private isHeldBack(deviceId: string, line: number): boolean {
    const at = this.refusedAt.get(deviceId);
    return at !== undefined && at < line;
  }

  // --- batch ---

  /**
   * Sends the pending batch on its way. Two batches move at once: while one is appended (mostly the
   * server's work, and waiting for it), the next is decided against its devices as the first leaves
   * them. It is appended only once the first committed, and decided again from the store if the first
   * had to be decided again (another writer moved one of its devices). afterBatch and the error rows
   * come in batch order.
   */
  private async flush(): Promise<void> {
    const batch = this.pending;
    const parseErrors = this.errors;
    const devices = this.pendingDevices;
    const readsAhead = this.readsAhead;
    this.pending = [];
    this.pendingBytes = 0;
    this.errors = [];
    this.pendingDevices = new Set();
    this.toRead = [];
    this.readsAhead = [];
    const previous = this.inFlight;
    let decision: Promise<BatchDecision> | null = null;
    if (previous !== null) {
      const ahead = await this.decideBatch(batch, await previous.decision, readsAhead);
      if (await previous.done) decision = Promise.resolve(ahead);
    }
    decision ??= this.decideBatch(batch, null, readsAhead);
    const done = this.appendBatch(batch, parseErrors, decision);
    // A failure surfaces where it is awaited (the next flush or the end), not as an unhandled rejection.
    decision.catch(() => undefined);
    done.catch(() => undefined);
    this.inFlight = { decision, done, devices };
  }

  // --- decide ---

  /**
   * Decides a batch against its devices' state: as stored (read ahead while the batch was collected,
   * `readsAhead`, or now), except the devices of the batch still being appended (`basis`), which are
   * taken as that batch leaves them.
   */
  private async decideBatch(
    batch: readonly PendingLine[],
    basis: BatchDecision | null,
    readsAhead: readonly Promise<Map<string, DeviceRead>>[] = [],
  ): Promise<BatchDecision> {
    const deviceIds = [...new Set(batch.map((line) => line.deviceId))];
    const carried: ReadonlyMap<string, DeviceRead> = basis?.after ?? new Map();
    const read = new Map<string, DeviceRead>();
    for (const reads of readsAhead) for (const [deviceId, device] of await reads) read.set(deviceId, device);
    const unread = deviceIds.filter((deviceId) => !carried.has(deviceId) && !read.has(deviceId));
    for (const [deviceId, device] of await readDevices(this.store, unread, this.readConcurrency))
      read.set(deviceId, device);
    // In the batch's order, then the carried ones, as one read would have given them.
    const devices = new Map<string, DeviceRead>();
    for (const deviceId of deviceIds) {
      const device = carried.has(deviceId) ? undefined : read.get(deviceId);
      if (device !== undefined) devices.set(deviceId, device);
    }
    for (const deviceId of deviceIds) {
      const device = carried.get(deviceId);
      if (device !== undefined) devices.set(deviceId, { ...device, ids: new Set(device.ids) });
    }
    const decidedAt = this.now().toISOString();
    const refusedDevices = new Map<string, number>();
    const errors: ImportLineError[] = [];
    const eventsByDevice = new Map<string, NewEvent[]>();
    let imported = 0;
    let duplicates = 0;
    const rule = this.options.authorise;
    for (const line of batch) {
      const device = devices.get(line.deviceId);
      if (device === undefined) throw new Error(`device ${line.deviceId} was not read`);
      const refusedInBasis = basis?.refusedDevices.get(line.deviceId);
      if (
        this.isHeldBack(line.deviceId, line.line) ||
        refusedDevices.has(line.deviceId) ||
        (refusedInBasis !== undefined && refusedInBasis < line.line)
      ) {
        errors.push(precedingLineRefused(line.line, line.deviceId));
        continue;
      }
      const command = deviceCommandOf(line.type, {
        deviceId: line.deviceId,
        occurredAt: line.occurredAt,
        now: decidedAt,
        data: line.eventData,
      });
      // Authorise: the caller's rule (over HTTP, libs/access's mayImport). Awaited only when there is
      // one: a promise per line is measurable at bulk speed.
      const authorisation =
        rule === undefined
          ? null
          : await rule({ line: line.line, type: line.type, deviceId: line.deviceId, data: line.data, command });
      const outcome = this.decideLine(line, command, authorisation, device);
      if (outcome.kind === 'refused') {
        refusedDevices.set(line.deviceId, line.line);
        errors.push(outcome.row);
      } else if (outcome.kind === 'duplicate') {
        duplicates += 1;
      } else if (outcome.events.length > 0) {
        let events = eventsByDevice.get(line.deviceId);
        if (events === undefined) {
          events = [];
          eventsByDevice.set(line.deviceId, events);
        }
        for (const event of outcome.events) events.push(event);
        imported += outcome.events.length;
      }
    }
    const requests: AppendRequest[] = [];
    const after = new Map<string, DeviceRead>();
    for (const [deviceId, device] of devices) {
      const events = eventsByDevice.get(deviceId);
      if (events === undefined) {
        after.set(deviceId, device);
        continue;
      }
      requests.push({ streamId: deviceId, events, expectedRevision: device.revision ?? 'no-stream' });
      after.set(deviceId, { ...device, revision: (device.revision ?? -1) + events.length });
    }
    return { requests, errors, refusedDevices, imported, duplicates, after };
  }

  /**
   * One line against its device (whose state and ids it moves forward when accepted): refused when
   * the importer may not record it (before the duplicate check: whether a line was imported before is
   * not for a caller who may not record it), else decided as every command is, in the envelope of an
   * import (the run's actor and correlation id, the line number in the metadata).
   */
  private decideLine(
    line: PendingLine,
    command: DeviceCommand,
    authorisation: LineAuthorisation | null,
    device: DeviceRead,
  ): LineOutcome {
    if (authorisation !== null && !authorisation.allowed)
      return refused(line, ImportErrorCodes.forbidden, authorisation.field, authorisation.message);
    if (device.ids.has(line.eventId)) return { kind: 'duplicate' };
    let decided: DecidedCommand<DeviceState>;
    try {
      decided = decideCommand(deviceStreams, device.state, command, {
        eventId: (index) => importedEventId(line.eventId, index),
        actor: authorisation === null ? this.options.actor : { ...this.options.actor, role: authorisation.role },
        correlationId: this.correlationId,
        causationId: null,
        metadata: { importLine: line.line },
        parsedJson: line.data,
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return refused(line, error.code, error.field ?? '', error.message);
    }
    device.state = decided.state;
    for (const event of decided.events) device.ids.add(event.eventId);
    return { kind: 'accepted', events: decided.events };
  }

  // --- append ---

  /**
   * Appends a decided batch (retrying with a fresh decision when another writer moved one of its
   * devices), then reports it. Resolves true when the batch was stored as first decided, which is
   * what lets the next batch be decided against its `after` while this one is appended.
   */
  private async appendBatch(
    batch: readonly PendingLine[],
    parseErrors: readonly ImportLineError[],
    first: Promise<BatchDecision>,
  ): Promise<boolean> {
    let decision = await first;
    let asDecided = true;
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (decision.requests.length > 0) {
          for (const result of await this.store.appendMany(decision.requests)) {
            const last = result.events.at(-1);
            if (last !== undefined && (this.lastPosition === null || last.globalPosition > this.lastPosition))
              this.lastPosition = last.globalPosition;
          }
        }
        break;
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_BATCH_ATTEMPTS) throw error;
      }
      decision = await this.decideBatch(batch, null);
      asDecided = false;
    }
    await this.report(decision, parseErrors);
    return asDecided;
  }

  // --- report ---

  /** Counts a committed batch, and hands its error rows (in line order) and the progress on. */
  private async report(decision: BatchDecision, parseErrors: readonly ImportLineError[]): Promise<void> {
    for (const [deviceId, line] of decision.refusedDevices)
      if (!this.refusedAt.has(deviceId)) this.refusedAt.set(deviceId, line);
    this.imported += decision.imported;
    this.duplicates += decision.duplicates;
    const rows = [...parseErrors, ...decision.errors].sort((a, b) => a.line - b.line);
    this.refused += rows.length;
    this.batches += 1;
    if (this.options.onError) for (const row of rows) await this.options.onError(row);
    this.options.onProgress?.(this.progress());
    if (this.options.afterBatch) await this.options.afterBatch(this.batches, this.progress());
  }

  private progress(): ImportProgress {
    const { lines, imported, duplicates, refused, bytes } = this;
    return { lines, imported, duplicates, refused, bytes, elapsedMs: performance.now() - this.started };
  }

  private summary(): ImportSummary {
    const elapsedMs = performance.now() - this.started;
    return {
      lines: this.lines,
      blankLines: this.blankLines,
      imported: this.imported,
      duplicates: this.duplicates,
      refused: this.refused,
      bytes: this.bytes,
      batches: this.batches,
      elapsedMs,
      eventsPerSecond: elapsedMs > 0 ? Math.round((this.imported / elapsedMs) * 1000) : 0,
      lastPosition: this.lastPosition,
    };
  }
}

/** A line as read: blank (ignored), bytes that are not UTF-8 (refused), or a line to parse. */
type LineKind = 'blank' | 'invalid-utf8' | 'line';

/** Lines read and not yet taken, on their way through a parse worker. */
interface ReadChunk {
  readonly lines: number[];
  readonly kinds: LineKind[];
  readonly lengths: number[];
  /** The texts of the lines to parse, and their line numbers. */
  readonly texts: string[];
  readonly parseLines: number[];
}

function emptyChunk(): ReadChunk {
  return { lines: [], kinds: [], lengths: [], texts: [], parseLines: [] };
}

/** What became of one line: refused (its error row), already imported, or the events decide returned. */
type LineOutcome =
  | { readonly kind: 'refused'; readonly row: ImportLineError }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'accepted'; readonly events: readonly NewEvent[] };

function refused(line: PendingLine, code: string, field: string, message: string): LineOutcome {
  return { kind: 'refused', row: { line: line.line, deviceId: line.deviceId, code, field, message } };
}

function precedingLineRefused(line: number, deviceId: string): ImportLineError {
  return {
    line,
    deviceId,
    code: ImportErrorCodes.precedingLineRefused,
    field: '',
    message: PRECEDING_LINE_REFUSED_MESSAGE,
  };
}

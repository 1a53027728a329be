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
import { hash, randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { decideCommand, deviceStreams, foldStream, type DecidedCommand } from '#kierto/application';
import {
  deviceCommandOf,
  deviceIdOf,
  identifierOfProduct,
  DomainError,
  isDeviceEventType,
  isWellFormedDeviceId,
  type DeviceCommand,
  type DeviceEventType,
  type DeviceState,
  type EventDataByType,
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
import { findTextProblem, TEXT_RULE_MESSAGE } from '#kierto/schemas';
import { withIsoCountryCodes } from '#kierto/schemas';
import { validateEventData } from '#kierto/schemas';
import { Utf8LineWatch } from './utf8-lines.js';

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
}

/** Error codes of the import itself; domain and schema codes are passed through. */
export const ImportErrorCodes = {
  invalidJson: 'INVALID_JSON',
  invalidLine: 'INVALID_LINE',
  unknownEventType: 'UNKNOWN_EVENT_TYPE',
  missingDeviceId: 'DEVICE_ID_REQUIRED',
  invalidDeviceId: 'INVALID_DEVICE_ID',
  lineTooLarge: 'LINE_TOO_LARGE',
  /** The text rule of every entry (text-safety.ts): a NUL or a lone surrogate in a string. */
  invalidCharacter: 'INVALID_CHARACTER',
  /** Bytes of the line that are not UTF-8 (they would otherwise be read as U+FFFD). */
  invalidUtf8: 'INVALID_UTF8',
  nestingTooDeep: 'NESTING_TOO_DEEP',
  precedingLineRefused: 'PRECEDING_LINE_REFUSED',
  forbidden: 'FORBIDDEN',
} as const;

const LINE_FIELDS = new Set(['type', 'deviceId', 'occurredAt', 'eventId', 'data']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Attempts of one batch when another writer moved one of its streams meanwhile. */
const MAX_BATCH_ATTEMPTS = 3;

/** A line that passed parsing and schema validation, waiting for its batch. */
interface PendingLine {
  readonly line: number;
  readonly deviceId: string;
  readonly type: DeviceEventType;
  readonly occurredAt: string;
  /** The id of the (first) event the line records: its own eventId, or importEventId. */
  readonly eventId: string;
  /** The line's data as parsed: plain JSON, stored as it is when decide passes it through. */
  readonly data: JsonObject;
  /** The same object, typed by the schema it passed: the data of the line's command. */
  readonly eventData: EventDataByType[DeviceEventType];
}

class LineError extends Error {
  constructor(
    readonly code: string,
    readonly field: string,
    message: string,
    readonly deviceId: string | null = null,
  ) {
    super(message);
  }
}

/**
 * The event id of an imported line: its own eventId, or a UUID (version 8) of the device id and the
 * line's bytes, so the same line always maps to the same event (hashing the text, not a canonical
 * form of the parsed JSON, is measurably cheaper; a re-formatted line counts as a different line).
 */
export function importEventId(deviceId: string, lineText: string): string {
  // One-shot hash of the same bytes as update(prefix).update(line): about half the cost per line.
  const hex = hash('sha256', `kierto-import\n${deviceId}\n${lineText}`, 'hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/** Parses and validates one line; throws LineError. */
export function parseImportLine(text: string, lineNumber: number, limits: StoreLimits = DEFAULT_LIMITS): PendingLine {
  if (Buffer.byteLength(text, 'utf8') > limits.maxEventBytes) {
    throw new LineError(ImportErrorCodes.lineTooLarge, '', `A line holds at most ${limits.maxEventBytes} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new LineError(ImportErrorCodes.invalidJson, '', `Not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new LineError(ImportErrorCodes.invalidLine, '', 'A line is one JSON object');
  }
  const line = parsed as Record<string, unknown>;
  // The text rule before anything reads the line. A parsed string can hold a NUL or a lone surrogate
  // only if the text has a \u escape (JSON forbids the raw NUL, and decoding UTF-8 never yields a
  // surrogate), so most lines skip the walk. Its device id is not echoed when it is the field at fault.
  const textProblem = text.includes('\\u') ? findTextProblem(line) : null;
  if (textProblem !== null) {
    const echoed = textProblem.field === 'deviceId' || typeof line['deviceId'] !== 'string' ? null : line['deviceId'];
    throw textProblem.problem === 'character'
      ? new LineError(ImportErrorCodes.invalidCharacter, textProblem.field, TEXT_RULE_MESSAGE, echoed)
      : new LineError(ImportErrorCodes.nestingTooDeep, textProblem.field, 'Arrays and objects nest too deeply', echoed);
  }
  const given = typeof line['deviceId'] === 'string' ? line['deviceId'] : null;
  const fail = (code: string, field: string, message: string): never => {
    throw new LineError(code, field, message, given);
  };
  for (const key of Object.keys(line)) {
    if (!LINE_FIELDS.has(key)) fail('UNKNOWN_FIELD', key, `Unknown field ${key}`);
  }
  const type = line['type'];
  if (typeof type !== 'string') return fail('REQUIRED', 'type', 'type is required: the event type');
  if (!isDeviceEventType(type))
    return fail(ImportErrorCodes.unknownEventType, 'type', `${type} is not a device event type`);
  const occurredAt = line['occurredAt'];
  if (typeof occurredAt !== 'string')
    return fail('REQUIRED', 'occurredAt', 'occurredAt is required (ISO 8601 date-time)');
  const eventId = line['eventId'];
  if (eventId !== undefined && (typeof eventId !== 'string' || !UUID.test(eventId))) {
    fail('INVALID_FORMAT', 'eventId', 'eventId is a UUID');
  }
  if (line['deviceId'] !== undefined && (given === null || !isWellFormedDeviceId(given))) {
    fail(ImportErrorCodes.invalidDeviceId, 'deviceId', 'deviceId is not a Kierto device id');
  }
  // Eurostat's EL and UK are taken as GR and GB, as in request bodies: the stored event holds ISO codes.
  const data = withIsoCountryCodes(line['data']);
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return fail('REQUIRED', 'data', 'data is required: an object');
  const validation = validateEventData(type, data);
  if (!validation.ok) {
    const [first, ...more] = validation.errors;
    const field = first?.field ? `data.${first.field}` : 'data';
    const message = validation.errors.map((issue) => `${issue.field || 'data'}: ${issue.message}`).join('; ');
    return fail(first?.code ?? 'INVALID', field, more.length > 0 ? `${message}` : message);
  }
  const deviceId = given ?? derivedDeviceId(type, data as Record<string, unknown>);
  return {
    line: lineNumber,
    deviceId,
    type,
    occurredAt,
    data: data as JsonObject,
    eventData: validation.value,
    eventId: typeof eventId === 'string' ? eventId.toLowerCase() : importEventId(deviceId, text.trim()),
  };
}

function derivedDeviceId(type: DeviceEventType, data: Record<string, unknown>): string {
  const product = data['product'] as { gtin?: string; manufacturer: string; serialNumber: string } | undefined;
  if ((type !== 'DevicePlacedOnMarket' && type !== 'DeviceCollected') || product === undefined) {
    throw new LineError(
      ImportErrorCodes.missingDeviceId,
      'deviceId',
      'deviceId is required unless the line starts a history with a product description',
    );
  }
  try {
    return deviceIdOf(identifierOfProduct(product), 'data.product.');
  } catch (error) {
    if (error instanceof DomainError) throw new LineError(error.code, error.field ?? '', error.message);
    throw error;
  }
}

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
    try {
      for await (const text of createInterface({ input, crlfDelay: Infinity })) {
        this.lines += 1;
        if (this.inFlight !== null && this.lines % YIELD_EVERY_LINES === 0) {
          // Let the in-flight append's replies in: readline hands over a whole chunk of lines without
          // returning to the event loop, and the server would wait for the next statement meanwhile.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        this.take(text);
        // Cut by lines: each device command records one event today, so lines are the batch's events.
        if (this.pending.length >= this.batchEvents || this.pendingBytes >= this.batchBytes) await this.flush();
      }
      if (this.pending.length > 0 || this.errors.length > 0) await this.flush();
      if (this.inFlight !== null) await this.inFlight.done;
    } catch (error) {
      // A batch still being appended finishes before the caller (who may close the store) hears of the failure.
      await this.inFlight?.done.catch(() => undefined);
      throw error;
    }
    return this.summary();
  }

  // --- parse ---

  /** Parses one line into the pending batch, or reports why it cannot be. */
  private take(text: string): void {
    const lineNumber = this.lines;
    if (text.trim() === '') {
      this.blankLines += 1;
      return;
    }
    try {
      if (this.utf8.takeInvalid(lineNumber)) {
        throw new LineError(ImportErrorCodes.invalidUtf8, '', 'The line holds bytes that are not UTF-8');
      }
      const line = parseImportLine(text, lineNumber, this.limits);
      if (this.isHeldBack(line.deviceId, lineNumber)) {
        this.errors.push(precedingLineRefused(lineNumber, line.deviceId));
      } else {
        this.pending.push(line);
        this.pendingBytes += text.length;
      }
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      // A line that names its device and is invalid also holds back that device's later lines.
      if (error.deviceId !== null && !this.refusedAt.has(error.deviceId))
        this.refusedAt.set(error.deviceId, lineNumber);
      this.errors.push({
        line: lineNumber,
        deviceId: error.deviceId,
        code: error.code,
        field: error.field,
        message: error.message,
      });
    }
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
    this.pending = [];
    this.pendingBytes = 0;
    this.errors = [];
    const previous = this.inFlight;
    let decision: Promise<BatchDecision> | null = null;
    if (previous !== null) {
      const ahead = await this.decideBatch(batch, await previous.decision);
      if (await previous.done) decision = Promise.resolve(ahead);
    }
    decision ??= this.decideBatch(batch, null);
    const done = this.appendBatch(batch, parseErrors, decision);
    // A failure surfaces where it is awaited (the next flush or the end), not as an unhandled rejection.
    decision.catch(() => undefined);
    done.catch(() => undefined);
    this.inFlight = { decision, done };
  }

  // --- decide ---

  /**
   * Decides a batch against its devices' state: as stored, except the devices of the batch still
   * being appended (`basis`), which are taken as that batch leaves them.
   */
  private async decideBatch(batch: readonly PendingLine[], basis: BatchDecision | null): Promise<BatchDecision> {
    const deviceIds = [...new Set(batch.map((line) => line.deviceId))];
    const carried: ReadonlyMap<string, DeviceRead> = basis?.after ?? new Map();
    const devices = await readDevices(
      this.store,
      deviceIds.filter((deviceId) => !carried.has(deviceId)),
      this.readConcurrency,
    );
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

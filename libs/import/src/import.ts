/**
 * Bulk import of NDJSON device events (docs/import.md). Streaming: lines are read one by one, at most
 * two batches are held in memory, and the only state that grows with the file is the set of devices
 * that had a refused line (so their later lines are reported, not applied out of order).
 *
 * Each line is parsed, its data validated against the event's JSON Schema, and the domain's decide
 * run against the device's state: the state of the devices of a batch is read from the store once
 * per batch and folded forward through the batch's lines. The accepted events of a batch go to the
 * store in one appendMany (one transaction, all or nothing), each device with the revision that was
 * read, so a concurrent writer makes the batch fail and be decided again. While a batch is appended
 * the next one is parsed and decided, its devices that are in the batch being appended taken as that
 * batch leaves them; it is appended once that batch committed (decided again if that one was).
 *
 * Re-runs are idempotent: every event gets a deterministic id (the line's own eventId, or a UUIDv8 of
 * the device id and the canonical line), and a line whose id the device's stream already holds is
 * counted as already imported, never refused. A run killed midway leaves whole batches behind, so a
 * restart imports exactly what is missing.
 */
import { hash, randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { deviceStreams, foldStream } from '../../application/src/streams.js';
import {
  decide,
  deviceIdOf,
  DomainError,
  evolve,
  isDeviceEventType,
  isWellFormedDeviceId,
  SCHEMA_VERSION,
  type DeviceCommand,
  type DeviceEventType,
  type DeviceState,
} from '../../domain/src/index.js';
import { ConcurrencyError } from '../../event-store/src/errors.js';
import {
  DEFAULT_LIMITS,
  type Actor,
  type AppendRequest,
  type EventStore,
  type JsonObject,
  type NewEvent,
  type StoreLimits,
  type StoredEvent,
} from '../../event-store/src/port.js';
import { findTextProblem, TEXT_RULE_MESSAGE } from '../../schemas/src/text-safety.js';
import { withIsoCountryCodes } from '../../schemas/src/country-aliases.js';
import { validateEventData } from '../../schemas/src/validator.js';
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

const COMMAND_OF: Readonly<Record<DeviceEventType, DeviceCommand['kind']>> = {
  DevicePlacedOnMarket: 'PlaceDeviceOnMarket',
  DeviceCollected: 'CollectDevice',
  DeviceDataWiped: 'RecordDataWipe',
  DeviceRepaired: 'RecordRepair',
  DeviceResold: 'RecordResale',
  DeviceRecycled: 'RecordRecycling',
};

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
  readonly eventId: string;
  readonly data: JsonObject;
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
  if (!isDeviceEventType(type)) return fail(ImportErrorCodes.unknownEventType, 'type', `${type} is not a device event type`);
  const occurredAt = line['occurredAt'];
  if (typeof occurredAt !== 'string') return fail('REQUIRED', 'occurredAt', 'occurredAt is required (ISO 8601 date-time)');
  const eventId = line['eventId'];
  if (eventId !== undefined && (typeof eventId !== 'string' || !UUID.test(eventId))) {
    fail('INVALID_FORMAT', 'eventId', 'eventId is a UUID');
  }
  if (line['deviceId'] !== undefined && (given === null || !isWellFormedDeviceId(given))) {
    fail(ImportErrorCodes.invalidDeviceId, 'deviceId', 'deviceId is not a Kierto device id');
  }
  // Eurostat's EL and UK are taken as GR and GB, as in request bodies: the stored event holds ISO codes.
  const data = withIsoCountryCodes(line['data']);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail('REQUIRED', 'data', 'data is required: an object');
  const validation = validateEventData(type, data);
  if (!validation.ok) {
    const [first, ...more] = validation.errors;
    const field = first?.field ? `data.${first.field}` : 'data';
    const message = validation.errors.map((issue) => `${issue.field || 'data'}: ${issue.message}`).join('; ');
    fail(first?.code ?? 'INVALID', field, more.length > 0 ? `${message}` : message);
  }
  const deviceId = given ?? derivedDeviceId(type, data as Record<string, unknown>);
  return {
    line: lineNumber,
    deviceId,
    type,
    occurredAt,
    data: data as JsonObject,
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
    return product.gtin !== undefined
      ? deviceIdOf({ gtin: product.gtin, serialNumber: product.serialNumber }, 'data.product.')
      : deviceIdOf({ manufacturer: product.manufacturer, serialNumber: product.serialNumber }, 'data.product.');
  } catch (error) {
    if (error instanceof DomainError) throw new LineError(error.code, error.field ?? '', error.message);
    throw error;
  }
}

type DeviceRead = { state: DeviceState; revision: number | null; ids: Set<string> };

/** A batch decided against its devices' state: what its append needs and what it reports. */
interface Decision {
  readonly requests: AppendRequest[];
  readonly errors: ImportLineError[];
  readonly refusedDevices: Map<string, number>;
  readonly imported: number;
  readonly duplicates: number;
  /** Every device of the batch as it is once the requests are stored (state, revision, ids). */
  readonly after: Map<string, DeviceRead>;
}

/** While a batch is being appended, the line loop lets pending I/O in every this many lines. */
const YIELD_EVERY_LINES = 256;

/** Stream ids per readStreams call. */
const READ_CHUNK = 1_000;

/** The device streams of a batch: with readStreams in chunks when the adapter has it, else concurrently one by one. */
async function readDevices(store: EventStore, deviceIds: readonly string[], concurrency: number): Promise<Map<string, DeviceRead>> {
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

/** Imports an NDJSON stream into the store; resolves with the summary once every line is handled. */
export async function importNdjson(store: EventStore, input: Readable, options: ImportOptions): Promise<ImportSummary> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const batchEvents = Math.max(1, Math.min(options.batchEvents ?? 5_000, limits.maxBatchEvents));
  const batchBytes = Math.floor(limits.maxBatchBytes / 2);
  const readConcurrency = options.readConcurrency ?? 8;
  const now = options.now ?? (() => new Date());
  const correlationId = options.correlationId ?? randomUUID();
  const started = performance.now();
  /** Device id → the first line of it that was refused; its later lines are reported, not applied. */
  const refusedAt = new Map<string, number>();
  const isHeldBack = (deviceId: string, line: number): boolean => {
    const at = refusedAt.get(deviceId);
    return at !== undefined && at < line;
  };

  let lines = 0;
  let blankLines = 0;
  let imported = 0;
  let duplicates = 0;
  let lastPosition: number | null = null;
  let refused = 0;
  let bytes = 0;
  let batches = 0;
  let pending: PendingLine[] = [];
  let pendingBytes = 0;
  let errors: ImportLineError[] = [];

  // Registered before readline's own listeners, so each chunk is watched before its lines are read.
  const utf8 = new Utf8LineWatch();
  input.on('data', (chunk: Buffer | string) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (typeof chunk !== 'string') utf8.feed(chunk);
  });
  input.on('end', () => utf8.end());
  const progress = (): ImportProgress => ({ lines, imported, duplicates, refused, bytes, elapsedMs: performance.now() - started });

  /**
   * Appends a decided batch (retrying with a fresh decision when another writer moved one of its
   * devices), then reports it. Resolves true when the batch was stored as first decided, which is
   * what lets the next batch be decided against `decision.after` while this one is appended.
   */
  const appendBatch = async (
    batch: readonly PendingLine[],
    parseErrors: readonly ImportLineError[],
    first: Promise<Decision>,
  ): Promise<boolean> => {
    let decision = await first;
    let asDecided = true;
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (decision.requests.length > 0) {
          for (const result of await store.appendMany(decision.requests)) {
            const last = result.events.at(-1);
            if (last !== undefined && (lastPosition === null || last.globalPosition > lastPosition)) lastPosition = last.globalPosition;
          }
        }
        break;
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_BATCH_ATTEMPTS) throw error;
      }
      decision = await decideBatch(batch, null);
      asDecided = false;
    }
    for (const [deviceId, line] of decision.refusedDevices) if (!refusedAt.has(deviceId)) refusedAt.set(deviceId, line);
    imported += decision.imported;
    duplicates += decision.duplicates;
    const rows = [...parseErrors, ...decision.errors].sort((a, b) => a.line - b.line);
    refused += rows.length;
    batches += 1;
    if (options.onError) for (const row of rows) await options.onError(row);
    options.onProgress?.(progress());
    if (options.afterBatch) await options.afterBatch(batches, progress());
    return asDecided;
  };

  /**
   * Decides a batch against its devices' state: as stored, except the devices of the batch still
   * being appended (`basis`), which are taken as that batch leaves them.
   */
  const decideBatch = async (batch: readonly PendingLine[], basis: Decision | null): Promise<Decision> => {
    const deviceIds = [...new Set(batch.map((line) => line.deviceId))];
    const carried: ReadonlyMap<string, DeviceRead> = basis?.after ?? new Map();
    const devices = await readDevices(store, deviceIds.filter((deviceId) => !carried.has(deviceId)), readConcurrency);
    for (const deviceId of deviceIds) {
      const device = carried.get(deviceId);
      if (device !== undefined) devices.set(deviceId, { ...device, ids: new Set(device.ids) });
    }
    const decidedAt = now().toISOString();
    const newRefused = new Map<string, number>();
    const rows: ImportLineError[] = [];
    const eventsByDevice = new Map<string, NewEvent[]>();
    let count = 0;
    let dup = 0;
    for (const line of batch) {
      const device = devices.get(line.deviceId);
      if (device === undefined) throw new Error(`device ${line.deviceId} was not read`);
      const refusedInBasis = basis?.refusedDevices.get(line.deviceId);
      if (
        isHeldBack(line.deviceId, line.line) ||
        newRefused.has(line.deviceId) ||
        (refusedInBasis !== undefined && refusedInBasis < line.line)
      ) {
        rows.push({
          line: line.line,
          deviceId: line.deviceId,
          code: ImportErrorCodes.precedingLineRefused,
          field: '',
          message: 'An earlier line of this device was refused; this line is not applied out of order',
        });
        continue;
      }
      // Before the duplicate check: whether a line was imported before is not for a caller who may not record it.
      const authorisation = options.authorise === undefined ? null : await options.authorise(line);
      if (authorisation !== null && !authorisation.allowed) {
        newRefused.set(line.deviceId, line.line);
        rows.push({ line: line.line, deviceId: line.deviceId, code: ImportErrorCodes.forbidden, field: authorisation.field, message: authorisation.message });
        continue;
      }
      if (device.ids.has(line.eventId)) {
        dup += 1;
        continue;
      }
      const command = {
        kind: COMMAND_OF[line.type],
        deviceId: line.deviceId,
        occurredAt: line.occurredAt,
        now: decidedAt,
        data: line.data,
      } as unknown as DeviceCommand;
      try {
        const decided = decide(command, device.state);
        for (const event of decided) device.state = evolve(device.state, event);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        newRefused.set(line.deviceId, line.line);
        rows.push({ line: line.line, deviceId: line.deviceId, code: error.code, field: error.field ?? '', message: error.message });
        continue;
      }
      device.ids.add(line.eventId);
      let events = eventsByDevice.get(line.deviceId);
      if (events === undefined) {
        events = [];
        eventsByDevice.set(line.deviceId, events);
      }
      events.push({
        eventId: line.eventId,
        type: line.type,
        schemaVersion: SCHEMA_VERSION,
        occurredAt: line.occurredAt,
        actor: authorisation === null ? options.actor : { ...options.actor, role: authorisation.role },
        correlationId,
        causationId: null,
        data: line.data,
        metadata: { importLine: line.line },
      });
      count += 1;
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
    return { requests, errors: rows, refusedDevices: newRefused, imported: count, duplicates: dup, after };
  };

  // Two batches move at once: while one is appended (mostly the server's work, and waiting for it),
  // the next is parsed and then decided against its devices as the first leaves them. It is appended
  // only once the first committed, and decided again from the store if the first had to be decided
  // again (another writer moved one of its devices). afterBatch and the error rows come in batch order.
  const pipeline: { inFlight: { readonly decision: Promise<Decision>; readonly done: Promise<boolean> } | null } = {
    inFlight: null,
  };
  const flush = async (): Promise<void> => {
    const batch = pending;
    const parseErrors = errors;
    pending = [];
    pendingBytes = 0;
    errors = [];
    const previous = pipeline.inFlight;
    let decision: Promise<Decision> | null = null;
    if (previous !== null) {
      const ahead = await decideBatch(batch, await previous.decision);
      if (await previous.done) decision = Promise.resolve(ahead);
    }
    decision ??= decideBatch(batch, null);
    const done = appendBatch(batch, parseErrors, decision);
    // A failure surfaces where it is awaited (the next flush or the end), not as an unhandled rejection.
    decision.catch(() => undefined);
    done.catch(() => undefined);
    pipeline.inFlight = { decision, done };
  };

  try {
    const reader = createInterface({ input, crlfDelay: Infinity });
    for await (const text of reader) {
      lines += 1;
      if (pipeline.inFlight !== null && lines % YIELD_EVERY_LINES === 0) {
        // Let the in-flight append's replies in: readline hands over a whole chunk of lines without
        // returning to the event loop, and the server would wait for the next statement meanwhile.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (text.trim() === '') {
        blankLines += 1;
        continue;
      }
      try {
        if (utf8.takeInvalid(lines)) {
          throw new LineError(ImportErrorCodes.invalidUtf8, '', 'The line holds bytes that are not UTF-8');
        }
        const line = parseImportLine(text, lines, limits);
        if (isHeldBack(line.deviceId, lines)) {
          errors.push({
            line: lines,
            deviceId: line.deviceId,
            code: ImportErrorCodes.precedingLineRefused,
            field: '',
            message: 'An earlier line of this device was refused; this line is not applied out of order',
          });
        } else {
          pending.push(line);
          pendingBytes += text.length;
        }
      } catch (error) {
        if (!(error instanceof LineError)) throw error;
        // A line that names its device and is invalid also holds back that device's later lines.
        if (error.deviceId !== null && !refusedAt.has(error.deviceId)) refusedAt.set(error.deviceId, lines);
        errors.push({ line: lines, deviceId: error.deviceId, code: error.code, field: error.field, message: error.message });
      }
      if (pending.length >= batchEvents || pendingBytes >= batchBytes) await flush();
    }
    if (pending.length > 0 || errors.length > 0) await flush();
    if (pipeline.inFlight !== null) await pipeline.inFlight.done;
  } catch (error) {
    // A batch still being appended finishes before the caller (who may close the store) hears of the failure.
    await pipeline.inFlight?.done.catch(() => undefined);
    throw error;
  }

  const elapsedMs = performance.now() - started;
  return {
    lines,
    blankLines,
    imported,
    duplicates,
    refused,
    bytes,
    batches,
    elapsedMs,
    eventsPerSecond: elapsedMs > 0 ? Math.round((imported / elapsedMs) * 1000) : 0,
    lastPosition,
  };
}

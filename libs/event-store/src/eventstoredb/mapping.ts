/**
 * Everything the EventStoreDB adapter translates between Kierto's port and KurrentDB, as pure
 * functions: stream names, expected revisions, positions, the envelope carried in event metadata,
 * the log and index records, and error translation. No I/O happens here, so all of it is unit
 * tested without a server (mapping.spec.ts). docs/eventstoredb.md describes the layout.
 */
import { createHash } from 'node:crypto';
import { ANY, NO_STREAM, jsonEvent } from '@kurrent/kurrentdb-client';
import type { AppendStreamState, CurrentStreamState, EventData, StreamState } from '@kurrent/kurrentdb-client';
import { canonicalJson } from '../canonical-json.js';
import { unhashedEnvelope } from '../hash-chain.js';
import {
  BatchTooLargeError,
  ConcurrencyError,
  EventStoreError,
  EventTooLargeError,
  StoreUnavailableError,
} from '../errors.js';
import type { Actor, ExpectedRevision, JsonObject, JsonValue, StoredEvent } from '../port.js';

// ---------------------------------------------------------------------------------------------
// Stream names

/**
 * Kierto's own streams start with this (after the configured prefix). Device stream ids may not,
 * so a device can never be confused with the log or an index stream.
 */
export const RESERVED_STREAM_PREFIX = 'kierto-';

/** Event types of Kierto's own records. */
export const LOG_EVENT_TYPE = 'KiertoLogged';
export const INDEX_EVENT_TYPE = 'KiertoEventIndexed';
export const MARKER_EVENT_TYPE = 'KiertoStoreCreated';

/** Version of the stream layout and envelope; init() refuses a store written in another format. */
export const STORE_FORMAT = 1;

export interface StreamNames {
  readonly prefix: string;
  /** The global log: the event at revision r points to the Kierto event at position r + 1. */
  readonly log: string;
  /** Written once by init(): the store's format. */
  readonly marker: string;
  /** One stream per device, named by the device id as given (after the prefix). */
  device(streamId: string): string;
  /** One single-event stream per event id: where that event is stored. */
  eventIndex(eventId: string): string;
  /** The device stream id of a stream name, or null for Kierto's own and foreign streams. */
  streamIdOf(streamName: string): string | null;
}

export function streamNames(prefix = ''): StreamNames {
  if (prefix.startsWith('$')) throw new RangeError('The stream prefix may not start with $ (system streams)');
  const internal = `${prefix}${RESERVED_STREAM_PREFIX}`;
  return {
    prefix,
    log: `${internal}log`,
    marker: `${internal}store`,
    device: (streamId) => {
      assertDeviceStreamId(streamId);
      return `${prefix}${streamId}`;
    },
    eventIndex: (eventId) => `${internal}event-${eventId}`,
    streamIdOf: (streamName) => {
      if (!streamName.startsWith(prefix) || streamName.startsWith(internal)) return null;
      const streamId = streamName.slice(prefix.length);
      return isDeviceStreamId(streamId) ? streamId : null;
    },
  };
}

export function isDeviceStreamId(streamId: string): boolean {
  return streamId.length > 0 && !streamId.startsWith('$') && !streamId.startsWith(RESERVED_STREAM_PREFIX);
}

function assertDeviceStreamId(streamId: string): void {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new TypeError('streamId must be a non-empty string');
  if (!isDeviceStreamId(streamId)) {
    throw new RangeError(
      `Stream id ${JSON.stringify(streamId)} is reserved on EventStoreDB: ids may not start with $ (system streams) ` +
        `or ${RESERVED_STREAM_PREFIX} (Kierto's log and index streams)`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Revisions and positions

/** The port's expected revision as the client's stream state. */
export function toStreamState(expected: ExpectedRevision): StreamState {
  if (expected === 'any') return ANY;
  if (expected === 'no-stream') return NO_STREAM;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new RangeError(`expectedRevision must be 'any', 'no-stream' or a revision >= 0, got ${String(expected)}`);
  }
  return BigInt(expected);
}

/**
 * The exact state a stream must be in before `firstRevision` is written to it. The adapter always
 * sends an exact state, never ANY: the revision a new event gets is part of its hashed envelope,
 * so the server must refuse the write if the stream is anywhere else.
 */
export function stateBefore(firstRevision: number): StreamState {
  return toStreamState(firstRevision === 0 ? 'no-stream' : firstRevision - 1);
}

/** A client stream state in the words of ConcurrencyError.expected ('no-stream', 'any', '7'). */
export function describeStreamState(state: AppendStreamState | CurrentStreamState): string {
  if (typeof state === 'bigint') return state.toString(10);
  return state.replace('_', '-');
}

/** The current state the server reported as the port's revision: -1 for no stream. */
export function revisionOfState(state: CurrentStreamState): number {
  return state === NO_STREAM ? -1 : toSafeNumber(state);
}

export function toSafeNumber(value: bigint): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number))
    throw new RangeError(`EventStoreDB value ${value.toString(10)} is not a safe integer`);
  return number;
}

/** Position p lives at revision p - 1 of the log stream: positions are the log's revisions, plus one. */
export function positionOfLogRevision(revision: bigint): number {
  return toSafeNumber(revision) + 1;
}

export function logRevisionOfPosition(position: number): bigint {
  if (!Number.isSafeInteger(position) || position < 1) throw new RangeError(`Invalid global position ${position}`);
  return BigInt(position - 1);
}

// ---------------------------------------------------------------------------------------------
// Event ids

/** Namespace of the name-based UUIDs below (fixed forever: changing it changes stored ids). */
const KIERTO_UUID_NAMESPACE = '180c7e57-2e62-41ee-8fad-507c4f81e0b4';
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * EventStoreDB event ids must be UUIDs. Kierto's event ids are (lower-case) UUIDs and are used as
 * they are, so the server's own duplicate detection sees the caller's id. Any other string gets a
 * name-based UUID (v5), which keeps distinct ids distinct: upper-case 'ABC…' is not folded onto
 * 'abc…', because the port treats them as two ids.
 */
export function nativeEventId(eventId: string): string {
  return CANONICAL_UUID.test(eventId) ? eventId : uuidV5(eventId, KIERTO_UUID_NAMESPACE);
}

/** Ids of Kierto's own records, derived from the event they describe so a retry sends the same ids. */
export function logRecordId(eventId: string): string {
  return uuidV5(`log:${eventId}`, KIERTO_UUID_NAMESPACE);
}

export function indexRecordId(eventId: string): string {
  return uuidV5(`index:${eventId}`, KIERTO_UUID_NAMESPACE);
}

/** RFC 9562 §5.5: SHA-1 of namespace bytes + name, version 5, variant 10. */
export function uuidV5(name: string, namespace: string): string {
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---------------------------------------------------------------------------------------------
// The envelope in event metadata

/**
 * Metadata key holding the envelope. multiStreamAppend takes metadata as string → string pairs
 * only (client 1.3.1 refuses anything else), so the envelope travels as one canonical JSON string;
 * the server adds its own `$`-prefixed keys next to it, which are ignored on read.
 */
export const ENVELOPE_KEY = 'kierto';

/** Every envelope field except type and data, which EventStoreDB stores natively. */
type Envelope = Omit<StoredEvent, 'type' | 'data'> & { readonly format: number };

/** What the adapter reads back: the fields of the client's RecordedEvent it uses. */
export interface RecordedLike {
  readonly streamId: string;
  readonly revision: bigint;
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: unknown;
}

/** A sealed event as the client's event data: native id, type and JSON data, envelope in metadata. */
export function deviceEventData(event: StoredEvent): EventData {
  return jsonEvent({
    id: nativeEventId(event.eventId),
    type: event.type,
    data: event.data,
    metadata: envelopeMetadata(event),
  });
}

export function envelopeMetadata(event: StoredEvent): Record<string, string> {
  // Type and data travel as the record's own type and data; the rest of the envelope (the same
  // field list the hash covers, plus the hash) goes into metadata. canonicalJson sorts the keys.
  const { type: _type, data: _data, ...rest } = unhashedEnvelope(event);
  const envelope = { format: STORE_FORMAT, ...rest, hash: event.hash } as unknown as JsonObject;
  return { [ENVELOPE_KEY]: canonicalJson(envelope) };
}

/**
 * Rebuilds the stored event from a device stream record. Checks that the record really is the
 * Kierto event its envelope says (stream and revision agree), so an event someone wrote into a
 * device stream outside Kierto is reported instead of being passed off with a wrong position.
 */
export function storedEventFromRecorded(recorded: RecordedLike, names: StreamNames): StoredEvent {
  const where = `${recorded.streamId}@${recorded.revision.toString(10)}`;
  const envelope = parseEnvelope(recorded.metadata, where);
  if (
    `${names.prefix}${envelope.streamId}` !== recorded.streamId ||
    envelope.streamRevision !== toSafeNumber(recorded.revision)
  ) {
    throw new IntegrityError(
      `${where} carries the envelope of ${envelope.streamId} revision ${envelope.streamRevision}; ` +
        'was the stream written outside Kierto?',
    );
  }
  if (!isJsonObject(recorded.data)) throw new IntegrityError(`${where} has no JSON object as data`);
  return {
    eventId: envelope.eventId,
    type: recorded.type,
    schemaVersion: envelope.schemaVersion,
    streamId: envelope.streamId,
    streamRevision: envelope.streamRevision,
    globalPosition: envelope.globalPosition,
    occurredAt: envelope.occurredAt,
    recordedAt: envelope.recordedAt,
    actor: envelope.actor,
    correlationId: envelope.correlationId,
    causationId: envelope.causationId,
    data: recorded.data,
    metadata: envelope.metadata,
    hash: envelope.hash,
    prevHash: envelope.prevHash,
  };
}

function parseEnvelope(metadata: unknown, where: string): Envelope {
  const raw = isPlainObject(metadata) ? metadata[ENVELOPE_KEY] : undefined;
  // Written as a JSON string; accept an object too, in case a server version hands properties back parsed.
  const value: unknown = typeof raw === 'string' ? parseJson(raw, where) : raw;
  if (!isPlainObject(value)) {
    throw new IntegrityError(
      `${where} has no Kierto envelope in its metadata (key "${ENVELOPE_KEY}"); not a Kierto event`,
    );
  }
  const read = fieldReader(value, where);
  const format = read.integer('format');
  if (format !== STORE_FORMAT)
    throw new IntegrityError(`${where} has envelope format ${format}; this Kierto reads ${STORE_FORMAT}`);
  const actor = read.object('actor');
  const actorField = fieldReader(actor, `${where} actor`);
  const causationId = value['causationId'];
  if (causationId !== null && typeof causationId !== 'string')
    throw new IntegrityError(`${where}: causationId is not a string or null`);
  const parsedActor: Actor = {
    organisationId: actorField.string('organisationId'),
    role: actorField.string('role'),
    keyId: actorField.string('keyId'),
  };
  return {
    format,
    eventId: read.string('eventId'),
    schemaVersion: read.integer('schemaVersion'),
    streamId: read.string('streamId'),
    streamRevision: read.integer('streamRevision'),
    globalPosition: read.integer('globalPosition'),
    occurredAt: read.string('occurredAt'),
    recordedAt: read.string('recordedAt'),
    actor: parsedActor,
    correlationId: read.string('correlationId'),
    causationId,
    metadata: read.object('metadata'),
    prevHash: read.string('prevHash'),
    hash: read.string('hash'),
  };
}

// ---------------------------------------------------------------------------------------------
// Log and index records

/** The log record of position p (log revision p - 1). */
export interface LogEntry {
  readonly eventId: string;
  readonly streamId: string;
  readonly streamRevision: number;
  /** The event's hash, so the head (position and hash) is one read of the log's last record. */
  readonly hash: string;
}

/** The single record of an event id's index stream. */
export interface IndexEntry {
  readonly streamId: string;
  readonly streamRevision: number;
  readonly globalPosition: number;
}

export function logEventData(event: StoredEvent): EventData {
  const data: JsonObject = {
    eventId: event.eventId,
    streamId: event.streamId,
    streamRevision: event.streamRevision,
    hash: event.hash,
  };
  return jsonEvent({ id: logRecordId(event.eventId), type: LOG_EVENT_TYPE, data });
}

export function indexEventData(event: StoredEvent): EventData {
  const data: JsonObject = {
    streamId: event.streamId,
    streamRevision: event.streamRevision,
    globalPosition: event.globalPosition,
  };
  return jsonEvent({ id: indexRecordId(event.eventId), type: INDEX_EVENT_TYPE, data });
}

export function markerEventData(): EventData {
  return jsonEvent({ type: MARKER_EVENT_TYPE, data: { format: STORE_FORMAT } });
}

export function parseLogEntry(recorded: RecordedLike): LogEntry {
  const where = `${recorded.streamId}@${recorded.revision.toString(10)}`;
  if (recorded.type !== LOG_EVENT_TYPE || !isPlainObject(recorded.data)) {
    throw new IntegrityError(`${where} is not a ${LOG_EVENT_TYPE} record`);
  }
  const read = fieldReader(recorded.data, where);
  return {
    eventId: read.string('eventId'),
    streamId: read.string('streamId'),
    streamRevision: read.integer('streamRevision'),
    hash: read.string('hash'),
  };
}

export function parseIndexEntry(recorded: RecordedLike): IndexEntry {
  const where = `${recorded.streamId}@${recorded.revision.toString(10)}`;
  if (recorded.type !== INDEX_EVENT_TYPE || !isPlainObject(recorded.data)) {
    throw new IntegrityError(`${where} is not a ${INDEX_EVENT_TYPE} record`);
  }
  const read = fieldReader(recorded.data, where);
  return {
    streamId: read.string('streamId'),
    streamRevision: read.integer('streamRevision'),
    globalPosition: read.integer('globalPosition'),
  };
}

export function parseMarkerFormat(recorded: RecordedLike): number {
  const where = `${recorded.streamId}@${recorded.revision.toString(10)}`;
  if (recorded.type !== MARKER_EVENT_TYPE || !isPlainObject(recorded.data)) {
    throw new IntegrityError(`${where} is not a ${MARKER_EVENT_TYPE} record`);
  }
  return fieldReader(recorded.data, where).integer('format');
}

/** The store's streams disagree with each other or hold something Kierto did not write. */
export class IntegrityError extends Error {
  constructor(message: string) {
    super(`EventStoreDB store integrity: ${message}`);
    this.name = 'IntegrityError';
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new IntegrityError(`${where} has a Kierto envelope that is not JSON`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** Data read back through JSON.parse is JSON by construction; this only rules out arrays and scalars. */
function isJsonObject(value: unknown): value is JsonObject {
  return isPlainObject(value);
}

function fieldReader(object: Record<string, unknown>, where: string) {
  const fail = (name: string, kind: string): never => {
    throw new IntegrityError(`${where}: ${name} is not ${kind}`);
  };
  return {
    string: (name: string): string => {
      const value = object[name];
      return typeof value === 'string' ? value : fail(name, 'a string');
    },
    integer: (name: string): number => {
      const value = object[name];
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : fail(name, 'an integer');
    },
    object: (name: string): JsonObject => {
      const value: unknown = object[name];
      return isPlainObject(value) ? (value as { [key: string]: JsonValue }) : fail(name, 'an object');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Errors

/** What translateError needs to know about the call that failed. */
export interface ErrorContext {
  readonly names: StreamNames;
  /** host:port of the server, for messages (never the credentials). */
  readonly endpoint: string;
  /** The port's event id of a native record id, for per-event size errors. */
  readonly eventIdOf?: (recordId: string) => string | undefined;
}

/** The client's error types (CommandError `type`) that mean "the server cannot serve this now". */
const UNAVAILABLE_TYPES = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'not-leader', 'cancelled']);
/** gRPC status codes of the same: UNAVAILABLE, DEADLINE_EXCEEDED. */
const UNAVAILABLE_GRPC_CODES = new Set([14, 4]);
/** Node's socket errors, should one surface unwrapped. */
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE']);

/**
 * Maps a client error to the port's errors. The client raises two kinds for an unreachable server
 * (stack.md pitfall 10): appends reject with a raw gRPC error (`code: 14`, not an UnavailableError)
 * and reads with the library's UnavailableError (`type: 'unavailable'`, message just
 * "UnavailableError"); both become StoreUnavailableError with a message that names the server.
 * The check is by fields, not instanceof: errors from the native bridge come from another realm
 * under jest's vm modules, and a raw gRPC error has no class to test.
 */
export function translateError(error: unknown, context: ErrorContext): unknown {
  if (error instanceof EventStoreError || error instanceof IntegrityError) return error;
  const type = stringField(error, 'type');
  const code = field(error, 'code');
  const message = stringField(error, 'message') ?? String(error);

  if (type === 'wrong-expected-version') return wrongExpectedVersion(error, context);
  if (
    (type !== undefined && UNAVAILABLE_TYPES.has(type)) ||
    (typeof code === 'number' && UNAVAILABLE_GRPC_CODES.has(code)) ||
    (typeof code === 'string' && UNAVAILABLE_NODE_CODES.has(code)) ||
    stringField(error, 'name') === 'UnavailableError'
  ) {
    return new StoreUnavailableError(
      `EventStoreDB at ${context.endpoint} is unavailable: ${unavailableReason(type, message)}`,
    );
  }
  if (type === 'maximum-append-size-exceeded') {
    const max = numberField(error, 'maxAppendSize');
    return new BatchTooLargeError(
      `The append is larger than the server's MaxAppendSize${max === undefined ? '' : ` of ${max} bytes`}; send fewer events per call`,
    );
  }
  if (type === 'transaction-max-size-exceeded') {
    const size = numberField(error, 'size');
    const max = numberField(error, 'maxSize');
    return new BatchTooLargeError(
      `The append is ${size ?? 'more than the'} bytes${max === undefined ? '' : `; the server accepts at most ${max}`} in one transaction`,
    );
  }
  if (type === 'append-record-size-exceeded') {
    const recordId = stringField(error, 'recordId') ?? 'unknown';
    return new EventTooLargeError(
      context.eventIdOf?.(recordId) ?? recordId,
      numberField(error, 'size') ?? -1,
      numberField(error, 'maxSize') ?? -1,
    );
  }
  if (type === 'unsupported') {
    const feature = stringField(error, 'feature') ?? 'a feature';
    const version = stringField(error, 'minimumVersion') ?? '25.1';
    return new Error(
      `The EventStoreDB server at ${context.endpoint} does not support ${feature}: Kierto needs KurrentDB ${version} ` +
        'or later, because every append writes the device streams, the log and the id index in one multi-stream transaction',
    );
  }
  if (type === 'access-denied') {
    return new Error(
      `EventStoreDB at ${context.endpoint} denied access (${message}); check the credentials in EVENTSTORE_URL`,
    );
  }
  return error;
}

function wrongExpectedVersion(error: unknown, context: ErrorContext): EventStoreError {
  const streamName = stringField(error, 'streamName') ?? '';
  const streamId = context.names.streamIdOf(streamName);
  if (streamId === null) {
    // The log or an index stream kept moving: other writers won every retry. Nothing about the
    // caller's stream is wrong, so this is "busy, try again", not a conflict the caller must resolve.
    return new StoreUnavailableError(
      `EventStoreDB at ${context.endpoint}: other writers kept appending to ${streamName || 'the Kierto log'}; gave up retrying`,
    );
  }
  const expected = field(error, 'expectedState');
  const actual = field(error, 'actualState');
  return new ConcurrencyError(
    streamId,
    isStreamState(expected) ? describeStreamState(expected) : 'unknown',
    isCurrentState(actual) ? revisionOfState(actual) : -1,
  );
}

function unavailableReason(type: string | undefined, message: string): string {
  // The bridge's UnavailableError carries no detail: its message is its class name.
  if (message === '' || message === 'UnavailableError') return 'no connection to the server';
  if (type === 'not-leader')
    return `not the leader node (${message}); the client reconnects to the leader on the next call`;
  return message;
}

export function isWrongExpectedVersion(error: unknown): boolean {
  return stringField(error, 'type') === 'wrong-expected-version';
}

export function isStreamNotFound(error: unknown): boolean {
  return stringField(error, 'type') === 'stream-not-found';
}

/** host:port list of a connection string, without scheme, credentials or options. */
export function describeEndpoint(connectionString: string): string {
  const match = /^[a-z+]+:\/\/(?:[^@/?]*@)?([^/?]*)/i.exec(connectionString);
  return match?.[1] || 'the configured server';
}

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null && name in error
    ? (error as Record<string, unknown>)[name]
    : undefined;
}

function stringField(error: unknown, name: string): string | undefined {
  const value = field(error, name);
  return typeof value === 'string' ? value : undefined;
}

function numberField(error: unknown, name: string): number | undefined {
  const value = field(error, name);
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'number' ? value : undefined;
}

function isCurrentState(value: unknown): value is CurrentStreamState {
  return typeof value === 'bigint' || value === NO_STREAM;
}

function isStreamState(value: unknown): value is AppendStreamState {
  return typeof value === 'bigint' || value === NO_STREAM || value === ANY || value === 'stream_exists';
}

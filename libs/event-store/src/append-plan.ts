/**
 * The append semantics every SQL adapter shares, as pure functions: validation before any I/O,
 * idempotent replays, expected-revision checks, and the sealing of new events into the hash chain.
 * An adapter opens its write transaction, takes the store-wide write lock, loads what `planAppend`
 * needs (the head, the stored events with the requested ids, the streams' last revisions), calls it,
 * and inserts `plan.newEvents`. Keeping this here means SQLite and PostgreSQL cannot drift apart.
 */
import { ConcurrencyError, DuplicateEventIdError } from './errors.js';
import { checkLimits, jsonBytes } from './limits.js';
import { hashPrepared, prepareEvent } from './prepared-event.js';
import type { Placement, PreparedEvent } from './prepared-event.js';
import type {
  AppendRequest,
  AppendResult,
  ExpectedRevision,
  JsonObject,
  NewEvent,
  StoreLimits,
  StoredEvent,
} from './port.js';

/** The last event of the global log: where the next append continues the positions and the chain. */
export interface StoreHead {
  readonly position: number;
  readonly hash: string;
}

/** What an adapter read inside its write transaction, after taking the write lock. */
export interface PlanInput {
  readonly requests: readonly AppendRequest[];
  readonly head: StoreHead;
  /** Server time for every event of this append (ISO 8601 UTC). */
  readonly recordedAt: string;
  /** Already stored events whose ids appear in the requests, by event id. */
  readonly stored: ReadonlyMap<string, StoredEvent>;
  /** Last revision of every requested stream that exists; a missing entry means no stream. */
  readonly lastRevisions: ReadonlyMap<string, number>;
}

/** An append request with each event serialised once (`prepareAppend`), in the order of `events`. */
export interface PreparedRequest extends AppendRequest {
  readonly prepared: readonly PreparedEvent[];
}

export interface AppendPlan {
  /** One result per request, in request order. */
  readonly results: AppendResult[];
  /** The events to insert, in global order, already sealed into the chain. */
  readonly newEvents: StoredEvent[];
  /** The serialised form of each of `newEvents` (same index), for the adapter's rows. */
  readonly newPrepared: PreparedEvent[];
  /** The head after the insert (unchanged when nothing is new). */
  readonly head: StoreHead;
}

/** Revision used internally for "the stream does not exist". */
const NO_STREAM = -1;

/**
 * Everything that can be refused without reading the store: limits, malformed arguments, and an
 * event id used twice within one call (which could never be stored as asked).
 */
export function validateAppend(
  requests: readonly AppendRequest[],
  limits: StoreLimits,
  sizeOf?: (event: NewEvent, requestIndex: number, eventIndex: number) => number,
): void {
  checkLimits(requests, limits, sizeOf);
  const seen = new Set<string>();
  for (const request of requests) {
    if (typeof request.streamId !== 'string' || request.streamId.length === 0) {
      throw new TypeError('streamId must be a non-empty string');
    }
    assertExpectedRevision(request.expectedRevision);
    for (const event of request.events) {
      if (seen.has(event.eventId)) throw new DuplicateEventIdError(event.eventId);
      seen.add(event.eventId);
    }
  }
}

/**
 * `validateAppend` with every event serialised once on the way: the limits are measured on the same
 * canonical JSON that is then hashed and written, instead of serialising each event once per use.
 * Refuses exactly what `validateAppend` refuses, with the same errors.
 */
export function prepareAppend(requests: readonly AppendRequest[], limits: StoreLimits): PreparedRequest[] {
  const prepared = requests.map((request): PreparedRequest => ({
    streamId: request.streamId,
    events: request.events,
    expectedRevision: request.expectedRevision,
    prepared: request.events.map(prepareEvent),
  }));
  const preparedBytes = (event: NewEvent, requestIndex: number, eventIndex: number): number =>
    prepared[requestIndex]?.prepared[eventIndex]?.bytes ?? jsonBytes(event);
  validateAppend(requests, limits, preparedBytes);
  return prepared;
}

function assertExpectedRevision(expected: ExpectedRevision): void {
  if (expected === 'any' || expected === 'no-stream') return;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new RangeError(`expectedRevision must be 'any', 'no-stream' or a revision >= 0, got ${String(expected)}`);
  }
}

/** Every event id of the requests, for the adapter's idempotency lookup. */
export function requestedEventIds(requests: readonly AppendRequest[]): string[] {
  return requests.flatMap((request) => request.events.map((event) => event.eventId));
}

/** Every distinct stream id of the requests, for the adapter's revision lookup. */
export function requestedStreamIds(requests: readonly AppendRequest[]): string[] {
  return [...new Set(requests.map((request) => request.streamId))];
}

/**
 * Decides the outcome of every request in order, as if each were appended after the previous one
 * (so two requests to one stream chain their revisions). Throws the first request's error; the
 * adapter then rolls back, so nothing of the call is stored.
 */
export function planAppend(input: PlanInput): AppendPlan {
  const revisions = new Map(input.lastRevisions);
  const newEvents: StoredEvent[] = [];
  const newPrepared: PreparedEvent[] = [];
  let head = input.head;
  const results = input.requests.map((request): AppendResult => {
    const current = revisions.get(request.streamId) ?? NO_STREAM;
    const replay = findReplay(request, input.stored);
    if (replay) return { streamId: request.streamId, events: replay, nextExpectedRevision: current, replayed: true };
    checkExpectedRevision(request.streamId, request.expectedRevision, current);
    const prepared = preparedOf(request);
    const sealed = sealRequest(request, prepared, current, head, input.recordedAt);
    newEvents.push(...sealed);
    newPrepared.push(...prepared);
    const last = sealed.at(-1);
    if (last) head = { position: last.globalPosition, hash: last.hash };
    const next = current + sealed.length;
    revisions.set(request.streamId, next);
    return { streamId: request.streamId, events: sealed, nextExpectedRevision: next, replayed: false };
  });
  return { results, newEvents, newPrepared, head };
}

function preparedOf(request: AppendRequest | PreparedRequest): readonly PreparedEvent[] {
  return 'prepared' in request ? request.prepared : request.events.map(prepareEvent);
}

/**
 * A request is a retry when its first event id is stored; it is replayed only when all its ids are
 * stored in that stream, at consecutive revisions, in the same order. Anything else that touches a
 * stored id is a different append reusing an id.
 */
export function findReplay(request: AppendRequest, stored: ReadonlyMap<string, StoredEvent>): StoredEvent[] | null {
  const [first] = request.events;
  if (!first) return null;
  if (!stored.has(first.eventId)) {
    const reused = request.events.find((event) => stored.has(event.eventId));
    if (reused) throw new DuplicateEventIdError(reused.eventId);
    return null;
  }
  const replayed: StoredEvent[] = [];
  for (const event of request.events) {
    const match = stored.get(event.eventId);
    const previous = replayed.at(-1);
    const inPlace =
      match !== undefined &&
      match.streamId === request.streamId &&
      (previous === undefined || match.streamRevision === previous.streamRevision + 1);
    if (!match || !inPlace) throw new DuplicateEventIdError(event.eventId);
    replayed.push(match);
  }
  return replayed;
}

/** `current` is the stream's last revision, -1 when it does not exist. */
export function checkExpectedRevision(streamId: string, expected: ExpectedRevision, current: number): void {
  if (expected === 'any') return;
  const ok = expected === 'no-stream' ? current === NO_STREAM : expected === current;
  if (!ok) throw new ConcurrencyError(streamId, String(expected), current);
}

function sealRequest(
  request: AppendRequest,
  prepared: readonly PreparedEvent[],
  current: number,
  head: StoreHead,
  recordedAt: string,
): StoredEvent[] {
  const sealed: StoredEvent[] = [];
  let prev = head;
  request.events.forEach((event, index) => {
    const placement: Placement = {
      streamId: request.streamId,
      streamRevision: current + 1 + index,
      globalPosition: prev.position + 1,
      recordedAt,
      prevHash: prev.hash,
    };
    const unhashed = envelope(event, placement);
    const serialised = prepared[index] ?? prepareEvent(event);
    const stored: StoredEvent = { ...unhashed, hash: hashPrepared(event, serialised, placement, () => unhashed) };
    sealed.push(stored);
    prev = { position: stored.globalPosition, hash: stored.hash };
  });
  return sealed;
}

/**
 * Copies exactly the envelope's fields, so a caller's extra properties are neither hashed nor
 * returned, and what append returns equals what a later read returns.
 */
function envelope(event: NewEvent, placement: Placement): Omit<StoredEvent, 'hash'> {
  return {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamId: placement.streamId,
    streamRevision: placement.streamRevision,
    globalPosition: placement.globalPosition,
    occurredAt: event.occurredAt,
    recordedAt: placement.recordedAt,
    actor: { organisationId: event.actor.organisationId, role: event.actor.role, keyId: event.actor.keyId },
    // A JavaScript caller may leave causationId out; the stored (and hashed) form is always null.
    correlationId: event.correlationId,
    causationId: event.causationId ?? null,
    data: event.data,
    metadata: event.metadata,
    prevHash: placement.prevHash,
  };
}

// ---------------------------------------------------------------------------------------------
// Rows: both SQL adapters use the same column names, so rows map to events in one place.

/** Column names of the events table, in the order adapters insert them. */
export const EVENT_COLUMNS = [
  'global_position',
  'event_id',
  'stream_id',
  'stream_revision',
  'type',
  'schema_version',
  'occurred_at',
  'recorded_at',
  'actor_organisation_id',
  'actor_role',
  'actor_key_id',
  'correlation_id',
  'causation_id',
  'data',
  'metadata',
  'hash',
  'prev_hash',
] as const;

/**
 * A row as a driver returns it. Integers may arrive as strings (PostgreSQL bigint) and JSON as text
 * (adapters select it as text so both parse it the same way).
 */
export interface EventRow {
  readonly global_position: number | string | bigint;
  readonly event_id: string;
  readonly stream_id: string;
  readonly stream_revision: number | string | bigint;
  readonly type: string;
  readonly schema_version: number | string | bigint;
  readonly occurred_at: string;
  readonly recorded_at: string;
  readonly actor_organisation_id: string;
  readonly actor_role: string;
  readonly actor_key_id: string;
  readonly correlation_id: string;
  readonly causation_id: string | null;
  readonly data: string;
  readonly metadata: string;
  readonly hash: string;
  readonly prev_hash: string;
}

/** A column value as both drivers bind it. */
export type SqlValue = string | number | null;

/** The values of one event in `EVENT_COLUMNS` order; data and metadata as JSON text. */
export function rowValues(event: StoredEvent): SqlValue[] {
  return [
    event.globalPosition,
    event.eventId,
    event.streamId,
    event.streamRevision,
    event.type,
    event.schemaVersion,
    event.occurredAt,
    event.recordedAt,
    event.actor.organisationId,
    event.actor.role,
    event.actor.keyId,
    event.correlationId,
    event.causationId,
    JSON.stringify(event.data),
    JSON.stringify(event.metadata),
    event.hash,
    event.prevHash,
  ];
}

export function eventFromRow(row: EventRow): StoredEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    schemaVersion: toSafeInteger(row.schema_version),
    streamId: row.stream_id,
    streamRevision: toSafeInteger(row.stream_revision),
    globalPosition: toSafeInteger(row.global_position),
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    actor: { organisationId: row.actor_organisation_id, role: row.actor_role, keyId: row.actor_key_id },
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    data: parseJsonObject(row.data),
    metadata: parseJsonObject(row.metadata),
    hash: row.hash,
    prevHash: row.prev_hash,
  };
}

export function toSafeInteger(value: number | string | bigint): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError(`Stored integer ${String(value)} is not a safe integer`);
  return number;
}

function parseJsonObject(text: string): JsonObject {
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TypeError('Stored event data or metadata is not a JSON object');
  }
  return parsed as JsonObject;
}

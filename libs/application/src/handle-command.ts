import { createHash } from 'node:crypto';
import { canonicalJson } from '#kierto/event-store';
import { ConcurrencyError } from '#kierto/event-store';
import type { Actor, EventStore, JsonValue, StoredEvent } from '#kierto/event-store';
import { decideCommand } from './decide-command.js';
import { foldStream, type DomainEventShape, type StreamKind } from './streams.js';

export interface CommandContext {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string | null;
  /** Makes a retried request a no-op that answers like the first time (Idempotency-Key header). */
  readonly idempotencyKey: string | null;
  /** Fingerprint of the request, to tell a retry from a different request reusing the key. */
  readonly requestFingerprint: string;
  /** When the caller states the revision it saw (If-Match), a moved stream is a conflict, not a retry. */
  readonly expectedRevision: number | 'no-stream' | null;
  /** Event ids for requests without an idempotency key. */
  readonly newEventId: () => string;
  /** Told before each automatic retry after a concurrent writer moved the stream (traces count them). */
  readonly onRetry?: (attempt: number) => void;
  /**
   * The command starts its stream (placing a device on the market): decide it first on the empty
   * stream without reading it. The append expects no stream, so an existing one makes it conflict,
   * and the command is then read and decided like any other (refused as the stream's state says).
   * Saves the read, a round trip, on every new stream. Ignored when If-Match pins a revision.
   */
  readonly startsStream?: boolean;
}

export interface CommandOutcome {
  readonly streamId: string;
  readonly events: readonly StoredEvent[];
  readonly revision: number;
  /** True when this answers a retry: nothing new was appended. */
  readonly replayed: boolean;
}

export class IdempotencyKeyReusedError extends Error {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(readonly idempotencyKey: string) {
    super(`Idempotency-Key ${idempotencyKey} was already used for a different request`);
  }
}

/**
 * Automatic retries when another writer moved the stream between our read and our append. Each
 * retry waits a random time up to a doubling ceiling ("full jitter"): writers that collided once do
 * not collide again in lock-step, and a hot stream's writers spread out until each gets its turn.
 * Measured in test/api/contention.e2e-spec.ts (two API processes on one PostgreSQL store).
 */
export const RETRY_POLICY = { maxAttempts: 12, firstDelayMs: 4, maxDelayMs: 250 } as const;

/** The wait before retry number `attempt` (1 = the first retry): uniform in [0, min(max, first · 2^(attempt−1))]. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_POLICY.maxDelayMs, RETRY_POLICY.firstDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Commands of one stream run one at a time in this process, in arrival order. Concurrent requests
 * for a hot device would otherwise all read the same revision and all but one lose the append; in
 * one process they need not race at all. Writers in other processes (another API instance, the CLI)
 * still can, and the jittered retries are for them. Keyed by store, so that two stores in one
 * process (tests) do not wait for each other.
 */
const streamQueues = new WeakMap<EventStore, Map<string, Promise<void>>>();

function oneAtATime<T>(store: EventStore, streamId: string, work: () => Promise<T>): Promise<T> {
  let queues = streamQueues.get(store);
  if (queues === undefined) {
    queues = new Map();
    streamQueues.set(store, queues);
  }
  const previous = queues.get(streamId) ?? Promise.resolve();
  const run = previous.then(work);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(streamId, settled);
  // The last command of a stream removes its entry, so the map holds only streams being written.
  void settled.then(() => {
    if (queues.get(streamId) === settled) queues.delete(streamId);
  });
  return run;
}

/**
 * The one way a command is handled, for every kind of stream: read the stream, fold it, decide,
 * append with the revision that was read. A concurrent writer makes the append fail; the command is
 * then decided again on the new state (the rules are checked against what is really stored),
 * unless the caller pinned the revision with If-Match.
 */
export function handleCommand<Command, Event extends DomainEventShape, State>(
  store: EventStore,
  kind: StreamKind<Command, Event, State>,
  streamId: string,
  command: Command,
  context: CommandContext,
): Promise<CommandOutcome> {
  return oneAtATime(store, streamId, () => handleNow(store, kind, streamId, command, context));
}

async function handleNow<Command, Event extends DomainEventShape, State>(
  store: EventStore,
  kind: StreamKind<Command, Event, State>,
  streamId: string,
  command: Command,
  context: CommandContext,
): Promise<CommandOutcome> {
  const earlier = await earlierRequestEvents(store, context);
  if (earlier !== null) return replayed(earlier);

  const eventIdAt = eventIdsOf(context);
  const decideOn = (state: State) =>
    decideCommand(kind, state, command, {
      eventId: eventIdAt,
      actor: context.actor,
      correlationId: context.correlationId,
      causationId: context.causationId,
      metadata: { requestFingerprint: context.requestFingerprint },
    }).events;
  let unread = context.startsStream === true && context.expectedRevision === null;
  return retryOnConflict(
    context,
    async () => {
      if (unread) {
        unread = false;
        try {
          return { events: decideOn(kind.initialState()), expectedRevision: 'no-stream' as const };
        } catch {
          // Refused on an empty stream: the answer is the one the stored stream gives, read below.
        }
      }
      const { state, expectedRevision } = await readToDecide(store, kind, streamId, context);
      return { events: decideOn(state), expectedRevision };
    },
    async ({ events, expectedRevision }) => {
      const result = await store.append(streamId, events, expectedRevision);
      if (result.replayed && context.idempotencyKey !== null) {
        const first = result.events[0];
        if (first !== undefined) {
          return replayed(await requestEventsFrom(store, first, context, context.idempotencyKey));
        }
      }
      return { streamId, events: result.events, revision: result.nextExpectedRevision, replayed: result.replayed };
    },
  );
}

/** What a replayed request answers: its stream and the revision its last event left the stream at. */
function replayed(events: readonly [StoredEvent, ...StoredEvent[]]): CommandOutcome {
  const first = events[0];
  const last = events.at(-1) ?? first;
  return { streamId: first.streamId, events, revision: last.streamRevision, replayed: true };
}

/*
 * The steps every command loop shares, the one for a device, producer or ORDS stream above and the
 * one for a lot and its devices (lots.ts): the same event ids, idempotency replay and retries.
 */

/** Event ids of a command's events: derived from the Idempotency-Key (a retry gets the same ids), else new ones. */
export function eventIdsOf(context: CommandContext): (index: number) => string {
  return (index) =>
    context.idempotencyKey === null
      ? context.newEventId()
      : idempotentEventId(context.actor.organisationId, context.idempotencyKey, index);
}

/**
 * The events of an earlier request with this Idempotency-Key, first to last, when there was one (this
 * request then appends nothing); null when the key is new or there is no key.
 */
export async function earlierRequestEvents(
  store: EventStore,
  context: CommandContext,
): Promise<[StoredEvent, ...StoredEvent[]] | null> {
  if (context.idempotencyKey === null) return null;
  const first = await store.findEvent(idempotentEventId(context.actor.organisationId, context.idempotencyKey, 0));
  return first === null ? null : requestEventsFrom(store, first, context, context.idempotencyKey);
}

/**
 * The events one request recorded under an Idempotency-Key, from its first: a different request
 * reusing the key (another fingerprint) is refused.
 */
export async function requestEventsFrom(
  store: EventStore,
  first: StoredEvent,
  context: CommandContext,
  idempotencyKey: string,
): Promise<[StoredEvent, ...StoredEvent[]]> {
  if (first.metadata['requestFingerprint'] !== context.requestFingerprint) {
    throw new IdempotencyKeyReusedError(idempotencyKey);
  }
  const events: [StoredEvent, ...StoredEvent[]] = [first];
  for (let index = 1; ; index += 1) {
    const next = await store.findEvent(idempotentEventId(context.actor.organisationId, idempotencyKey, index));
    if (next === null) break;
    events.push(next);
  }
  return events;
}

/**
 * A stream folded for a decision, with the revision its append expects; when the caller pinned a
 * revision (If-Match) the stream has moved past, that is a conflict at once.
 */
export async function readToDecide<Command, Event extends DomainEventShape, State>(
  store: EventStore,
  kind: StreamKind<Command, Event, State>,
  streamId: string,
  context: CommandContext,
): Promise<{ readonly state: State; readonly expectedRevision: number | 'no-stream' }> {
  const { state, revision } = foldStream(kind, await store.readStream(streamId));
  const expectedRevision = revision ?? 'no-stream';
  if (context.expectedRevision !== null && context.expectedRevision !== expectedRevision) {
    throw new ConcurrencyError(streamId, String(context.expectedRevision), revision ?? -1);
  }
  return { state, expectedRevision };
}

/**
 * Decide, then append; when a concurrent writer moved a stream between the read and the append, read
 * and decide again (RETRY_POLICY), unless the caller pinned the revision with If-Match. Only the
 * append is retried on: what `decide` throws (a refusal, a pinned revision moved) is the answer.
 */
export async function retryOnConflict<Decided, Outcome>(
  context: CommandContext,
  decide: () => Promise<Decided>,
  append: (decided: Decided) => Promise<Outcome>,
): Promise<Outcome> {
  for (let attempt = 1; ; attempt += 1) {
    const decided = await decide();
    try {
      return await append(decided);
    } catch (error) {
      const retryable = error instanceof ConcurrencyError && context.expectedRevision === null;
      if (!retryable || attempt >= RETRY_POLICY.maxAttempts) throw error;
      context.onRetry?.(attempt);
      await sleep(retryDelayMs(attempt));
    }
  }
}

/**
 * The same organisation retrying with the same key gets the same event ids, so the store's unique
 * event ids make the retry harmless even when two retries race. Formatted as a UUID (version 8).
 */
export function idempotentEventId(organisationId: string, idempotencyKey: string, index: number): string {
  const hex = createHash('sha256').update(`${organisationId}\n${idempotencyKey}\n${index}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/** A stable digest of what was asked, for telling a retry from a different request. */
export function fingerprint(method: string, path: string, body: JsonValue): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}

import { SCHEMA_VERSION } from '#kierto/domain';
import type { Actor, JsonObject, NewEvent } from '#kierto/event-store';
import { toJsonObject } from './json.js';
import type { DomainEventShape, StreamKind } from './streams.js';

/** What the caller gives each event's envelope; the store adds positions, revisions, time and hashes. */
export interface EnvelopeSource {
  /** The id of the index-th event the command records (a command may record several). */
  readonly eventId: (index: number) => string;
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly metadata: JsonObject;
  /**
   * The command's data when it is known to be plain JSON already (bulk import: the parsed line). An
   * event that carries this very object is stored as it is; any other data is copied through JSON,
   * which drops `undefined` members so that what is hashed at append equals what is read back. The
   * copy would cost the import a measurable share of its time for nothing.
   */
  readonly parsedJson?: JsonObject;
}

export interface DecidedCommand<State> {
  /** What decide returned, in the envelopes to append. Empty when the command records nothing. */
  readonly events: NewEvent[];
  /** The state once those events are stored. */
  readonly state: State;
}

/**
 * The decision step of every command, whichever way it comes in: decide on the folded state (throws
 * the DomainError of a broken rule), put each event decide returned into its envelope, and evolve
 * the state through them. The HTTP command handler appends the events to one stream
 * (handle-command.ts); bulk import collects them across streams for one appendMany and decides the
 * device's next line on the returned state (docs/import.md).
 */
export function decideCommand<Command, Event extends DomainEventShape, State>(
  kind: StreamKind<Command, Event, State>,
  state: State,
  command: Command,
  envelope: EnvelopeSource,
): DecidedCommand<State> {
  const decided = kind.decide(command, state);
  let next = state;
  const events: NewEvent[] = [];
  for (let index = 0; index < decided.length; index += 1) {
    const event = decided[index] as Event;
    next = kind.evolve(next, event);
    events.push({
      eventId: envelope.eventId(index),
      type: event.type,
      schemaVersion: SCHEMA_VERSION,
      occurredAt: event.occurredAt,
      actor: envelope.actor,
      correlationId: envelope.correlationId,
      causationId: envelope.causationId,
      data: event.data === envelope.parsedJson ? envelope.parsedJson : toJsonObject(event.data),
      metadata: envelope.metadata,
    });
  }
  return { events, state: next };
}

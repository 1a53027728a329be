import {
  deviceDecider,
  isDeviceEventType,
  isLotEventType,
  isMembershipEventType,
  lotDecider,
  membershipDecider,
  type Decider,
  type DeviceCommand,
  type DeviceEvent,
  type DeviceState,
  type LotCommand,
  type LotEvent,
  type LotState,
  type MembershipCommand,
  type MembershipEvent,
  type MembershipState,
} from '#kierto/domain';
import type { StoredEvent } from '#kierto/event-store';

/** What every domain event looks like once the store's envelope is taken off. */
export interface DomainEventShape {
  readonly type: string;
  readonly occurredAt: string;
  readonly data: object;
}

/** A kind of stream: its decider, and how its stored events read back as domain events. */
export interface StreamKind<Command, Event extends DomainEventShape, State> extends Decider<Command, Event, State> {
  /** For messages: "device", "producer membership". */
  readonly name: string;
  /** Throws when the stored event is not of this kind of stream (a bug, or a foreign stream id). */
  readonly toEvent: (stored: StoredEvent) => Event;
}

function streamKind<Command, Event extends DomainEventShape, State>(
  name: string,
  decider: Decider<Command, Event, State>,
  isEventType: (type: string) => boolean,
): StreamKind<Command, Event, State> {
  return {
    ...decider,
    name,
    toEvent(stored) {
      if (!isEventType(stored.type)) {
        throw new Error(`Event ${stored.eventId} has type ${stored.type}, which is not a ${name} event`);
      }
      // The store only holds events validated when they were appended.
      return { type: stored.type, occurredAt: stored.occurredAt, data: stored.data } as unknown as Event;
    },
  };
}

export const deviceStreams: StreamKind<DeviceCommand, DeviceEvent, DeviceState> = streamKind(
  'device',
  deviceDecider,
  isDeviceEventType,
);

export const producerStreams: StreamKind<MembershipCommand, MembershipEvent, MembershipState> = streamKind(
  'producer membership',
  membershipDecider,
  isMembershipEventType,
);

export const lotStreams: StreamKind<LotCommand, LotEvent, LotState> = streamKind('lot', lotDecider, isLotEventType);

export interface StreamSnapshot<State> {
  readonly state: State;
  /** Revision of the stream's last event, or null when the stream does not exist. */
  readonly revision: number | null;
}

export function foldStream<Command, Event extends DomainEventShape, State>(
  kind: StreamKind<Command, Event, State>,
  history: readonly StoredEvent[],
): StreamSnapshot<State> {
  let state = kind.initialState();
  for (const stored of history) state = kind.evolve(state, kind.toEvent(stored));
  const last = history.at(-1);
  return { state, revision: last === undefined ? null : last.streamRevision };
}

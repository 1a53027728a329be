/**
 * Producers join and leave producer organisations over time (docs/statistics.md: an organisation's
 * figures follow membership at the time of each event). One stream per producer, `producer:{producerId}`,
 * holds its membership history; `occurredAt` is when a change takes effect, which may lie well
 * before the moment it is recorded (statistics attribute by effect time, at query time).
 *
 * Rules (stable codes in rules.ts):
 * - a producer belongs to at most one organisation at a time: joining while a member is refused;
 * - a producer leaves only the organisation it is in;
 * - time is monotonic per stream, as for devices (rule 5).
 */
import type { Decider } from './decider.js';
import { ruleBroken } from './errors.js';
import type { EventOf, Timestamp } from './events.js';
import { ErrorCodes } from './rules.js';
import { assertNever } from './state.js';
import { checkOccurredAt } from './time.js';

export interface ProducerJoinedOrganisationData {
  readonly organisationId: string;
}

export interface ProducerLeftOrganisationData {
  readonly organisationId: string;
}

export interface MembershipEventDataByType {
  readonly ProducerJoinedOrganisation: ProducerJoinedOrganisationData;
  readonly ProducerLeftOrganisation: ProducerLeftOrganisationData;
}

export type MembershipEventType = keyof MembershipEventDataByType;

/** The command that records each membership event (as DEVICE_COMMAND_OF in events.ts for devices). */
export const MEMBERSHIP_COMMAND_OF = {
  ProducerJoinedOrganisation: 'JoinProducerOrganisation',
  ProducerLeftOrganisation: 'LeaveProducerOrganisation',
} as const satisfies Record<MembershipEventType, string>;

export const MEMBERSHIP_EVENT_TYPES = Object.keys(MEMBERSHIP_COMMAND_OF) as readonly MembershipEventType[];

export type MembershipEvent = EventOf<MembershipEventDataByType>;

export function isMembershipEventType(type: string): type is MembershipEventType {
  return (MEMBERSHIP_EVENT_TYPES as readonly string[]).includes(type);
}

interface MembershipCommandOf<K extends string, D> {
  readonly kind: K;
  readonly producerId: string;
  readonly occurredAt: Timestamp;
  readonly now: Timestamp;
  readonly data: D;
}

type MembershipCommandFor<T extends MembershipEventType> = MembershipCommandOf<
  (typeof MEMBERSHIP_COMMAND_OF)[T],
  MembershipEventDataByType[T]
>;

export type JoinProducerOrganisation = MembershipCommandFor<'ProducerJoinedOrganisation'>;
export type LeaveProducerOrganisation = MembershipCommandFor<'ProducerLeftOrganisation'>;
export type MembershipCommand = { [T in MembershipEventType]: MembershipCommandFor<T> }[MembershipEventType];
export type MembershipCommandKind = MembershipCommand['kind'];

export interface MembershipState {
  /** The organisation the producer belongs to now, or null. */
  readonly organisationId: string | null;
  /** occurredAt of the stream's last event, null for a new stream. */
  readonly lastOccurredAt: Timestamp | null;
}

export const PRODUCER_STREAM_PREFIX = 'producer:';

/** The stream of a producer's membership history. */
export const producerStreamId = (producerId: string): string => `${PRODUCER_STREAM_PREFIX}${producerId}`;

export const initialMembershipState = (): MembershipState => ({ organisationId: null, lastOccurredAt: null });

export function evolveMembership(state: MembershipState, event: MembershipEvent): MembershipState {
  switch (event.type) {
    case 'ProducerJoinedOrganisation':
      return { organisationId: event.data.organisationId, lastOccurredAt: event.occurredAt };
    case 'ProducerLeftOrganisation':
      return { organisationId: null, lastOccurredAt: event.occurredAt };
    default:
      return assertNever(event);
  }
}

export function decideMembership(command: MembershipCommand, state: MembershipState): MembershipEvent[] {
  const { occurredAt } = command;
  switch (command.kind) {
    case 'JoinProducerOrganisation': {
      if (state.organisationId !== null) {
        throw ruleBroken(
          ErrorCodes.alreadyMember,
          `Producer ${command.producerId} is a member of ${state.organisationId}: it leaves that organisation before it joins another`,
          'organisationId',
        );
      }
      checkOccurredAt(occurredAt, command.now, state.lastOccurredAt);
      return [{ type: 'ProducerJoinedOrganisation', occurredAt, data: command.data }];
    }
    case 'LeaveProducerOrganisation': {
      if (state.organisationId !== command.data.organisationId) {
        const actually =
          state.organisationId === null ? 'is in no organisation' : `is a member of ${state.organisationId}`;
        throw ruleBroken(
          ErrorCodes.notAMember,
          `Producer ${command.producerId} ${actually}, not of ${command.data.organisationId}`,
          'organisationId',
        );
      }
      checkOccurredAt(occurredAt, command.now, state.lastOccurredAt);
      return [{ type: 'ProducerLeftOrganisation', occurredAt, data: command.data }];
    }
    default:
      return assertNever(command);
  }
}

export const membershipDecider: Decider<MembershipCommand, MembershipEvent, MembershipState> = {
  decide: decideMembership,
  evolve: evolveMembership,
  initialState: initialMembershipState,
};

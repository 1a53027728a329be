/**
 * Every event and command of Kierto's streams in one place: device histories (events.ts,
 * commands.ts), producer memberships (membership.ts) and lots (lots.ts). The JSON Schemas cover
 * exactly these.
 */
import type { DeviceCommand } from './commands.js';
import { DEVICE_COMMAND_OF, DEVICE_EVENT_TYPES, type DeviceEvent, type EventDataByType } from './events.js';
import { LOT_COMMAND_OF, LOT_EVENT_TYPES, type LotCommand, type LotEvent, type LotEventDataByType } from './lots.js';
import {
  MEMBERSHIP_COMMAND_OF,
  MEMBERSHIP_EVENT_TYPES,
  type MembershipCommand,
  type MembershipEvent,
  type MembershipEventDataByType,
} from './membership.js';

export interface DomainEventDataByType extends EventDataByType, MembershipEventDataByType, LotEventDataByType {}
export type DomainEventType = keyof DomainEventDataByType;
export type DomainEvent = DeviceEvent | MembershipEvent | LotEvent;
export type DomainCommand = DeviceCommand | MembershipCommand | LotCommand;
export type DomainCommandKind = DomainCommand['kind'];

export const DOMAIN_EVENT_TYPES: readonly DomainEventType[] = [
  ...DEVICE_EVENT_TYPES,
  ...MEMBERSHIP_EVENT_TYPES,
  ...LOT_EVENT_TYPES,
];

/** The command that records each event, every kind of stream: DEVICE_, MEMBERSHIP_ and LOT_COMMAND_OF. */
export const COMMAND_OF = {
  ...DEVICE_COMMAND_OF,
  ...MEMBERSHIP_COMMAND_OF,
  ...LOT_COMMAND_OF,
} as const satisfies Record<DomainEventType, DomainCommandKind>;

type CommandTable = typeof COMMAND_OF;

/** The same table read the other way: the event each command records when it is accepted. */
export type EventTypeOfCommand = { readonly [E in DomainEventType as CommandTable[E]]: E };

export const EVENT_TYPE_OF_COMMAND = Object.fromEntries(
  Object.entries(COMMAND_OF).map(([eventType, commandKind]) => [commandKind, eventType]),
) as EventTypeOfCommand;

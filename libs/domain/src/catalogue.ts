/**
 * Every event and command of Kierto's streams in one place: device histories (events.ts,
 * commands.ts) and producer memberships (membership.ts). The JSON Schemas cover exactly these.
 */
import type { DeviceCommand } from './commands.js';
import { DEVICE_EVENT_TYPES, type DeviceEvent, type EventDataByType } from './events.js';
import { MEMBERSHIP_EVENT_TYPES, type MembershipCommand, type MembershipEvent, type MembershipEventDataByType } from './membership.js';

export interface DomainEventDataByType extends EventDataByType, MembershipEventDataByType {}
export type DomainEventType = keyof DomainEventDataByType;
export type DomainEvent = DeviceEvent | MembershipEvent;
export type DomainCommand = DeviceCommand | MembershipCommand;
export type DomainCommandKind = DomainCommand['kind'];

export const DOMAIN_EVENT_TYPES: readonly DomainEventType[] = [...DEVICE_EVENT_TYPES, ...MEMBERSHIP_EVENT_TYPES];

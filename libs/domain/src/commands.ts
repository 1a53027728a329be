import type { DeviceId } from './identity.js';
import { DEVICE_COMMAND_OF, type DeviceEventType, type EventDataByType, type Timestamp } from './events.js';

/**
 * Commands name what someone asks to record. They carry the time the thing happened (`occurredAt`)
 * and the time the request is decided (`now`), so decide stays free of clocks. Each command carries
 * the data of the event it records (the event → command table in events.ts).
 */
interface CommandOf<K extends string, D> {
  readonly kind: K;
  readonly deviceId: DeviceId;
  readonly occurredAt: Timestamp;
  readonly now: Timestamp;
  readonly data: D;
}

/** The command that records events of type T. */
export type DeviceCommandFor<T extends DeviceEventType> = CommandOf<(typeof DEVICE_COMMAND_OF)[T], EventDataByType[T]>;

export type PlaceDeviceOnMarket = DeviceCommandFor<'DevicePlacedOnMarket'>;
export type CollectDevice = DeviceCommandFor<'DeviceCollected'>;
export type RecordDataWipe = DeviceCommandFor<'DeviceDataWiped'>;
export type RecordRepair = DeviceCommandFor<'DeviceRepaired'>;
export type RecordResale = DeviceCommandFor<'DeviceResold'>;
export type RecordRecycling = DeviceCommandFor<'DeviceRecycled'>;
export type RecordHandover = DeviceCommandFor<'DeviceHandedOver'>;

export type DeviceCommand = { [T in DeviceEventType]: DeviceCommandFor<T> }[DeviceEventType];

export type DeviceCommandKind = DeviceCommand['kind'];

/**
 * The command that records an event of `type`: how a line of a bulk import, which names the event
 * it stands for (docs/import.md), becomes the command the HTTP route would send.
 */
export function deviceCommandOf<T extends DeviceEventType>(
  type: T,
  fields: Omit<DeviceCommandFor<T>, 'kind'>,
): DeviceCommand {
  // Written out rather than spread: the same shape as the commands the HTTP routes build, so decide
  // sees one object layout. TypeScript does not correlate T across the table and the data;
  // DeviceCommandFor<T> is that pairing.
  const { deviceId, occurredAt, now, data } = fields;
  return { kind: DEVICE_COMMAND_OF[type], deviceId, occurredAt, now, data } as DeviceCommandFor<T> as DeviceCommand;
}

import type { DeviceId } from './identity.js';
import type {
  DeviceCollectedData,
  DeviceDataWipedData,
  DevicePlacedOnMarketData,
  DeviceRecycledData,
  DeviceRepairedData,
  DeviceResoldData,
  Timestamp,
} from './events.js';

/**
 * Commands name what someone asks to record. They carry the time the thing happened (`occurredAt`)
 * and the time the request is decided (`now`), so decide stays free of clocks.
 */
interface CommandOf<K extends string, D> {
  readonly kind: K;
  readonly deviceId: DeviceId;
  readonly occurredAt: Timestamp;
  readonly now: Timestamp;
  readonly data: D;
}

export type PlaceDeviceOnMarket = CommandOf<'PlaceDeviceOnMarket', DevicePlacedOnMarketData>;
export type CollectDevice = CommandOf<'CollectDevice', DeviceCollectedData>;
export type RecordDataWipe = CommandOf<'RecordDataWipe', DeviceDataWipedData>;
export type RecordRepair = CommandOf<'RecordRepair', DeviceRepairedData>;
export type RecordResale = CommandOf<'RecordResale', DeviceResoldData>;
export type RecordRecycling = CommandOf<'RecordRecycling', DeviceRecycledData>;

export type DeviceCommand =
  | PlaceDeviceOnMarket
  | CollectDevice
  | RecordDataWipe
  | RecordRepair
  | RecordResale
  | RecordRecycling;

export type DeviceCommandKind = DeviceCommand['kind'];

import type {
  DeviceCollectedData,
  DeviceDataWipedData,
  DevicePlacedOnMarketData,
  DeviceRecycledData,
  DeviceRepairedData,
  DeviceResoldData,
  Timestamp,
} from '../../../../libs/domain/src/index.js';

/** Each command's body is its event's data plus when it happened (schemas/v1/requests). */
type BodyOf<D> = D & { readonly occurredAt: Timestamp };

export type PlaceDeviceOnMarketBody = BodyOf<DevicePlacedOnMarketData>;
export type CollectDeviceBody = BodyOf<DeviceCollectedData>;
export type RecordDataWipeBody = BodyOf<DeviceDataWipedData>;
export type RecordRepairBody = BodyOf<DeviceRepairedData>;
export type RecordResaleBody = BodyOf<DeviceResoldData>;
export type RecordRecyclingBody = BodyOf<DeviceRecycledData>;

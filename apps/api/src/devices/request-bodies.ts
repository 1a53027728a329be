import type { RequestBodyByName } from '#kierto/schemas';

/** Each command's body is its event's data plus when it happened (schemas/v1/requests). */
export type PlaceDeviceOnMarketBody = RequestBodyByName['PlaceDeviceOnMarket'];
export type CollectDeviceBody = RequestBodyByName['CollectDevice'];
export type RecordDataWipeBody = RequestBodyByName['RecordDataWipe'];
export type RecordRepairBody = RequestBodyByName['RecordRepair'];
export type RecordResaleBody = RequestBodyByName['RecordResale'];
export type RecordRecyclingBody = RequestBodyByName['RecordRecycling'];

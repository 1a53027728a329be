/**
 * The event catalogue. Events are plain readonly data with a string `type`; the JSON
 * Schemas in schemas/ describe the same shapes for outsiders, and a test fails when they drift apart.
 */

/** WEEE Annex III categories (from 15 Aug 2018). */
export type WeeeCategory = 1 | 2 | 3 | 4 | 5 | 6;
/** WEEE Annex I categories (until 14 Aug 2018): names, periods and the UNU-KEY bridge in category-schemes.ts. */
export type AnnexICategory = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
export type Market = 'household' | 'non-household';
/** ISO 3166-1 alpha-2. */
export type CountryCode = string;
/** ISO 8601 date-time with a time zone, e.g. "2025-03-01T10:00:00Z". */
export type Timestamp = string;

export interface Material {
  readonly name: string;
  readonly massKg: number;
  /** On the EU critical raw materials list (Regulation (EU) 2024/1252). */
  readonly criticalRawMaterial: boolean;
  /** Share of this material that comes from recycling, 0–100. */
  readonly recycledContentPercent: number;
}

export interface HazardousSubstance {
  readonly name: string;
  readonly casNumber?: string;
  readonly massKg?: number;
  /** Where in the device it sits, for disassembly (e.g. "backlight", "battery"). */
  readonly location?: string;
}

export type RepairabilityClass = 'A' | 'B' | 'C' | 'D' | 'E';

export interface RepairInformation {
  readonly repairManualUrl?: string;
  readonly disassemblyInstructionsUrl?: string;
  /** ISO date until which the producer keeps spare parts available. */
  readonly sparePartsAvailableUntil?: string;
  readonly repairabilityClass?: RepairabilityClass;
}

export interface ProductDescription {
  readonly manufacturer: string;
  readonly brand: string;
  readonly model: string;
  readonly gtin?: string;
  readonly serialNumber: string;
  readonly weeeCategory: WeeeCategory;
  /** Annex I category (1–10) where the producer gives it; else category-schemes.ts decides (docs/adr/0015). */
  readonly annexICategory?: AnnexICategory;
  /** UNU-KEY, e.g. "0302": the usual bridge to the Annex I category. */
  readonly unuKey?: string;
  readonly weightKg: number;
  readonly yearOfManufacture: number;
  readonly hasDataStorage: boolean;
  readonly materials: readonly Material[];
  readonly hazardousSubstances: readonly HazardousSubstance[];
  readonly repairInformation: RepairInformation;
  readonly carbonFootprintKgCo2e?: number;
  readonly warrantyMonths?: number;
}

/**
 * An identifier a party gave a unit that carries none of its own (ADR 0016): the label number a
 * collection point sticks on an appliance, a repair record's id. `issuer` names who gave it, so two
 * issuers' numbers never meet.
 */
export interface LocalIdentifier {
  readonly issuer: string;
  readonly value: string;
}

/** What a collector may not know of a device it is the first to see. */
type DetailsACollectorMayNotKnow =
  | 'manufacturer'
  | 'brand'
  | 'model'
  | 'serialNumber'
  | 'yearOfManufacture'
  | 'hasDataStorage'
  | 'materials'
  | 'hazardousSubstances'
  | 'repairInformation';

/**
 * What a collector can tell of a device first seen at collection (ADR 0016): its category and
 * weight, the identifiers on it, and whatever else it knows; a full ProductDescription is one too.
 * Identity: GTIN + serial, else manufacturer + serial, else the local identifier. An unknown
 * `hasDataStorage` counts as "may hold user data": a resale then needs a passing wipe first (rule 4).
 */
export type CollectedProductDescription = Omit<ProductDescription, DetailsACollectorMayNotKnow> &
  Partial<Pick<ProductDescription, DetailsACollectorMayNotKnow>> & { readonly localId?: LocalIdentifier };

export interface DevicePlacedOnMarketData {
  readonly producerId: string;
  readonly country: CountryCode;
  readonly market: Market;
  readonly product: ProductDescription;
}

export type CollectionChannel =
  'municipal' | 'retailer-take-back' | 'producer-take-back' | 'reuse-centre' | 'repair-shop' | 'other';

export type DeviceCondition = 'working' | 'repairable' | 'broken' | 'unknown';

export interface DeviceCollectedData {
  readonly collectionPointId: string;
  readonly channel: CollectionChannel;
  readonly source: Market;
  readonly country: CountryCode;
  readonly measuredWeightKg?: number;
  readonly condition: DeviceCondition;
  /** The producer organisation this collection is reported for, when the collector knows it. */
  readonly onBehalfOf?: string;
  /** Required when the device was never placed on market in Kierto: it starts the stream. */
  readonly product?: CollectedProductDescription;
}

/** NIST SP 800-88 / IEEE 2883 sanitisation method types. */
export type SanitisationMethod = 'clear' | 'purge' | 'destruct';
export type SanitisationStandard = 'NIST SP 800-88' | 'IEEE 2883';
export type StorageMediumType = 'hdd' | 'ssd' | 'nvme' | 'emmc' | 'flash' | 'hybrid' | 'other';
export type WipeResult = 'passed' | 'failed';

export interface StorageMedium {
  readonly type: StorageMediumType;
  readonly serialNumber: string;
  readonly capacityGb: number;
  readonly result: WipeResult;
}

export interface WipeVerification {
  /** Full read-back or sampled verification (NIST SP 800-88 App. G). */
  readonly method: 'full' | 'sampling' | 'none';
  readonly verified: boolean;
}

export interface DeviceDataWipedData {
  readonly standard: SanitisationStandard;
  readonly method: SanitisationMethod;
  /** The technique within the method, e.g. "overwrite", "block-erase", "crypto-erase". */
  readonly technique?: string;
  readonly tool: { readonly name: string; readonly version: string };
  readonly media: readonly StorageMedium[];
  readonly verification: WipeVerification;
  readonly result: WipeResult;
  readonly certificateId: string;
}

/** Open Repair Data Standard v0.3 repair status; `unknown` is ORDS "Unknown" (code 0: not recorded). */
export type RepairOutcome = 'fixed' | 'repairable' | 'end-of-life' | 'unknown';

/** ORDS v0.3 `repair_barrier_if_end_of_life`. */
export type RepairBarrier =
  | 'spare-parts-not-available'
  | 'spare-parts-too-expensive'
  | 'no-way-to-open-product'
  | 'repair-information-not-available'
  | 'lack-of-equipment'
  | 'item-too-worn-out';

export type PartCondition = 'new' | 'used' | 'refurbished';

export interface ReplacedPart {
  readonly name: string;
  readonly partNumber?: string;
  readonly condition: PartCondition;
}

export interface Money {
  readonly amount: number;
  /** ISO 4217. */
  readonly currency: string;
}

/**
 * What a repairer can tell of a device it is the first to see (ADR 0019): a repair café knows the
 * category and perhaps brand and year, rarely the weight. The device is then in use by its owner.
 */
export type RepairedProductDescription = Omit<CollectedProductDescription, 'weightKg'> & {
  readonly weightKg?: number;
};

/**
 * The record a repair was transcribed from, field by field as the source file gave it (ADR 0019):
 * kept in the event's data (covered by its hash) so that an export gives the record back unchanged.
 */
export interface RepairSourceRecord {
  readonly standard: 'ORDS';
  readonly version: '0.3';
  /** Column → the field's text exactly as read (no trimming, no missing-value rewriting); only the file's columns. */
  readonly record: Readonly<Partial<Record<OrdsFieldName, string>>>;
}

/** The fields of an ORDS v0.3 record: the table schema's 14 columns, and `record_date` of the standard. */
export type OrdsFieldName =
  | 'id'
  | 'data_provider'
  | 'country'
  | 'partner_product_category'
  | 'product_category'
  | 'product_category_id'
  | 'brand'
  | 'year_of_manufacture'
  | 'product_age'
  | 'repair_status'
  | 'repair_barrier_if_end_of_life'
  | 'group_identifier'
  | 'event_date'
  | 'problem'
  | 'record_date';

export interface DeviceRepairedData {
  readonly problem: string;
  readonly actions: readonly string[];
  readonly partsReplaced: readonly ReplacedPart[];
  readonly outcome: RepairOutcome;
  /**
   * Required when the outcome is end-of-life and the repair is Kierto's own; a transcribed record
   * (`source`) keeps its standard's choice (ORDS: optional). Absent for any other outcome.
   */
  readonly barrier?: RepairBarrier;
  /** Absent when not recorded (a transcribed ORDS record has no working time). */
  readonly labourMinutes?: number;
  readonly cost?: Money;
  /** Only on a repair that starts the device's history (ADR 0019): what the repairer knows of it. */
  readonly product?: RepairedProductDescription;
  readonly source?: RepairSourceRecord;
}

export type SalesChannel = 'shop' | 'online' | 'marketplace' | 'auction' | 'business-to-business' | 'other';
export type BuyerType = 'consumer' | 'business' | 'public-sector' | 'reseller';

export interface DeviceResoldData {
  readonly channel: SalesChannel;
  readonly buyerType: BuyerType;
  readonly country: CountryCode;
  readonly price: Money;
  readonly warrantyMonths: number;
}

export type OutputFate = 'recycled' | 'energy-recovery' | 'disposal';

export interface RecyclingOutput {
  readonly material: string;
  readonly massKg: number;
  readonly fate: OutputFate;
}

export interface DeviceRecycledData {
  readonly facilityId: string;
  readonly treatmentCountry: CountryCode;
  readonly weightKg: number;
  readonly outputs: readonly RecyclingOutput[];
}

/**
 * The device moved from one organisation to another with a lot whose handover the receiver accepted
 * (lots.ts, docs/adr/0026): recorded on the device's stream, in the same append as the lot's
 * LotHandoverAccepted, so that the device's own history says who holds it. Its lifecycle status is
 * unchanged: a handover within the chain is neither a collection nor a sale.
 */
export interface DeviceHandedOverData {
  readonly lotId: string;
  readonly handoverId: string;
  readonly fromOrganisationId: string;
  readonly toOrganisationId: string;
}

export interface EventDataByType {
  readonly DevicePlacedOnMarket: DevicePlacedOnMarketData;
  readonly DeviceCollected: DeviceCollectedData;
  readonly DeviceDataWiped: DeviceDataWipedData;
  readonly DeviceRepaired: DeviceRepairedData;
  readonly DeviceResold: DeviceResoldData;
  readonly DeviceRecycled: DeviceRecycledData;
  readonly DeviceHandedOver: DeviceHandedOverData;
}

export type DeviceEventType = keyof EventDataByType;

/**
 * The command that records each device event: the one event → command table. The list of event
 * types, the command kinds (commands.ts), the HTTP request names (libs/schemas), the permissions of
 * HTTP routes and import lines (libs/access) all derive from it, so a new event is added here once.
 * `satisfies` makes a missing or unknown event type a compile error.
 */
export const DEVICE_COMMAND_OF = {
  DevicePlacedOnMarket: 'PlaceDeviceOnMarket',
  DeviceCollected: 'CollectDevice',
  DeviceDataWiped: 'RecordDataWipe',
  DeviceRepaired: 'RecordRepair',
  DeviceResold: 'RecordResale',
  DeviceRecycled: 'RecordRecycling',
  DeviceHandedOver: 'RecordHandover',
} as const satisfies Record<DeviceEventType, string>;

/** Every device event type, in catalogue order. */
export const DEVICE_EVENT_TYPES = Object.keys(DEVICE_COMMAND_OF) as readonly DeviceEventType[];

/** Every event type is at schema version 1; an upcaster will sit beside this when one changes. */
export const SCHEMA_VERSION = 1;

/**
 * The events of a kind of stream, from its table of data by event type: a domain event as decide
 * produces it and evolve folds it (the envelope is the store's business).
 */
export type EventOf<DataByType> = {
  [T in keyof DataByType]: { readonly type: T; readonly occurredAt: Timestamp; readonly data: DataByType[T] };
}[keyof DataByType];

export type DeviceEvent = EventOf<EventDataByType>;

export function isDeviceEventType(type: string): type is DeviceEventType {
  return (DEVICE_EVENT_TYPES as readonly string[]).includes(type);
}

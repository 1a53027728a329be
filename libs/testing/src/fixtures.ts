/**
 * Realistic fixtures for specs: three products (a laptop, a fridge, a phone), and builders for each
 * command and event that take overrides. Every time is fixed; commands carry their own `now`.
 *
 * Default times follow one plausible history, and every default command time lies after every
 * default event time, so `given([...]).when(command)` never trips rule 5 unless a test means it to.
 */
import {
  deviceIdOf,
  identifierOfProduct,
  type DeviceCommand,
  type DeviceCommandKind,
  type DeviceCollectedData,
  type DeviceDataWipedData,
  type DeviceId,
  type DevicePlacedOnMarketData,
  type DeviceRecycledData,
  type DeviceRepairedData,
  type DeviceResoldData,
  type EventDataByType,
  type ProductDescription,
  type RepairedProductDescription,
  type Timestamp,
} from '#kierto/domain';

export const Times = {
  placedOnMarket: '2024-01-15T09:00:00Z',
  collected: '2025-03-03T10:00:00Z',
  wiped: '2025-03-04T10:00:00Z',
  repaired: '2025-03-05T10:00:00Z',
  resold: '2025-03-10T10:00:00Z',
  recycled: '2025-03-12T10:00:00Z',
  /** When a command's fact happened, by default: after every default event above. */
  command: '2025-06-02T09:00:00Z',
  /** The server clock a command is decided at, by default. */
  now: '2025-06-02T09:30:00Z',
} as const satisfies Record<string, Timestamp>;

// ---------------------------------------------------------------- products

/** GS1's own example GTIN; check digit 2. */
export const LAPTOP_GTIN = '09506000134352';
/** A GTIN-13 with a Finnish GS1 prefix; check digit 9. */
export const FRIDGE_GTIN = '6430012345679';

/** WEEE category 2 (screens), stores user data, cobalt, lithium and graphite in its battery. */
export const laptop = (overrides: Partial<ProductDescription> = {}): ProductDescription => ({
  manufacturer: 'Aalto Computing Oy',
  brand: 'Aalto',
  model: 'Book 14 G3',
  gtin: LAPTOP_GTIN,
  serialNumber: 'PF3K7Q2X',
  weeeCategory: 2,
  weightKg: 1.4,
  yearOfManufacture: 2023,
  hasDataStorage: true,
  materials: [
    { name: 'aluminium', massKg: 0.35, criticalRawMaterial: false, recycledContentPercent: 50 },
    { name: 'ABS/PC plastics', massKg: 0.3, criticalRawMaterial: false, recycledContentPercent: 30 },
    { name: 'display glass', massKg: 0.15, criticalRawMaterial: false, recycledContentPercent: 0 },
    { name: 'copper', massKg: 0.08, criticalRawMaterial: true, recycledContentPercent: 10 },
    { name: 'cobalt (battery cathode)', massKg: 0.025, criticalRawMaterial: true, recycledContentPercent: 0 },
    { name: 'lithium (battery)', massKg: 0.004, criticalRawMaterial: true, recycledContentPercent: 0 },
    { name: 'natural graphite (battery anode)', massKg: 0.03, criticalRawMaterial: true, recycledContentPercent: 0 },
  ],
  hazardousSubstances: [
    { name: 'lithium hexafluorophosphate', casNumber: '21324-40-3', massKg: 0.002, location: 'battery' },
    { name: 'tetrabromobisphenol A', casNumber: '79-94-7', location: 'printed circuit board' },
  ],
  repairInformation: {
    repairManualUrl: 'https://repair.example.com/aalto/book-14-g3/manual',
    disassemblyInstructionsUrl: 'https://repair.example.com/aalto/book-14-g3/disassembly',
    sparePartsAvailableUntil: '2031-12-31',
    repairabilityClass: 'B',
  },
  carbonFootprintKgCo2e: 310,
  warrantyMonths: 24,
  ...overrides,
});

/** WEEE category 1 (temperature exchange), no user data, identified by a GTIN-13. */
export const fridge = (overrides: Partial<ProductDescription> = {}): ProductDescription => ({
  manufacturer: 'Pohjola Kodinkoneet Oy',
  brand: 'Pohjola',
  model: 'KF 360 NoFrost',
  gtin: FRIDGE_GTIN,
  serialNumber: '24-118-0042',
  weeeCategory: 1,
  weightKg: 62,
  yearOfManufacture: 2024,
  hasDataStorage: false,
  materials: [
    { name: 'steel', massKg: 35, criticalRawMaterial: false, recycledContentPercent: 25 },
    { name: 'plastics', massKg: 15, criticalRawMaterial: false, recycledContentPercent: 10 },
    { name: 'polyurethane foam', massKg: 6, criticalRawMaterial: false, recycledContentPercent: 0 },
    { name: 'copper', massKg: 1.8, criticalRawMaterial: true, recycledContentPercent: 20 },
  ],
  hazardousSubstances: [
    { name: 'isobutane (R600a)', casNumber: '75-28-5', massKg: 0.055, location: 'cooling circuit' },
    { name: 'cyclopentane', casNumber: '287-92-3', location: 'insulation foam' },
  ],
  repairInformation: { sparePartsAvailableUntil: '2034-06-30', repairabilityClass: 'C' },
  warrantyMonths: 24,
  ...overrides,
});

/** WEEE category 6 (small IT), stores user data, no GTIN: identified by manufacturer + serial. */
export const phone = (overrides: Partial<ProductDescription> = {}): ProductDescription => ({
  manufacturer: 'Nordic Handsets Oy',
  brand: 'Nordic',
  model: 'N5 Pro',
  serialNumber: 'NH5P-000042',
  weeeCategory: 6,
  weightKg: 0.19,
  yearOfManufacture: 2022,
  hasDataStorage: true,
  materials: [
    { name: 'aluminium', massKg: 0.03, criticalRawMaterial: false, recycledContentPercent: 75 },
    { name: 'glass', massKg: 0.04, criticalRawMaterial: false, recycledContentPercent: 0 },
    { name: 'cobalt (battery cathode)', massKg: 0.007, criticalRawMaterial: true, recycledContentPercent: 0 },
    { name: 'tantalum (capacitors)', massKg: 0.0001, criticalRawMaterial: true, recycledContentPercent: 0 },
  ],
  hazardousSubstances: [{ name: 'lithium hexafluorophosphate', casNumber: '21324-40-3', location: 'battery' }],
  repairInformation: { repairabilityClass: 'C' },
  ...overrides,
});

/** The stream id a product registers under. */
export const idOf = (product: RepairedProductDescription): DeviceId => deviceIdOf(identifierOfProduct(product));

// ---------------------------------------------------------------- event and command data

export const placementData = (overrides: Partial<DevicePlacedOnMarketData> = {}): DevicePlacedOnMarketData => ({
  producerId: 'producer-aalto-computing',
  country: 'FI',
  market: 'household',
  product: laptop(),
  ...overrides,
});

export const collectionData = (overrides: Partial<DeviceCollectedData> = {}): DeviceCollectedData => ({
  collectionPointId: 'reuse-centre-helsinki-kalasatama',
  channel: 'reuse-centre',
  source: 'household',
  country: 'FI',
  condition: 'working',
  ...overrides,
});

export const passingWipeData = (overrides: Partial<DeviceDataWipedData> = {}): DeviceDataWipedData => ({
  standard: 'NIST SP 800-88',
  method: 'purge',
  technique: 'crypto-erase',
  tool: { name: 'nwipe', version: '0.37' },
  media: [{ type: 'nvme', serialNumber: 'S5H7NS0N123456', capacityGb: 512, result: 'passed' }],
  verification: { method: 'full', verified: true },
  result: 'passed',
  certificateId: 'WIPE-2025-000123',
  ...overrides,
});

export const failedWipeData = (overrides: Partial<DeviceDataWipedData> = {}): DeviceDataWipedData =>
  passingWipeData({
    media: [{ type: 'nvme', serialNumber: 'S5H7NS0N123456', capacityGb: 512, result: 'failed' }],
    verification: { method: 'full', verified: false },
    result: 'failed',
    certificateId: 'WIPE-2025-000124',
    ...overrides,
  });

export const fixedRepairData = (overrides: Partial<DeviceRepairedData> = {}): DeviceRepairedData => ({
  problem: 'Battery no longer holds a charge',
  actions: ['Replaced the battery', 'Ran the battery calibration'],
  partsReplaced: [{ name: 'battery 57 Wh', partNumber: 'AB-57WH-3C', condition: 'new' }],
  outcome: 'fixed',
  labourMinutes: 35,
  cost: { amount: 89, currency: 'EUR' },
  ...overrides,
});

export const endOfLifeRepairData = (overrides: Partial<DeviceRepairedData> = {}): DeviceRepairedData => ({
  problem: 'Mainboard does not power on',
  actions: ['Diagnosed a short circuit on the mainboard'],
  partsReplaced: [],
  outcome: 'end-of-life',
  barrier: 'spare-parts-not-available',
  labourMinutes: 50,
  ...overrides,
});

export const resaleData = (overrides: Partial<DeviceResoldData> = {}): DeviceResoldData => ({
  channel: 'shop',
  buyerType: 'consumer',
  country: 'FI',
  price: { amount: 329, currency: 'EUR' },
  warrantyMonths: 12,
  ...overrides,
});

/** Treatment of the default laptop: 1.25 kg of outputs from 1.4 kg received. */
export const recyclingData = (overrides: Partial<DeviceRecycledData> = {}): DeviceRecycledData => ({
  facilityId: 'recycler-fi-heinola-017',
  treatmentCountry: 'FI',
  weightKg: 1.4,
  outputs: [
    { material: 'aluminium', massKg: 0.33, fate: 'recycled' },
    { material: 'copper', massKg: 0.07, fate: 'recycled' },
    { material: 'black mass (cobalt, lithium, graphite)', massKg: 0.05, fate: 'recycled' },
    { material: 'mixed plastics', massKg: 0.28, fate: 'energy-recovery' },
    { material: 'glass and residues', massKg: 0.52, fate: 'disposal' },
  ],
  ...overrides,
});

// ---------------------------------------------------------------- events

type EventOverrides<D> = Partial<D> & { readonly occurredAt?: Timestamp };

const eventOf =
  <T extends keyof EventDataByType>(
    type: T,
    data: (overrides: Partial<EventDataByType[T]>) => EventDataByType[T],
    at: Timestamp,
  ) =>
  ({ occurredAt = at, ...overrides }: EventOverrides<EventDataByType[T]> = {}) => ({
    type,
    occurredAt,
    data: data(overrides as Partial<EventDataByType[T]>),
  });

export const placedOnMarket = eventOf('DevicePlacedOnMarket', placementData, Times.placedOnMarket);
export const collected = eventOf('DeviceCollected', collectionData, Times.collected);
export const wiped = eventOf('DeviceDataWiped', passingWipeData, Times.wiped);
export const wipeFailed = eventOf('DeviceDataWiped', failedWipeData, Times.wiped);
export const repaired = eventOf('DeviceRepaired', fixedRepairData, Times.repaired);
export const declaredEndOfLife = eventOf('DeviceRepaired', endOfLifeRepairData, Times.repaired);
export const resold = eventOf('DeviceResold', resaleData, Times.resold);
export const recycled = eventOf('DeviceRecycled', recyclingData, Times.recycled);

// ---------------------------------------------------------------- commands

type CommandOverrides<D> = Partial<D> & {
  readonly deviceId?: DeviceId;
  readonly occurredAt?: Timestamp;
  readonly now?: Timestamp;
};

type CommandOfKind<K extends DeviceCommandKind> = Extract<DeviceCommand, { readonly kind: K }>;

/** Builds a command; its deviceId defaults to the one its product gives, else the laptop's. */
const commandOf =
  <K extends DeviceCommandKind>(
    kind: K,
    data: (overrides: Partial<CommandOfKind<K>['data']>) => CommandOfKind<K>['data'],
  ) =>
  ({
    deviceId,
    occurredAt = Times.command,
    now = Times.now,
    ...overrides
  }: CommandOverrides<CommandOfKind<K>['data']> = {}) => {
    const built: CommandOfKind<K>['data'] = data(overrides as unknown as Partial<CommandOfKind<K>['data']>);
    const product: RepairedProductDescription | undefined = 'product' in built ? built.product : undefined;
    return { kind, deviceId: deviceId ?? idOf(product ?? laptop()), occurredAt, now, data: built } as CommandOfKind<K>;
  };

export const placeOnMarket = commandOf('PlaceDeviceOnMarket', placementData);
export const collect = commandOf('CollectDevice', collectionData);
export const recordWipe = commandOf('RecordDataWipe', passingWipeData);
export const recordFailedWipe = commandOf('RecordDataWipe', failedWipeData);
export const recordRepair = commandOf('RecordRepair', fixedRepairData);
export const recordEndOfLife = commandOf('RecordRepair', endOfLifeRepairData);
export const recordResale = commandOf('RecordResale', resaleData);
export const recordRecycling = commandOf('RecordRecycling', recyclingData);

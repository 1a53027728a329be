/**
 * A deterministic synthetic dataset shaped like WEEE flows, as import lines (docs/import.md).
 * Seeded PRNG (mulberry32): the same seed and device count give the same bytes.
 *
 * Category mix and unit weights (Annex III): 1 temperature exchange (fridges, ~30–60 kg), 2 screens
 * and laptops (2–15 kg), 3 lamps (~0.1 kg), 4 large equipment (30–70 kg), 5 small equipment (1–5 kg),
 * 6 small IT (0.2–2 kg). Lifecycles: every device is placed on market (a few start with a collection
 * instead); ~55 % are collected; of those, devices with data storage are wiped, some are repaired,
 * some resold, the rest recycled. A handful of producers in a few producer organisations.
 */
import { deviceIdOf } from '#kierto/domain';

export interface ImportLine {
  readonly type: string;
  readonly deviceId?: string;
  readonly occurredAt: string;
  readonly data: Record<string, unknown>;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const PRODUCERS = [
  'producer-arctic',
  'producer-boreal',
  'producer-coastal',
  'producer-delta',
  'producer-fjord',
  'producer-glacier',
];
export const ORGANISATIONS = ['org-elker', 'org-serty', 'org-ict'];

interface CategoryProfile {
  readonly category: 1 | 2 | 3 | 4 | 5 | 6;
  readonly share: number;
  readonly minKg: number;
  readonly maxKg: number;
  readonly dataStorage: number;
  readonly name: string;
}

const SMALL_IT: CategoryProfile = { category: 6, share: 0.2, minKg: 0.2, maxKg: 2, dataStorage: 0.9, name: 'Phone' };
const CATEGORIES: readonly CategoryProfile[] = [
  { category: 1, share: 0.1, minKg: 30, maxKg: 60, dataStorage: 0, name: 'Fridge' },
  { category: 2, share: 0.18, minKg: 2, maxKg: 15, dataStorage: 0.7, name: 'Laptop' },
  { category: 3, share: 0.1, minKg: 0.05, maxKg: 0.2, dataStorage: 0, name: 'Lamp' },
  { category: 4, share: 0.12, minKg: 30, maxKg: 70, dataStorage: 0, name: 'Washer' },
  { category: 5, share: 0.3, minKg: 1, maxKg: 5, dataStorage: 0, name: 'Toaster' },
  SMALL_IT,
];

const DAY = 86_400_000;
const START = Date.parse('2016-01-01T00:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/** One device's lines, in order. */
export function deviceLines(index: number, random: () => number): ImportLine[] {
  let roll = random();
  const profile = CATEGORIES.find((entry) => (roll -= entry.share) < 0) ?? SMALL_IT;
  const weightKg = round3(profile.minKg + random() * (profile.maxKg - profile.minKg));
  const hasDataStorage = random() < profile.dataStorage;
  const manufacturer = `Synthetic ${profile.name} Oy`;
  const serialNumber = `S${String(index).padStart(9, '0')}`;
  const product = {
    manufacturer,
    brand: profile.name,
    model: `${profile.name} ${1 + Math.floor(random() * 40)}`,
    serialNumber,
    weeeCategory: profile.category,
    weightKg,
    yearOfManufacture: 2012 + Math.floor(random() * 10),
    hasDataStorage,
    materials: [
      { name: 'steel', massKg: round3(weightKg * 0.5), criticalRawMaterial: false, recycledContentPercent: 25 },
      { name: 'plastics', massKg: round3(weightKg * 0.3), criticalRawMaterial: false, recycledContentPercent: 10 },
    ],
    hazardousSubstances: [],
    repairInformation: { repairabilityClass: 'C' },
  };
  const deviceId = deviceIdOf({ manufacturer, serialNumber });
  const producerIndex = Math.floor(random() * PRODUCERS.length);
  const producerId = PRODUCERS[producerIndex] as string;
  const organisation = ORGANISATIONS[producerIndex % ORGANISATIONS.length] as string;
  let at = START + Math.floor(random() * 6 * 365) * DAY + Math.floor(random() * DAY);
  const lines: ImportLine[] = [];
  const collection = (withProduct: boolean): Record<string, unknown> => ({
    collectionPointId: `point-${Math.floor(random() * 300)}`,
    channel: random() < 0.7 ? 'municipal' : 'retailer-take-back',
    source: random() < 0.85 ? 'household' : 'non-household',
    country: 'FI',
    condition: random() < 0.4 ? 'working' : 'unknown',
    ...(random() < 0.5 ? { onBehalfOf: organisation } : {}),
    ...(withProduct ? { product } : {}),
  });
  if (random() < 0.05) {
    // Collected without a known placing on market: the collection starts the history.
    lines.push({ type: 'DeviceCollected', occurredAt: iso(at), data: collection(true) });
  } else {
    lines.push({
      type: 'DevicePlacedOnMarket',
      occurredAt: iso(at),
      data: { producerId, country: 'FI', market: random() < 0.8 ? 'household' : 'non-household', product },
    });
    if (random() >= 0.55) return lines;
    at += (30 + Math.floor(random() * 1200)) * DAY;
    lines.push({ type: 'DeviceCollected', deviceId, occurredAt: iso(at), data: collection(false) });
  }
  at += (1 + Math.floor(random() * 30)) * DAY;
  if (hasDataStorage) {
    lines.push({
      type: 'DeviceDataWiped',
      deviceId,
      occurredAt: iso(at),
      data: {
        standard: 'NIST SP 800-88',
        method: 'purge',
        tool: { name: 'nwipe', version: '0.37' },
        media: [{ type: 'ssd', serialNumber: `M${index}`, capacityGb: 256, result: 'passed' }],
        verification: { method: 'full', verified: true },
        result: 'passed',
        certificateId: `W-${index}`,
      },
    });
    at += DAY;
  }
  const fate = random();
  if (fate < 0.25) {
    const fixed = random() < 0.8;
    lines.push({
      type: 'DeviceRepaired',
      deviceId,
      occurredAt: iso(at),
      data: fixed
        ? {
            problem: 'does not start',
            actions: ['replaced power supply'],
            partsReplaced: [],
            outcome: 'fixed',
            labourMinutes: 45,
          }
        : {
            problem: 'board failure',
            actions: ['diagnosed'],
            partsReplaced: [],
            outcome: 'end-of-life',
            barrier: 'spare-parts-not-available',
            labourMinutes: 20,
          },
    });
    at += DAY;
    if (fixed && (!hasDataStorage || lines.some((line) => line.type === 'DeviceDataWiped'))) {
      lines.push({
        type: 'DeviceResold',
        deviceId,
        occurredAt: iso(at),
        data: {
          channel: 'shop',
          buyerType: 'consumer',
          country: 'FI',
          price: { amount: 60, currency: 'EUR' },
          warrantyMonths: 6,
        },
      });
      return lines;
    }
  } else if (fate < 0.4 && (!hasDataStorage || lines.some((line) => line.type === 'DeviceDataWiped'))) {
    lines.push({
      type: 'DeviceResold',
      deviceId,
      occurredAt: iso(at),
      data: {
        channel: 'online',
        buyerType: 'consumer',
        country: 'FI',
        price: { amount: 40, currency: 'EUR' },
        warrantyMonths: 3,
      },
    });
    return lines;
  }
  lines.push({
    type: 'DeviceRecycled',
    deviceId,
    occurredAt: iso(at),
    data: {
      facilityId: 'recycler-1',
      treatmentCountry: random() < 0.8 ? 'FI' : 'EE',
      weightKg,
      outputs: [
        { material: 'metals', massKg: round3(weightKg * 0.6), fate: 'recycled' },
        { material: 'plastics', massKg: round3(weightKg * 0.2), fate: 'energy-recovery' },
        { material: 'residue', massKg: round3(weightKg * 0.1), fate: 'disposal' },
      ],
    },
  });
  return lines;
}

/** The dataset's lines, device by device (a device's lines are consecutive). */
export function* datasetLines(devices: number, seed = 20_260_101): Generator<ImportLine> {
  const random = mulberry32(seed);
  for (let index = 0; index < devices; index += 1) yield* deviceLines(index, random);
}

/**
 * How a passport is stored (docs/adr/0031): its JSON text, deflated against a preset dictionary
 * that holds what every passport repeats (the field names in the order JSON.stringify writes them,
 * the category names, the usual values). Deflate then spends bytes on what is particular to the
 * device (identity, times, event ids, hashes) and refers back to the dictionary for the rest, so
 * the keys that made up most of a 3 KB row are stored once, in the code, not once per device.
 *
 * The document read back is the JSON text that was written, so a passport answers byte-identical
 * content. The dictionary is part of the stored format: changing it changes PASSPORT_STORAGE, which
 * is in the projection's version, so stores rebuild rather than inflate with the wrong one.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { WEEE_CATEGORY_NAMES } from '#kierto/domain';
import type { DocumentCodec } from '../read-models/documents.js';

/** Part of the passports projection's version: bump when the dictionary or the codec changes. */
export const PASSPORT_STORAGE = 'deflate-1';

const HASH = 'a'.repeat(64);
const EVENT_ID = '00000000-0000-4000-8000-000000000000';
const RECORDED_BY = { organisationId: 'org', role: 'operator' };

/** A passport with every section filled, as JSON.stringify orders it: the shape every row shares. */
const TYPICAL = {
  deviceId: 'mfr:',
  digitalLink: 'https://id.gs1.org/01/',
  revision: 0,
  globalPosition: 0,
  updatedAt: '2026-01-01T00:00:00.000Z',
  identity: { manufacturer: '', brand: '', model: '', gtin: null, serialNumber: '', localId: null },
  product: {
    weeeCategory: 1,
    weeeCategoryName: '',
    weightKg: 0,
    yearOfManufacture: 2020,
    hasDataStorage: false,
    warrantyMonths: null,
  },
  status: {
    lifecycle: 'in-use',
    since: '2020-01-01T00:00:00Z',
    holder: { kind: 'consumer', organisationId: null, since: '2020-01-01T00:00:00Z', buyerType: null },
    lastRecordedBy: {
      organisationId: 'org',
      role: 'operator',
      eventType: 'DevicePlacedOnMarket',
      occurredAt: '2020-01-01T00:00:00Z',
      recordedAt: '2026-01-01T00:00:00.000Z',
    },
  },
  lives: 1,
  placedOnMarket: { producerId: 'producer-', country: 'FI', market: 'household', occurredAt: '2020-01-01T00:00:00Z' },
  repair: {
    information: {
      repairManualUrl: null,
      disassemblyInstructionsUrl: null,
      sparePartsAvailableUntil: null,
      repairabilityClass: null,
    },
    history: [],
  },
  dataSanitisation: { dataBearing: false, wipedSinceHandover: false, records: [] },
  materials: {
    materials: [{ name: 'steel', massKg: 0, criticalRawMaterial: false, recycledContentPercent: 0 }],
    criticalRawMaterials: [],
    criticalRawMaterialsKg: 0,
    recycledContentKg: 0,
    hazardousSubstances: [],
  },
  carbonFootprint: { manufacturingKgCo2e: null },
  endOfLife: {
    recycling: {
      occurredAt: '2020-01-01T00:00:00Z',
      facilityId: '',
      treatmentCountry: 'FI',
      weightKg: 0,
      outputs: [{ material: 'metals', massKg: 0, fate: 'recycled' }],
    },
  },
  history: ['DevicePlacedOnMarket', 'DeviceCollected', 'DeviceDataWiped', 'DeviceResold', 'DeviceRecycled'].map(
    (type, index) => ({
      type,
      occurredAt: '2020-01-01T00:00:00Z',
      recordedAt: '2026-01-01T00:00:00.000Z',
      globalPosition: index,
      streamRevision: index,
      eventId: EVENT_ID,
      recordedBy: RECORDED_BY,
      hash: HASH,
      prevHash: HASH,
    }),
  ),
};

/**
 * Deflate looks back at most 32 KiB and prefers near matches, so the rarer strings (category
 * names) come first and the shape every passport has comes last, nearest the data.
 */
const DICTIONARY = Buffer.from(`${Object.values(WEEE_CATEGORY_NAMES).join('"')}"${JSON.stringify(TYPICAL)}`, 'utf8');

export function encodePassport(document: unknown): Buffer {
  return deflateRawSync(Buffer.from(JSON.stringify(document), 'utf8'), { dictionary: DICTIONARY });
}

/** The passport JSON text a stored value holds, exactly as it was written. */
export function passportText(stored: Uint8Array): string {
  return inflateRawSync(stored, { dictionary: DICTIONARY }).toString('utf8');
}

export function decodePassport<Doc>(stored: unknown): Doc {
  if (!(stored instanceof Uint8Array)) throw new TypeError('A stored passport is bytes');
  return JSON.parse(passportText(stored)) as Doc;
}

/** The passports table's codec (../read-models/documents.ts). */
export const PASSPORT_CODEC: DocumentCodec = { column: 'bytes', encode: encodePassport, decode: decodePassport };

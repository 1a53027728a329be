/**
 * The devices the interop tests (credentials, EPCIS) map: the README walk-through's laptop, a device
 * with every optional field of every event it can have, and a manufacturer + serial device with
 * nothing optional. Recorded over the real HTTP API.
 */
import { expect } from '@jest/globals';
import { gs1CheckDigit } from '#kierto/domain';
import { example, LAPTOP_ID, type TestApp } from './test-app.js';

const GTIN_BODY = '0950600013999';
export const FULL_GTIN = `${GTIN_BODY}${gs1CheckDigit(GTIN_BODY)}`;
export const FULL_ID = `gtin:${FULL_GTIN}:FULL~2F0001`;
export const PLAIN_ID = 'mfr:plain~20appliances~20oy:PL-1';

export interface InteropDevices {
  readonly laptop: string;
  readonly full: string;
  readonly plain: string;
  /** The global position of the last event recorded: what `minPosition` takes. */
  readonly position: number;
  /** How many events each device has. */
  readonly events: Readonly<Record<string, number>>;
}

export async function recordInteropDevices(app: TestApp): Promise<InteropDevices> {
  let position = 0;
  const post = async (path: string, body: Record<string, unknown>): Promise<string> => {
    const response = await app.api.post(path).send(body);
    expect({ path, status: response.status, error: response.body.error }).toEqual({
      path,
      status: 201,
      error: undefined,
    });
    position = Math.max(
      position,
      ...response.body.events.map((event: { globalPosition: number }) => event.globalPosition),
    );
    return response.body.deviceId as string;
  };
  // The README walk-through (examples/): placed, collected, wiped, resold.
  const laptop = `/devices/${LAPTOP_ID}`;
  await post('/devices', example('place-laptop-on-market'));
  await post(`${laptop}/collections`, example('collect-laptop'));
  await post(`${laptop}/data-wipes`, example('wipe-laptop'));
  await post(`${laptop}/resales`, example('resell-laptop'));

  // Every optional field: product (GTIN, CAS numbers, masses, repair information, footprint,
  // warranty), collection (weight, on behalf of), repair (parts with numbers, barrier, cost), wipe
  // (technique), recycling (outputs of every fate). A serial with a '/' to escape.
  const full = await post('/devices', {
    occurredAt: '2025-02-01T08:00:00+02:00',
    producerId: 'producer-fi-0042',
    country: 'FI',
    market: 'household',
    product: {
      manufacturer: 'Example Devices Oy',
      brand: 'Kestävä',
      model: 'K2 Tablet',
      gtin: FULL_GTIN,
      serialNumber: 'FULL/0001',
      weeeCategory: 6,
      weightKg: 0.6,
      yearOfManufacture: 2024,
      hasDataStorage: true,
      materials: [
        { name: 'glass', massKg: 0.2, criticalRawMaterial: false, recycledContentPercent: 0 },
        { name: 'lithium (battery)', massKg: 0.01, criticalRawMaterial: true, recycledContentPercent: 25 },
      ],
      hazardousSubstances: [{ name: 'lead', casNumber: '7439-92-1', massKg: 0.001, location: 'solder' }],
      repairInformation: {
        repairManualUrl: 'https://example.com/k2/repair',
        disassemblyInstructionsUrl: 'https://example.com/k2/disassembly',
        sparePartsAvailableUntil: '2031-12-31',
        repairabilityClass: 'C',
      },
      carbonFootprintKgCo2e: 85.5,
      warrantyMonths: 36,
    },
  });
  const device = `/devices/${full}`;
  await post(`${device}/collections`, {
    occurredAt: '2026-03-01T10:00:00Z',
    collectionPointId: 'espoo-repair-shop-1',
    channel: 'repair-shop',
    source: 'household',
    country: 'FI',
    measuredWeightKg: 0.61,
    condition: 'broken',
    onBehalfOf: 'producer-organisation-fi',
  });
  await post(`${device}/repairs`, {
    occurredAt: '2026-03-05T10:00:00Z',
    problem: 'Does not charge',
    actions: ['Opened the case', 'Tested the charging board'],
    partsReplaced: [{ name: 'charging board', partNumber: 'CB-2', condition: 'used' }],
    outcome: 'end-of-life',
    barrier: 'spare-parts-not-available',
    labourMinutes: 35,
    cost: { amount: 20, currency: 'EUR' },
  });
  await post(`${device}/data-wipes`, {
    occurredAt: '2026-03-06T09:00:00Z',
    standard: 'IEEE 2883',
    method: 'destruct',
    technique: 'shred',
    tool: { name: 'shredder', version: '2' },
    media: [{ type: 'emmc', serialNumber: 'EMMC-9', capacityGb: 64, result: 'passed' }],
    verification: { method: 'sampling', verified: true },
    result: 'passed',
    certificateId: 'CERT-FULL-1',
  });
  await post(`${device}/recycling`, {
    occurredAt: '2026-03-10T12:00:00Z',
    facilityId: 'recycler-fi-7',
    treatmentCountry: 'FI',
    weightKg: 0.6,
    outputs: [
      { material: 'glass', massKg: 0.2, fate: 'recycled' },
      { material: 'plastics', massKg: 0.1, fate: 'energy-recovery' },
      { material: 'residue', massKg: 0.05, fate: 'disposal' },
    ],
  });

  // Manufacturer + serial, nothing optional: no GTIN, materials, footprint or repair information.
  const plain = await post('/devices', {
    occurredAt: '2025-05-01T08:00:00Z',
    producerId: 'producer-fi-0042',
    country: 'SE',
    market: 'non-household',
    product: {
      manufacturer: 'Plain Appliances Oy',
      brand: 'Plain',
      model: 'Fridge',
      serialNumber: 'PL-1',
      weeeCategory: 1,
      weightKg: 40,
      yearOfManufacture: 2020,
      hasDataStorage: false,
      materials: [],
      hazardousSubstances: [],
      repairInformation: {},
    },
  });
  expect([full, plain]).toEqual([FULL_ID, PLAIN_ID]);
  return { laptop: LAPTOP_ID, full, plain, position, events: { [LAPTOP_ID]: 4, [full]: 5, [plain]: 1 } };
}

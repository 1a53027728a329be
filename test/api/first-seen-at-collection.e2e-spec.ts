/**
 * Issue 11, Build 6 (ADR 0016): a device first seen at collection carries only what the collector
 * knows — category, weight and whatever identifiers are on it — and the passport and statistics say
 * "unknown" (null) for the rest instead of an invented value.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { validateDocument } from '#kierto/schemas';
import { Lifecycle, passingWipe, type Body } from '../support/lifecycle.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;
let kierto: Lifecycle;
beforeAll(async () => {
  app = await startTestApp();
  kierto = new Lifecycle(app.api);
});
afterAll(async () => {
  await app.close();
});

/** A toaster from a recycling point's cage: the reuse centre's intake label is all it has. */
const cageItem: Body = {
  weeeCategory: 5,
  weightKg: 1.8,
  localId: { issuer: 'Espoo reuse centre', value: 'CAGE7-0042' },
};
const cageItemId = 'local:espoo~20reuse~20centre:CAGE7-0042';

const collection = (product: Body | undefined, country = 'FI'): Body => ({
  occurredAt: '2026-03-02T09:00:00Z',
  collectionPointId: 'espoo-recycling-point',
  channel: 'municipal',
  source: 'household',
  country,
  condition: 'unknown',
  ...(product === undefined ? {} : { product }),
});

describe('a device first seen at collection', () => {
  let position = 0;

  beforeAll(async () => {
    position = (await kierto.collectNew(cageItem, '2026-03-02T09:00:00Z', 'FI')).position;
  });

  it('is recorded under the local id its collector gave it and found by that id', async () => {
    const found = await app.api.get('/devices').query({ issuer: 'Espoo Reuse Centre', localId: 'CAGE7-0042' });
    expect(found.status).toBe(200);
    expect(found.body.deviceId).toBe(cageItemId);
  });

  it('has a passport that says unknown (null) for what the collector did not know', async () => {
    const response = await app.api.get(`/passports/${cageItemId}`).query({ minPosition: position });
    expect(response.status).toBe(200);
    const validation = validateDocument('Passport', response.body);
    expect(validation.ok ? [] : validation.errors).toEqual([]);
    expect(response.body.identity).toEqual({
      manufacturer: null,
      brand: null,
      model: null,
      gtin: null,
      serialNumber: null,
      localId: { issuer: 'Espoo reuse centre', value: 'CAGE7-0042' },
    });
    expect(response.body.product).toMatchObject({ weeeCategory: 5, weightKg: 1.8, yearOfManufacture: null });
    expect(response.body.product.hasDataStorage).toBeNull();
    expect(response.body.digitalLink).toBeNull();
  });

  it('counts in the collection of its category with its weight, and in no age indicator', async () => {
    const facts = await app.api
      .get('/statistics/facts')
      .query({ year: 2026, country: 'FI', minPosition: position, measure: 'COL' });
    expect(facts.status).toBe(200);
    const ours = (facts.body.items as Body[]).filter((fact) => fact['deviceId'] === cageItemId);
    expect(ours).toEqual([expect.objectContaining({ measure: 'COL', category: 5, kg: 1.8 })]);
    const ages = await app.api
      .get('/statistics/facts')
      .query({ year: 2026, country: 'FI', minPosition: position, measure: 'AGE_AT_COL' });
    expect((ages.body.items as Body[]).filter((fact) => fact['deviceId'] === cageItemId)).toEqual([]);
  });

  it('may be resold only after a passing wipe, as its data storage is unknown', async () => {
    const refused = await app.api.post(`/devices/${cageItemId}/resales`).send({
      occurredAt: '2026-03-03T09:00:00Z',
      channel: 'shop',
      buyerType: 'consumer',
      country: 'FI',
      price: { amount: 5, currency: 'EUR' },
      warrantyMonths: 3,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('WIPE_REQUIRED_BEFORE_RESALE');
    expect(
      (await app.api.post(`/devices/${cageItemId}/data-wipes`).send(passingWipe('2026-03-03T10:00:00Z'))).status,
    ).toBe(201);
  });
});

describe('a collection that cannot identify the unit', () => {
  it.each([
    ['no identifier', { weeeCategory: 5, weightKg: 1.8 }, 'INVALID_IDENTIFIER', 'product'],
    [
      'a GTIN without a serial',
      { weeeCategory: 5, weightKg: 1.8, gtin: '09506000134352' },
      'INVALID_IDENTIFIER',
      'product',
    ],
    [
      'an empty issuer',
      { weeeCategory: 5, weightKg: 1.8, localId: { issuer: ' ', value: 'X' } },
      'INVALID_LOCAL_ID',
      'product.localId.issuer',
    ],
  ])('is refused with %s and nothing is recorded', async (_case, product, code, field) => {
    const head = await app.store.headPosition();
    const response = await app.api.post(`/devices/${cageItemId}-x/collections`).send(collection(product));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.fields).toEqual([expect.objectContaining({ field })]);
    expect(await app.store.headPosition()).toBe(head);
  });

  it('is refused without category or weight, at the edge', async () => {
    const response = await app.api
      .post(`/devices/${cageItemId}-y/collections`)
      .send(collection({ localId: { issuer: 'Espoo reuse centre', value: 'CAGE7-0043' }, weightKg: 1 }));
    expect(response.status).toBe(400);
    expect(response.body.error.fields).toContainEqual(expect.objectContaining({ field: 'product.weeeCategory' }));
  });

  it('is refused when a lookup names no unit', async () => {
    const response = await app.api.get('/devices').query({ gtin: '09506000134352' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_IDENTIFIER');
  });
});

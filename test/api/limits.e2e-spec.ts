/** Input limits (docs/limits.md) at the HTTP edge: bounds (400) and per-category plausibility (422). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { productOf } from '../support/lifecycle.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const body = (occurredAt: string, product: Record<string, unknown>) => ({
  occurredAt,
  producerId: 'producer-fi-1',
  country: 'FI',
  market: 'household',
  product,
});

describe('input limits at the API', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('refuses 1e13 kg and the 16 015 695 kg device with 400 OUT_OF_RANGE naming 10000, and appends nothing', async () => {
    for (const weightKg of [1e13, 16_015_695]) {
      const response = await app.api.post('/devices').send(
        body('2025-01-01T00:00:00Z', {
          ...productOf({ serialNumber: `L-${weightKg}`, weeeCategory: 4, weightKg: 40 }),
          weightKg,
          materials: [],
        }),
      );
      expect(response.status).toBe(400);
      expect(response.body.error.fields).toEqual([
        expect.objectContaining({
          field: 'product.weightKg',
          code: 'OUT_OF_RANGE',
          message: 'product.weightKg must be <= 10000',
        }),
      ]);
    }
    expect(await app.store.headPosition()).toBe(0);
  });

  it('refuses a 200 kg small IT unit with 422 WEIGHT_IMPLAUSIBLE naming the 50 kg limit and the field', async () => {
    const response = await app.api.post('/devices').send(
      body('2025-01-01T00:00:00Z', {
        ...productOf({ serialNumber: 'L-6', weeeCategory: 6, weightKg: 40 }),
        weightKg: 200,
        materials: [],
      }),
    );
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({
      code: 'WEIGHT_IMPLAUSIBLE',
      fields: [{ field: 'product.weightKg', code: 'WEIGHT_IMPLAUSIBLE' }],
    });
    expect(response.body.error.message).toContain(
      'more than 50 kg, the plausible limit for one unit of WEEE category 6',
    );
  });

  it('refuses occurredAt 0000-01-01 with 400 OUT_OF_RANGE naming 1970', async () => {
    const response = await app.api
      .post('/devices')
      .send(body('0000-01-01T00:00:00Z', productOf({ serialNumber: 'L-0', weeeCategory: 4, weightKg: 40 })));
    expect(response.status).toBe(400);
    expect(response.body.error.fields).toEqual([
      expect.objectContaining({
        field: 'occurredAt',
        code: 'OUT_OF_RANGE',
        message: 'occurredAt must be a date-time from 1970-01-01T00:00:00Z on',
      }),
    ]);
    expect(await app.store.headPosition()).toBe(0);
  });
});

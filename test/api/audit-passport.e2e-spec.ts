import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { example, LAPTOP_ID, startTestApp, type TestApp } from '../support/test-app.js';

describe('GET /audit/devices/{deviceId}/passport: the passport as it stood then', () => {
  let app: TestApp;
  let collectedAt: number;
  beforeAll(async () => {
    app = await startTestApp();
    await app.api.post('/devices').send(example('place-laptop-on-market')).expect(201);
    const collected = await app.api
      .post(`/devices/${LAPTOP_ID}/collections`)
      .send(example('collect-laptop'))
      .expect(201);
    collectedAt = collected.body.events[0].globalPosition as number;
    await app.api.post(`/devices/${LAPTOP_ID}/data-wipes`).send(example('wipe-laptop')).expect(201);
    await app.api.post(`/devices/${LAPTOP_ID}/resales`).send(example('resell-laptop')).expect(201);
  });
  afterAll(async () => {
    await app.close();
  });

  it('shows the device as collected at the position of its collection, with two history entries', async () => {
    const response = await app.api.get(`/audit/devices/${LAPTOP_ID}/passport`).query({ position: String(collectedAt) });
    expect(response.status).toBe(200);
    expect(response.body.history).toHaveLength(2);
    expect(response.body.globalPosition).toBe(collectedAt);
  });

  it('equals the current passport when asked as of now', async () => {
    const now = await app.api.get(`/audit/devices/${LAPTOP_ID}/passport`).query({ asOf: '2999-01-01T00:00:00Z' });
    expect(now.status).toBe(200);
    const current = await app.api.get(`/passports/${LAPTOP_ID}`).query({ minPosition: '4' });
    expect(current.status).toBe(200);
    expect(now.body).toEqual(current.body);
  });

  it('answers 404 before the device had any event', async () => {
    const response = await app.api.get(`/audit/devices/${LAPTOP_ID}/passport`).query({ asOf: '2001-01-01T00:00:00Z' });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('DEVICE_NOT_FOUND');
  });

  it('needs exactly one of asOf and position, well formed', async () => {
    const neither = await app.api.get(`/audit/devices/${LAPTOP_ID}/passport`);
    expect(neither.status).toBe(400);
    expect(neither.body.error.code).toBe('AS_OF_REQUIRED');
    const both = await app.api
      .get(`/audit/devices/${LAPTOP_ID}/passport`)
      .query({ asOf: '2026-01-01T00:00:00Z', position: '1' });
    expect(both.body.error.code).toBe('AS_OF_REQUIRED');
    const bad = await app.api.get(`/audit/devices/${LAPTOP_ID}/passport`).query({ position: '-3' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].field).toBe('position');
  });
});

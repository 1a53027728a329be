import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type request from 'supertest';
import { hashEvent } from '#kierto/event-store';
import { example, LAPTOP_ID, startTestApp, type TestApp } from '../support/test-app.js';

const placeLaptop = example('place-laptop-on-market');
const collectLaptop = example('collect-laptop');
const wipeLaptop = example('wipe-laptop');
const resellLaptop = example('resell-laptop');
const laptopProduct = placeLaptop['product'] as Record<string, unknown>;

/** A different unit of the same model, so tests don't share a stream. */
function laptop(serialNumber: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...placeLaptop, product: { ...laptopProduct, serialNumber }, ...overrides };
}
const idOf = (serialNumber: string): string => `gtin:09506000134352:${serialNumber}`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

/** Runs a request that must be refused and checks the store did not move. */
async function expectRefusedWithoutAppend(send: () => Promise<request.Response>, status: number, code: string) {
  const head = await app.store.headPosition();
  const response = await send();
  expect(response.status).toBe(status);
  expect(response.body.error.code).toBe(code);
  expect(response.body.error.status).toBe(status);
  expect(await app.store.headPosition()).toBe(head);
  return response;
}

describe('README walk-through: place → collect → resell refused → wipe → resell → history', () => {
  it('works exactly as the README shows it', async () => {
    const placed = await app.api.post('/devices').send(placeLaptop);
    expect(placed.status).toBe(201);
    expect(placed.body.deviceId).toBe(LAPTOP_ID);
    expect(placed.headers['location']).toBe(`/devices/${LAPTOP_ID}`);
    expect(placed.body.events[0]).toMatchObject({ type: 'DevicePlacedOnMarket', streamRevision: 0 });

    const collected = await app.api.post(`/devices/${LAPTOP_ID}/collections`).send(collectLaptop);
    expect(collected.status).toBe(201);

    const refused = await expectRefusedWithoutAppend(
      () => app.api.post(`/devices/${LAPTOP_ID}/resales`).send(resellLaptop),
      422,
      'WIPE_REQUIRED_BEFORE_RESALE',
    );
    expect(refused.body.error.message).toMatch(/wipe/);

    expect((await app.api.post(`/devices/${LAPTOP_ID}/data-wipes`).send(wipeLaptop)).status).toBe(201);
    const resold = await app.api.post(`/devices/${LAPTOP_ID}/resales`).send(resellLaptop);
    expect(resold.status).toBe(201);
    expect(resold.body.revision).toBe(3);

    const history = await app.api.get(`/devices/${LAPTOP_ID}/events`);
    expect(history.status).toBe(200);
    expect(history.body.events.map((event: { type: string }) => event.type)).toEqual([
      'DevicePlacedOnMarket',
      'DeviceCollected',
      'DeviceDataWiped',
      'DeviceResold',
    ]);
  });

  it('serves every event with the full envelope, the actor taken from the key, and the hashes recompute', async () => {
    const history = await app.api.get(`/devices/${LAPTOP_ID}/events`);
    const actors = history.body.events.map(
      (event: { actor: { organisationId: string; role: string; keyId: string } }) => event.actor,
    );
    expect(actors).toEqual([
      { organisationId: 'producer-fi-0042', role: 'producer', keyId: expect.stringMatching(/^k[a-z0-9]{16}$/) },
      { organisationId: 'test-collector', role: 'collector', keyId: expect.stringMatching(/^k[a-z0-9]{16}$/) },
      { organisationId: 'test-refurbisher', role: 'refurbisher', keyId: expect.stringMatching(/^k[a-z0-9]{16}$/) },
      { organisationId: 'test-refurbisher', role: 'refurbisher', keyId: actors[2]?.keyId },
    ]);
    for (const event of history.body.events) {
      expect(Object.keys(event).sort()).toEqual(
        [
          'actor',
          'causationId',
          'correlationId',
          'data',
          'eventId',
          'globalPosition',
          'hash',
          'metadata',
          'occurredAt',
          'prevHash',
          'recordedAt',
          'schemaVersion',
          'streamId',
          'streamRevision',
          'type',
        ].sort(),
      );
      const { hash, ...unhashed } = event;
      expect(hashEvent(unhashed)).toBe(hash);
    }
  });

  it('shows the device state with its revision as ETag', async () => {
    const device = await app.api.get(`/devices/${LAPTOP_ID}`);
    expect(device.status).toBe(200);
    expect(device.headers['etag']).toBe('"3"');
    expect(device.body).toMatchObject({
      deviceId: LAPTOP_ID,
      revision: 3,
      digitalLink: '/01/09506000134352/21/LAP-0001',
    });
    expect(device.body.state).toMatchObject({ status: 'in-use', lives: 2, producerId: 'producer-fi-0042' });
  });
});

describe('finding a device by its identifiers', () => {
  it('finds it by a GTIN-13 and serial: the GTIN is normalised to 14 digits', async () => {
    const found = await app.api.get('/devices').query({ gtin: '9506000134352', serialNumber: 'LAP-0001' });
    expect(found.status).toBe(200);
    expect(found.body.deviceId).toBe(LAPTOP_ID);
  });

  it('finds a device registered by manufacturer + serial, whatever the case of the name', async () => {
    const { gtin: _gtin, ...noGtin } = laptopProduct;
    const placed = await app.api
      .post('/devices')
      .send({ ...placeLaptop, product: { ...noGtin, serialNumber: 'NOGTIN-1' } });
    expect(placed.status).toBe(201);
    expect(placed.body.deviceId).toBe('mfr:example~20devices~20oy:NOGTIN-1');
    const found = await app.api
      .get('/devices')
      .query({ manufacturer: 'EXAMPLE  Devices Oy', serialNumber: 'NOGTIN-1' });
    expect(found.status).toBe(200);
    expect(found.body.deviceId).toBe(placed.body.deviceId);
  });

  it('answers 404 for an unknown device', async () => {
    const response = await app.api.get('/devices').query({ gtin: '09506000134352', serialNumber: 'NOPE' });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('DEVICE_NOT_FOUND');
  });

  it('answers 400 naming the field for a malformed query', async () => {
    const response = await app.api.get('/devices').query({ gtin: '12ab', serialNumber: 'X' });
    expect(response.status).toBe(400);
    expect(response.body.error.fields).toEqual([expect.objectContaining({ field: 'gtin' })]);
    const unknown = await app.api.get('/devices').query({ gtin: '09506000134352', serialNumber: 'X', colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields).toEqual([expect.objectContaining({ field: 'colour', code: 'UNKNOWN_FIELD' })]);
  });

  it('answers 400 for a GTIN with a wrong check digit', async () => {
    const response = await app.api.get('/devices').query({ gtin: '09506000134353', serialNumber: 'X' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_GTIN');
  });
});

describe('invalid input gets 400 with the field paths, and nothing is stored', () => {
  it('names a missing required field', async () => {
    const { market: _market, ...body } = laptop('V-1');
    const response = await expectRefusedWithoutAppend(
      () => app.api.post('/devices').send(body),
      400,
      'VALIDATION_FAILED',
    );
    expect(response.body.error.fields).toContainEqual(expect.objectContaining({ field: 'market', code: 'REQUIRED' }));
  });

  it('names a nested field out of range and an unknown field', async () => {
    const body = laptop('V-2');
    const product = body['product'] as Record<string, unknown>;
    const response = await expectRefusedWithoutAppend(
      () => app.api.post('/devices').send({ ...body, colour: 'red', product: { ...product, weightKg: -1 } }),
      400,
      'VALIDATION_FAILED',
    );
    const fields = response.body.error.fields.map((field: { field: string }) => field.field);
    expect(fields).toEqual(expect.arrayContaining(['colour', 'product.weightKg']));
  });

  it('refuses a GTIN with a wrong check digit', async () => {
    const body = laptop('V-3');
    const response = await expectRefusedWithoutAppend(
      () =>
        app.api.post('/devices').send({ ...body, product: { ...(body['product'] as object), gtin: '09506000134353' } }),
      400,
      'INVALID_GTIN',
    );
    expect(response.body.error.fields[0].field).toBe('product.gtin');
  });

  it('refuses a malformed device id in the path', async () => {
    await expectRefusedWithoutAppend(
      () => app.api.post('/devices/not-a-device/collections').send(collectLaptop),
      400,
      'INVALID_DEVICE_ID',
    );
  });

  it('refuses malformed JSON', async () => {
    await expectRefusedWithoutAppend(
      () => app.api.post('/devices').set('Content-Type', 'application/json').send('{"occurredAt": '),
      400,
      'MALFORMED_JSON',
    );
  });

  it('refuses a body that is not JSON with 415', async () => {
    await expectRefusedWithoutAppend(
      () => app.api.post('/devices').set('Content-Type', 'text/plain').send('hello'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('refuses a JSON array or a bare value as a body', async () => {
    await expectRefusedWithoutAppend(() => app.api.post('/devices').send([1, 2]), 400, 'VALIDATION_FAILED');
  });

  it('refuses a collection of an unknown device whose product gives another id', async () => {
    const response = await expectRefusedWithoutAppend(
      () =>
        app.api
          .post(`/devices/${idOf('OTHER')}/collections`)
          .send({ ...collectLaptop, product: { ...laptopProduct, serialNumber: 'V-4' } }),
      400,
      'DEVICE_ID_MISMATCH',
    );
    expect(response.body.error.fields[0].field).toBe('product');
  });
});

describe('unknown devices and routes get 404', () => {
  it('refuses to record a wipe for a device nobody registered', async () => {
    await expectRefusedWithoutAppend(
      () => app.api.post(`/devices/${idOf('GHOST')}/data-wipes`).send(wipeLaptop),
      404,
      'DEVICE_NOT_FOUND',
    );
  });

  it('has no history for an unknown device', async () => {
    const response = await app.api.get(`/devices/${idOf('GHOST')}/events`);
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('DEVICE_NOT_FOUND');
  });

  it('answers an unknown route with the same error shape', async () => {
    const response = await app.api.get('/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('lifecycle rules answer 422 with the rule code', () => {
  it('refuses an event dated in the future', async () => {
    await expectRefusedWithoutAppend(
      () => app.api.post('/devices').send(laptop('R-1', { occurredAt: '2999-01-01T00:00:00Z' })),
      422,
      'OCCURRED_IN_FUTURE',
    );
  });

  it('refuses recycling a device that is still in use', async () => {
    expect((await app.api.post('/devices').send(laptop('R-2'))).status).toBe(201);
    await expectRefusedWithoutAppend(
      () =>
        app.api.post(`/devices/${idOf('R-2')}/recycling`).send({
          occurredAt: '2026-03-01T00:00:00Z',
          facilityId: 'f-1',
          treatmentCountry: 'FI',
          weightKg: 1.4,
          outputs: [],
        }),
      422,
      'DEVICE_NOT_COLLECTED',
    );
  });

  it('refuses a collection a collector asks for without a product description when the device is unknown', async () => {
    await expectRefusedWithoutAppend(
      () => app.api.post(`/devices/${idOf('R-3')}/collections`).send(collectLaptop),
      422,
      'PRODUCT_DESCRIPTION_REQUIRED',
    );
  });

  it('starts a history with a collection that carries the product', async () => {
    const response = await app.api
      .post(`/devices/${idOf('R-4')}/collections`)
      .send({ ...collectLaptop, product: { ...laptopProduct, serialNumber: 'R-4' } });
    expect(response.status).toBe(201);
    expect(response.body.events[0]).toMatchObject({ type: 'DeviceCollected', streamRevision: 0 });
  });
});

describe('conflicts answer 409', () => {
  it('refuses registering the same unit twice, even by another producer', async () => {
    expect((await app.api.post('/devices').send(laptop('C-1'))).status).toBe(201);
    await expectRefusedWithoutAppend(
      () => app.api.post('/devices').send(laptop('C-1', { producerId: 'someone-else' })),
      409,
      'DEVICE_ALREADY_REGISTERED',
    );
  });

  it('refuses a command whose If-Match names a revision the device has moved past', async () => {
    await expectRefusedWithoutAppend(
      () =>
        app.api
          .post(`/devices/${idOf('C-1')}/collections`)
          .set('If-Match', '"7"')
          .send(collectLaptop),
      409,
      'CONCURRENCY_CONFLICT',
    );
    const current = await app.api
      .post(`/devices/${idOf('C-1')}/collections`)
      .set('If-Match', '"0"')
      .send(collectLaptop);
    expect(current.status).toBe(201);
  });

  it('refuses a malformed If-Match with 400', async () => {
    await expectRefusedWithoutAppend(
      () =>
        app.api
          .post(`/devices/${idOf('C-1')}/data-wipes`)
          .set('If-Match', 'yesterday')
          .send(wipeLaptop),
      400,
      'INVALID_IF_MATCH',
    );
  });
});

describe('Idempotency-Key', () => {
  it('answers a retry like the first time and appends nothing', async () => {
    const first = await app.api.post('/devices').set('Idempotency-Key', 'k-1').send(laptop('I-1'));
    expect(first.status).toBe(201);
    const head = await app.store.headPosition();
    const retry = await app.api.post('/devices').set('Idempotency-Key', 'k-1').send(laptop('I-1'));
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.events).toEqual(first.body.events);
    expect(retry.body.replayed).toBe(true);
    expect(await app.store.headPosition()).toBe(head);
  });

  it('survives two retries racing each other: one event is stored', async () => {
    const [a, b] = await Promise.all([
      app.api.post('/devices').set('Idempotency-Key', 'k-race').send(laptop('I-2')),
      app.api.post('/devices').set('Idempotency-Key', 'k-race').send(laptop('I-2')),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.events[0].eventId).toBe(b.body.events[0].eventId);
    expect((await app.store.readStream(idOf('I-2'))).length).toBe(1);
  });

  it('refuses the same key for a different request', async () => {
    const response = await expectRefusedWithoutAppend(
      () => app.api.post('/devices').set('Idempotency-Key', 'k-1').send(laptop('I-3')),
      409,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect(response.body.error.fields[0].field).toBe('Idempotency-Key');
  });

  it('refuses a malformed key', async () => {
    await expectRefusedWithoutAppend(
      () => app.api.post('/devices').set('Idempotency-Key', 'x'.repeat(201)).send(laptop('I-4')),
      400,
      'INVALID_IDEMPOTENCY_KEY',
    );
  });
});

describe('operations', () => {
  it('reports health with the store kind', async () => {
    const response = await app.api.get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok', store: 'sqlite' });
  });

  it('serves the OpenAPI document with the request schemas and the UI', async () => {
    const json = await app.api.get('/docs-json');
    expect(json.status).toBe(200);
    expect(json.body.openapi).toBe('3.1.0');
    expect(Object.keys(json.body.paths)).toEqual(
      expect.arrayContaining(['/devices', '/devices/{deviceId}/collections', '/devices/{deviceId}/events', '/health']),
    );
    const body = json.body.paths['/devices'].post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['occurredAt', 'producerId', 'product']));
    const ui = await app.api.get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toMatch(/swagger/i);
  });

  it('echoes a sane X-Correlation-Id and records it in the envelope', async () => {
    const response = await app.api.post('/devices').set('X-Correlation-Id', 'corr-42').send(laptop('O-1'));
    expect(response.headers['x-correlation-id']).toBe('corr-42');
    const [event] = await app.store.readStream(idOf('O-1'));
    expect(event?.correlationId).toBe('corr-42');
  });
});

describe('body size limit', () => {
  let small: TestApp;
  beforeAll(async () => {
    small = await startTestApp({ bodyLimitBytes: 2048 });
  });
  afterAll(async () => {
    await small.close();
  });

  it('refuses a body over the limit with 413 and stores nothing', async () => {
    const body = laptop('B-1', { padding: 'x'.repeat(4096) });
    const response = await small.api.post('/devices').send(body);
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await small.store.headPosition()).toBe(0);
  });
});

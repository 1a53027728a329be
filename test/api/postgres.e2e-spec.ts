import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import { example, LAPTOP_ID, startTestApp, type TestApp } from '../support/test-app.js';

describeIfPostgres('the API on PostgreSQL (DATABASE_URL)', () => {
  const schema = createTestSchema('kierto_api');
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ databaseUrl: postgres.url, databaseSchema: schema });
  });
  afterAll(async () => {
    await app.close();
    await dropTestSchema(schema);
  });

  it('runs the README walk-through with the same answers as on SQLite', async () => {
    expect((await app.api.get('/health')).body.store).toBe('postgres');
    expect((await app.api.post('/devices').send(example('place-laptop-on-market'))).status).toBe(201);
    const path = `/devices/${LAPTOP_ID}`;
    expect((await app.api.post(`${path}/collections`).send(example('collect-laptop'))).status).toBe(201);
    const refused = await app.api.post(`${path}/resales`).send(example('resell-laptop'));
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('WIPE_REQUIRED_BEFORE_RESALE');
    expect((await app.api.post(`${path}/data-wipes`).send(example('wipe-laptop'))).status).toBe(201);
    expect((await app.api.post(`${path}/resales`).send(example('resell-laptop'))).status).toBe(201);
    const history = await app.api.get(`${path}/events`);
    expect(history.body.events.map((event: { globalPosition: number }) => event.globalPosition)).toEqual([1, 2, 3, 4]);
  });

  it('reads a passport again and again through its prepared statement, and a device without one as 404', async () => {
    const position = await app.store.headPosition();
    const reads = [];
    // More reads than the pool has connections: some connection prepares once and then reuses it.
    for (let index = 0; index < 12; index += 1) {
      reads.push(await app.api.get(`/passports/${LAPTOP_ID}`).query({ minPosition: position }));
    }
    expect(reads.map((read) => read.status)).toEqual(Array.from({ length: 12 }, () => 200));
    expect(new Set(reads.map((read) => JSON.stringify(read.body))).size).toBe(1);
    expect(reads[0]?.body).toMatchObject({ deviceId: LAPTOP_ID, revision: 3 });
    expect((await app.api.get('/passports/mfr:nobody~20oy:none')).status).toBe(404);
  });

  it('refuses a NUL character in text, which PostgreSQL could not store', async () => {
    const body = example('collect-laptop');
    const response = await app.api
      .post(`/devices/${LAPTOP_ID}/collections`)
      .send({ ...body, collectionPointId: 'point\u0000one' });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'INVALID_CHARACTER', fields: [{ field: 'collectionPointId' }] });
    expect(await app.store.headPosition()).toBe(4);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

const join = (producerId: string, body: Record<string, unknown>) =>
  app.api.post(`/producers/${encodeURIComponent(producerId)}/memberships`).send(body);
const leave = (producerId: string, body: Record<string, unknown>) =>
  app.api.post(`/producers/${encodeURIComponent(producerId)}/departures`).send(body);

/** A refused request answers with the code and appends nothing. */
async function expectRefused(send: () => Promise<request.Response>, status: number, code: string, field?: string) {
  const head = await app.store.headPosition();
  const response = await send();
  expect(response.status).toBe(status);
  expect(response.body.error.code).toBe(code);
  if (field !== undefined) expect(response.body.error.fields).toEqual([expect.objectContaining({ field })]);
  expect(await app.store.headPosition()).toBe(head);
}

describe('producer organisation membership', () => {
  it('records joining and leaving in the producer stream, and serves the history', async () => {
    const joined = await join('producer-fi-0042', { organisationId: 'elker', occurredAt: '2024-01-01T00:00:00Z' });
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({
      producerId: 'producer-fi-0042',
      revision: 0,
      replayed: false,
      events: [{ type: 'ProducerJoinedOrganisation', streamRevision: 0, globalPosition: expect.any(Number) }],
    });
    expect(joined.headers['location']).toBe('/producers/producer-fi-0042/memberships');
    const left = await leave('producer-fi-0042', { organisationId: 'elker', occurredAt: '2025-07-01T00:00:00Z' });
    expect(left.status).toBe(201);
    expect(
      (await join('producer-fi-0042', { organisationId: 'serty', occurredAt: '2025-07-01T00:00:00Z' })).status,
    ).toBe(201);

    const history = await app.api.get('/producers/producer-fi-0042/memberships');
    expect(history.status).toBe(200);
    expect(history.headers['etag']).toBe('"2"');
    expect(history.body).toMatchObject({
      producerId: 'producer-fi-0042',
      organisationId: 'serty',
      changes: [
        { type: 'ProducerJoinedOrganisation', organisationId: 'elker', occurredAt: '2024-01-01T00:00:00Z' },
        { type: 'ProducerLeftOrganisation', organisationId: 'elker', occurredAt: '2025-07-01T00:00:00Z' },
        { type: 'ProducerJoinedOrganisation', organisationId: 'serty', occurredAt: '2025-07-01T00:00:00Z' },
      ],
    });
    const stream = await app.store.readStream('producer:producer-fi-0042');
    expect(stream.map((event) => event.type)).toEqual([
      'ProducerJoinedOrganisation',
      'ProducerLeftOrganisation',
      'ProducerJoinedOrganisation',
    ]);
  });

  it('refuses a second organisation at a time, and leaving one the producer is not in (422)', async () => {
    await join('producer-two', { organisationId: 'elker', occurredAt: '2024-01-01T00:00:00Z' });
    await expectRefused(
      () => join('producer-two', { organisationId: 'serty', occurredAt: '2024-02-01T00:00:00Z' }),
      422,
      'ALREADY_MEMBER',
      'organisationId',
    );
    await expectRefused(
      () => leave('producer-two', { organisationId: 'serty', occurredAt: '2024-02-01T00:00:00Z' }),
      422,
      'NOT_A_MEMBER',
      'organisationId',
    );
    await expectRefused(
      () => leave('producer-none', { organisationId: 'serty', occurredAt: '2024-02-01T00:00:00Z' }),
      422,
      'NOT_A_MEMBER',
    );
  });

  it('refuses a change before the previous one, or in the future (422)', async () => {
    await join('producer-three', { organisationId: 'elker', occurredAt: '2024-06-01T00:00:00Z' });
    await expectRefused(
      () => leave('producer-three', { organisationId: 'elker', occurredAt: '2024-05-31T00:00:00Z' }),
      422,
      'OCCURRED_BEFORE_PREVIOUS_EVENT',
      'occurredAt',
    );
    const future = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    await expectRefused(
      () => leave('producer-three', { organisationId: 'elker', occurredAt: future }),
      422,
      'OCCURRED_IN_FUTURE',
      'occurredAt',
    );
  });

  it('refuses malformed bodies and producer ids (400)', async () => {
    await expectRefused(
      () => join('producer-four', { occurredAt: '2024-01-01T00:00:00Z' }),
      400,
      'VALIDATION_FAILED',
      'organisationId',
    );
    await expectRefused(
      () => join('producer-four', { organisationId: 'elker', occurredAt: '2024-01-01' }),
      400,
      'VALIDATION_FAILED',
      'occurredAt',
    );
    await expectRefused(
      () => join('producer-four', { organisationId: 'elker', occurredAt: '2024-01-01T00:00:00Z', producerId: 'x' }),
      400,
      'VALIDATION_FAILED',
      'producerId',
    );
    await expectRefused(
      () => join('x'.repeat(201), { organisationId: 'elker', occurredAt: '2024-01-01T00:00:00Z' }),
      400,
      'INVALID_PRODUCER_ID',
      'producerId',
    );
  });

  it('answers a retry with the same Idempotency-Key with the first result, appending nothing', async () => {
    const body = { organisationId: 'elker', occurredAt: '2024-01-01T00:00:00Z' };
    const first = await join('producer-five', body).set('Idempotency-Key', 'join-five');
    const head = await app.store.headPosition();
    const retry = await join('producer-five', body).set('Idempotency-Key', 'join-five');
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.events).toEqual(first.body.events);
    expect(await app.store.headPosition()).toBe(head);
  });

  it('answers 404 for a producer with no recorded membership', async () => {
    const response = await app.api.get('/producers/nobody/memberships');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('PRODUCER_NOT_FOUND');
  });
});

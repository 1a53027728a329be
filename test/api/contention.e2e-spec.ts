import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import { idOf, productOf } from '../support/lifecycle.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * One hot device (docs/api-errors.md, "Concurrent writers"): written by many clients at once without If-Match. The command is
 * decided again on the new state after a conflict, with jittered back-off, so concurrent writers do
 * not keep colliding in lock-step; the conflict rate measured here is the one docs/api.md states.
 */

const CLIENTS = 20;
const WRITES_PER_CLIENT = 5;

function contention(
  storeName: string,
  options: () => { databaseUrl?: string; databaseSchema?: string },
  cleanUp: () => Promise<void>,
): void {
  describe(`a hot device (${storeName})`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(options());
    });
    afterAll(async () => {
      await app.close();
      await cleanUp();
    });

    it(`${CLIENTS} clients × ${WRITES_PER_CLIENT} repairs without If-Match: every one recorded, none refused with 409`, async () => {
      const product = productOf({ serialNumber: 'HOT-1', weeeCategory: 2, weightKg: 2 });
      const id = idOf(product);
      const placed = await app.api.post('/devices').send({
        occurredAt: '2026-01-15T10:00:00Z',
        producerId: 'test-producer',
        country: 'FI',
        market: 'household',
        product,
      });
      expect(placed.status).toBe(201);
      const repair = {
        occurredAt: '2026-02-02T10:00:00Z',
        problem: 'No power',
        actions: ['Replaced fuse'],
        partsReplaced: [],
        outcome: 'fixed',
        labourMinutes: 20,
      };
      // One key for all, fetched before the clock starts, so that only the writes race.
      await app.api.post(`/devices/${id}/repairs`).send(repair);
      const client = async (): Promise<number[]> => {
        const statuses: number[] = [];
        for (let write = 0; write < WRITES_PER_CLIENT; write += 1)
          statuses.push((await app.api.post(`/devices/${id}/repairs`).send(repair)).status);
        return statuses;
      };
      const statuses = (await Promise.all(Array.from({ length: CLIENTS }, client))).flat();
      const count = (status: number): number => statuses.filter((each) => each === status).length;
      process.stdout.write(
        `${storeName}: ${CLIENTS}×${WRITES_PER_CLIENT} writes to one device: ${count(201)} × 201, ${count(409)} × 409\n`,
      );
      expect({ created: count(201), conflicts: count(409) }).toEqual({
        created: CLIENTS * WRITES_PER_CLIENT,
        conflicts: 0,
      });
      const history = await app.api.get(`/devices/${id}/events`);
      expect(history.body.events).toHaveLength(2 + CLIENTS * WRITES_PER_CLIENT);
    });
  });
}

contention(
  'SQLite',
  () => ({}),
  () => Promise.resolve(),
);

describeIfPostgres('on PostgreSQL', () => {
  const schema = createTestSchema('kierto_hot');
  contention(
    'PostgreSQL',
    () => ({ databaseUrl: postgres.url, databaseSchema: schema }),
    () => dropTestSchema(schema),
  );
});

describeIfPostgres('a hot device written through two API processes on one PostgreSQL store', () => {
  const schema = createTestSchema('kierto_hot2');
  let apps: TestApp[] = [];
  beforeAll(async () => {
    // Two applications, each with its own pool and in-process queue: their writers really race.
    apps = [await startTestApp({ databaseUrl: postgres.url, databaseSchema: schema, runProjector: false })];
    apps.push(await startTestApp({ databaseUrl: postgres.url, databaseSchema: schema, runProjector: false }));
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await dropTestSchema(schema);
  });

  it(`${CLIENTS} clients (half on each) × ${WRITES_PER_CLIENT} repairs: the jittered retries keep 409s rare`, async () => {
    const [first, second] = apps as [TestApp, TestApp];
    const product = productOf({ serialNumber: 'HOT-2', weeeCategory: 2, weightKg: 2 });
    const id = idOf(product);
    expect(
      (
        await first.api.post('/devices').send({
          occurredAt: '2026-01-15T10:00:00Z',
          producerId: 'test-producer',
          country: 'FI',
          market: 'household',
          product,
        })
      ).status,
    ).toBe(201);
    const repair = {
      occurredAt: '2026-02-02T10:00:00Z',
      problem: 'No power',
      actions: ['Replaced fuse'],
      partsReplaced: [],
      outcome: 'fixed',
      labourMinutes: 20,
    };
    expect((await first.api.post(`/devices/${id}/repairs`).send(repair)).status).toBe(201);
    expect((await second.api.post(`/devices/${id}/repairs`).send(repair)).status).toBe(201);
    const client = async (index: number): Promise<number[]> => {
      const app = index % 2 === 0 ? first : second;
      const statuses: number[] = [];
      for (let write = 0; write < WRITES_PER_CLIENT; write += 1)
        statuses.push((await app.api.post(`/devices/${id}/repairs`).send(repair)).status);
      return statuses;
    };
    const statuses = (await Promise.all(Array.from({ length: CLIENTS }, (_, index) => client(index)))).flat();
    const conflicts = statuses.filter((status) => status === 409).length;
    process.stdout.write(
      `PostgreSQL, two processes: ${CLIENTS}×${WRITES_PER_CLIENT} writes to one device: ${conflicts} × 409\n`,
    );
    expect(statuses.filter((status) => status !== 201 && status !== 409)).toEqual([]);
    // Two writers at a time (one per process) with 12 jittered attempts: a 409 needs 12 losses in a
    // row. Measured 0–1 of 100 on the 2-core machine; the bound leaves room for a loaded one.
    expect(conflicts).toBeLessThanOrEqual(5);
  });
});

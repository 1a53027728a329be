/**
 * The PostgreSQL leader election and its fence (docs/adr/0020-projector-leader-election.md): one
 * leader per schema, the lock gone with its connection, and a leader that lost the lock without
 * noticing writes no page.
 */
import { afterAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { PostgresEventStore } from '#kierto/event-store/postgres';
import { newEvent } from '#kierto/event-store/testing';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import { kiertoProjections } from './kierto.js';
import { ElectedProjector } from './leadership.js';
import { Projector } from './projector.js';
import { LeadershipLostError } from './read-models/port.js';
import { PostgresLeaderElection } from './read-models/postgres-leader.js';
import { PostgresReadModelStore } from './read-models/postgres-read-models.js';

const opened: { close(): Promise<void> }[] = [];
const schemas: string[] = [];
afterAll(async () => {
  for (const each of opened) await each.close().catch(() => undefined);
  for (const schema of schemas) await dropTestSchema(schema);
});

/** A schema with the event store and the read models in it, as the API keeps them, prepared. */
async function setup() {
  const schema = createTestSchema('kierto_leader');
  schemas.push(schema);
  const store = new PostgresEventStore({ connectionString: postgres.url, schema });
  await store.init();
  const readModels = new PostgresReadModelStore({ connectionString: postgres.url, schema });
  opened.push(store, readModels);
  const projections = kiertoProjections({ reportingTimeZone: 'UTC' });
  await new Projector({ store, readModels, projections }).prepare();
  const election = (holder: string) =>
    new PostgresLeaderElection({ connectionString: postgres.url, schema, holder, keepAliveSeconds: 5 });
  return { store, readModels, projections, schema, election };
}

async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

describeIfPostgres('projector leader election on PostgreSQL', () => {
  it('lets one process lead a schema; the lock goes with the leader connection and the next leader gets a new epoch', async () => {
    const { election } = await setup();
    const [a, b] = [election('a'), election('b')];
    try {
      expect(await a.tryAcquire()).toBe(1);
      expect(await b.tryAcquire()).toBeNull();
      expect(await a.confirm()).toBe(true);
      // The server drops the leader's connection (a partition the server noticed, or an operator).
      await sql(
        `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND granted`,
        [0x4b4c],
      );
      expect(await b.tryAcquire()).toBe(2);
      expect(await a.confirm()).toBe(false);
      expect(a.epoch).toBeNull();
      expect(await a.tryAcquire()).toBeNull();
    } finally {
      await a.release();
      await b.release();
    }
  });

  it('fences a page of a leader whose epoch is past: nothing is written, and no event is quarantined', async () => {
    const { store, readModels, projections, schema } = await setup();
    await store.append('mfr:x:1', [newEvent({ type: 'DevicePlacedOnMarket' })], 'no-stream');
    // The old leader led under epoch 1; a successor took over as 2; the old one has not noticed yet.
    await sql(`UPDATE "${schema}".projector_leader SET epoch = 2`);
    const stale = new Projector({ store, readModels, projections, fence: () => 1 });
    await expect(stale.runPage()).rejects.toBeInstanceOf(LeadershipLostError);
    // Every read model's checkpoint, whatever the read models are.
    const positions = async () => [...(await readModels.checkpoints()).values()].map((each) => each.position);
    const everyAt = (position: number) => projections.map(() => position);
    expect(await positions()).toEqual(everyAt(0));
    expect((await readModels.quarantined(10)).events).toEqual([]);
    // Following, the stale projector stops at the fenced page instead of retrying it.
    stale.start();
    await until(() => stale.state === 'stopped');
    expect(await positions()).toEqual(everyAt(0));
    // The leader of epoch 2 writes.
    const current = new Projector({ store, readModels, projections, fence: () => 2 });
    expect(await current.runPage()).toBe(1);
    expect(await positions()).toEqual(everyAt(1));
    // Not leading at all (no epoch): nothing is even tried.
    await store.append('mfr:x:2', [newEvent({ type: 'DevicePlacedOnMarket' })], 'no-stream');
    await expect(new Projector({ store, readModels, projections, fence: () => null }).runPage()).rejects.toThrow(
      'does not hold the leadership',
    );
    expect(await positions()).toEqual(everyAt(1));
  });

  it('runs the projector only on the leader, and the follower takes over when the leader stops', async () => {
    const { store, readModels, projections, election } = await setup();
    const [electionA, electionB] = [election('a'), election('b')];
    const projectorA = new Projector({ store, readModels, projections, fence: () => electionA.epoch });
    const projectorB = new Projector({ store, readModels, projections, fence: () => electionB.epoch });
    const a = new ElectedProjector(projectorA, electionA, { pollMs: 50 });
    const b = new ElectedProjector(projectorB, electionB, { pollMs: 50 });
    a.start();
    await until(() => a.leadership === 'leader');
    b.start();
    try {
      await store.append('mfr:x:1', [newEvent({ type: 'DevicePlacedOnMarket' })], 'no-stream');
      await until(async () => (await readModels.checkpoints()).get('passports')?.position === 1);
      expect([a.leadership, b.leadership, projectorB.state]).toEqual(['leader', 'follower', 'stopped']);
      await a.stop();
      await until(() => b.leadership === 'leader');
      await store.append('mfr:x:2', [newEvent({ type: 'DevicePlacedOnMarket' })], 'no-stream');
      await until(async () => (await readModels.checkpoints()).get('statistics')?.position === 2);
      expect(projectorA.state).toBe('stopped');
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

/** Bounded wait (generous: a loaded machine), polling every 20 ms. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

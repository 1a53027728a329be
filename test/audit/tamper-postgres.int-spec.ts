import { expect, it } from '@jest/globals';
import pg from 'pg';
import { verifyChain } from '#kierto/audit';
import { PostgresEventStore } from '#kierto/event-store/postgres';
import { newEvent } from '#kierto/event-store/testing';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import { sqlTamper, tamperSuite, type TamperFixture } from './tamper-suite.js';

/**
 * A store in a fresh schema, and a separate client that edits its events table. After each edit
 * the head row is set to the last remaining event, as an attacker covering their tracks would
 * (a head left behind is caught without a checkpoint; see the last test).
 */
async function openPostgres(
  options: { syncHead: boolean } = { syncHead: true },
): Promise<TamperFixture & { client: pg.Client }> {
  const schema = createTestSchema('kierto_tamper');
  const store = new PostgresEventStore({ connectionString: postgres.url, schema, poolSize: 2 });
  await store.init();
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  const run = async (sql: string, params: unknown[]): Promise<void> => {
    let n = 0;
    await client.query(
      sql.replace(/\?/g, () => `$${(n += 1)}`),
      params,
    );
  };
  const syncHead = (): Promise<void> =>
    run(
      `UPDATE "${schema}".head SET (position, hash) = (SELECT global_position, hash FROM "${schema}".events
        ORDER BY global_position DESC LIMIT 1)`,
      [],
    );
  const tamper = sqlTamper(run, `"${schema}".events`, options.syncHead ? syncHead : undefined);
  return {
    store,
    tamper,
    client,
    cleanup: async () => {
      await client.end();
      await store.close();
      await dropTestSchema(schema);
    },
  };
}

describeIfPostgres('PostgreSQL tampering', () => {
  tamperSuite('PostgreSQL (a schema, edited through another client)', () => openPostgres());

  it('PostgreSQL: a tail deleted without moving the head row is caught without a checkpoint', async () => {
    const { store, tamper, cleanup } = await openPostgres({ syncHead: false });
    try {
      for (let i = 0; i < 6; i += 1) await store.append('gtin:09506000134352:LAP-0001', [newEvent()], 'any');
      await tamper.deleteAfter(4);
      expect(await verifyChain(store)).toMatchObject({ ok: false, position: 5, reason: 'truncated' });
    } finally {
      await cleanup();
    }
  });
});

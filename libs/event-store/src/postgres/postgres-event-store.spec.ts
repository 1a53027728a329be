import { afterEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { StoreUnavailableError } from '../errors.js';
import { createEventStore } from '../index.js';
import { eventStoreContract, newEvent } from '../testing/contract.js';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '../testing/postgres.js';
import { PostgresEventStore } from './postgres-event-store.js';

describeIfPostgres('PostgreSQL', () => {
  eventStoreContract('PostgresEventStore', async ({ clock, limits }) => {
    const schema = createTestSchema();
    const opened: PostgresEventStore[] = [];
    const open = async (): Promise<PostgresEventStore> => {
      const store = new PostgresEventStore({ connectionString: postgres.url, schema, poolSize: 4, clock, limits });
      opened.push(store);
      await store.init();
      return store;
    };
    return {
      store: await open(),
      openAnother: open,
      cleanup: async () => {
        for (const store of opened) await store.close();
        await dropTestSchema(schema);
      },
    };
  });

  describe('PostgresEventStore specifics', () => {
    const schemas: string[] = [];
    const opened: PostgresEventStore[] = [];
    const create = (schema: string, connectionString = postgres.url): PostgresEventStore => {
      const store = new PostgresEventStore({ connectionString, schema, poolSize: 2 });
      opened.push(store);
      return store;
    };

    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
      for (const schema of schemas.splice(0)) await dropTestSchema(schema);
    });

    it('migrates once when several instances start at the same time on a new schema', async () => {
      const schema = createTestSchema();
      schemas.push(schema);
      const stores = [1, 2, 3, 4].map(() => create(schema));
      await Promise.all(stores.map((store) => store.init()));
      await stores[0]?.append('device-1', [newEvent()], 'no-stream');
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT version, name FROM "${schema}".schema_migrations`);
        expect(rows).toEqual([{ version: 1, name: 'events' }]);
      } finally {
        await client.end();
      }
      expect(await stores[3]?.headPosition()).toBe(1);
    });

    it('reports an unreachable server as StoreUnavailableError', async () => {
      const store = create(createTestSchema(), 'postgresql://postgres@127.0.0.1:1/test');
      await expect(store.init()).rejects.toBeInstanceOf(StoreUnavailableError);
    });

    it('refuses an unsafe schema name and calls before init()', async () => {
      expect(() => new PostgresEventStore({ connectionString: postgres.url, schema: 'x"; DROP TABLE y; --' })).toThrow(
        RangeError,
      );
      await expect(create(createTestSchema()).readAll(0, 10)).rejects.toThrow(/init\(\)/);
    });

    it('is what createEventStore picks for a postgres:// or postgresql:// URL', async () => {
      const url = postgres.url.replace(/^postgres(ql)?:/, 'postgres:');
      const store = createEventStore({ databaseUrl: url, dataDir: '/nonexistent' });
      expect(store).toBeInstanceOf(PostgresEventStore);
      expect(store.kind).toBe('postgres');
      await store.close();
    });
  });
});

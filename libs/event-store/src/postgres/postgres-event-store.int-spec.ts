import { afterEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { StoreUnavailableError } from '../errors.js';
import { createEventStore } from '../configured.js';
import { eventStoreContract, newEvent } from '../testing/contract.js';
import { expectIntactLog } from '../testing/intact-log.js';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '../testing/postgres.js';
import { CopyRows, copyIn } from './copy-in.js';
import { PostgresEventStore } from './postgres-event-store.js';

describeIfPostgres('PostgreSQL', () => {
  // Small appends INSERT their rows and large ones COPY them; the contract's appends are small, so it
  // runs a second time with COPY for every append.
  for (const [name, copyMinEvents] of [
    ['PostgresEventStore', undefined],
    ['PostgresEventStore, rows by COPY', 1],
  ] as const) {
    eventStoreContract(name, async ({ clock, limits }) => {
      const schema = createTestSchema();
      const opened: PostgresEventStore[] = [];
      const open = async (): Promise<PostgresEventStore> => {
        const store = new PostgresEventStore({
          connectionString: postgres.url,
          schema,
          poolSize: 4,
          clock,
          limits,
          copyMinEvents,
        });
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
  }

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

    it('copies text with tabs, line breaks and backslashes unchanged, in every column', async () => {
      const schema = createTestSchema();
      schemas.push(schema);
      const store = new PostgresEventStore({ connectionString: postgres.url, schema, poolSize: 1, copyMinEvents: 1 });
      opened.push(store);
      await store.init();
      const awkward = 'tab\there, line\nbreak, return\r, back\\slash \\N and \\. ä ✓';
      const event = newEvent({
        type: `Type ${awkward}`,
        occurredAt: awkward,
        actor: { organisationId: awkward, role: awkward, keyId: awkward },
        correlationId: awkward,
        causationId: awkward,
        data: { [awkward]: awkward, nested: [awkward, { k: awkward }] },
        metadata: { note: awkward },
      });
      const [stored] = (await store.append(`stream ${awkward}`, [event], 'no-stream')).events;
      const [read] = await store.readStream(`stream ${awkward}`);
      expect(read).toEqual(stored);
      expect(read).toMatchObject({
        type: event.type,
        occurredAt: awkward,
        actor: event.actor,
        causationId: awkward,
        data: event.data,
      });
    });

    it('rolls back a COPY the server refuses part-way, and the connection stays usable', async () => {
      const schema = createTestSchema();
      schemas.push(schema);
      const store = new PostgresEventStore({ connectionString: postgres.url, schema, poolSize: 1, copyMinEvents: 1 });
      opened.push(store);
      await store.init();
      await store.append('device-c', [newEvent(), newEvent()], 'no-stream');
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      try {
        // A head moved back by hand: the next rows collide with stored positions inside the COPY.
        const { rows } = await client.query<{ hash: string }>(
          `SELECT hash FROM "${schema}".events WHERE global_position = 1`,
        );
        await client.query(`UPDATE "${schema}".head SET position = 1, hash = $1`, [rows[0]?.hash]);
        await expect(store.append('device-d', [newEvent(), newEvent()], 'no-stream')).rejects.toMatchObject({
          code: '23505',
          constraint: 'events_pkey',
        });
        const { rows: head } = await client.query<{ hash: string }>(
          `SELECT hash FROM "${schema}".events WHERE global_position = 2`,
        );
        await client.query(`UPDATE "${schema}".head SET position = 2, hash = $1`, [head[0]?.hash]);
      } finally {
        await client.end();
      }
      expect(await store.readStream('device-d')).toEqual([]);
      const appended = await store.append('device-d', [newEvent()], 'no-stream');
      expect(appended.events.map((event) => event.globalPosition)).toEqual([3]);
      expect((await store.readAll(0, 10)).map((event) => event.globalPosition)).toEqual([1, 2, 3]);
    });

    it('commits concurrent appends of one instance in shared transactions, each with its own outcome', async () => {
      const schema = createTestSchema();
      schemas.push(schema);
      // The clock is read once per append transaction, so its calls count the transactions.
      let transactions = 0;
      const clock = (): Date => {
        transactions += 1;
        return new Date('2031-01-01T00:00:00.000Z');
      };
      const store = new PostgresEventStore({ connectionString: postgres.url, schema, poolSize: 4, clock });
      opened.push(store);
      await store.init();
      await store.append('device-hot', [newEvent()], 'no-stream');
      transactions = 0;

      const fresh = Array.from({ length: 30 }, (_, i) => store.append(`device-${i}`, [newEvent()], 'no-stream'));
      const stale = store.append('device-hot', [newEvent()], 5);
      // jsonb refuses the NUL character: the database fails the group's INSERT, and the group is
      // then committed member by member so that only this append fails.
      const refused = store.append('device-nul', [newEvent({ data: { text: 'nul \u0000 here' } })], 'no-stream');
      const outcomes = await Promise.allSettled([...fresh, stale, refused]);

      expect(outcomes.slice(0, 30).map((outcome) => outcome.status)).toEqual(Array(30).fill('fulfilled'));
      expect(outcomes[30]).toMatchObject({ status: 'rejected', reason: { code: 'CONCURRENCY_CONFLICT' } });
      expect(outcomes[31]).toMatchObject({ status: 'rejected' });
      // The first append went alone; the rest queued behind it and shared one transaction, which
      // failed on the NUL and was redone member by member (31 more).
      expect(transactions).toBeLessThan(2 + 31 + 1);
      const all = await store.readAll(0, 100);
      expect(all.map((event) => event.globalPosition)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
      expectIntactLog(all);
      expect(await store.readStream('device-nul')).toEqual([]);

      transactions = 0;
      const grouped = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.append(`device-g${i}`, [newEvent(), newEvent()], 'no-stream')),
      );
      expect(transactions).toBe(2);
      expect(grouped.flatMap((result) => result.events.map((event) => event.globalPosition))).toEqual(
        Array.from({ length: 40 }, (_, i) => 32 + i),
      );
      expectIntactLog(await store.readAll(0, 100));
    });

    it('copies rows from chunks produced while sending, and from CopyRows across chunk boundaries', async () => {
      const schema = createTestSchema();
      schemas.push(schema);
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".t (n integer, s text)`);
        async function* produced(): AsyncGenerator<Buffer> {
          for (let n = 1; n <= 3; n += 1) {
            await new Promise((resolve) => setImmediate(resolve));
            yield Buffer.from(`${n}\tline ${n}\n`);
          }
        }
        expect(await copyIn(client, `COPY "${schema}".t (n, s) FROM STDIN`, produced())).toBe(3);
        // A field longer than a chunk, and many rows: the rows span several CopyData messages.
        const rows = new CopyRows();
        const long = 'ä\t\\'.repeat(200_000);
        rows.add(['4', long]);
        for (let n = 5; n < 5_000; n += 1) rows.add([String(n), null]);
        expect(rows.chunks().length).toBeGreaterThan(1);
        expect(await copyIn(client, `COPY "${schema}".t (n, s) FROM STDIN`, rows.chunks())).toBe(4_996);
        const { rows: read } = await client.query<{ n: number; s: string | null }>(
          `SELECT n, s FROM "${schema}".t WHERE n <= 5 ORDER BY n`,
        );
        expect(read).toEqual([
          { n: 1, s: 'line 1' },
          { n: 2, s: 'line 2' },
          { n: 3, s: 'line 3' },
          { n: 4, s: long },
          { n: 5, s: null },
        ]);
        async function* failing(): AsyncGenerator<Buffer> {
          yield Buffer.from('6\tsix\n');
          await new Promise((resolve) => setImmediate(resolve));
          throw new Error('the source broke');
        }
        await expect(copyIn(client, `COPY "${schema}".t (n, s) FROM STDIN`, failing())).rejects.toThrow(
          /the source broke/,
        );
        expect((await client.query(`SELECT count(*)::int AS c FROM "${schema}".t`)).rows).toEqual([{ c: 4_999 }]);
      } finally {
        await client.end();
      }
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

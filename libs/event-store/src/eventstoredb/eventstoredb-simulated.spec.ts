/**
 * The shared contract against the EventStoreDB adapter on a simulated server
 * (testing/in-memory-kurrentdb.ts). It checks the adapter's logic everywhere; the same suite
 * against a real KurrentDB is eventstoredb-event-store.spec.ts (KIERTO_TEST_EVENTSTORE_URL).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { StoreUnavailableError } from '../errors.js';
import { CONTRACT_LIMITS, eventStoreContract, expectIntactChain, newEvent } from '../testing/contract.js';
import { EventStoreDbEventStore } from './eventstoredb-event-store.js';
import type { EventStoreDbEventStoreOptions } from './eventstoredb-event-store.js';
import { streamNames } from './mapping.js';
import { InMemoryKurrentDB } from './testing/in-memory-kurrentdb.js';

const SIMULATED_URL = 'kurrentdb://simulated:2113?tls=false';

eventStoreContract('EventStoreDbEventStore (simulated server)', async ({ clock, limits }) => {
  const server = new InMemoryKurrentDB();
  const opened: EventStoreDbEventStore[] = [];
  const open = async (): Promise<EventStoreDbEventStore> => {
    const store = new EventStoreDbEventStore({
      connectionString: SIMULATED_URL,
      client: server.client(),
      clock,
      limits,
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
    },
  };
});

describe('EventStoreDbEventStore on a simulated server', () => {
  const opened: EventStoreDbEventStore[] = [];
  const open = async (
    server: InMemoryKurrentDB,
    options: Partial<EventStoreDbEventStoreOptions> = {},
  ): Promise<EventStoreDbEventStore> => {
    const store = new EventStoreDbEventStore({
      connectionString: SIMULATED_URL,
      client: server.client(),
      limits: CONTRACT_LIMITS,
      ...options,
    });
    opened.push(store);
    await store.init();
    return store;
  };

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  it('writes device streams, the log, one index stream per id and the marker, under the prefix', async () => {
    const server = new InMemoryKurrentDB();
    const store = await open(server, { streamPrefix: 'tenant-a.' });
    const [e1, e2] = [newEvent(), newEvent()];
    await store.appendMany([
      { streamId: 'gtin:09506000134352:LAP-0001', events: [e1], expectedRevision: 'no-stream' },
      { streamId: 'mfr:acme:SN-1', events: [e2], expectedRevision: 'no-stream' },
    ]);
    const names = streamNames('tenant-a.');
    expect(server.streamNames().sort()).toEqual(
      [
        names.marker,
        names.device('gtin:09506000134352:LAP-0001'),
        names.device('mfr:acme:SN-1'),
        names.log,
        names.eventIndex(e1.eventId),
        names.eventIndex(e2.eventId),
      ].sort(),
    );
    expect(server.commits).toBe(2);
  });

  it('re-plans when another writer takes the next position between planning and commit', async () => {
    const server = new InMemoryKurrentDB();
    const [store, other] = [await open(server), await open(server)];
    await store.append('device-a', [newEvent()], 'no-stream');
    server.beforeCommit = async () => {
      server.beforeCommit = undefined;
      await other.append('device-b', [newEvent()], 'no-stream');
    };
    const [late] = (await store.append('device-a', [newEvent()], 0)).events;
    expect(server.conflicts).toBe(1);
    expect(late).toMatchObject({ streamRevision: 1, globalPosition: 3 });
    const all = await store.readAll(0, 10);
    expect(all.map((event) => [event.streamId, event.globalPosition])).toEqual([
      ['device-a', 1],
      ['device-b', 2],
      ['device-a', 3],
    ]);
    expectIntactChain(all);
  });

  it('gives up with StoreUnavailableError when other writers win every attempt until the contention timeout', async () => {
    const server = new InMemoryKurrentDB();
    const [victim, other] = [await open(server, { contentionTimeoutMs: 200 }), await open(server)];
    const interfere = async (): Promise<void> => {
      server.beforeCommit = undefined;
      await other.append('device-busy', [newEvent()], 'any');
      server.beforeCommit = interfere;
    };
    server.beforeCommit = interfere;
    const started = Date.now();
    await expect(victim.append('device-a', [newEvent()], 'no-stream')).rejects.toThrow(StoreUnavailableError);
    server.beforeCommit = undefined;
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(server.conflicts).toBeGreaterThan(1);
    expect(await victim.readStream('device-a')).toEqual([]);
    expectIntactChain(await victim.readAll(0, 1_000));
  });

  it('reports an outage on reads and appends as StoreUnavailableError and works again once the server is back', async () => {
    const server = new InMemoryKurrentDB();
    const store = await open(server);
    await store.append('device-a', [newEvent()], 'no-stream');
    server.down = true;
    await expect(store.append('device-a', [newEvent()], 0)).rejects.toThrow(
      /^EventStoreDB at simulated:2113 is unavailable: no connection to the server$/,
    );
    await expect(store.readStream('device-a')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.findEvent(newEvent().eventId)).rejects.toBeInstanceOf(StoreUnavailableError);
    server.down = false;
    await store.append('device-a', [newEvent()], 0);
    expect(await store.headPosition()).toBe(2);
  });

  it('reports the raw gRPC error of a failed commit as StoreUnavailableError', async () => {
    const server = new InMemoryKurrentDB();
    const store = await open(server);
    // The reads of the plan succeed; the connection drops before the commit.
    server.beforeCommit = () => {
      server.down = true;
      return Promise.reject(Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), { code: 14 }));
    };
    await expect(store.append('device-a', [newEvent()], 'no-stream')).rejects.toThrow(
      /^EventStoreDB at simulated:2113 is unavailable: 14 UNAVAILABLE: Connection dropped$/,
    );
  });

  it("maps the server's transaction size limit to BatchTooLargeError", async () => {
    const server = new InMemoryKurrentDB(8 * 1024);
    const store = await open(server);
    const events = Array.from({ length: 8 }, () => newEvent({ data: { blob: 'x'.repeat(1_500) } }));
    await expect(store.append('device-a', events, 'no-stream')).rejects.toMatchObject({ code: 'BATCH_TOO_LARGE' });
    expect(await store.headPosition()).toBe(0);
  });

  it('reads a page spanning many streams with one read per stream, in global order', async () => {
    const server = new InMemoryKurrentDB();
    const store = await open(server, { readConcurrency: 3 });
    const requests = Array.from({ length: 12 }, (_, i) => ({
      streamId: `device-${i % 5}`,
      events: [newEvent(), newEvent()],
      expectedRevision: 'any' as const,
    }));
    await store.appendMany(requests);
    const page = await store.readAll(5, 10);
    expect(page.map((event) => event.globalPosition)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expectIntactChain(await store.readAll(0, 100));
    expect((await store.readStream('device-0')).map((event) => event.streamRevision)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('refuses a store written in another format', async () => {
    const server = new InMemoryKurrentDB();
    const raw = server.client();
    await raw.multiStreamAppend([
      {
        streamName: streamNames().marker,
        expectedState: 'no_stream',
        events: [
          {
            id: '00000000-0000-4000-8000-000000000001',
            contentType: 'application/json',
            type: 'KiertoStoreCreated',
            data: { format: 2 },
            metadata: undefined,
          },
        ],
      },
    ]);
    const store = new EventStoreDbEventStore({ connectionString: SIMULATED_URL, client: server.client() });
    opened.push(store);
    await expect(store.init()).rejects.toThrow(/format 2; this Kierto reads format 1/);
  });
});

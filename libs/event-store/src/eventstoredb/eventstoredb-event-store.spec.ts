import { afterEach, describe, expect, it } from '@jest/globals';
import { BACKWARDS, END, KurrentDBClient } from '@kurrent/kurrentdb-client';
import { StoreUnavailableError } from '../errors.js';
import { createEventStore } from '../configured.js';
import { eventStoreContract, newEvent } from '../testing/contract.js';
import { EventStoreDbEventStore, isEventStoreDbUrl } from './eventstoredb-event-store.js';
import { ENVELOPE_KEY, LOG_EVENT_TYPE, streamNames } from './mapping.js';
import { createTestStreamPrefix, describeIfEventStoreDb, eventStoreDb } from './testing/eventstoredb.js';

/** Nothing listens on port 1: connections are refused at once. */
const CLOSED_PORT_URL = 'kurrentdb://127.0.0.1:1?tls=false';

describe('EventStoreDbEventStore without a server', () => {
  const opened: EventStoreDbEventStore[] = [];
  const create = (connectionString = CLOSED_PORT_URL): EventStoreDbEventStore => {
    const store = new EventStoreDbEventStore({ connectionString });
    opened.push(store);
    return store;
  };

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  it('reports a server that is not there as StoreUnavailableError, quickly and readably', async () => {
    const store = create();
    const started = Date.now();
    const error = await store.init().then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/^EventStoreDB at 127\.0\.0\.1:1 is unavailable: /);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses calls before init(), reserved stream ids before any I/O, and a malformed connection string', async () => {
    const store = create();
    await expect(store.readAll(0, 10)).rejects.toThrow(/init\(\)/);
    await expect(store.append('kierto-log', [newEvent()], 'no-stream')).rejects.toThrow(RangeError);
    await expect(store.append('$et-DeviceCollected', [newEvent()], 'no-stream')).rejects.toThrow(RangeError);
    expect(() => new EventStoreDbEventStore({ connectionString: 'http://127.0.0.1:2113' })).toThrow(RangeError);
  });

  it('resolves waits with false and refuses calls once closed', async () => {
    const store = create();
    await store.close();
    await store.close();
    expect(await store.waitForEvents(0, 1_000)).toBe(false);
    await expect(store.headPosition()).rejects.toThrow(/closed/);
    await expect(store.init()).rejects.toThrow(/closed/);
  });

  it('is what createEventStore picks for a kurrentdb:// or esdb:// URL, whatever DATABASE_URL says', async () => {
    for (const url of [CLOSED_PORT_URL, 'kurrentdb+discover://db.example:2113', 'esdb://127.0.0.1:2113?tls=false']) {
      expect(isEventStoreDbUrl(url)).toBe(true);
    }
    const store = createEventStore({
      eventStoreUrl: CLOSED_PORT_URL,
      eventStoreStreamPrefix: 'tenant-a.',
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/test',
      dataDir: '/nonexistent',
    });
    expect(store).toBeInstanceOf(EventStoreDbEventStore);
    expect(store.kind).toBe('eventstoredb');
    await store.close();
    expect(() => createEventStore({ eventStoreUrl: 'postgresql://x/y', dataDir: '/nonexistent' })).toThrow(RangeError);
  });
});

describeIfEventStoreDb('EventStoreDB', () => {
  eventStoreContract('EventStoreDbEventStore', async ({ clock, limits }) => {
    const streamPrefix = createTestStreamPrefix();
    const opened: EventStoreDbEventStore[] = [];
    const open = async (): Promise<EventStoreDbEventStore> => {
      const store = new EventStoreDbEventStore({ connectionString: eventStoreDb.url, streamPrefix, clock, limits });
      opened.push(store);
      await store.init();
      return store;
    };
    return {
      store: await open(),
      openAnother: open,
      // Streams stay behind under their own prefix: nothing else reads them, and deleting would
      // only tombstone them on the server.
      cleanup: async () => {
        for (const store of opened) await store.close();
      },
    };
  });

  describe('EventStoreDbEventStore specifics', () => {
    const stores: EventStoreDbEventStore[] = [];
    const client = (): KurrentDBClient => KurrentDBClient.connectionString(eventStoreDb.url);

    afterEach(async () => {
      for (const store of stores.splice(0)) await store.close();
    });

    async function open(streamPrefix: string): Promise<EventStoreDbEventStore> {
      const store = new EventStoreDbEventStore({ connectionString: eventStoreDb.url, streamPrefix });
      stores.push(store);
      await store.init();
      return store;
    }

    it('writes one native stream per device, the log and an index stream per event id', async () => {
      const prefix = createTestStreamPrefix();
      const names = streamNames(prefix);
      const store = await open(prefix);
      const event = newEvent({ metadata: { idempotencyKey: 'k-1' } });
      const [stored] = (await store.append('gtin:09506000134352:LAP-0001', [event], 'no-stream')).events;

      const raw = client();
      try {
        const device = [];
        for await (const resolved of raw.readStream(names.device('gtin:09506000134352:LAP-0001')))
          device.push(resolved.event);
        expect(device).toHaveLength(1);
        expect(device[0]).toMatchObject({ id: event.eventId, type: event.type, revision: 0n, data: event.data });
        expect(device[0]?.metadata).toMatchObject({ [ENVELOPE_KEY]: expect.any(String) });

        const log = [];
        for await (const resolved of raw.readStream(names.log, {
          direction: BACKWARDS,
          fromRevision: END,
          maxCount: 1,
        })) {
          log.push(resolved.event);
        }
        expect(log[0]).toMatchObject({
          type: LOG_EVENT_TYPE,
          revision: 0n,
          data: { eventId: event.eventId, hash: stored?.hash },
        });

        const index = [];
        for await (const resolved of raw.readStream(names.eventIndex(event.eventId))) index.push(resolved.event);
        expect(index[0]?.data).toEqual({
          streamId: 'gtin:09506000134352:LAP-0001',
          streamRevision: 0,
          globalPosition: 1,
        });
      } finally {
        await raw.dispose();
      }
    });

    it('keeps installations with different prefixes apart on one server', async () => {
      const [a, b] = [await open(createTestStreamPrefix()), await open(createTestStreamPrefix())];
      await a.append('device-1', [newEvent()], 'no-stream');
      expect(await b.headPosition()).toBe(0);
      expect(await b.readStream('device-1')).toEqual([]);
      await b.append('device-1', [newEvent()], 'no-stream');
      expect(await a.headPosition()).toBe(1);
    });
  });
});

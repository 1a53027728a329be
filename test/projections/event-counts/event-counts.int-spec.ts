/**
 * The projection contract is open (docs/adr/0012-open-projection-contract.md): a read model defined
 * entirely in this folder (./event-counts.ts), with its own table, runs on the real Projector on
 * SQLite and PostgreSQL, beside Kierto's projections, exactly once: a page whose write fails leaves
 * neither its rows nor its checkpoint, and two projectors racing on one store count each event once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventStore } from '#kierto/event-store';
import { describeIfPostgres } from '#kierto/event-store/testing/postgres';
import {
  kiertoProjections,
  Projector,
  type AnyProjection,
  type Projection,
  type ReadModelStore,
} from '#kierto/projections';
import { postgresBackend, sqliteBackend, type Backend } from '#kierto/projections/testing/backends';
import { randomHistories, Recorder } from '#kierto/projections/testing';
import { eventCountsAt, eventCountsProjection, type Counted, type NoDocument } from './event-counts.js';

/** The same projection, its write failing after its rows (a connection lost) while `failing.on`. */
function failingWrite(failing: { on: boolean }): Projection<NoDocument, Counted> {
  const { storage } = eventCountsProjection;
  const lost = (): Error => Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' });
  return {
    ...eventCountsProjection,
    storage: {
      ...storage,
      sqlite: {
        load: (session, keys) => storage.sqlite.load(session, keys),
        write(session, page) {
          storage.sqlite.write(session, page);
          if (failing.on) throw lost();
        },
      },
      postgres: {
        load: (session, keys) => storage.postgres.load(session, keys),
        async write(session, page) {
          await storage.postgres.write(session, page);
          if (failing.on) throw lost();
        },
      },
    },
  };
}

function suite(describeFor: (name: string, fn: () => void) => void, makeBackend: () => Backend): void {
  describeFor('a read model defined outside libs/projections', () => {
    let backend: Backend;
    let store: EventStore;
    let head: number;
    let expected: Record<string, number>;

    beforeAll(async () => {
      backend = makeBackend();
      store = await backend.newStore();
      await new Recorder(store).recordAll(randomHistories(40));
      const events = await store.readAll(0, 100_000);
      head = events.at(-1)?.globalPosition ?? 0;
      expected = {};
      for (const event of events) expected[event.type] = (expected[event.type] ?? 0) + 1;
    });

    afterAll(async () => {
      await backend.cleanup();
    });

    it('is projected by the real projector, in pages, into its own table, beside the Kierto projections', async () => {
      const readModels = backend.readModels('alone');
      const projections = [...kiertoProjections({ reportingTimeZone: 'UTC' }), eventCountsProjection as AnyProjection];
      const projector = new Projector({ store, readModels, projections, pageSize: 7 });
      await projector.prepare();
      await projector.catchUp();
      expect(await eventCountsAt(readModels)).toEqual({ value: expected, checkpoint: head });
      expect(Object.keys(await readModels.dump())).toEqual(
        expect.arrayContaining(['event_type_counts', 'passports', 'statistics_facts']),
      );
      // A rebuild of it alone replays the log into an emptied table: the same counts.
      await projector.rebuild(['event-counts']);
      expect(await eventCountsAt(readModels)).toEqual({ value: expected, checkpoint: head });
    });

    it('keeps its rows and its checkpoint in one transaction: a failed write leaves neither, the retry counts once', async () => {
      const readModels = backend.readModels('failing');
      const failing = { on: false };
      const projector = new Projector({ store, readModels, projections: [failingWrite(failing)], pageSize: 10 });
      await projector.prepare();
      await projector.runPage();
      const before = await eventCountsAt(readModels);
      expect(before.checkpoint).toBe(10);
      failing.on = true;
      await expect(projector.runPage()).rejects.toThrow('Connection terminated unexpectedly');
      expect(await eventCountsAt(readModels)).toEqual(before);
      failing.on = false;
      await projector.catchUp();
      expect(await eventCountsAt(readModels)).toEqual({ value: expected, checkpoint: head });
    });

    it('counts every event once when two projectors race on its table', async () => {
      const first = new Projector({
        store,
        readModels: backend.readModels('racing'),
        projections: [eventCountsProjection],
        pageSize: 3,
      });
      const second = new Projector({
        store,
        readModels: backend.readModels('racing'),
        projections: [eventCountsProjection],
        pageSize: 5,
      });
      await first.prepare();
      await second.prepare();
      await Promise.all([first.catchUp(), second.catchUp()]);
      // Read through a third instance: what the store holds, not what either projector remembers.
      expect(await eventCountsAt(await opened(backend, 'racing'))).toEqual({ value: expected, checkpoint: head });
    });
  });
}

async function opened(backend: Backend, place: string): Promise<ReadModelStore> {
  const readModels = backend.readModels(place);
  await readModels.init();
  return readModels;
}

suite(describe, () => sqliteBackend('kierto-event-counts'));
suite(describeIfPostgres, () => postgresBackend('kierto_event_counts'));

/**
 * One event never stops a read model. An event the edge would refuse is forced
 * into the log through the EventStore port; the projector quarantines it in the projection it
 * breaks, and passports and statistics of every other device end exactly as if it were not there.
 * Transient errors are retried, never quarantined; a quarantined event is re-projected after a fix.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventStore, JsonObject } from '#kierto/event-store';
import { describeIfPostgres } from '#kierto/event-store/testing/postgres';
import { placementData } from '#kierto/testing';
import { passportProjection } from './passport/passport.js';
import { passportAt } from './passport/read-model.js';
import type { AnyProjection } from './projection.js';
import { Projector } from './projector.js';
import type { QuarantinedEvent, ReadModelStore } from './read-models/index.js';
import { statisticsProjection } from './statistics/facts.js';
import { postgresBackend, sqliteBackend, type Backend } from './testing/backends.js';
import { idOfProduct, product, randomHistories, Recorder } from './testing/scenario.js';
import { isTransientError } from './transient.js';

const TIME_ZONE = 'Europe/Helsinki';
const projections = (): AnyProjection[] => [passportProjection, statisticsProjection({ timeZone: TIME_ZONE })];

const POISON = product('POISON-1', 4, 40);

/**
 * Appends, through the port and past every check of the edge, the placing on market of a device of
 * `weightKg` (docs/projections.md: 1e13 kg was accepted with 201 and stopped every read model for good).
 */
async function forcePlacement(store: EventStore, weightKg: number, eventId: string): Promise<number> {
  const data = placementData({ producerId: 'producer-a', product: { ...POISON, weightKg, materials: [] } });
  const result = await store.append(
    idOfProduct(POISON),
    [
      {
        eventId,
        type: 'DevicePlacedOnMarket',
        schemaVersion: 1,
        occurredAt: '2023-06-01T00:00:00Z',
        actor: { organisationId: 'org-test', role: 'producer', keyId: 'key-test' },
        correlationId: 'forced',
        causationId: null,
        data: data as unknown as JsonObject,
        metadata: {},
      },
    ],
    'any',
  );
  const stored = result.events[0];
  if (stored === undefined) throw new Error('the forced event was not stored');
  return stored.globalPosition;
}

/** A projection that skips the event at `position`: what a quarantine of that event must give. */
function skipping(projection: AnyProjection, position: number): AnyProjection {
  return {
    ...projection,
    evolve: (document, event) =>
      event.globalPosition === position ? { document, facts: [], memberships: [] } : projection.evolve(document, event),
  };
}

/** A projection with a bug at `position` while `bug.on` (a fix turns it off). */
function buggyAt(projection: AnyProjection, position: number, bug: { on: boolean }): AnyProjection {
  return {
    ...projection,
    evolve(document, event) {
      if (bug.on && event.globalPosition === position) throw new TypeError(`cannot read the event at ${position}`);
      return projection.evolve(document, event);
    },
  };
}

/** The read models a projector leaves after catching up, in pages of `pageSize`. */
async function projected(
  store: EventStore,
  readModels: ReadModelStore,
  list: AnyProjection[],
  pageSize: number,
): Promise<Projector> {
  const projector = new Projector({ store, readModels, projections: list, pageSize });
  await projector.prepare();
  await projector.catchUp();
  return projector;
}

function quarantineSuite(
  describeFor: (name: string, fn: () => void) => void,
  name: string,
  makeBackend: () => Backend,
): void {
  describeFor(`poison events on ${name}`, () => {
    let backend: Backend;
    let store: EventStore;
    let poison: number;
    let head: number;
    const history = randomHistories(24, 5);

    beforeAll(async () => {
      backend = makeBackend();
      store = await backend.newStore();
      const recorder = new Recorder(store);
      const half = Math.floor(history.length / 2);
      await recorder.recordAll(history.slice(0, half));
      poison = await forcePlacement(store, 1e13, '00000000-0000-4000-9000-000000000001');
      await recorder.recordAll(history.slice(half));
      head = await store.headPosition();
    });
    afterAll(async () => {
      await backend.cleanup();
    });

    it('quarantines a 1e13 kg placing in the statistics alone; passports and statistics of every other device stay current', async () => {
      const readModels = backend.readModels('poisoned');
      const quarantined: QuarantinedEvent[] = [];
      const projector = new Projector({
        store,
        readModels,
        projections: projections(),
        pageSize: 20,
        onQuarantine: (event) => quarantined.push(event),
      });
      await projector.prepare();
      // Before the fix this rejected (and a following projector retried the page for ever).
      await expect(projector.catchUp()).resolves.toBe(head);
      const checkpoints = await readModels.checkpoints();
      expect(checkpoints.get('passports')?.position).toBe(head);
      expect(checkpoints.get('statistics')?.position).toBe(head);

      const { events, counts } = await readModels.quarantined(100);
      expect(events).toEqual([
        expect.objectContaining({
          name: 'statistics',
          globalPosition: poison,
          eventType: 'DevicePlacedOnMarket',
          streamId: idOfProduct(POISON),
        }),
      ]);
      expect(events[0]?.reason).toMatch(/RangeError: A mass of 10000000000000 kg is outside 0–10000 kg/);
      expect(counts).toEqual(new Map([['statistics', 1]]));
      expect(quarantined).toEqual(events);

      // Exactly the read models of a projector that never saw the event in the statistics, and saw
      // it in the passports (they do not share the failure: the device has its passport).
      const reference = backend.readModels('reference');
      await projected(
        store,
        reference,
        [passportProjection, skipping(statisticsProjection({ timeZone: TIME_ZONE }), poison)],
        1000,
      );
      const dump = await readModels.dump();
      expect(dump).toEqual(await reference.dump());
      expect((dump['passports'] as { device_id: string }[]).map((row) => row.device_id)).toContain(idOfProduct(POISON));
      const passport = await passportAt(readModels, idOfProduct(POISON));
      expect(passport.value?.globalPosition).toBe(poison);
    });

    it('goes on following after a quarantine, and a rebuild quarantines the event again', async () => {
      const readModels = backend.readModels('following');
      const projector = new Projector({ store, readModels, projections: projections(), pageSize: 7, retryDelayMs: 10 });
      await projector.prepare();
      projector.start();
      const deadline = Date.now() + 10_000;
      while ((await readModels.checkpoints()).get('statistics')?.position !== head && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await projector.stop();
      expect((await readModels.checkpoints()).get('statistics')?.position).toBe(head);
      expect(projector.lastError).toBeNull();
      const report = await projector.rebuild(['statistics']);
      expect(report.events).toBe(head);
      expect((await readModels.quarantined(10)).events.map((event) => event.globalPosition)).toEqual([poison]);
    });

    it('isolates a failure of the database itself (a value the column refuses) as well as a throw in the projection', async () => {
      // A projection handing SQL a mass no column holds: the failure comes from the store's commit.
      const healthy = statisticsProjection({ timeZone: TIME_ZONE });
      const target = poison + 3;
      const overflowing: AnyProjection = {
        ...healthy,
        evolve(document, event) {
          const applied = healthy.evolve(document as Parameters<typeof healthy.evolve>[0], event);
          if (event.globalPosition !== target) return applied;
          return { ...applied, facts: applied.facts.map((fact) => ({ ...fact, massMg: 1e300 })) };
        },
      };
      const [event] = await store.readAll(target - 1, 1);
      if (event === undefined) throw new Error(`no event at ${target}`);
      const unseen: Parameters<typeof healthy.evolve>[0] = null;
      const producesFacts = healthy.evolve(unseen, event).facts.length > 0;
      const readModels = backend.readModels('sql-failure');
      await projected(
        store,
        readModels,
        [buggyAt(passportProjection, target, { on: true }), skipping(overflowing, poison)],
        50,
      );
      const { events } = await readModels.quarantined(10);
      expect(events.filter((each) => each.name === 'passports').map((each) => each.globalPosition)).toEqual([target]);
      expect(events.find((each) => each.name === 'passports')?.reason).toMatch(/TypeError: cannot read the event at/);
      if (producesFacts)
        expect(events.some((each) => each.name === 'statistics' && each.globalPosition === target)).toBe(true);
      expect((await readModels.checkpoints()).get('statistics')?.position).toBe(head);
    });

    it('retries a page that fails transiently, whole, and quarantines nothing', async () => {
      const readModels = backend.readModels('transient');
      await readModels.init();
      let failures = 2;
      const flaky = Object.create(readModels) as ReadModelStore;
      flaky.commit = async (page) => {
        if (failures > 0) {
          failures -= 1;
          throw Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' });
        }
        await readModels.commit(page);
      };
      const projector = new Projector({ store, readModels: flaky, projections: [passportProjection], pageSize: 1000 });
      await projector.prepare();
      await expect(projector.catchUp()).rejects.toThrow('Connection terminated unexpectedly');
      expect((await readModels.checkpoints()).get('passports')?.position).toBe(0);
      expect((await readModels.quarantined(10)).events).toEqual([]);
      // Following, the projector backs off and retries until the connection is back.
      projector.start();
      const deadline = Date.now() + 10_000;
      while ((await readModels.checkpoints()).get('passports')?.position !== head && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await projector.stop();
      expect((await readModels.checkpoints()).get('passports')?.position).toBe(head);
      expect((await readModels.quarantined(10)).events).toEqual([]);
    });

    it('re-projects a quarantined event after a fix, once; refuses when later events of its stream went ahead', async () => {
      const readModels = backend.readModels('retry');
      const bug = { on: true };
      // The poison event is its stream's only event: nothing of the stream went ahead of it.
      const list = [
        buggyAt(passportProjection, poison, bug),
        skipping(statisticsProjection({ timeZone: TIME_ZONE }), poison),
      ];
      const projector = await projected(store, readModels, list, 25);
      expect((await readModels.quarantined(10)).events.map((each) => [each.name, each.globalPosition])).toEqual([
        ['passports', poison],
      ]);
      expect((await passportAt(readModels, idOfProduct(POISON))).value).toBeNull();

      expect(await projector.retryQuarantined('passports', poison)).toEqual({
        outcome: 'failed',
        reason: expect.stringMatching(/TypeError/),
      });
      expect((await readModels.quarantined(10)).events).toHaveLength(1);
      bug.on = false;
      expect(await projector.retryQuarantined('passports', poison)).toEqual({ outcome: 'applied' });
      expect((await readModels.quarantined(10)).events).toEqual([]);
      expect((await passportAt(readModels, idOfProduct(POISON))).value?.globalPosition).toBe(poison);
      expect(await projector.retryQuarantined('passports', poison)).toEqual({
        outcome: 'refused',
        reason: expect.stringMatching(/holds no event at position/),
      });
      const reference = backend.readModels('retry-reference');
      await projected(
        store,
        reference,
        [passportProjection, skipping(statisticsProjection({ timeZone: TIME_ZONE }), poison)],
        1000,
      );
      expect(await readModels.dump()).toEqual(await reference.dump());

      // An event with later events of its stream applied without it: only a rebuild replays it in order.
      const log = await store.readAll(0, head);
      const streamOf = log.find(
        (event) =>
          event.type === 'DevicePlacedOnMarket' && log.filter((each) => each.streamId === event.streamId).length > 1,
      );
      const later = log.filter((event) => event.streamId === streamOf?.streamId);
      expect(later.length).toBeGreaterThan(1);
      const first = later[0]?.globalPosition ?? 0;
      const other = backend.readModels('retry-refused');
      const otherBug = { on: true };
      const otherProjector = await projected(store, other, [buggyAt(passportProjection, first, otherBug)], 25);
      otherBug.on = false;
      expect(await otherProjector.retryQuarantined('passports', first)).toEqual({
        outcome: 'refused',
        reason: expect.stringMatching(
          /later event\(s\) of .* reached passports without it .*kierto rebuild --projection passports/,
        ),
      });
      await otherProjector.rebuild(['passports']);
      expect((await other.quarantined(10)).events).toEqual([]);
    });
  });
}

quarantineSuite(describe, 'SQLite', () => sqliteBackend('kierto-quarantine'));
quarantineSuite(describeIfPostgres, 'PostgreSQL', () => postgresBackend('kierto_quarantine'));

describe('which errors are transient', () => {
  it.each([
    ['ECONNREFUSED', true],
    ['ECONNRESET', true],
    ['57P01', true], // admin shutdown
    ['08006', true], // connection failure
    ['40001', true], // serialization failure
    ['53100', true], // disk full
    ['SQLITE_BUSY', true],
    ['SQLITE_IOERR_WRITE', true],
    ['SQLITE_FULL', true],
    ['STORE_UNAVAILABLE', true],
    ['55P03', true], // lock not available: a lock timeout, not the event
    ['42501', true], // insufficient privilege: an operator's grant
    ['42P01', true], // undefined table: a migration in progress
    ['42601', false], // syntax error: the code's fault for this event, quarantined
    ['22003', false], // numeric value out of range: the data's fault
    ['23505', false], // unique violation
    ['SQLITE_CONSTRAINT_DATATYPE', false], // "cannot store REAL value in INTEGER column"
    ['SQLITE_TOOBIG', false],
  ])('code %s → transient %s', (code, transient) => {
    expect(isTransientError(Object.assign(new Error('x'), { code }))).toBe(transient);
  });

  it("knows the driver errors that carry no code, and treats everything else as possibly the event's", () => {
    expect(isTransientError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientError(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isTransientError(new RangeError('A mass of 1e13 kg is outside 0–10000 kg'))).toBe(false);
    expect(isTransientError(new TypeError("Cannot read properties of undefined (reading 'weightKg')"))).toBe(false);
    expect(isTransientError('a string')).toBe(false);
    expect(isTransientError(null)).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { EventStore } from '#kierto/event-store';
import { describeIfPostgres } from '#kierto/event-store/testing/postgres';
import { passportProjection } from './passport/passport.js';
import type { AnyProjection } from './projection.js';
import { Projector, waitForCheckpoint } from './projector.js';
import { CheckpointMovedError, type ReadModelStore } from './read-models/index.js';
import { statisticsReadModel, type SumsQuery } from './statistics/read-model.js';
import { MEASURES, statisticsProjection, type StatisticsFact } from './statistics/facts.js';
import { postgresBackend, sqliteBackend, type Backend } from './testing/backends.js';
import { randomHistories, Recorder, type ScenarioCommand } from './testing/scenario.js';

// KNOWN FLAKE, cause not found yet: in 3 of about 8 full-suite runs from a fresh clone (never when
// this file runs alone, and in none of 6 instrumented full runs since), 'stops in the middle of a
// page when the store refuses a write' saw catchUp() resolve instead of failing on the poisoned
// fact. That test now records every page commit and shows them in its failure message, and each
// attempt works on read models of its own, so the one retry below is a real second attempt (a retry
// that fails again still fails the run). See the closing notes of 2026-11-23.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

const TIME_ZONE = 'Europe/Helsinki';
const projections = (): AnyProjection[] => [passportProjection, statisticsProjection({ timeZone: TIME_ZONE })];

async function seeded(backend: Backend, commands: readonly ScenarioCommand[]): Promise<EventStore> {
  const store = await backend.newStore();
  await new Recorder(store).recordAll(commands);
  return store;
}

/** The read models a rebuild from zero gives, on fresh storage, in one big page. */
async function rebuiltFromZero(backend: Backend, store: EventStore, place: string): Promise<Record<string, unknown[]>> {
  const readModels = backend.readModels(place);
  const projector = new Projector({ store, readModels, projections: projections(), pageSize: 1000 });
  await projector.prepare();
  await projector.catchUp();
  return readModels.dump();
}

/**
 * The statistics projection, except that at `position` it adds a fact SQL refuses (a NULL country)
 * after the rest of the page: the store fails in the middle of writing the page.
 */
function failingInSql(position: number): AnyProjection {
  const healthy = statisticsProjection({ timeZone: TIME_ZONE });
  return {
    ...healthy,
    evolve(document, event) {
      const applied = healthy.evolve(document as Parameters<typeof healthy.evolve>[0], event);
      if (event.globalPosition !== position) return applied;
      const poisoned: StatisticsFact = {
        globalPosition: -1,
        measure: 'POM',
        eventId: event.eventId,
        deviceId: event.streamId,
        recordedAt: event.recordedAt,
        occurredAt: event.occurredAt,
        year: 2024,
        country: null as unknown as string,
        producerId: null,
        onBehalfOf: null,
        attributedAt: 0,
        category: 1,
        annexICategory: null,
        period: 'annex-v-part-3',
        market: 'household',
        treatment: null,
        massMg: 1,
        units: 1,
        value: null,
      };
      return { ...applied, facts: [...applied.facts, poisoned] };
    },
  };
}

/** The statistics projection as if the event at `position` did not exist: what its quarantine must leave. */
function skippingAt(position: number): AnyProjection {
  const healthy = statisticsProjection({ timeZone: TIME_ZONE });
  return {
    ...healthy,
    evolve: (document, event) =>
      event.globalPosition === position
        ? { document, facts: [], memberships: [] }
        : healthy.evolve(document as Parameters<typeof healthy.evolve>[0], event),
  };
}

/** The passport projection, except that it throws at `position` (a bug, or an event it cannot read). */
function throwingAt(position: number): AnyProjection {
  return {
    ...passportProjection,
    evolve(document, event) {
      if (event.globalPosition === position) throw new Error(`projection bug at ${position}`);
      return passportProjection.evolve(document as Parameters<typeof passportProjection.evolve>[0], event);
    },
  };
}

/**
 * The same (initialised) store, counting the pages refused because another projector moved the
 * checkpoint first. Everything but commit goes to the store itself through the prototype.
 */
async function countingConflicts(readModels: ReadModelStore, counter: { conflicts: number }): Promise<ReadModelStore> {
  await readModels.init();
  const counting = Object.create(readModels) as ReadModelStore;
  counting.commit = async (page) => {
    try {
      await readModels.commit(page);
    } catch (error) {
      if (error instanceof CheckpointMovedError) counter.conflicts += 1;
      throw error;
    }
  };
  return counting;
}

function projectorSuite(describeFor: (name: string, fn: () => void) => void, makeBackend: () => Backend): void {
  describeFor('projector', () => {
    let backend: Backend;
    let store: EventStore;
    let head: number;
    let fromZero: Record<string, unknown[]>;
    const history = randomHistories(60);
    let attempts = 0;

    beforeAll(async () => {
      backend = makeBackend();
      store = await seeded(backend, history);
      head = await store.headPosition();
      fromZero = await rebuiltFromZero(backend, store, 'reference');
    });
    afterAll(async () => {
      await backend.cleanup();
    });

    it('builds the read models of a realistic log', () => {
      expect(head).toBeGreaterThan(150);
      expect(fromZero['passports']).toHaveLength(60);
      expect(fromZero['statistics_devices']).toHaveLength(60);
      expect((fromZero['statistics_facts'] ?? []).length).toBeGreaterThan(100);
      expect(fromZero['statistics_memberships']).toHaveLength(4);
      expect(fromZero['projection_checkpoints']).toEqual([
        expect.objectContaining({ name: 'passports', position: head }),
        expect.objectContaining({ name: 'statistics', position: head }),
      ]);
    });

    it('isolates a write the store refuses in the middle of a page: the page is retried without the event, which is quarantined in that projection alone', async () => {
      attempts += 1;
      const readModels = backend.readModels(`crash-sql-${attempts}`);
      const failAt = 42;
      // Every page commit, kept for the failure message: which pages went through, and whether the
      // poisoned fact was in one of them.
      const commits: string[] = [];
      await readModels.init();
      const recording = Object.create(readModels) as ReadModelStore;
      recording.commit = async (page) => {
        const facts = page.parts.flatMap((part) =>
          part.page.applied.flatMap((applied) => ('facts' in applied ? (applied.facts as StatisticsFact[]) : [])),
        );
        const pageOf = `${page.checkpoints.map((move) => `${move.name} ${move.from}→${move.to}`).join(', ')}; facts ${facts.length}`;
        const poisoned = facts.some((fact) => fact.globalPosition === -1) ? ', poisoned' : '';
        try {
          await readModels.commit(page);
          commits.push(`committed ${pageOf}${poisoned}`);
        } catch (error) {
          commits.push(`refused ${pageOf}${poisoned}: ${error instanceof Error ? error.message : String(error)}`);
          throw error;
        }
      };
      const crashing = new Projector({
        store,
        readModels: recording,
        projections: [passportProjection, failingInSql(failAt)],
        pageSize: 10,
      });
      await crashing.prepare();
      const outcome = await crashing.catchUp().then(
        (events) => `resolved after ${events} events`,
        (error: unknown) => `rejected: ${String(error)}`,
      );
      // Before the quarantine (ADR 0011) the page 41–50 failed for ever; now the store's refusal is narrowed to 42.
      expect({ outcome, commits }).toEqual({
        outcome: `resolved after ${head} events`,
        commits: expect.arrayContaining([
          expect.stringMatching(/^refused .*poisoned/),
          'committed statistics 41→42; facts 0',
        ]),
      });
      const checkpoints = await readModels.checkpoints();
      expect(checkpoints.get('statistics')?.position).toBe(head);
      expect(checkpoints.get('passports')?.position).toBe(head);
      const { events } = await readModels.quarantined(10);
      expect(events.map((event) => [event.name, event.globalPosition])).toEqual([['statistics', failAt]]);
      // Everything else applied, passports of event 42 included (they do not share the failure).
      const reference = backend.readModels(`crash-sql-reference-${attempts}`);
      const skipping = new Projector({
        store,
        readModels: reference,
        projections: [passportProjection, skippingAt(failAt)],
        pageSize: 1000,
      });
      await skipping.prepare();
      await skipping.catchUp();
      expect(await readModels.dump()).toEqual(await reference.dump());

      // A rebuild with the fixed code ends equal to a rebuild from zero, and empties the quarantine.
      const restarted = new Projector({ store, readModels, projections: projections(), pageSize: 10 });
      await restarted.prepare();
      await restarted.rebuild(['statistics']);
      expect(await readModels.dump()).toEqual(fromZero);
      expect((await readModels.quarantined(10)).events).toEqual([]);
    });

    it('quarantines the event a projection throws at in that projection, and goes on with the rest of the page', async () => {
      const readModels = backend.readModels('crash-throw');
      const crashing = new Projector({
        store,
        readModels,
        projections: [throwingAt(77), statisticsProjection({ timeZone: TIME_ZONE })],
        pageSize: 25,
      });
      await crashing.prepare();
      await expect(crashing.catchUp()).resolves.toBe(head);
      expect((await readModels.checkpoints()).get('statistics')?.position).toBe(head);
      expect((await readModels.checkpoints()).get('passports')?.position).toBe(head);
      expect((await readModels.quarantined(10)).events).toEqual([
        expect.objectContaining({ name: 'passports', globalPosition: 77, reason: 'Error: projection bug at 77' }),
      ]);
      const dump = await readModels.dump();
      expect(dump['statistics_facts']).toEqual(fromZero['statistics_facts']);
      expect(dump['statistics_cells']).toEqual(fromZero['statistics_cells']);
      const restarted = new Projector({ store, readModels, projections: projections(), pageSize: 25 });
      await restarted.rebuild(['passports']);
      expect(await readModels.dump()).toEqual(fromZero);
    });

    it('gives the same read models incrementally, page by page while events arrive, as a rebuild from zero', async () => {
      const growing = await backend.newStore();
      const recorder = new Recorder(growing);
      const readModels = backend.readModels('incremental');
      const projector = new Projector({ store: growing, readModels, projections: projections(), pageSize: 3 });
      await projector.prepare();
      for (let start = 0; start < history.length; start += 37) {
        await recorder.recordAll(history.slice(start, start + 37));
        await projector.catchUp();
      }
      // Same script, same clock: the growing store holds the same log as the seeded one.
      expect((await growing.readAll(0, 10_000)).map((event) => event.hash)).toEqual(
        (await store.readAll(0, 10_000)).map((event) => event.hash),
      );
      expect(await readModels.dump()).toEqual(fromZero);

      const report = await projector.rebuild();
      expect(report.events).toBe(head);
      expect(await readModels.dump()).toEqual(fromZero);
    });

    it('applies every event once when two projectors race on the same read models', async () => {
      const place = 'racing';
      const counter = { conflicts: 0 };
      const first = new Projector({
        store,
        readModels: await countingConflicts(backend.readModels(place), counter),
        projections: projections(),
        pageSize: 7,
      });
      const second = new Projector({
        store,
        readModels: await countingConflicts(backend.readModels(place), counter),
        projections: projections(),
        pageSize: 11,
      });
      await first.prepare();
      await second.prepare();
      await Promise.all([first.catchUp(), second.catchUp()]);
      // They did collide: each collision rolled a page back instead of applying it twice.
      expect(counter.conflicts).toBeGreaterThan(0);
      const readModels = backend.readModels(place);
      await readModels.init();
      // A store only initialised knows no projection's tables: it is told whose rows to dump.
      expect(await readModels.dump(projections())).toEqual(fromZero);
    });

    it('rebuilds one projection while the other keeps its checkpoint', async () => {
      const readModels = backend.readModels('partial');
      const projector = new Projector({ store, readModels, projections: projections(), pageSize: 50 });
      await projector.prepare();
      await projector.catchUp();
      await readModels.reset('passports', passportProjection.version);
      expect((await readModels.checkpoints()).get('passports')?.position).toBe(0);
      await projector.catchUp();
      expect(await readModels.dump()).toEqual(fromZero);
    });

    it('reads the current figures from the cells exactly as the facts give them as of now', async () => {
      const readModels = backend.readModels('reference');
      await readModels.init();
      const years = [2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027];
      for (const groupBy of [[], ['category'], ['market', 'treatment']] as const) {
        for (const filters of [
          { country: null, producerId: null, organisationId: null, category: null, market: null },
          { country: 'FI', producerId: null, organisationId: 'org-elker', category: null, market: null },
          {
            country: null,
            producerId: 'producer-b',
            organisationId: null,
            category: null,
            market: 'household' as const,
          },
          { country: null, producerId: null, organisationId: 'org-serty', category: 2 as const, market: null },
        ]) {
          const query: SumsQuery = { years, measures: MEASURES, filters, asOf: null, groupBy };
          const sort = (rows: readonly object[]) => [...rows].map((row) => JSON.stringify(row)).sort();
          const fromCells = (await statisticsReadModel(readModels).sums(query)).value;
          expect(fromCells.length).toBeGreaterThan(0);
          const fromFacts = (await statisticsReadModel(readModels).sums({ ...query, asOf: '9999-12-31T23:59:59.999Z' }))
            .value;
          expect(sort(fromCells)).toEqual(sort(fromFacts));
        }
      }
    });

    it('follows new events until stopped, and stops at once while waiting', async () => {
      const live = await backend.newStore();
      const recorder = new Recorder(live);
      const readModels = backend.readModels('follow');
      const projector = new Projector({ store: live, readModels, projections: projections() });
      await projector.prepare();
      projector.start();
      expect(projector.state).toBe('following');
      await recorder.recordAll(history.slice(0, 10));
      const position = await live.headPosition();
      expect(await waitForCheckpoint(readModels, 'statistics', position, 5_000, projector)).toEqual({
        reached: true,
        checkpoint: position,
      });
      const started = Date.now();
      await projector.stop();
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(projector.state).toBe('stopped');
      expect(await waitForCheckpoint(readModels, 'statistics', position + 1, 100, null)).toEqual({
        reached: false,
        checkpoint: position,
      });
    });

    it('drops and rebuilds a projection built by another version, or from another log', async () => {
      const readModels = backend.readModels('versions');
      const projector = new Projector({ store, readModels, projections: projections() });
      await projector.prepare();
      await projector.catchUp();
      const resets: string[] = [];
      const otherZone = new Projector({
        store,
        readModels,
        projections: [passportProjection, statisticsProjection({ timeZone: 'UTC' })],
        onReset: (name) => resets.push(name),
      });
      await otherZone.prepare();
      expect(resets).toEqual(['statistics']);
      const afterZoneChange = await readModels.checkpoints();
      expect(afterZoneChange.get('statistics')).toMatchObject({
        position: 0,
        version: expect.stringMatching(/^statistics\/\d+;timeZone=UTC$/),
      });
      expect(afterZoneChange.get('passports')?.position).toBe(head);

      // The same read models against another log (a different store): the hash at the checkpoint differs.
      const other = await seeded(backend, history.slice(0, 100));
      const foreign = new Projector({
        store: other,
        readModels,
        projections: projections(),
        onReset: (name) => resets.push(name),
      });
      await foreign.prepare();
      expect(resets).toEqual(['statistics', 'passports', 'statistics']);
      const checkpoints = await readModels.checkpoints();
      expect(checkpoints.get('passports')?.position).toBe(0);
    });
  });
}

projectorSuite(describe, () => sqliteBackend('kierto-projector'));
projectorSuite(describeIfPostgres, () => postgresBackend('kierto_rm'));

describeIfPostgres('the same log in SQLite and PostgreSQL', () => {
  let sqlite: Backend;
  let pg: Backend;
  beforeAll(() => {
    sqlite = sqliteBackend('kierto-projector');
    pg = postgresBackend('kierto_rm');
  });
  afterAll(async () => {
    await sqlite.cleanup();
    await pg.cleanup();
  });

  it('gives identical read models, row for row', async () => {
    const history = randomHistories(30, 11);
    const [fromSqlite, fromPostgres] = await Promise.all([
      seeded(sqlite, history).then((store) => rebuiltFromZero(sqlite, store, 'compare')),
      seeded(pg, history).then((store) => rebuiltFromZero(pg, store, 'compare')),
    ]);
    expect(fromPostgres).toEqual(fromSqlite);
  });
});

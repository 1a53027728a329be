import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { EventStore } from '#kierto/event-store';
import { describeIfPostgres } from '#kierto/event-store/testing/postgres';
import { passportProjection } from './passport/passport.js';
import type { AnyProjection } from './projection.js';
import { Projector, waitForCheckpoint } from './projector.js';
import {
  CheckpointMovedError,
  rebuildingVersion,
  Sql,
  type PageWrite,
  type ReadModelStore,
} from './read-models/index.js';
import { statisticsReadModel, type SumsQuery } from './statistics/read-model.js';
import { MEASURES, statisticsProjection, type StatisticsFact } from './statistics/facts.js';
import { stockProjection } from './stock/stock.js';
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

/** The secondary indexes the projections declare (`storage.indexes`): what a full rebuild creates at its end. */
function declaredIndexes(projections: readonly AnyProjection[], dialect: 'sqlite' | 'postgres'): string[] {
  return projections
    .flatMap((projection) => projection.storage.indexes?.(dialect, (name) => name) ?? [])
    .map((statement) => /CREATE INDEX IF NOT EXISTS (\w+)/.exec(statement)?.[1] ?? statement)
    .sort();
}

/** The indexes of the read models' tables other than their keys, by name. */
async function secondaryIndexes(readModels: ReadModelStore): Promise<string[]> {
  const { value } = await readModels.snapshot('statistics', {
    sqlite: ({ db }) =>
      db
        .prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`)
        .all()
        .map((row) => row.name),
    postgres: async ({ query, table }) => {
      const schema = (table('x').split('.')[0] ?? '').replaceAll('"', '');
      const rows = await query(
        new Sql().add(`SELECT indexname FROM pg_indexes WHERE schemaname = ? AND indexname NOT LIKE '%_pkey'`, schema),
      );
      return rows.map((row) => String(row['indexname']));
    },
  });
  return [...value].sort();
}

/**
 * The store, each page commit held until the next page's documents have been loaded (or the next
 * read found the log's end): those loads read the store as it was before the page, as a read
 * running while a PostgreSQL commit is in flight may. Counts the loads made under a held commit.
 */
function holdingCommits(
  readModels: ReadModelStore,
  store: EventStore,
  held: { loads: number },
): {
  readModels: ReadModelStore;
  store: EventStore;
} {
  const waiting: (() => void)[] = [];
  const release = (): void => {
    for (const resume of waiting.splice(0)) resume();
  };
  const holding = Object.create(readModels) as ReadModelStore;
  holding.commit = async (page: PageWrite) => {
    // A page that ends a rebuild has no page read after it; a budget's fallback so that nothing waits for ever.
    if ((page.finish ?? []).length === 0)
      await new Promise<void>((resume) => {
        waiting.push(resume);
        setTimeout(resume, 2_000);
      });
    await readModels.commit(page);
  };
  holding.loadDocuments = async (projection, keys) => {
    const documents = await readModels.loadDocuments(projection, keys);
    if (waiting.length > 0) held.loads += 1;
    release();
    return documents;
  };
  const reading = Object.create(store) as EventStore;
  reading.readAll = async (after, limit) => {
    const events = await store.readAll(after, limit);
    if (events.length === 0) release();
    return events;
  };
  return { readModels: holding, store: reading };
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

    it('rebuilds in pages, indexes and cells made once at the end, exactly what incremental pages give', async () => {
      // Incremental: the full rebuild of an empty log ends at once; every page after it maintains
      // the cells and the indexes as it goes.
      const growing = await backend.newStore();
      const incremental = backend.readModels('incremental-from-empty');
      const follower = new Projector({
        store: growing,
        readModels: incremental,
        projections: projections(),
        pageSize: 7,
      });
      await follower.prepare();
      await follower.catchUp();
      const versions = Object.fromEntries(projections().map((projection) => [projection.name, projection.version]));
      const stored = async (readModels: ReadModelStore) =>
        Object.fromEntries([...(await readModels.checkpoints()).values()].map((each) => [each.name, each.version]));
      expect(await stored(incremental)).toEqual(versions);
      const declared = declaredIndexes(projections(), incremental.kind);
      expect(declared).toHaveLength(3);
      expect(await secondaryIndexes(incremental)).toEqual(expect.arrayContaining(declared));
      await new Recorder(growing).recordAll(history);
      let pages = 0;
      while ((await follower.runPage()) > 0) pages += 1;
      expect(pages).toBeGreaterThan(20);
      const incrementalDump = await incremental.dump();
      expect(incrementalDump['statistics_memberships']).toHaveLength(4);
      expect(incrementalDump).toEqual(fromZero);

      // A full rebuild of the same log in pages of 7: no index and no cell until its last page.
      const rebuilt = backend.readModels('rebuilt-in-pages');
      const rebuilder = new Projector({ store, readModels: rebuilt, projections: projections(), pageSize: 7 });
      await rebuilder.prepare();
      await rebuilder.catchUp();
      await rebuilder.rebuild();
      expect(await stored(rebuilt)).toEqual(versions);
      expect(await secondaryIndexes(rebuilt)).toEqual(expect.arrayContaining(declared));
      expect(await rebuilt.dump()).toEqual(incrementalDump);
      const query: SumsQuery = {
        years: [2021, 2022, 2023, 2024, 2025, 2026],
        measures: MEASURES,
        filters: { country: null, producerId: null, organisationId: 'org-elker', category: null, market: null },
        asOf: null,
        groupBy: ['category'],
      };
      const sums = async (readModels: ReadModelStore, asOf: string | null) =>
        (await statisticsReadModel(readModels).sums({ ...query, asOf })).value.map((row) => JSON.stringify(row)).sort();
      // Now, as of the middle of the recording (recorded cells and that day's facts), and as of the end.
      const middle = (await store.readAll(Math.floor(head / 2), 1))[0]?.recordedAt ?? null;
      expect(middle).not.toBeNull();
      for (const asOf of [null, middle, '9999-12-31T23:59:59.999Z']) {
        const answer = await sums(rebuilt, asOf);
        expect(answer.length).toBeGreaterThan(0);
        expect(answer).toEqual(await sums(incremental, asOf));
      }
    });

    it('resumes a full rebuild a crash interrupted, mid-way or at its end, and queries see no checkpoint until it ends', async () => {
      const statistics = statisticsProjection({ timeZone: TIME_ZONE });
      const declared = declaredIndexes(projections(), backend.readModels('crash-rebuild-mid').kind);
      const query: SumsQuery = {
        years: [2024],
        measures: MEASURES,
        filters: { country: null, producerId: null, organisationId: null, category: null, market: null },
        asOf: null,
        groupBy: [],
      };

      // Mid-way: three pages committed, then the process is gone.
      const crashedMid = backend.readModels('crash-rebuild-mid');
      const first = new Projector({ store, readModels: crashedMid, projections: projections(), pageSize: 10 });
      await first.prepare();
      for (let page = 0; page < 3; page += 1) await first.runPage();
      expect((await crashedMid.checkpoints()).get('statistics')).toMatchObject({
        position: 30,
        version: rebuildingVersion(statistics.version),
      });
      expect(await secondaryIndexes(crashedMid)).toEqual(expect.not.arrayContaining([declared[0]]));
      expect((await statisticsReadModel(crashedMid).sums(query)).checkpoint).toBe(0);
      expect(await waitForCheckpoint(crashedMid, 'statistics', 1, 0, null)).toEqual({ reached: false, checkpoint: 0 });

      // At its end: every page committed, the last one, which ends the rebuild, lost with the process.
      const crashedAtEnd = backend.readModels('crash-rebuild-end');
      await crashedAtEnd.init();
      const dying = Object.create(crashedAtEnd) as ReadModelStore;
      dying.commit = async (page) => {
        if ((page.finish ?? []).length > 0) throw Object.assign(new Error('terminating connection'), { code: '57P01' });
        await crashedAtEnd.commit(page);
      };
      const second = new Projector({ store, readModels: dying, projections: projections(), pageSize: 10 });
      await second.prepare();
      await expect(second.catchUp()).rejects.toThrow('terminating connection');
      expect((await crashedAtEnd.checkpoints()).get('statistics')?.version).toBe(rebuildingVersion(statistics.version));
      expect(await secondaryIndexes(crashedAtEnd)).toEqual(expect.not.arrayContaining([declared[0]]));

      for (const place of ['crash-rebuild-mid', 'crash-rebuild-end']) {
        // The next process, on the same storage: prepare() keeps the rebuild, which goes on from its checkpoint.
        const readModels = backend.readModels(place);
        const resets: string[] = [];
        const next = new Projector({
          store,
          readModels,
          projections: projections(),
          pageSize: 10,
          onReset: (name) => resets.push(name),
        });
        await next.prepare();
        expect(resets).toEqual([]);
        expect((await readModels.checkpoints()).get('statistics')?.position).toBeGreaterThanOrEqual(30);
        await next.catchUp();
        expect(await secondaryIndexes(readModels)).toEqual(expect.arrayContaining(declared));
        expect(await readModels.dump()).toEqual(fromZero);
        expect((await statisticsReadModel(readModels).sums(query)).checkpoint).toBe(head);
      }
    });

    it("folds the next page while the one before commits, over that page's documents, to what one page at a time gives", async () => {
      const events = await store.readAll(0, 10_000);
      const pageSize = 5;
      // The test means something only if a device has events in two consecutive pages.
      const pageOf = (index: number) => Math.floor(index / pageSize);
      const adjacent = events.some((event, index) =>
        events.some(
          (other, later) => later > index && other.streamId === event.streamId && pageOf(later) === pageOf(index) + 1,
        ),
      );
      expect(adjacent).toBe(true);
      const held = { loads: 0 };
      const pipelinedReadModels = backend.readModels('pipelined');
      await pipelinedReadModels.init();
      const holding = holdingCommits(pipelinedReadModels, store, held);
      const pipelined = new Projector({ ...holding, projections: projections(), pageSize });
      await pipelined.prepare();
      await pipelined.rebuild();
      expect(held.loads).toBeGreaterThan(10);
      // One page at a time: a page budget never folds ahead.
      const sequential = backend.readModels('sequential');
      const oneByOne = new Projector({
        store,
        readModels: sequential,
        projections: projections(),
        pageSize,
        pageBudgetMs: 60_000,
      });
      await oneByOne.prepare();
      await oneByOne.catchUp();
      expect(await sequential.dump()).toEqual(fromZero);
      expect(await holding.readModels.dump()).toEqual(fromZero);
    });

    it('quarantines exactly the poison event during a rebuild, pages folded ahead and cells built at the end', async () => {
      const readModels = backend.readModels('rebuild-poison');
      const poisoned = new Projector({
        store,
        readModels,
        projections: [passportProjection, failingInSql(42)],
        pageSize: 10,
      });
      await poisoned.prepare();
      await poisoned.catchUp();
      await poisoned.rebuild();
      expect((await readModels.quarantined(10)).events.map((event) => [event.name, event.globalPosition])).toEqual([
        ['statistics', 42],
      ]);
      const reference = backend.readModels('rebuild-poison-reference');
      const skipping = new Projector({
        store,
        readModels: reference,
        projections: [passportProjection, skippingAt(42)],
        pageSize: 1000,
      });
      await skipping.prepare();
      await skipping.catchUp();
      expect(await readModels.dump()).toEqual(await reference.dump());
      expect(await secondaryIndexes(readModels)).toEqual(
        expect.arrayContaining(declaredIndexes(projections(), readModels.kind)),
      );
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
        // Recreated for a full rebuild, which its first catch-up ends (docs/adr/0032).
        version: expect.stringMatching(/^statistics\/\d+;timeZone=UTC \(rebuilding\)$/),
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

  it('gives identical stock, page by page after a rebuild of the empty log as in a rebuild, row for row', async () => {
    const history = randomHistories(30, 13);
    const withStock = (): AnyProjection[] => [...projections(), stockProjection];
    const built = async (backend: Backend, place: string, rebuild: boolean) => {
      const store = await backend.newStore();
      const readModels = backend.readModels(place);
      const projector = new Projector({ store, readModels, projections: withStock(), pageSize: 7 });
      await projector.prepare();
      // Incremental: the rebuild of the empty log ends at once, every page after it updates rows.
      if (!rebuild) await projector.catchUp();
      await new Recorder(store).recordAll(history);
      await projector.catchUp();
      return readModels.dump();
    };
    const [sqliteRebuilt, postgresRebuilt, postgresIncremental] = await Promise.all([
      built(sqlite, 'stock-rebuilt', true),
      built(pg, 'stock-rebuilt', true),
      built(pg, 'stock-incremental', false),
    ]);
    expect(sqliteRebuilt['stock']).toHaveLength(30);
    expect(postgresRebuilt).toEqual(sqliteRebuilt);
    expect(postgresIncremental).toEqual(sqliteRebuilt);
  });
});

/**
 * As-of figures from the recorded cells (docs/adr/0031) and, without a producer or organisation,
 * from the running totals (docs/adr/0033) are the figures the facts themselves give: for random
 * histories recorded at random moments (seconds to days apart, so that some days hold one recording
 * and some many), with memberships recorded late, projected in random page sizes, every as-of moment
 * around every recording, at every day's edges, before the first recording and after the last gives
 * the same rows as summing the facts recorded by then, whatever the filters and grouping. The
 * running totals kept page by page are the ones a full rebuild computes at once, also when the
 * recording clock goes back across midnight; the national figures are then still the facts' sums.
 * On SQLite and, when it is available, PostgreSQL.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '#kierto/event-store/postgres';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import type { EventStore } from '#kierto/event-store';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import { Projector } from '../projector.js';
import { PostgresReadModelStore } from '../read-models/postgres-read-models.js';
import { SqliteReadModelStore } from '../read-models/sqlite-read-models.js';
import type { ReadModelStore } from '../read-models/port.js';
import { Sql, type Row, type SqlParam } from '../read-models/sql.js';
import {
  join as joinOrganisation,
  leave,
  randomHistories,
  Recorder,
  type ScenarioCommand,
} from '../testing/scenario.js';
import { MEASURES, statisticsProjection } from './facts.js';
import type { StatisticsFilters, SumDimension, SumRow, SumsQuery } from './model.js';
import { statisticsReadModel, sumRow } from './read-model.js';
import { runningTotalsOfFacts, sumsFromFactsSql } from './sql.js';
import { STATISTICS_TABLES } from './tables.js';

const DAY = 86_400_000;
/** Gaps between recordings: same second, seconds, an hour, across midnight, days. */
const GAPS = [1, 1000, 3_600_000, 13 * 3_600_000, DAY, 3 * DAY] as const;
/**
 * Back 13 hours, often onto the previous day, as the clocks of several instances can go: facts are
 * then recorded on a day before a key's latest running total.
 */
const BACK = -13 * 3_600_000;

interface Stores {
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly close: () => Promise<void>;
}

type Open = (clock: () => Date) => Promise<Stores>;

function sqliteStores(): { open: Open; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'kierto-as-of-'));
  let runs = 0;
  return {
    async open(clock) {
      runs += 1;
      const store = new SqliteEventStore({ file: join(dir, `events-${runs}.sqlite`), clock });
      await store.init();
      const readModels = new SqliteReadModelStore({ file: join(dir, `read-${runs}.sqlite`) });
      return {
        store,
        readModels,
        close: async () => {
          await readModels.close();
          await store.close();
        },
      };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresStores(): { open: Open; cleanup(): Promise<void> } {
  const schemas: string[] = [];
  return {
    async open(clock) {
      const schema = createTestSchema('kierto_as_of');
      schemas.push(schema);
      const store = new PostgresEventStore({ connectionString: postgres.url, schema, clock });
      await store.init();
      const readModels = new PostgresReadModelStore({ connectionString: postgres.url, schema });
      return {
        store,
        readModels,
        close: async () => {
          await readModels.close();
          await store.close();
        },
      };
    },
    async cleanup() {
      for (const schema of schemas) await dropTestSchema(schema);
    },
  };
}

/** A clock that starts at 2026-01-01 and moves by the given gaps in turn. */
function steppingClock(gaps: readonly number[]): () => Date {
  let now = Date.parse('2026-01-01T00:00:00.000Z');
  let step = 0;
  return () => {
    now += gaps[step % gaps.length] ?? 1000;
    step += 1;
    return new Date(now);
  };
}

/**
 * Every recording, a millisecond before it, the edges of every day something was recorded on (its
 * midnight, the millisecond before, its last millisecond and the next midnight), a day before the
 * earliest recording and days after the latest.
 */
function probeMoments(recordedAt: readonly string[]): string[] {
  const moments = new Set<string>();
  const times = recordedAt.map((at) => Date.parse(at));
  for (const ms of times) {
    const midnight = ms - (ms % DAY);
    for (const moment of [ms, ms - 1, midnight, midnight - 1, midnight + DAY - 1, midnight + DAY])
      moments.add(new Date(moment).toISOString());
  }
  moments.add(new Date(Math.min(...times) - DAY).toISOString());
  moments.add(new Date(Math.max(...times) + 3 * DAY).toISOString());
  return [...moments].sort();
}

const NO_FILTERS: StatisticsFilters = {
  country: null,
  producerId: null,
  organisationId: null,
  category: null,
  market: null,
};

const SHAPES: readonly { filters: StatisticsFilters; groupBy: SumDimension[] }[] = [
  { filters: NO_FILTERS, groupBy: [] },
  { filters: NO_FILTERS, groupBy: ['category', 'market', 'treatment', 'period', 'annexICategory'] },
  { filters: { ...NO_FILTERS, organisationId: 'org-elker' }, groupBy: ['category'] },
  { filters: { ...NO_FILTERS, organisationId: 'org-serty' }, groupBy: [] },
  { filters: { ...NO_FILTERS, producerId: 'producer-b', market: 'household' }, groupBy: ['treatment'] },
  { filters: { ...NO_FILTERS, country: 'FI', category: 4 }, groupBy: [] },
  { filters: { ...NO_FILTERS, country: 'FI' }, groupBy: ['category', 'market'] },
  { filters: { ...NO_FILTERS, country: 'SE' }, groupBy: [] },
  { filters: { ...NO_FILTERS, market: 'household' }, groupBy: ['period', 'annexICategory'] },
];

const YEARS = [2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027];

/** Rows in a stable order, so that two answers compare as lists. */
const sorted = (rows: readonly SumRow[]): SumRow[] =>
  [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** The reference: the facts recorded by the moment, summed one by one (no cells). */
async function sumsFromFacts(readModels: ReadModelStore, query: SumsQuery & { asOf: string }): Promise<SumRow[]> {
  const { value } = await readModels.snapshot<SumRow[]>('statistics', {
    sqlite: (session) => {
      const statement = sumsFromFactsSql(STATISTICS_TABLES(session.table), query);
      return session.db
        .prepare<SqlParam[], Row>(statement.text)
        .all(...statement.params)
        .map((row) => sumRow(row, query.groupBy));
    },
    postgres: async (session) =>
      (await session.query(sumsFromFactsSql(STATISTICS_TABLES(session.table), query))).map((row) =>
        sumRow(row, query.groupBy),
      ),
  });
  return value;
}

/**
 * The scenario's histories with a membership that has a gap, recorded part-way through: producer-a
 * leaves org-elker on 1 May 2024 and joins org-serty only on 1 Sep 2024, so a fact in between has a
 * leave as the boundary before it and no organisation.
 */
function historiesWithGap(seed: number, insertAt: number): ScenarioCommand[] {
  const commands = randomHistories(25, seed);
  // After the first command, producer-a's join to org-elker.
  const at = 1 + Math.floor(insertAt * (commands.length - 1));
  const gap = [
    leave('producer-a', 'org-elker', '2024-05-01T00:00:00Z'),
    joinOrganisation('producer-a', 'org-serty', '2024-09-01T00:00:00Z'),
  ];
  return [...commands.slice(0, at), ...gap, ...commands.slice(at)];
}

/**
 * Projects the statistics page by page, and checks that the running totals kept that way are the
 * ones the full rebuild computes from the facts.
 */
async function projectPageByPage(store: EventStore, readModels: ReadModelStore, pageSize: number): Promise<void> {
  const projector = new Projector({
    store,
    readModels,
    projections: [statisticsProjection({ timeZone: 'Europe/Helsinki' })],
    pageSize,
  });
  await projector.prepare();
  await projector.catchUp();
  const totals = await runningTotals(readModels);
  expect(totals.stored).toEqual(totals.fromFacts);
}

/** The running totals as stored, and as computed at once from the facts (a full rebuild's way). */
async function runningTotals(readModels: ReadModelStore): Promise<{ stored: Row[]; fromFacts: Row[] }> {
  const { value } = await readModels.snapshot<{ stored: Row[]; fromFacts: Row[] }>('statistics', {
    sqlite: (session) => {
      const tables = STATISTICS_TABLES(session.table);
      const all = (sql: Sql) => session.db.prepare<SqlParam[], Row>(sql.text).all(...sql.params);
      return {
        stored: all(storedTotals(tables.runningTotals)),
        fromFacts: all(runningTotalsOfFacts(new Sql(), tables)),
      };
    },
    postgres: async (session) => {
      const tables = STATISTICS_TABLES(session.table);
      return {
        stored: await session.query(storedTotals(tables.runningTotals)),
        fromFacts: await session.query(runningTotalsOfFacts(new Sql(), tables)),
      };
    },
  });
  // PostgreSQL returns the window sums as numeric and the stored ones as bigint: compare numbers.
  const numbers = (rows: Row[]) =>
    rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, cell]) => [key, String(cell)])));
  return { stored: numbers(value.stored), fromFacts: numbers(value.fromFacts) };
}

/**
 * National and country figures straight from the facts recorded by the moment, with no membership
 * join: the reference under a clock that goes back, where a producer's later join can be recorded
 * before its earlier leave and the as-of membership join of sumsFromFactsSql then matches both
 * intervals (it assumes changes are recorded in the order they take effect).
 */
async function nationalFromFacts(readModels: ReadModelStore, query: SumsQuery & { asOf: string }): Promise<SumRow[]> {
  const groups = ['year', 'measure', ...query.groupBy.map((dimension) => NATIONAL_COLUMNS[dimension])].join(', ');
  const sql = (facts: string): Sql => {
    const statement = new Sql().add(
      `SELECT ${groups}, SUM(mass_mg) AS mass_mg, SUM(units) AS units, SUM(indicator_sum) AS indicator_sum,
              COUNT(*) AS facts
       FROM (SELECT year, measure, country, category, market, COALESCE(treatment, '') AS treatment, period,
                    COALESCE(annex_i_category, 0) AS annex_i_category, mass_mg, units,
                    COALESCE(indicator_value, 0) AS indicator_sum, recorded_at FROM ${facts}) f
       WHERE recorded_at <= ? AND`,
      query.asOf,
    );
    statement.in('year', query.years).add('AND').in('measure', query.measures);
    if (query.filters.country !== null) statement.add('AND country = ?', query.filters.country);
    return statement.add(`GROUP BY ${groups}`);
  };
  const { value } = await readModels.snapshot<SumRow[]>('statistics', {
    sqlite: (session) => {
      const statement = sql(STATISTICS_TABLES(session.table).facts);
      return session.db
        .prepare<SqlParam[], Row>(statement.text)
        .all(...statement.params)
        .map((row) => sumRow(row, query.groupBy));
    },
    postgres: async (session) =>
      (await session.query(sql(STATISTICS_TABLES(session.table).facts))).map((row) => sumRow(row, query.groupBy)),
  });
  return value;
}

const NATIONAL_COLUMNS: Readonly<Record<SumDimension, string>> = {
  category: 'category',
  market: 'market',
  treatment: 'treatment',
  period: 'period',
  annexICategory: 'annex_i_category',
};

const NATIONAL_SHAPES: readonly { filters: StatisticsFilters; groupBy: SumDimension[] }[] = [
  { filters: NO_FILTERS, groupBy: [] },
  { filters: NO_FILTERS, groupBy: ['category', 'market', 'treatment', 'period', 'annexICategory'] },
  { filters: { ...NO_FILTERS, country: 'FI' }, groupBy: ['category'] },
  { filters: { ...NO_FILTERS, country: 'SE' }, groupBy: [] },
];

const storedTotals = (table: string): Sql =>
  new Sql().add(
    `SELECT year, measure, country, category, market, treatment, period, annex_i_category, recorded_day, mass_mg,
            units, indicator_sum, facts FROM ${table}
     ORDER BY year, measure, country, category, market, treatment, period, annex_i_category, recorded_day`,
  );

async function recordedTimes(store: EventStore): Promise<string[]> {
  const times: string[] = [];
  for (let after = 0; ;) {
    const events = await store.readAll(after, 500);
    if (events.length === 0) return times;
    for (const event of events) times.push(event.recordedAt);
    after = events[events.length - 1]?.globalPosition ?? after;
  }
}

function asOfProperty(open: Open) {
  return fc.asyncProperty(
    fc.integer({ min: 1, max: 1_000_000 }),
    fc.array(fc.constantFrom(...GAPS), { minLength: 1, maxLength: 8 }),
    fc.constantFrom(7, 25, 1000),
    fc.double({ min: 0, max: 1, noNaN: true }),
    async (seed, gaps, pageSize, insertAt) => {
      const { store, readModels, close } = await open(steppingClock(gaps));
      try {
        await new Recorder(store).recordAll(historiesWithGap(seed, insertAt));
        await projectPageByPage(store, readModels, pageSize);
        const statistics = statisticsReadModel(readModels);
        const moments = probeMoments(await recordedTimes(store));
        for (const [index, asOf] of moments.entries()) {
          // Two shapes per moment, in turn: every shape meets every kind of moment across the run.
          for (const shape of [SHAPES[index % SHAPES.length], SHAPES[(index + 3) % SHAPES.length]]) {
            if (shape === undefined) continue;
            const query = { years: YEARS, measures: [...MEASURES], asOf, ...shape };
            const expected = sorted(await sumsFromFacts(readModels, query));
            expect({ asOf, shape, rows: sorted((await statistics.sums(query)).value) }).toEqual({
              asOf,
              shape,
              rows: expected,
            });
          }
        }
      } finally {
        await close();
      }
    },
  );
}

/** The running totals when the recording clock goes back now and then (several instances' clocks). */
function clockBackProperty(open: Open) {
  return fc.asyncProperty(
    fc.integer({ min: 1, max: 1_000_000 }),
    fc.array(fc.constantFrom(...GAPS, BACK, BACK), { minLength: 2, maxLength: 8 }),
    fc.constantFrom(7, 25, 1000),
    async (seed, gaps, pageSize) => {
      const { store, readModels, close } = await open(steppingClock(gaps));
      try {
        await new Recorder(store).recordAll(randomHistories(25, seed));
        await projectPageByPage(store, readModels, pageSize);
        const statistics = statisticsReadModel(readModels);
        for (const [index, asOf] of probeMoments(await recordedTimes(store)).entries()) {
          const shape = NATIONAL_SHAPES[index % NATIONAL_SHAPES.length];
          if (shape === undefined) continue;
          const query = { years: YEARS, measures: [...MEASURES], asOf, ...shape };
          expect({ asOf, shape, rows: sorted((await statistics.sums(query)).value) }).toEqual({
            asOf,
            shape,
            rows: sorted(await nationalFromFacts(readModels, query)),
          });
        }
      } finally {
        await close();
      }
    },
  );
}

describe('as-of statistics from recorded cells and running totals, SQLite', () => {
  const stores = sqliteStores();
  afterAll(() => stores.cleanup());

  it('equal the sums of the facts recorded by every moment', async () => {
    await fc.assert(asOfProperty(stores.open), { numRuns: 6 });
  }, 300_000);

  it('keep the running totals and the national figures exact when the recording clock goes back', async () => {
    await fc.assert(clockBackProperty(stores.open), { numRuns: 6 });
  }, 300_000);
});

describeIfPostgres('as-of statistics from recorded cells and running totals, PostgreSQL', () => {
  const stores = postgresStores();
  afterAll(() => stores.cleanup());

  it('equal the sums of the facts recorded by every moment', async () => {
    await fc.assert(asOfProperty(stores.open), { numRuns: 2 });
  }, 300_000);

  it('keep the running totals and the national figures exact when the recording clock goes back', async () => {
    await fc.assert(clockBackProperty(stores.open), { numRuns: 3 });
  }, 300_000);
});

/**
 * The statistics SQL, written once for both dialects: SQLite and PostgreSQL accept the same text
 * for everything here (row values, INSERT … SELECT … ON CONFLICT DO UPDATE, positional GROUP BY).
 * Parameters are `?`; the PostgreSQL store numbers them. Only the table DDL differs (./storage.ts).
 *
 * Producer organisation attribution happens here, at query time (docs/adr/0006): a fact belongs to
 * its collection's `onBehalfOf`, else to the organisation its producer was a member of at the fact's
 * attribution time, per the membership intervals. As of a moment, an interval counts only from the
 * recording of its join, and its end only from the recording of its leave.
 */
import { Sql } from '../read-models/sql.js';
import type { FactsQuery, Measure, StatisticsFilters, SumDimension, SumsQuery } from './model.js';

/** The statistics tables as the store spells them (PostgreSQL qualifies them with its schema). */
export interface StatisticsTables {
  readonly facts: string;
  readonly memberships: string;
  readonly cells: string;
  readonly recordedCells: string;
  /** Every key the running totals have, so an as-of sum probes each key once (docs/adr/0033). */
  readonly runningKeys: string;
  /** Per key and recording day, the sums of every fact recorded up to the end of that day. */
  readonly runningTotals: string;
}

/** The organisation of a fact (alias f) once joined with its producer's membership (alias m). */
const ORGANISATION = 'COALESCE(f.on_behalf_of, m.organisation_id)';

/**
 * Joins each fact (alias f) with the membership interval (alias m) of its producer that contains
 * the fact's attribution time; as of a moment when asOf is given. A LEFT JOIN and not a subquery
 * per fact, so the database can join in bulk: at most one interval matches, because a producer's
 * intervals never overlap (one organisation at a time, half-open [joined, left), and a producer's
 * changes are recorded in the order they take effect, so no later join is visible before an
 * earlier leave).
 */
function joinMembership(sql: Sql, tables: StatisticsTables, asOf: string | null): Sql {
  sql.add(`LEFT JOIN ${tables.memberships} m ON m.producer_id = f.producer_id AND m.joined_ms <= f.attributed_ms`);
  if (asOf === null) return sql.add('AND (m.left_ms IS NULL OR f.attributed_ms < m.left_ms)');
  return sql.add(
    'AND m.joined_recorded_at <= ? AND (m.left_ms IS NULL OR m.left_recorded_at > ? OR f.attributed_ms < m.left_ms)',
    asOf,
    asOf,
  );
}

const CELL_KEY =
  'year, measure, country, category, market, treatment, organisation_id, producer_id, period, annex_i_category';

/** A fact's Annex I category in the cells, where a key column cannot be null: 0 is the unknown row. */
const CELL_ANNEX_I = 'COALESCE(f.annex_i_category, 0)';

/** The cell column of each dimension a sum can group by. */
const DIMENSION_COLUMNS: Readonly<Record<SumDimension, string>> = {
  category: 'category',
  market: 'market',
  treatment: 'treatment',
  period: 'period',
  annexICategory: 'annex_i_category',
};

/**
 * Adds the facts selected by `where` (alias f) to the pre-aggregated cells. The cells hold, per
 * combination of the dimensions, the sums the current (not as-of) figures read, with the
 * organisation resolved from the memberships as they are stored now.
 */
export function addFactsToCells(tables: StatisticsTables, where: (sql: Sql) => Sql): Sql {
  const sql = new Sql().add(
    `INSERT INTO ${tables.cells} AS c (${CELL_KEY}, mass_mg, units, indicator_sum, facts)
     SELECT f.year, f.measure, f.country, f.category, f.market, COALESCE(f.treatment, ''),
            COALESCE(${ORGANISATION}, ''), COALESCE(f.producer_id, ''), f.period, ${CELL_ANNEX_I},
            SUM(f.mass_mg), SUM(f.units), SUM(COALESCE(f.indicator_value, 0)), COUNT(*)
     FROM ${tables.facts} f`,
  );
  joinMembership(sql, tables, null).add('WHERE');
  where(sql);
  return sql.add(`GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
     ON CONFLICT (${CELL_KEY}) DO UPDATE SET
       mass_mg = c.mass_mg + excluded.mass_mg,
       units = c.units + excluded.units,
       indicator_sum = c.indicator_sum + excluded.indicator_sum,
       facts = c.facts + excluded.facts`);
}

/** The cells of the facts a page appended, except those of producers whose membership changed. */
export function addPageToCells(
  tables: StatisticsTables,
  from: number,
  to: number,
  changedProducers: readonly string[],
): Sql {
  return addFactsToCells(tables, (sql) => {
    sql.add('f.global_position > ? AND f.global_position <= ?', from, to);
    if (changedProducers.length === 0) return sql;
    sql.add('AND (f.producer_id IS NULL OR NOT');
    return sql.in('f.producer_id', changedProducers).add(')');
  });
}

/** A producer's membership changed: its cells are recomputed from its facts (all of them, this page's too). */
export function recomputeProducerCells(tables: StatisticsTables, producers: readonly string[]): Sql[] {
  return [
    new Sql().add(`DELETE FROM ${tables.cells} WHERE`).in('producer_id', producers),
    addFactsToCells(tables, (sql) => sql.in('f.producer_id', producers)),
  ];
}

/**
 * The segment of a fact whose organisation no interval can give (it has an `onBehalfOf`, no
 * producer, or no boundary at or before its attribution time): below every epoch millisecond a
 * Date can hold, so no interval's join is at or before it.
 */
const SEGMENT_NONE = -9_007_199_254_740_991;

/**
 * The attribution segment of a fact that has no `onBehalfOf` (docs/adr/0031): the greatest
 * boundary (a join or a leave time) of its producer's intervals at or before its attribution time,
 * else SEGMENT_NONE. Every comparison the as-of membership join makes is between the attribution
 * time and one of those boundaries, and no boundary lies in [segment, attribution time], so the
 * segment start compares with each boundary exactly as the attribution time does: facts of a
 * segment can be summed before the join and keep the organisation each would have had. New
 * boundaries change segments, which is why a producer's recorded cells are recomputed when its
 * membership changes.
 */
function segmentOf(tables: StatisticsTables): string {
  return `CASE WHEN f.on_behalf_of IS NOT NULL THEN ${SEGMENT_NONE} ELSE COALESCE(
    (SELECT MAX(CASE WHEN m.left_ms IS NOT NULL AND m.left_ms <= f.attributed_ms THEN m.left_ms ELSE m.joined_ms END)
     FROM ${tables.memberships} m WHERE m.producer_id = f.producer_id AND m.joined_ms <= f.attributed_ms),
    ${SEGMENT_NONE}) END`;
}

const RECORDED_CELL_KEY =
  'year, measure, recorded_day, country, category, market, treatment, producer_id, on_behalf_of, segment_ms, period, annex_i_category';

/**
 * Adds the facts selected by `where` (alias f) to the recorded cells: the sums per recording day
 * (UTC) and every dimension, with the producer and `onBehalfOf` kept and the attribution time
 * reduced to its segment, so that as-of figures resolve organisations from these cells exactly as
 * they would from the facts.
 */
export function addFactsToRecordedCells(tables: StatisticsTables, where: (sql: Sql) => Sql): Sql {
  const sql = new Sql().add(
    `INSERT INTO ${tables.recordedCells} AS c (${RECORDED_CELL_KEY}, mass_mg, units, indicator_sum, facts)
     SELECT f.year, f.measure, SUBSTR(f.recorded_at, 1, 10), f.country, f.category, f.market, COALESCE(f.treatment, ''),
            COALESCE(f.producer_id, ''), COALESCE(f.on_behalf_of, ''), ${segmentOf(tables)},
            f.period, ${CELL_ANNEX_I},
            SUM(f.mass_mg), SUM(f.units), SUM(COALESCE(f.indicator_value, 0)), COUNT(*)
     FROM ${tables.facts} f WHERE`,
  );
  where(sql);
  return sql.add(`GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
     ON CONFLICT (${RECORDED_CELL_KEY}) DO UPDATE SET
       mass_mg = c.mass_mg + excluded.mass_mg,
       units = c.units + excluded.units,
       indicator_sum = c.indicator_sum + excluded.indicator_sum,
       facts = c.facts + excluded.facts`);
}

/** The recorded cells of a page's facts, except those of producers whose membership changed. */
export function addPageToRecordedCells(
  tables: StatisticsTables,
  from: number,
  to: number,
  changedProducers: readonly string[],
): Sql {
  return addFactsToRecordedCells(tables, (sql) => {
    sql.add('f.global_position > ? AND f.global_position <= ?', from, to);
    if (changedProducers.length === 0) return sql;
    sql.add('AND (f.producer_id IS NULL OR NOT');
    return sql.in('f.producer_id', changedProducers).add(')');
  });
}

/** A producer's boundaries changed: its recorded cells are recomputed from all its facts. */
export function recomputeProducerRecordedCells(tables: StatisticsTables, producers: readonly string[]): Sql[] {
  return [
    new Sql().add(`DELETE FROM ${tables.recordedCells} WHERE`).in('producer_id', producers),
    addFactsToRecordedCells(tables, (sql) => sql.in('f.producer_id', producers)),
  ];
}

/** The key of a running total: the reporting dimensions without producer or organisation (docs/adr/0033). */
const RUNNING_KEY_COLUMNS = [
  'year',
  'measure',
  'country',
  'category',
  'market',
  'treatment',
  'period',
  'annex_i_category',
] as const;
const RUNNING_KEY = RUNNING_KEY_COLUMNS.join(', ');

/** `a.year = b.year AND …` over the running key. */
const sameRunningKey = (a: string, b: string): string =>
  RUNNING_KEY_COLUMNS.map((column) => `${a}.${column} = ${b}.${column}`).join(' AND ');

/** A fact's (alias f) running key as the key columns hold it (they cannot be null), named after them. */
const FACT_RUNNING_KEY = `f.year AS year, f.measure AS measure, f.country AS country, f.category AS category,
  f.market AS market, COALESCE(f.treatment, '') AS treatment, f.period AS period, ${CELL_ANNEX_I} AS annex_i_category`;

/** What the facts selected by `where` (alias f) add to each running key on each recording day, as a subquery d. */
function dayChanges(sql: Sql, tables: StatisticsTables, where: (sql: Sql) => Sql): Sql {
  sql.add(`(SELECT ${FACT_RUNNING_KEY}, SUBSTR(f.recorded_at, 1, 10) AS recorded_day,
                   SUM(f.mass_mg) AS mass_mg, SUM(f.units) AS units,
                   SUM(COALESCE(f.indicator_value, 0)) AS indicator_sum, COUNT(*) AS facts
            FROM ${tables.facts} f WHERE`);
  return where(sql).add('GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9) d');
}

/**
 * Adds the facts of a page's positions, (from, to], to the running totals (docs/adr/0033): its keys
 * are remembered; a (key, day) the page is the first to reach gets a row holding the key's total
 * before that day; then every row of the key on or after a day the page adds to grows by what the
 * page adds up to that row's day. Recorded in order, that is the key's latest row only; a fact
 * recorded on a day before a key's latest row (clocks of several instances) moves the later rows
 * too. Memberships play no part: the totals have no producer or organisation.
 */
export function addPageToRunningTotals(tables: StatisticsTables, from: number, to: number): Sql[] {
  const page = (sql: Sql): Sql => sql.add('f.global_position > ? AND f.global_position <= ?', from, to);
  const keys = new Sql().add(`INSERT INTO ${tables.runningKeys} (${RUNNING_KEY})
     SELECT DISTINCT ${FACT_RUNNING_KEY} FROM ${tables.facts} f WHERE`);
  page(keys).add('ON CONFLICT DO NOTHING');
  const rows = new Sql().add(`INSERT INTO ${tables.runningTotals} (${RUNNING_KEY}, recorded_day, mass_mg, units,
       indicator_sum, facts)
     SELECT ${RUNNING_KEY_COLUMNS.map((column) => `d.${column}`).join(', ')}, d.recorded_day,
            COALESCE(p.mass_mg, 0), COALESCE(p.units, 0), COALESCE(p.indicator_sum, 0), COALESCE(p.facts, 0)
     FROM`);
  dayChanges(rows, tables, page).add(`LEFT JOIN ${tables.runningTotals} p ON ${sameRunningKey('p', 'd')}
       AND p.recorded_day = (SELECT MAX(x.recorded_day) FROM ${tables.runningTotals} x
                             WHERE ${sameRunningKey('x', 'd')} AND x.recorded_day < d.recorded_day)
     WHERE true ON CONFLICT (${RUNNING_KEY}, recorded_day) DO NOTHING`);
  const grow = new Sql().add(`UPDATE ${tables.runningTotals} AS t SET mass_mg = t.mass_mg + s.mass_mg,
       units = t.units + s.units, indicator_sum = t.indicator_sum + s.indicator_sum, facts = t.facts + s.facts
     FROM (SELECT ${RUNNING_KEY_COLUMNS.map((column) => `x.${column}`).join(', ')}, x.recorded_day,
                  SUM(d.mass_mg) AS mass_mg, SUM(d.units) AS units, SUM(d.indicator_sum) AS indicator_sum,
                  SUM(d.facts) AS facts
           FROM`);
  dayChanges(grow, tables, page).add(`JOIN ${tables.runningTotals} x ON ${sameRunningKey('x', 'd')}
             AND x.recorded_day >= d.recorded_day
           GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9) s
     WHERE ${sameRunningKey('t', 's')} AND t.recorded_day = s.recorded_day`);
  return [keys, rows, grow];
}

/**
 * The running totals of every fact, computed at once: per key and recording day, the sums up to
 * that day as a window over the days' sums. The rows addPageToRunningTotals keeps page by page,
 * whatever the pages (the as-of spec compares them), in key and day order.
 */
export function runningTotalsOfFacts(sql: Sql, tables: StatisticsTables): Sql {
  const running = (column: string): string =>
    `SUM(d.${column}) OVER (PARTITION BY ${RUNNING_KEY_COLUMNS.map((key) => `d.${key}`).join(', ')} ORDER BY d.recorded_day) AS ${column}`;
  sql.add(`SELECT ${RUNNING_KEY_COLUMNS.map((column) => `d.${column}`).join(', ')}, d.recorded_day,
            ${running('mass_mg')}, ${running('units')}, ${running('indicator_sum')}, ${running('facts')}
     FROM`);
  return dayChanges(sql, tables, (where) => where.add('true')).add(`ORDER BY ${RUNNING_KEY}, recorded_day`);
}

/** The running keys and totals built from every fact at once, into empty tables (a full rebuild). */
export function buildRunningTotals(tables: StatisticsTables): Sql[] {
  return [
    new Sql().add(`INSERT INTO ${tables.runningKeys} (${RUNNING_KEY})
       SELECT DISTINCT ${FACT_RUNNING_KEY} FROM ${tables.facts} f`),
    runningTotalsOfFacts(
      new Sql().add(`INSERT INTO ${tables.runningTotals} (${RUNNING_KEY}, recorded_day, mass_mg, units, indicator_sum,
         facts)`),
      tables,
    ),
  ];
}

function filtersOn(sql: Sql, alias: string, filters: StatisticsFilters, withOrganisation: boolean): Sql {
  if (filters.country !== null) sql.add(`AND ${alias}.country = ?`, filters.country);
  if (filters.category !== null) sql.add(`AND ${alias}.category = ?`, filters.category);
  if (filters.market !== null) sql.add(`AND ${alias}.market = ?`, filters.market);
  if (filters.producerId !== null) sql.add(`AND ${alias}.producer_id = ?`, filters.producerId);
  if (withOrganisation && filters.organisationId !== null)
    sql.add(`AND ${alias}.organisation_id = ?`, filters.organisationId);
  return sql;
}

/**
 * Sums per year and measure (and the requested dimensions). Current figures read the cells; as-of
 * figures read the recorded cells of the days before the moment's day and the facts recorded that
 * day up to the moment (docs/adr/0031); the spec holds both to the facts themselves.
 */
export function sumsSql(tables: StatisticsTables, query: SumsQuery): Sql {
  if (query.asOf === null) return sumsOver(query, (sql) => sql.add(`${tables.cells} c`), false);
  const asOf = query.asOf;
  const day = recordedDayOf(asOf);
  if (day === null) return sumsFromFactsSql(tables, { ...query, asOf });
  if (query.filters.producerId === null && query.filters.organisationId === null)
    return runningSumsSql(tables, query, asOf, day);
  return sumsOver(query, (sql) => {
    sql.add(
      `(SELECT c.year, c.measure, c.country, c.category, c.market, c.treatment, c.producer_id,
                     COALESCE(NULLIF(c.on_behalf_of, ''), m.organisation_id, '') AS organisation_id,
                     c.period, c.annex_i_category, c.mass_mg, c.units, c.indicator_sum, c.facts
              FROM ${tables.recordedCells} c
              LEFT JOIN ${tables.memberships} m ON m.producer_id = c.producer_id AND m.joined_ms <= c.segment_ms
                AND m.joined_recorded_at <= ? AND (m.left_ms IS NULL OR m.left_recorded_at > ? OR c.segment_ms < m.left_ms)
              WHERE c.recorded_day <`,
      asOf,
      asOf,
    );
    recordedCutoff(sql, tables, asOf, day).add('AND');
    sql.in('c.year', query.years).add('AND').in('c.measure', query.measures);
    filtersOn(sql, 'c', { ...query.filters, organisationId: null }, false).add('UNION ALL');
    factRows(sql, tables, asOf).add('WHERE f.recorded_at <= ? AND f.recorded_at >=', asOf);
    recordedCutoff(sql, tables, asOf, day).add('AND');
    // `+f.year`: SQLite cannot size a range whose bound is a CASE and preferred the by_year index,
    // reading every fact of the years; unary plus (an identity on integers in both dialects) keeps
    // the year off any index, so the recorded_at range is the one left. PostgreSQL took it anyway.
    sql.in('+f.year', query.years).add('AND').in('f.measure', query.measures);
    return filtersOn(sql, 'f', { ...query.filters, organisationId: null }, false).add(') c');
  });
}

/**
 * As-of sums without a producer or organisation (national, or by country, category or market) from
 * the running totals (docs/adr/0033): per key, its latest total from before the cutoff day — one
 * probe of the key's rows, however many days or facts it has — plus the facts recorded from the
 * cutoff up to the moment, as in the recorded-cell path.
 */
function runningSumsSql(tables: StatisticsTables, query: SumsQuery, asOf: string, day: string): Sql {
  return sumsOver(query, (sql) => {
    sql.add(`(SELECT t.year, t.measure, t.country, t.category, t.market, t.treatment, '' AS producer_id,
                     '' AS organisation_id, t.period, t.annex_i_category, t.mass_mg, t.units, t.indicator_sum, t.facts
              FROM ${tables.runningKeys} k JOIN ${tables.runningTotals} t ON ${sameRunningKey('t', 'k')}
                AND t.recorded_day = (SELECT MAX(x.recorded_day) FROM ${tables.runningTotals} x
                                      WHERE ${sameRunningKey('x', 'k')} AND x.recorded_day <`);
    recordedCutoff(sql, tables, asOf, day).add(') WHERE');
    sql.in('k.year', query.years).add('AND').in('k.measure', query.measures);
    filtersOn(sql, 'k', query.filters, false).add('UNION ALL');
    factRows(sql, tables, null).add('WHERE f.recorded_at <= ? AND f.recorded_at >=', asOf);
    recordedCutoff(sql, tables, asOf, day).add('AND');
    sql.in('+f.year', query.years).add('AND').in('f.measure', query.measures);
    return filtersOn(sql, 'f', query.filters, false).add(') c');
  });
}

/**
 * The same sums straight from the facts recorded by `asOf`: the reference the recorded cells are
 * tested against, and the path for a moment outside four-digit years, which has no recording day.
 */
export function sumsFromFactsSql(tables: StatisticsTables, query: SumsQuery & { readonly asOf: string }): Sql {
  return sumsOver(query, (sql) => {
    sql.add('(');
    factRows(sql, tables, query.asOf).add('WHERE f.recorded_at <= ? AND', query.asOf);
    sql.in('f.year', query.years).add('AND').in('f.measure', query.measures);
    return filtersOn(sql, 'f', { ...query.filters, organisationId: null }, false).add(') c');
  });
}

/**
 * SELECT … GROUP BY over a source of cell-shaped rows (alias c). A subquery source has applied
 * every filter but the organisation's (which it resolves) already; repeating them outside only lets
 * SQLite push `year IN (…)` down into the facts of the moment's day, where it then chose the by_year
 * index over the recorded_at range and read every fact of the years.
 */
function sumsOver(query: SumsQuery, source: (sql: Sql) => Sql, filteredInside = true): Sql {
  const dimensions = query.groupBy.map((dimension) => `c.${DIMENSION_COLUMNS[dimension]}`);
  const select = ['c.year', 'c.measure', ...dimensions].join(', ');
  const sql = new Sql().add(
    `SELECT ${select}, SUM(c.mass_mg) AS mass_mg, SUM(c.units) AS units,
            SUM(c.indicator_sum) AS indicator_sum, SUM(c.facts) AS facts FROM`,
  );
  if (filteredInside) {
    source(sql).add('WHERE 1 = 1');
    filtersOn(sql, 'c', { ...NO_FILTERS, organisationId: query.filters.organisationId }, true);
  } else {
    source(sql).add('WHERE').in('c.year', query.years).add('AND').in('c.measure', query.measures);
    filtersOn(sql, 'c', query.filters, true);
  }
  return sql.add(`GROUP BY ${select}`);
}

const NO_FILTERS: StatisticsFilters = {
  country: null,
  category: null,
  market: null,
  producerId: null,
  organisationId: null,
};

/**
 * Facts (alias f) as cell-shaped rows, their organisation resolved as of `asOf`, or none for
 * national figures (no membership join: one row per fact even where the join would match two
 * intervals, see docs/adr/0033); the caller adds WHERE.
 */
function factRows(sql: Sql, tables: StatisticsTables, asOf: string | null): Sql {
  const organisation = asOf === null ? "''" : `COALESCE(${ORGANISATION}, '')`;
  sql.add(`SELECT f.year, f.measure, f.country, f.category, f.market, COALESCE(f.treatment, '') AS treatment,
                  COALESCE(f.producer_id, '') AS producer_id, ${organisation} AS organisation_id,
                  f.period, ${CELL_ANNEX_I} AS annex_i_category,
                  f.mass_mg, f.units, COALESCE(f.indicator_value, 0) AS indicator_sum, 1 AS facts
           FROM ${tables.facts} f`);
  return asOf === null ? sql : joinMembership(sql, tables, asOf);
}

/** The UTC day ("YYYY-MM-DD") of a canonical ISO moment, as `recorded_day` holds it; null outside four-digit years. */
export function recordedDayOf(asOf: string): string | null {
  return /^\d{4}-\d{2}-\d{2}T/.test(asOf) ? asOf.slice(0, 10) : null;
}

/**
 * Where the recorded cells stop and the facts take over, compared with `recorded_day` (cells
 * before it) and `recorded_at` (facts from it): the moment's day when a fact was recorded later
 * that day, so that day's facts are read one by one up to the moment; else just after that day
 * ('T' < 'U' < any next day), so the whole day comes from its cells and no fact is read. One probe
 * of the recorded_at index, evaluated once (uncorrelated). MIN and not EXISTS: with a day's facts
 * all recorded at a few moments, PostgreSQL estimated thousands of matches for EXISTS and chose a
 * sequential scan that found the first one at the end of the table; MIN takes the index's first
 * entry after the moment in both databases. No later fact: NULL, which is not < anything.
 */
function recordedCutoff(sql: Sql, tables: StatisticsTables, asOf: string, day: string): Sql {
  return sql.add(
    `(CASE WHEN (SELECT MIN(x.recorded_at) FROM ${tables.facts} x WHERE x.recorded_at > ?) < ? THEN ? ELSE ? END)`,
    asOf,
    `${day}U`,
    day,
    `${day}U`,
  );
}

const FACT_COLUMNS = `f.global_position, f.measure, f.event_id, f.device_id, f.recorded_at, f.occurred_at, f.year,
  f.country, f.producer_id, f.on_behalf_of, f.attributed_ms, f.category, f.market, f.treatment, f.mass_mg,
  f.units, f.indicator_value, f.annex_i_category, f.period`;

/** A page of facts in (measure, position) order within the year (the by_year index), with their organisation resolved (as of asOf). */
export function factsSql(tables: StatisticsTables, query: FactsQuery): Sql {
  const sql = new Sql().add(
    `SELECT * FROM (SELECT ${FACT_COLUMNS}, ${ORGANISATION} AS organisation_id FROM ${tables.facts} f`,
  );
  joinMembership(sql, tables, query.asOf).add('WHERE f.year = ?', query.year);
  if (query.measure !== null) sql.add('AND f.measure = ?', query.measure);
  if (query.treatment !== null) sql.add('AND f.treatment = ?', query.treatment);
  if (query.asOf !== null) sql.add('AND f.recorded_at <= ?', query.asOf);
  if (query.after !== null)
    sql.add('AND (f.measure, f.global_position) > (?, ?)', query.after.measure, query.after.globalPosition);
  filtersOn(sql, 'f', query.filters, false).add(') x');
  if (query.filters.organisationId !== null) sql.add('WHERE x.organisation_id = ?', query.filters.organisationId);
  return sql.add('ORDER BY x.measure, x.global_position LIMIT ?', query.limit);
}

/** Column order of a fact row in the INSERT both adapters use. */
export const FACT_INSERT_COLUMNS = [
  'global_position',
  'measure',
  'event_id',
  'device_id',
  'recorded_at',
  'occurred_at',
  'year',
  'country',
  'producer_id',
  'on_behalf_of',
  'attributed_ms',
  'category',
  'market',
  'treatment',
  'mass_mg',
  'units',
  'indicator_value',
  'annex_i_category',
  'period',
] as const;

export function isMeasure(value: string, measures: readonly Measure[]): value is Measure {
  return (measures as readonly string[]).includes(value);
}

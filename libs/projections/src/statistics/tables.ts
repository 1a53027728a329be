/**
 * The statistics tables (docs/statistics.md) and their DDL, both dialects. Facts are keyed
 * (position, measure), the order they are appended in: clustered that way in SQLite (WITHOUT
 * ROWID), a page's facts are appended at the end of the table, and the key is the
 * double-application guard. The (year, measure, position) index serves as-of sums and fact
 * listings; the producer index finds a producer's facts when its membership changes. Clustering the
 * table by year instead made as-of sums 3–4× faster but the rebuild 25 % slower (bench, 300 000
 * devices): the rebuild has a target (docs/benchmarks.md), as-of reports do not, and in a real log
 * positions follow time closely enough that a year's facts sit together anyway. Cells are clustered
 * by their key. Running totals are clustered by key then recording day, so the latest total of a key
 * before a day is one probe of the key.
 */
import { MEMBERSHIPS_ORDER, MEMBERSHIPS_TABLE, membershipsDdl } from '../memberships/memberships.js';
import { columnTypes, type Dialect } from '../read-models/ddl.js';
import { documentsDdl, DOCUMENTS_ORDER } from '../read-models/documents.js';
import type { StatisticsTables } from './sql.js';

/** What the statistics remember of each device between its events (./facts.ts `StatisticsDevice`). */
export const STATISTICS_DEVICES = 'statistics_devices';
const FACTS = 'statistics_facts';
const CELLS = 'statistics_cells';
const RECORDED_CELLS = 'statistics_recorded_cells';
const RUNNING_KEYS = 'statistics_running_keys';
const RUNNING_TOTALS = 'statistics_running_totals';

/** The key of a running total (docs/adr/0033): every reporting dimension, no producer or organisation. */
const RUNNING_KEY = 'year, measure, country, category, market, treatment, period, annex_i_category';

/** The SQL's tables as the store spells them. */
export const STATISTICS_TABLES = (table: (name: string) => string): StatisticsTables => ({
  facts: table(FACTS),
  memberships: table(MEMBERSHIPS_TABLE),
  cells: table(CELLS),
  recordedCells: table(RECORDED_CELLS),
  runningKeys: table(RUNNING_KEYS),
  runningTotals: table(RUNNING_TOTALS),
});

/** Every table of the statistics read model, with its key: the ORDER BY of dump(). */
export const STATISTICS_TABLE_ORDER: Readonly<Record<string, string>> = {
  [STATISTICS_DEVICES]: DOCUMENTS_ORDER,
  [FACTS]: 'global_position, measure',
  [MEMBERSHIPS_TABLE]: MEMBERSHIPS_ORDER,
  [CELLS]:
    'year, measure, country, category, market, treatment, organisation_id, producer_id, period, annex_i_category',
  [RECORDED_CELLS]:
    'year, measure, recorded_day, country, category, market, treatment, producer_id, on_behalf_of, segment_ms, period, annex_i_category',
  [RUNNING_KEYS]: RUNNING_KEY,
  [RUNNING_TOTALS]: `${RUNNING_KEY}, recorded_day`,
};

/**
 * CREATE statements of the statistics tables and their keys; `IF NOT EXISTS` so they can be re-run.
 * The secondary indexes are `statisticsIndexes`, which a full rebuild creates at its end.
 */
export function statisticsDdl(dialect: Dialect, table: (name: string) => string): string[] {
  const t = columnTypes(dialect);
  const facts = table(FACTS);
  // The running totals' key, in both tables that carry it (the keys and the totals per day).
  const runningKeyColumns = `year ${t.int} NOT NULL, measure ${t.text} NOT NULL, country ${t.text} NOT NULL,
      category ${t.int} NOT NULL, market ${t.text} NOT NULL, treatment ${t.text} NOT NULL, period ${t.text} NOT NULL,
      annex_i_category ${t.int} NOT NULL,`;
  return [
    documentsDdl(dialect, table(STATISTICS_DEVICES)),
    `CREATE TABLE IF NOT EXISTS ${facts} (
      global_position ${t.int} NOT NULL,
      measure ${t.text} NOT NULL,
      event_id ${t.text} NOT NULL,
      device_id ${t.text} NOT NULL,
      recorded_at ${t.text} NOT NULL,
      occurred_at ${t.text} NOT NULL,
      year ${t.int} NOT NULL,
      country ${t.text} NOT NULL,
      producer_id ${t.text},
      on_behalf_of ${t.text},
      attributed_ms ${t.int} NOT NULL,
      category ${t.int} NOT NULL,
      market ${t.text} NOT NULL,
      treatment ${t.text},
      mass_mg ${t.int} NOT NULL,
      units ${t.int} NOT NULL,
      indicator_value ${t.int},
      annex_i_category ${t.int},
      period ${t.text} NOT NULL,
      PRIMARY KEY (global_position, measure)
    )${t.clustered}`,
    membershipsDdl(dialect, table(MEMBERSHIPS_TABLE)),
    `CREATE TABLE IF NOT EXISTS ${table(CELLS)} (
      year ${t.int} NOT NULL,
      measure ${t.text} NOT NULL,
      country ${t.text} NOT NULL,
      category ${t.int} NOT NULL,
      market ${t.text} NOT NULL,
      treatment ${t.text} NOT NULL,
      organisation_id ${t.text} NOT NULL,
      producer_id ${t.text} NOT NULL,
      period ${t.text} NOT NULL,
      annex_i_category ${t.int} NOT NULL,
      mass_mg ${t.int} NOT NULL,
      units ${t.int} NOT NULL,
      indicator_sum ${t.int} NOT NULL,
      facts ${t.int} NOT NULL,
      PRIMARY KEY (year, measure, country, category, market, treatment, organisation_id, producer_id, period,
        annex_i_category)
    )${t.clustered}`,
    `CREATE TABLE IF NOT EXISTS ${table(RECORDED_CELLS)} (
      year ${t.int} NOT NULL,
      measure ${t.text} NOT NULL,
      recorded_day ${t.text} NOT NULL,
      country ${t.text} NOT NULL,
      category ${t.int} NOT NULL,
      market ${t.text} NOT NULL,
      treatment ${t.text} NOT NULL,
      producer_id ${t.text} NOT NULL,
      on_behalf_of ${t.text} NOT NULL,
      segment_ms ${t.int} NOT NULL,
      period ${t.text} NOT NULL,
      annex_i_category ${t.int} NOT NULL,
      mass_mg ${t.int} NOT NULL,
      units ${t.int} NOT NULL,
      indicator_sum ${t.int} NOT NULL,
      facts ${t.int} NOT NULL,
      PRIMARY KEY (year, measure, recorded_day, country, category, market, treatment, producer_id, on_behalf_of,
        segment_ms, period, annex_i_category)
    )${t.clustered}`,
    `CREATE TABLE IF NOT EXISTS ${table(RUNNING_KEYS)} (
      ${runningKeyColumns}
      PRIMARY KEY (${RUNNING_KEY})
    )${t.clustered}`,
    `CREATE TABLE IF NOT EXISTS ${table(RUNNING_TOTALS)} (
      ${runningKeyColumns}
      recorded_day ${t.text} NOT NULL,
      mass_mg ${t.int} NOT NULL,
      units ${t.int} NOT NULL,
      indicator_sum ${t.int} NOT NULL,
      facts ${t.int} NOT NULL,
      PRIMARY KEY (${RUNNING_KEY}, recorded_day)
    )${t.clustered}`,
  ];
}

/**
 * The secondary indexes of the statistics tables, which only queries and the recomputation of a
 * producer's cells read: a full rebuild creates them once at its end (docs/adr/0032), since
 * maintaining them fact by fact was more than half the cost of inserting the facts (issue 17).
 */
export function statisticsIndexes(_dialect: Dialect, table: (name: string) => string): string[] {
  const facts = table(FACTS);
  return [
    // Index names live in the schema of their table in PostgreSQL, so the same name in two schemas is fine.
    `CREATE INDEX IF NOT EXISTS statistics_facts_by_year ON ${facts} (year, measure, global_position)`,
    `CREATE INDEX IF NOT EXISTS statistics_facts_by_producer ON ${facts} (producer_id)`,
    `CREATE INDEX IF NOT EXISTS statistics_facts_by_recorded_at ON ${facts} (recorded_at)`,
  ];
}

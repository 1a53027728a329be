/**
 * The statistics read model's writer (docs/statistics.md, docs/adr/0006-statistics-fact-table.md):
 * per page, the devices' documents, the facts appended, the membership intervals changed
 * (../memberships) and the pre-aggregated cells, in SQLite or PostgreSQL, inside the engine's page
 * transaction. The cells take the facts of the positions the page covers, (from, to]; a producer
 * whose membership changed has its cells recomputed from all its facts instead. A full rebuild skips
 * the cells page by page and builds them once at its end (`rebuildCellStatements`, docs/adr/0032).
 */
import { writePostgresMemberships, writeSqliteMemberships, type MembershipChange } from '../memberships/memberships.js';
import {
  loadPostgresDocuments,
  loadSqliteDocuments,
  writePostgresDocuments,
  writeSqliteDocuments,
} from '../read-models/documents.js';
import type { ProjectionPage, ReadModelStorage } from '../projection.js';
import { Sql, type SqlParam } from '../read-models/sql.js';
import type { StatisticsApplied, StatisticsDevice, StatisticsFact } from './model.js';
import { factValues } from './read-model.js';
import {
  addFactsToCells,
  addFactsToRecordedCells,
  addPageToCells,
  addPageToRecordedCells,
  addPageToRunningTotals,
  buildRunningTotals,
  FACT_INSERT_COLUMNS,
  recomputeProducerCells,
  recomputeProducerRecordedCells,
  type StatisticsTables,
} from './sql.js';
import {
  STATISTICS_DEVICES,
  STATISTICS_TABLE_ORDER,
  STATISTICS_TABLES,
  statisticsDdl,
  statisticsIndexes,
} from './tables.js';

/** PostgreSQL type of each fact column, for the casts of the batch insert. */
const FACT_COLUMN_TYPES: Record<(typeof FACT_INSERT_COLUMNS)[number], string> = {
  global_position: 'bigint',
  measure: 'text',
  event_id: 'text',
  device_id: 'text',
  recorded_at: 'text',
  occurred_at: 'text',
  year: 'bigint',
  country: 'text',
  producer_id: 'text',
  on_behalf_of: 'text',
  attributed_ms: 'bigint',
  category: 'bigint',
  market: 'text',
  treatment: 'text',
  mass_mg: 'bigint',
  units: 'bigint',
  indicator_value: 'bigint',
  annex_i_category: 'bigint',
  period: 'text',
};

type Page = ProjectionPage<StatisticsDevice, StatisticsApplied>;

/** A page's facts and membership changes, in log order. */
function changesOf(page: Page): { facts: StatisticsFact[]; memberships: MembershipChange[] } {
  const facts: StatisticsFact[] = [];
  const memberships: MembershipChange[] = [];
  for (const applied of page.applied) {
    for (const fact of applied.facts) facts.push(fact);
    for (const change of applied.memberships) memberships.push(change);
  }
  return { facts, memberships };
}

/**
 * The cell statements of a page: its facts added to their cells and recorded cells (docs/adr/0031),
 * except those of producers whose membership changed, whose cells of both kinds are recomputed from
 * all their facts; and all its facts added to the running totals (docs/adr/0033), which no
 * membership affects. None when the page wrote neither facts nor memberships.
 */
function cellStatements(tables: StatisticsTables, page: Page, facts: number, memberships: readonly MembershipChange[]) {
  if (facts === 0 && memberships.length === 0) return [];
  const changed = [...new Set(memberships.map((change) => change.producerId))];
  return [
    addPageToCells(tables, page.from, page.to, changed),
    addPageToRecordedCells(tables, page.from, page.to, changed),
    ...(facts > 0 ? addPageToRunningTotals(tables, page.from, page.to) : []),
    ...(changed.length > 0 ? recomputeProducerCells(tables, changed) : []),
    ...(changed.length > 0 ? recomputeProducerRecordedCells(tables, changed) : []),
  ];
}

/**
 * The end of a full rebuild (docs/adr/0032), in order: every pre-aggregated table built once from
 * all facts with the memberships as they end up, set-based, instead of page by page
 * (`cellStatements`, which a rebuilding page skips). Each table is emptied first: a quarantined
 * event re-projected during the rebuild (`kierto quarantine --retry`) adds its cells the
 * incremental way.
 */
export function rebuildCellStatements(tables: StatisticsTables): Sql[] {
  const all = (sql: Sql): Sql => sql.add('1 = 1');
  return [
    new Sql().add(`DELETE FROM ${tables.cells}`),
    addFactsToCells(tables, all),
    new Sql().add(`DELETE FROM ${tables.recordedCells}`),
    addFactsToRecordedCells(tables, all),
    new Sql().add(`DELETE FROM ${tables.runningKeys}`),
    new Sql().add(`DELETE FROM ${tables.runningTotals}`),
    ...buildRunningTotals(tables),
  ];
}

export const statisticsStorage: ReadModelStorage<StatisticsDevice, StatisticsApplied> = {
  tables: STATISTICS_TABLE_ORDER,
  ddl: statisticsDdl,
  indexes: statisticsIndexes,
  sqlite: {
    load: (session, keys) => loadSqliteDocuments<StatisticsDevice>(session, STATISTICS_DEVICES, keys),
    write(session, page) {
      const { facts, memberships } = changesOf(page);
      writeSqliteDocuments(session, STATISTICS_DEVICES, page.documents);
      const tables = STATISTICS_TABLES(session.table);
      if (facts.length > 0) {
        const insertFact = session.prepare<SqlParam[]>(
          `INSERT INTO ${tables.facts} (${FACT_INSERT_COLUMNS.join(', ')}) VALUES (${FACT_INSERT_COLUMNS.map(() => '?').join(', ')})`,
        );
        for (const fact of facts) insertFact.run(...factValues(fact));
      }
      writeSqliteMemberships(session, memberships);
      if (page.rebuilding) return;
      for (const sql of cellStatements(tables, page, facts.length, memberships)) {
        session.prepare<SqlParam[]>(sql.text).run(...sql.params);
      }
    },
    finishRebuild(session) {
      for (const sql of rebuildCellStatements(STATISTICS_TABLES(session.table)))
        session.prepare<SqlParam[]>(sql.text).run(...sql.params);
    },
  },
  postgres: {
    load: (session, keys) => loadPostgresDocuments<StatisticsDevice>(session, STATISTICS_DEVICES, keys),
    async write(session, page) {
      const { facts, memberships } = changesOf(page);
      await writePostgresDocuments(session, STATISTICS_DEVICES, page.documents);
      const tables = STATISTICS_TABLES(session.table);
      if (facts.length > 0) {
        // One JSON parameter unpacked by the server: no 19 array literals to escape and parse, and
        // the types come from the casts rather than from inferring thousands of parameters.
        await session.client.query(
          `INSERT INTO ${tables.facts} (${FACT_INSERT_COLUMNS.join(', ')})
           SELECT ${FACT_INSERT_COLUMNS.map((column, index) => `(r->>${index})::${FACT_COLUMN_TYPES[column]}`).join(', ')}
           FROM jsonb_array_elements($1::jsonb) AS r`,
          [JSON.stringify(facts.map(factValues))],
        );
      }
      await writePostgresMemberships(session, memberships);
      if (page.rebuilding) return;
      for (const sql of cellStatements(tables, page, facts.length, memberships)) await session.query(sql);
    },
    async finishRebuild(session) {
      for (const sql of rebuildCellStatements(STATISTICS_TABLES(session.table))) await session.query(sql);
    },
  },
};

/**
 * The statistics read model as its queries see it (./queries.ts): sums of facts per year and
 * measure, and pages of facts, each read in one snapshot with the statistics checkpoint, from
 * SQLite or PostgreSQL with the same SQL (./sql.ts). Rows come back typed: PostgreSQL hands bigint
 * and numeric sums back as strings, SQLite as numbers; everything numeric goes through `integer`,
 * which refuses what a JavaScript number cannot hold exactly.
 */
import {
  isAnnexICategory,
  type AnnexICategory,
  type Market,
  type ReferencePeriodId,
  type TreatmentLocation,
  type WeeeCategory,
} from '#kierto/domain';
import type { AtCheckpoint, ReadModelStore } from '../read-models/port.js';
import { integer, nullableInteger, nullableText, text } from '../read-models/rows.js';
import type { Row, Sql, SqlParam } from '../read-models/sql.js';
import {
  MEASURES,
  type AttributedFact,
  type FactsQuery,
  type Measure,
  type StatisticsFact,
  type SumDimension,
  type SumRow,
  type SumsQuery,
} from './model.js';
import { factsSql, FACT_INSERT_COLUMNS, isMeasure, sumsSql, type StatisticsTables } from './sql.js';
import { STATISTICS_TABLES } from './tables.js';

export type { AttributedFact, FactsQuery, StatisticsFilters, SumDimension, SumRow, SumsQuery } from './model.js';

/** The statistics queries' access to the read model, whichever the dialect. */
export interface StatisticsReadModel {
  sums(query: SumsQuery): Promise<AtCheckpoint<SumRow[]>>;
  facts(query: FactsQuery): Promise<AtCheckpoint<AttributedFact[]>>;
}

export function statisticsReadModel(readModels: ReadModelStore): StatisticsReadModel {
  const read = <T>(sql: (tables: StatisticsTables) => Sql, row: (row: Row) => T): Promise<AtCheckpoint<T[]>> =>
    readModels.snapshot<T[]>('statistics', {
      sqlite: (session) => {
        const statement = sql(STATISTICS_TABLES(session.table));
        return session.db
          .prepare<SqlParam[], Row>(statement.text)
          .all(...statement.params)
          .map(row);
      },
      postgres: async (session) => (await session.query(sql(STATISTICS_TABLES(session.table)))).map(row),
    });
  return {
    sums: (query) =>
      read(
        (tables) => sumsSql(tables, query),
        (row) => sumRow(row, query.groupBy),
      ),
    facts: (query) => read((tables) => factsSql(tables, query), factRow),
  };
}

function measure(value: unknown): Measure {
  const name = text(value, 'measure');
  if (!isMeasure(name, MEASURES)) throw new RangeError(`Unknown measure ${name}`);
  return name;
}

/** Stored by this code only, so the narrowing casts below restate what was written. */
const category = (value: unknown): WeeeCategory => integer(value, 'category') as WeeeCategory;
const market = (value: unknown): Market => text(value, 'market') as Market;
const treatment = (value: unknown): TreatmentLocation | null =>
  value === null || value === '' ? null : (text(value, 'treatment') as TreatmentLocation);

const period = (value: unknown): ReferencePeriodId => text(value, 'period') as ReferencePeriodId;
/** Facts hold null for an unknown Annex I category, cells 0 (a key column): both read as null. */
const annexICategory = (value: unknown): AnnexICategory | null => {
  const number = nullableInteger(value, 'annex_i_category');
  return isAnnexICategory(number) ? number : null;
};

export function sumRow(row: Row, groupBy: readonly SumDimension[]): SumRow {
  return {
    year: integer(row['year'], 'year'),
    measure: measure(row['measure']),
    category: groupBy.includes('category') ? category(row['category']) : null,
    market: groupBy.includes('market') ? market(row['market']) : null,
    treatment: groupBy.includes('treatment') ? treatment(row['treatment']) : null,
    period: groupBy.includes('period') ? period(row['period']) : null,
    annexICategory: groupBy.includes('annexICategory') ? annexICategory(row['annex_i_category']) : null,
    massMg: integer(row['mass_mg'], 'mass_mg'),
    units: integer(row['units'], 'units'),
    value: integer(row['indicator_sum'], 'indicator_sum'),
    facts: integer(row['facts'], 'facts'),
  };
}

export function factRow(row: Row): AttributedFact {
  return {
    globalPosition: integer(row['global_position'], 'global_position'),
    measure: measure(row['measure']),
    eventId: text(row['event_id'], 'event_id'),
    deviceId: text(row['device_id'], 'device_id'),
    recordedAt: text(row['recorded_at'], 'recorded_at'),
    occurredAt: text(row['occurred_at'], 'occurred_at'),
    year: integer(row['year'], 'year'),
    country: text(row['country'], 'country'),
    producerId: nullableText(row['producer_id'], 'producer_id'),
    onBehalfOf: nullableText(row['on_behalf_of'], 'on_behalf_of'),
    attributedAt: integer(row['attributed_ms'], 'attributed_ms'),
    category: category(row['category']),
    annexICategory: annexICategory(row['annex_i_category']),
    period: period(row['period']),
    market: market(row['market']),
    treatment: treatment(row['treatment']),
    massMg: integer(row['mass_mg'], 'mass_mg'),
    units: integer(row['units'], 'units'),
    value: nullableInteger(row['indicator_value'], 'indicator_value'),
    organisationId: nullableText(row['organisation_id'], 'organisation_id'),
  };
}

/** A fact's values in FACT_INSERT_COLUMNS order. */
export function factValues(fact: StatisticsFact): SqlParam[] {
  const values: Record<(typeof FACT_INSERT_COLUMNS)[number], SqlParam> = {
    global_position: fact.globalPosition,
    measure: fact.measure,
    event_id: fact.eventId,
    device_id: fact.deviceId,
    recorded_at: fact.recordedAt,
    occurred_at: fact.occurredAt,
    year: fact.year,
    country: fact.country,
    producer_id: fact.producerId,
    on_behalf_of: fact.onBehalfOf,
    attributed_ms: fact.attributedAt,
    category: fact.category,
    market: fact.market,
    treatment: fact.treatment,
    mass_mg: fact.massMg,
    units: fact.units,
    indicator_value: fact.value,
    annex_i_category: fact.annexICategory,
    period: fact.period,
  };
  return FACT_INSERT_COLUMNS.map((column) => values[column]);
}

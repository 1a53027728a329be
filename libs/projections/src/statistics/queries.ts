/**
 * The statistics queries (docs/statistics.md): each reads sums of facts in one snapshot and applies
 * the formulas of weee-rules.md in full precision. Figures are exact sums of integer milligrams;
 * rounding happens only in the display strings.
 */
import {
  ANNEX_I_CATEGORIES,
  ANNEX_I_CATEGORY_NAMES,
  ANNEX_I_UNKNOWN_NAME,
  annexVTargets,
  collectionRateTarget,
  lifespanTable,
  periodTargets,
  referencePeriodsOfYear,
  WEEE_CATEGORIES,
  WEEE_CATEGORY_NAMES,
  type AnnexICategory,
  type LifespanTable,
  type Market,
  type PeriodTargets,
  type RateKind,
  type WeeeCategory,
  type YearPeriod,
} from '#kierto/domain';
import type { ReadModelStore } from '../read-models/port.js';
import {
  statisticsReadModel,
  type FactsQuery,
  type StatisticsFilters,
  type StatisticsReadModel,
  type SumRow,
} from './read-model.js';
import type {
  Basis,
  CategoryRates,
  CollectionRateDocument,
  FactItem,
  FactsPage,
  Indicator,
  IndicatorsDocument,
  Quantity,
  Rate,
  RateLine,
  RecoveryRatesDocument,
  RecoveryRatesTable,
  ReportColumns,
  ReportDocument,
  ReportRow,
  ReportTable,
  SchemeCategoryRates,
  SchemeReportRow,
  WeeeGeneratedDocument,
  YearPeriodDocument,
} from './documents.js';
import { MEASURES, type Measure } from './facts.js';
import { decimalDisplay, mgToKg, percentDisplay, tonnesDisplay } from './mass.js';
import { historyYears, weeeGeneratedDocument } from './weee-generated.js';

export interface StatisticsRequest {
  readonly year: number;
  readonly filters: StatisticsFilters;
  /** Canonical UTC ISO (`toISOString`), or null. */
  readonly asOf: string | null;
}

const MARKETS: readonly Market[] = ['household', 'non-household'];

export class StatisticsQueries {
  /** The statistics tables, read in one snapshot per query (./read-model.ts). */
  private readonly readModels: StatisticsReadModel;

  /** The read-model store, or the statistics read model itself (a test's in-memory one). */
  constructor(
    readModels: ReadModelStore | StatisticsReadModel,
    private readonly reportingTimeZone: string,
    /** Weibull lifespans per category (docs/statistics.md "WEEE generated"); Kierto's defaults unless configured. */
    private readonly lifespans: LifespanTable = lifespanTable(undefined),
  ) {
    this.readModels = 'snapshot' in readModels ? statisticsReadModel(readModels) : readModels;
  }

  /** Article 7: CR(N) = 100 × COL(N) / ((POM(N−1) + POM(N−2) + POM(N−3)) / 3). */
  async collectionRate(request: StatisticsRequest): Promise<CollectionRateDocument> {
    const { year } = request;
    const pomYears = [year - 3, year - 2, year - 1];
    const { value: rows, checkpoint } = await this.readModels.sums({
      years: [year, ...pomYears],
      measures: ['POM', 'COL'],
      filters: request.filters,
      asOf: request.asOf,
      groupBy: [],
    });
    const collected = quantityOf(rows, (row) => row.measure === 'COL' && row.year === year);
    const placedOnMarket = pomYears.map((pomYear) => ({
      year: pomYear,
      ...quantityOf(rows, (row) => row.measure === 'POM' && row.year === pomYear),
    }));
    const missingYears = placedOnMarket.filter((entry) => entry.facts === 0).map((entry) => entry.year);
    const pomMg = placedOnMarket.reduce((sum, entry) => sum + mgOf(rows, 'POM', entry.year), 0);
    const averageMg = pomMg / 3;
    const reason =
      missingYears.length > 0
        ? `No placed-on-market data for ${missingYears.join(', ')}: the rate needs all three preceding years and is not estimated`
        : averageMg === 0
          ? 'Nothing was placed on the market in the three preceding years'
          : null;
    const computable = reason === null;
    const rate = computable ? rateOf((100 * mgOf(rows, 'COL', year)) / averageMg) : null;
    const totalOnly = request.filters.category === null && request.filters.market === null;
    const target = totalOnly ? collectionRateTarget(year) : null;
    const targetNote = !totalOnly
      ? 'The Article 7 target applies to all categories, household and other together; this figure is for information'
      : target === null
        ? `No collection target applies to ${year} (targets start in 2016)`
        : null;
    return {
      year,
      filters: request.filters,
      basis: this.basis(request, checkpoint),
      formula: 'CR(N) = 100 × COL(N) / ((POM(N−1) + POM(N−2) + POM(N−3)) / 3)',
      collected,
      placedOnMarket,
      averagePlacedOnMarket:
        missingYears.length > 0 ? null : { kg: mgToKg(averageMg), tonnes: tonnesDisplay(averageMg) },
      computable,
      reason,
      missingYears,
      rate,
      target,
      targetNote,
      met: rate !== null && target !== null ? rate.percent >= target.percent : null,
    };
  }

  /**
   * WEEE generated in N per category from the placing on the market of every year up to N, and the
   * collection rate against it beside the rate against the average placed on the market (Art. 7(1)).
   */
  async weeeGenerated(request: StatisticsRequest): Promise<WeeeGeneratedDocument> {
    const { value: rows, checkpoint } = await this.readModels.sums({
      years: historyYears(request.year),
      measures: ['POM', 'COL'],
      filters: request.filters,
      asOf: request.asOf,
      groupBy: ['category'],
    });
    return weeeGeneratedDocument({
      year: request.year,
      filters: request.filters,
      basis: this.basis(request, checkpoint),
      categories: categoriesOf(request.filters),
      rows,
      lifespans: this.lifespans,
    });
  }

  /**
   * Annex V per category: RCV / COL and (PfR + RCY) / COL; lamps RCY / COL. The whole year per Annex
   * III category, and one table per reference period of the year in its scheme with its targets.
   */
  async recoveryRates(request: StatisticsRequest): Promise<RecoveryRatesDocument> {
    const { value: rows, checkpoint } = await this.readModels.sums({
      years: [request.year],
      measures: ['COL', 'PFR', 'RCY', 'RCV'],
      filters: request.filters,
      asOf: request.asOf,
      groupBy: ['category', 'period', 'annexICategory'],
    });
    const categories = categoriesOf(request.filters).map((category): CategoryRates => {
      const targets = annexVTargets(category, request.year);
      return {
        category,
        ...categoryRates(
          rows.filter((row) => row.category === category),
          WEEE_CATEGORY_NAMES[category],
          annexIIIRateKinds(category),
          targets,
          `Nothing of category ${category} was collected in ${request.year}: no rate`,
        ),
      };
    });
    const tables = referencePeriodsOfYear(request.year).map((yearPeriod): RecoveryRatesTable => {
      const inPeriod = rows.filter((row) => row.period === yearPeriod.period.id);
      const document = periodDocument(yearPeriod);
      const when = `between ${document.from} and ${document.to}`;
      return {
        period: document,
        categories: schemeCategories(yearPeriod, request.filters).map(({ category, name }): SchemeCategoryRates => {
          const match = yearPeriod.period.scheme === 'annex-i' ? byAnnexI(category) : byAnnexIII(category);
          const reason =
            category === null
              ? `Nothing whose Annex I category is unknown was collected ${when}: no rate`
              : `Nothing of category ${category} was collected ${when}: no rate`;
          return {
            category,
            ...categoryRates(
              inPeriod.filter(match),
              name,
              periodRateKinds(yearPeriod, category),
              periodTargets(yearPeriod.period, category),
              reason,
            ),
          };
        }),
        gasDischargeLamps:
          yearPeriod.period.gasDischargeLampsRecycling === null
            ? null
            : {
                recyclingTarget: yearPeriod.period.gasDischargeLampsRecycling,
                note:
                  'Gas discharge lamps are part of category 5 (lighting equipment) with their own recycling target; ' +
                  'Kierto does not yet report them apart, so their rate is not computed',
              },
      };
    });
    return {
      year: request.year,
      filters: request.filters,
      basis: this.basis(request, checkpoint),
      targetsSource:
        annexVTargets(1, request.year) === null
          ? `No Annex V Part 3 targets for ${request.year} as a whole: they apply to the six Annex III categories from 15 Aug 2018, in full from 2019; see tables for the targets of each reference period`
          : 'Directive 2012/19/EU Annex V Part 3 (minimum targets from 15 Aug 2018)',
      categories,
      tables,
    };
  }

  /** The yearly report table of a producer organisation: category × household/other, tonnes. */
  async report(request: StatisticsRequest): Promise<ReportDocument> {
    const { value: rows, checkpoint } = await this.readModels.sums({
      years: [request.year],
      measures: ['POM', 'COL', 'PFR', 'RCY', 'ER', 'TREATED', 'REUSE'],
      filters: request.filters,
      asOf: request.asOf,
      groupBy: ['category', 'market', 'treatment', 'period', 'annexICategory'],
    });
    const columns = (match: (row: SumRow) => boolean): ReportColumns => {
      const of = (measure: Measure, extra: (row: SumRow) => boolean = () => true): Quantity =>
        quantityOf(rows, (row) => row.measure === measure && match(row) && extra(row));
      return {
        placedOnMarket: of('POM'),
        collected: of('COL'),
        preparedForReuse: of('PFR'),
        recycled: of('RCY'),
        energyRecovery: of('ER'),
        treatedSameCountry: of('TREATED', (row) => row.treatment === 'same-country'),
        treatedOtherEu: of('TREATED', (row) => row.treatment === 'other-eu'),
        treatedOutsideEu: of('TREATED', (row) => row.treatment === 'outside-eu'),
        reuse: of('REUSE'),
      };
    };
    const markets = request.filters.market === null ? MARKETS : [request.filters.market];
    const reportRows: ReportRow[] = categoriesOf(request.filters).flatMap((category) =>
      markets.map((market) => ({
        category,
        categoryName: WEEE_CATEGORY_NAMES[category],
        market,
        ...columns((row) => row.category === category && row.market === market),
      })),
    );
    const tables = referencePeriodsOfYear(request.year).map((yearPeriod): ReportTable => {
      const inPeriod = (row: SumRow): boolean => row.period === yearPeriod.period.id;
      const rowsOfPeriod = schemeCategories(yearPeriod, request.filters).flatMap(({ category, name }) => {
        const match = yearPeriod.period.scheme === 'annex-i' ? byAnnexI(category) : byAnnexIII(category);
        return markets.map((market): SchemeReportRow => ({
          category,
          categoryName: name,
          market,
          ...columns((row) => inPeriod(row) && match(row) && row.market === market),
        }));
      });
      return { period: periodDocument(yearPeriod), rows: rowsOfPeriod, totals: columns(inPeriod) };
    });
    return {
      year: request.year,
      filters: request.filters,
      basis: this.basis(request, checkpoint),
      rows: reportRows,
      totals: columns(() => true),
      tables,
    };
  }

  /** Device-level indicators no WEEE report has. */
  async indicators(request: StatisticsRequest): Promise<IndicatorsDocument> {
    const { value: rows, checkpoint } = await this.readModels.sums({
      years: [request.year],
      measures: [
        'REPAIR',
        'REPAIR_FIXED',
        'LIVES_AT_RCY',
        'AGE_AT_COL',
        'AGE_AT_RCY',
        'DATA_RESALE',
        'DATA_RESALE_WIPED',
      ],
      filters: request.filters,
      asOf: request.asOf,
      groupBy: [],
    });
    const units = (measure: Measure): number => quantityOf(rows, (row) => row.measure === measure).units;
    const valueSum = (measure: Measure): number =>
      rows.filter((row) => row.measure === measure).reduce((sum, row) => sum + row.value, 0);
    const indicator = (
      name: Indicator['name'],
      unit: Indicator['unit'],
      definition: string,
      numerator: number,
      denominator: number,
    ): Indicator => {
      const value =
        denominator === 0 ? null : unit === 'percent' ? (100 * numerator) / denominator : numerator / denominator;
      const display = value === null ? null : unit === 'percent' ? percentDisplay(value) : decimalDisplay(value, 2);
      return { name, definition, unit, numerator, denominator, value, display };
    };
    return {
      year: request.year,
      filters: request.filters,
      basis: this.basis(request, checkpoint),
      indicators: [
        indicator(
          'repair-success-rate',
          'percent',
          'Repairs with the ORDS outcome "fixed" among all repairs recorded in the year (every repair has an outcome)',
          units('REPAIR_FIXED'),
          units('REPAIR'),
        ),
        indicator(
          'average-lives-at-recycling',
          'lives',
          'Lives (first use + one per resale) of the devices recycled in the year, averaged: their completed lives',
          valueSum('LIVES_AT_RCY'),
          units('LIVES_AT_RCY'),
        ),
        indicator(
          'average-age-at-collection',
          'years',
          'Calendar year of collection minus year of manufacture, averaged over the collections of the year',
          valueSum('AGE_AT_COL'),
          units('AGE_AT_COL'),
        ),
        indicator(
          'average-age-at-recycling',
          'years',
          'Calendar year of recycling minus year of manufacture, averaged over the devices recycled in the year',
          valueSum('AGE_AT_RCY'),
          units('AGE_AT_RCY'),
        ),
        indicator(
          'wiped-before-resale',
          'percent',
          'Resales of data-bearing devices in the year with a passing wipe recorded after the latest handover ' +
            '(rule 4 refuses the others, so anything under 100 % is a finding)',
          units('DATA_RESALE_WIPED'),
          units('DATA_RESALE'),
        ),
      ],
    };
  }

  /** The facts behind any cell, a page at a time. */
  async facts(
    request: StatisticsRequest & Pick<FactsQuery, 'measure' | 'treatment' | 'after' | 'limit'>,
  ): Promise<FactsPage> {
    // One more than asked tells whether another page follows.
    const { value: rows, checkpoint } = await this.readModels.facts({
      year: request.year,
      measure: request.measure,
      treatment: request.treatment,
      filters: request.filters,
      asOf: request.asOf,
      after: request.after,
      limit: request.limit + 1,
    });
    const page = rows.slice(0, request.limit);
    const last = page.at(-1);
    const items = page.map((fact): FactItem => ({
      globalPosition: fact.globalPosition,
      eventId: fact.eventId,
      deviceId: fact.deviceId,
      measure: fact.measure,
      year: fact.year,
      occurredAt: fact.occurredAt,
      recordedAt: fact.recordedAt,
      attributedAt: new Date(fact.attributedAt).toISOString(),
      country: fact.country,
      producerId: fact.producerId,
      onBehalfOf: fact.onBehalfOf,
      organisationId: fact.organisationId,
      category: fact.category,
      annexICategory: fact.annexICategory,
      period: fact.period,
      market: fact.market,
      treatment: fact.treatment,
      kg: mgToKg(fact.massMg),
      units: fact.units,
      value: fact.value,
    }));
    return {
      year: request.year,
      measure: request.measure,
      treatment: request.treatment,
      filters: request.filters,
      basis: this.basis(request, checkpoint),
      items,
      nextCursor:
        rows.length > request.limit && last !== undefined ? encodeCursor(last.globalPosition, last.measure) : null,
    };
  }

  private basis(request: StatisticsRequest, checkpoint: number): Basis {
    return { asOf: request.asOf, checkpoint, reportingTimeZone: this.reportingTimeZone };
  }
}

/** A period's days within the year, its scheme and where its targets come from. */
function periodDocument(yearPeriod: YearPeriod): YearPeriodDocument {
  const { period } = yearPeriod;
  return {
    id: period.id,
    scheme: period.scheme,
    from: yearPeriod.from,
    to: yearPeriod.to,
    targetsSource: period.targetsSource,
  };
}

/**
 * The rows of a period's table: the six Annex III categories (or the filtered one), or the ten Annex I
 * categories and the unknown row. An Annex III filter narrows the facts, not the Annex I rows: one
 * Annex III category spans several Annex I ones.
 */
function schemeCategories(
  yearPeriod: YearPeriod,
  filters: StatisticsFilters,
): readonly { readonly category: AnnexICategory | null; readonly name: string }[] {
  if (yearPeriod.period.scheme === 'annex-iii')
    return categoriesOf(filters).map((category) => ({ category, name: WEEE_CATEGORY_NAMES[category] }));
  return [
    ...ANNEX_I_CATEGORIES.map((category) => ({ category, name: ANNEX_I_CATEGORY_NAMES[category] })),
    { category: null, name: ANNEX_I_UNKNOWN_NAME },
  ];
}

const byAnnexI =
  (category: number | null) =>
  (row: SumRow): boolean =>
    row.annexICategory === category;
const byAnnexIII =
  (category: number | null) =>
  (row: SumRow): boolean =>
    row.category === category;

interface RateKindLine {
  readonly kind: RateKind;
  readonly formula: string;
  readonly measures: readonly Measure[];
  readonly target: (targets: PeriodTargets) => number | null;
}

const RECOVERY: RateKindLine = {
  kind: 'recovery',
  formula: 'RCV / COL',
  measures: ['RCV'],
  target: (targets) => targets.recovery,
};
const PFR_AND_RECYCLING: RateKindLine = {
  kind: 'prepared-for-re-use-and-recycling',
  formula: '(PfR + RCY) / COL',
  measures: ['PFR', 'RCY'],
  target: (targets) => targets.preparedForReuseAndRecycling,
};
const RECYCLING: RateKindLine = {
  kind: 'recycling',
  formula: 'RCY / COL',
  measures: ['RCY'],
  target: (targets) => targets.recycling,
};

/** Annex V Part 3: lamps have a recycling target, every other category recovery and PfR + recycling. */
function annexIIIRateKinds(category: number | null): readonly RateKindLine[] {
  return category === 3 ? [RECOVERY, RECYCLING] : [RECOVERY, PFR_AND_RECYCLING];
}

/**
 * The rates a period's targets are set on: "recovered" and "recycled" under 2002/96/EC and Annex V
 * Part 1; "recovered" and "prepared for re-use and recycled" under Part 2; Part 3 as annexIIIRateKinds.
 */
function periodRateKinds(yearPeriod: YearPeriod, category: number | null): readonly RateKindLine[] {
  switch (yearPeriod.period.id) {
    case 'annex-v-part-3':
      return annexIIIRateKinds(category);
    case 'annex-v-part-2':
      return [RECOVERY, PFR_AND_RECYCLING];
    default:
      return [RECOVERY, RECYCLING];
  }
}

/** The quantities and rates of one category's rows (already narrowed to it and, for a table, to its period). */
function categoryRates(
  rows: readonly SumRow[],
  name: string,
  kinds: readonly RateKindLine[],
  targets: PeriodTargets | null,
  emptyReason: string,
): Omit<SchemeCategoryRates, 'category'> {
  const of = (measure: Measure): Quantity => quantityOf(rows, (row) => row.measure === measure);
  const mg = (measure: Measure): number => sumMg(rows, (row) => row.measure === measure);
  const collected = of('COL');
  const computable = collected.facts > 0;
  const rates = kinds.map((line): RateLine => {
    const numeratorMg = line.measures.reduce((sum, measure) => sum + mg(measure), 0);
    const rate = computable ? rateOf((100 * numeratorMg) / mg('COL')) : null;
    const target = targets === null ? null : line.target(targets);
    return {
      kind: line.kind,
      formula: line.formula,
      rate,
      target,
      met: rate !== null && target !== null ? rate.percent >= target : null,
    };
  });
  return {
    name,
    collected,
    preparedForReuse: of('PFR'),
    recycled: of('RCY'),
    recovered: of('RCV'),
    rates,
    computable,
    reason: computable ? null : emptyReason,
  };
}

function categoriesOf(filters: StatisticsFilters): readonly WeeeCategory[] {
  return filters.category === null ? WEEE_CATEGORIES : [filters.category];
}

function mgOf(rows: readonly SumRow[], measure: Measure, year: number): number {
  return sumMg(rows, (row) => row.measure === measure && row.year === year);
}

function sumMg(rows: readonly SumRow[], match: (row: SumRow) => boolean): number {
  return rows.reduce((sum, row) => (match(row) ? sum + row.massMg : sum), 0);
}

export function quantityOf(rows: readonly SumRow[], match: (row: SumRow) => boolean): Quantity {
  let massMg = 0;
  let units = 0;
  let facts = 0;
  for (const row of rows) {
    if (!match(row)) continue;
    massMg += row.massMg;
    units += row.units;
    facts += row.facts;
  }
  return { kg: mgToKg(massMg), tonnes: tonnesDisplay(massMg), units, facts };
}

function rateOf(percent: number): Rate {
  return { percent, display: percentDisplay(percent) };
}

/** Opaque to clients: the (position, measure) of the last fact of a page. */
export function encodeCursor(globalPosition: number, measure: Measure): string {
  return Buffer.from(`${globalPosition}:${measure}`, 'utf8').toString('base64url');
}

/** The position and measure a cursor names, or null when it is not one of ours. */
export function decodeCursor(cursor: string): { readonly globalPosition: number; readonly measure: Measure } | null {
  const match = /^(\d{1,15}):([A-Z_]+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null) return null;
  const measure = MEASURES.find((known) => known === match[2]);
  return measure === undefined ? null : { globalPosition: Number(match[1]), measure };
}

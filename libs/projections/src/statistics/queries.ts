/**
 * The statistics queries (docs/statistics.md): each reads sums of facts in one snapshot and applies
 * the formulas of weee-rules.md in full precision. Figures are exact sums of integer milligrams;
 * rounding happens only in the display strings.
 */
import {
  annexVTargets,
  collectionRateTarget,
  lifespanTable,
  WEEE_CATEGORIES,
  WEEE_CATEGORY_NAMES,
  type LifespanTable,
  type Market,
  type RateKind,
  type WeeeCategory,
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
  ReportColumns,
  ReportDocument,
  ReportRow,
  WeeeGeneratedDocument,
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

  /** Annex V per category: RCV / COL and (PfR + RCY) / COL; lamps RCY / COL. */
  async recoveryRates(request: StatisticsRequest): Promise<RecoveryRatesDocument> {
    const { value: rows, checkpoint } = await this.readModels.sums({
      years: [request.year],
      measures: ['COL', 'PFR', 'RCY', 'RCV'],
      filters: request.filters,
      asOf: request.asOf,
      groupBy: ['category'],
    });
    const categories = categoriesOf(request.filters).map((category): CategoryRates => {
      const match = (measure: Measure) => (row: SumRow) => row.measure === measure && row.category === category;
      const of = (measure: Measure): Quantity => quantityOf(rows, match(measure));
      const mg = (measure: Measure): number => sumMg(rows, match(measure));
      const collected = of('COL');
      const preparedForReuse = of('PFR');
      const recycled = of('RCY');
      const recovered = of('RCV');
      const computable = collected.facts > 0;
      const targets = annexVTargets(category, request.year);
      const line = (kind: RateKind, formula: string, numeratorMg: number, target: number | null): RateLine => {
        const rate = computable ? rateOf((100 * numeratorMg) / mg('COL')) : null;
        return { kind, formula, rate, target, met: rate !== null && target !== null ? rate.percent >= target : null };
      };
      const rates: RateLine[] =
        category === 3
          ? [
              line('recovery', 'RCV / COL', mg('RCV'), targets?.recovery ?? null),
              line('recycling', 'RCY / COL', mg('RCY'), targets?.recycling ?? null),
            ]
          : [
              line('recovery', 'RCV / COL', mg('RCV'), targets?.recovery ?? null),
              line(
                'prepared-for-re-use-and-recycling',
                '(PfR + RCY) / COL',
                mg('PFR') + mg('RCY'),
                targets?.preparedForReuseAndRecycling ?? null,
              ),
            ];
      return {
        category,
        name: WEEE_CATEGORY_NAMES[category],
        collected,
        preparedForReuse,
        recycled,
        recovered,
        rates,
        computable,
        reason: computable ? null : `Nothing of category ${category} was collected in ${request.year}: no rate`,
      };
    });
    return {
      year: request.year,
      filters: request.filters,
      basis: this.basis(request, checkpoint),
      targetsSource:
        annexVTargets(1, request.year) === null
          ? `No Annex V Part 3 targets for ${request.year}: they apply to the six Annex III categories from 15 Aug 2018, in full from 2019`
          : 'Directive 2012/19/EU Annex V Part 3 (minimum targets from 15 Aug 2018)',
      categories,
    };
  }

  /** The yearly report table of a producer organisation: category × household/other, tonnes. */
  async report(request: StatisticsRequest): Promise<ReportDocument> {
    const { value: rows, checkpoint } = await this.readModels.sums({
      years: [request.year],
      measures: ['POM', 'COL', 'PFR', 'RCY', 'ER', 'TREATED', 'REUSE'],
      filters: request.filters,
      asOf: request.asOf,
      groupBy: ['category', 'market', 'treatment'],
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
    return {
      year: request.year,
      filters: request.filters,
      basis: this.basis(request, checkpoint),
      rows: reportRows,
      totals: columns(() => true),
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

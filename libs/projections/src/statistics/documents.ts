/**
 * The statistics documents the API serves (schemas/v1/documents/*.schema.json). Masses come as
 * full-precision kilograms (`kg`) and as tonnes with three decimals for display (`tonnes`, a
 * string, rounded half-up); rates as full-precision percent and one-decimal display. `facts` says
 * how many facts a quantity sums: `GET /statistics/facts` lists them.
 */
import type {
  AnnexICategory,
  CategoryScheme,
  Market,
  RateKind,
  ReferencePeriodId,
  Target,
  TreatmentLocation,
  WeeeCategory,
} from '#kierto/domain';
import type { KiertoProjectionName as ProjectionName } from '../kierto.js';
import type { StatisticsFilters } from './read-model.js';
import type { Measure } from './facts.js';

export interface Quantity {
  readonly kg: number;
  readonly tonnes: string;
  readonly units: number;
  readonly facts: number;
}

export interface Rate {
  /** Full precision. */
  readonly percent: number;
  /** One decimal, rounded half-up: for display only. */
  readonly display: string;
}

/** What the figures were computed from. */
export interface Basis {
  /** Only events recorded at or before this instant count; null for everything recorded. */
  readonly asOf: string | null;
  /** The statistics projection's checkpoint (global position) of the snapshot read. */
  readonly checkpoint: number;
  /** Calendar years are those of this IANA time zone. */
  readonly reportingTimeZone: string;
}

export interface YearQuantity extends Quantity {
  readonly year: number;
}

export interface CollectionRateDocument {
  readonly year: number;
  readonly filters: StatisticsFilters;
  readonly basis: Basis;
  readonly formula: string;
  /** COL(N), household and other together. */
  readonly collected: Quantity;
  /** POM(N−3), POM(N−2), POM(N−1), oldest first. */
  readonly placedOnMarket: readonly YearQuantity[];
  readonly averagePlacedOnMarket: { readonly kg: number; readonly tonnes: string } | null;
  readonly computable: boolean;
  /** Why the rate cannot be computed; null when it can. */
  readonly reason: string | null;
  /** Placed-on-market years without any data under the filters. */
  readonly missingYears: readonly number[];
  readonly rate: Rate | null;
  readonly target: Target | null;
  /** Why no target is given; null when one is. */
  readonly targetNote: string | null;
  readonly met: boolean | null;
}

export interface RateLine {
  readonly kind: RateKind;
  readonly formula: string;
  readonly rate: Rate | null;
  /** Minimum in percent (Annex V Part 3), or null where none applies. */
  readonly target: number | null;
  readonly met: boolean | null;
}

export interface CategoryRates {
  readonly category: WeeeCategory;
  readonly name: string;
  readonly collected: Quantity;
  readonly preparedForReuse: Quantity;
  readonly recycled: Quantity;
  readonly recovered: Quantity;
  readonly rates: readonly RateLine[];
  readonly computable: boolean;
  readonly reason: string | null;
}

/** A reference period's part of the document's year (docs/adr/0015): its scheme, days and targets' source. */
export interface YearPeriodDocument {
  readonly id: ReferencePeriodId;
  readonly scheme: CategoryScheme;
  /** First and last calendar day within the year, inclusive, in the reporting time zone. */
  readonly from: string;
  readonly to: string;
  readonly targetsSource: string;
}

/** A category of a period's scheme: Annex I 1–10 (null: "Annex I category unknown") or Annex III 1–6. */
export interface SchemeCategoryRates extends Omit<CategoryRates, 'category'> {
  /** Annex III categories 1–6 are a subset of the numbers 1–10. */
  readonly category: AnnexICategory | null;
}

/** Annex V rates of one reference period, per category of its scheme, against that period's targets. */
export interface RecoveryRatesTable {
  readonly period: YearPeriodDocument;
  readonly categories: readonly SchemeCategoryRates[];
  /** Annex I periods: the separate gas discharge lamp target, which Kierto does not compute (docs/statistics.md). */
  readonly gasDischargeLamps: { readonly recyclingTarget: number; readonly note: string } | null;
}

export interface RecoveryRatesDocument {
  readonly year: number;
  readonly filters: StatisticsFilters;
  readonly basis: Basis;
  /** Where the targets of `categories` come from, or why there are none for the year. */
  readonly targetsSource: string;
  /** The whole year per Annex III category; targets only for years wholly under Annex V Part 3 (2019 on). */
  readonly categories: readonly CategoryRates[];
  /** One table per reference period of the year, in its scheme with its targets: what a report for the year files. */
  readonly tables: readonly RecoveryRatesTable[];
}

/** The columns of a producer organisation's yearly report (weee-rules.md, "What a producer organisation reports"). */
export interface ReportColumns {
  readonly placedOnMarket: Quantity;
  readonly collected: Quantity;
  readonly preparedForReuse: Quantity;
  readonly recycled: Quantity;
  readonly energyRecovery: Quantity;
  readonly treatedSameCountry: Quantity;
  readonly treatedOtherEu: Quantity;
  readonly treatedOutsideEu: Quantity;
  /** Re-use of devices resold before they were discarded: not WEEE, reported apart, in no rate. */
  readonly reuse: Quantity;
}

export interface ReportRow extends ReportColumns {
  readonly category: WeeeCategory;
  readonly categoryName: string;
  readonly market: Market;
}

export interface SchemeReportRow extends ReportColumns {
  /** A category of the table's scheme; null is the row of devices whose Annex I category is unknown. */
  readonly category: AnnexICategory | null;
  readonly categoryName: string;
  readonly market: Market;
}

/** The report table of one reference period, in its scheme. */
export interface ReportTable {
  readonly period: YearPeriodDocument;
  readonly rows: readonly SchemeReportRow[];
  readonly totals: ReportColumns;
}

export interface ReportDocument {
  readonly year: number;
  readonly filters: StatisticsFilters;
  readonly basis: Basis;
  /** The whole year, one row per Annex III category (every device has one), household and other apart. */
  readonly rows: readonly ReportRow[];
  /** Sums of the exact masses of the rows (not of their rounded tonnes). */
  readonly totals: ReportColumns;
  /** One table per reference period of the year in its scheme (docs/adr/0015): the tables a report for the year files. */
  readonly tables: readonly ReportTable[];
}

export type IndicatorName =
  | 'repair-success-rate'
  | 'average-lives-at-recycling'
  | 'average-age-at-collection'
  | 'average-age-at-recycling'
  | 'wiped-before-resale';

export interface Indicator {
  readonly name: IndicatorName;
  readonly definition: string;
  readonly unit: 'percent' | 'years' | 'lives';
  readonly numerator: number;
  readonly denominator: number;
  /** numerator / denominator (× 100 for percent); null when the denominator is 0. */
  readonly value: number | null;
  readonly display: string | null;
}

export interface IndicatorsDocument {
  readonly year: number;
  readonly filters: StatisticsFilters;
  readonly basis: Basis;
  readonly indicators: readonly Indicator[];
}

export interface FactItem {
  readonly globalPosition: number;
  readonly eventId: string;
  readonly deviceId: string;
  readonly measure: Measure;
  readonly year: number;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly attributedAt: string;
  readonly country: string;
  readonly producerId: string | null;
  readonly onBehalfOf: string | null;
  /** The producer organisation the fact counts for (as of `basis.asOf`), or null: national totals only. */
  readonly organisationId: string | null;
  readonly category: WeeeCategory;
  readonly annexICategory: AnnexICategory | null;
  readonly period: ReferencePeriodId;
  readonly market: Market;
  readonly treatment: TreatmentLocation | null;
  readonly kg: number;
  readonly units: number;
  readonly value: number | null;
}

export interface FactsPage {
  readonly year: number;
  readonly measure: Measure | null;
  readonly treatment: TreatmentLocation | null;
  readonly filters: StatisticsFilters;
  readonly basis: Basis;
  readonly items: readonly FactItem[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export interface ProjectionStatusDocument {
  /** The event store's last global position. */
  readonly head: number;
  readonly projections: readonly {
    readonly name: ProjectionName;
    readonly version: string;
    readonly checkpoint: number;
    /** head − checkpoint: events recorded but not yet in this read model. */
    readonly lag: number;
    readonly updatedAt: string | null;
    /** Events this read model passed without applying them (docs/adr/0011): the count, a metric to alert on. */
    readonly quarantined: number;
  }[];
  /** The quarantined events, oldest first, at most 100. */
  readonly quarantine: readonly {
    readonly projection: ProjectionName;
    readonly globalPosition: number;
    readonly eventId: string;
    readonly eventType: string;
    readonly streamId: string;
    readonly reason: string;
    readonly quarantinedAt: string;
  }[];
  readonly projector: {
    /** Whether this process runs a projector (KIERTO_PROJECTOR); else another process must. */
    readonly runsHere: boolean;
    /**
     * leader / follower under the PostgreSQL leader election, sole on the embedded store (no
     * election), off when this process does not project (docs/operations.md).
     */
    readonly leadership: 'leader' | 'follower' | 'sole' | 'off';
    readonly state: 'stopped' | 'following' | 'failing';
    readonly lastError: { readonly message: string; readonly at: string } | null;
  };
}

export interface Mass {
  readonly kg: number;
  readonly tonnes: string;
}

/** One placing-on-market year's part of the WEEE generated in the document's year. */
export interface WeeeGeneratedContributionItem {
  readonly placedYear: number;
  /** N − placedYear: 0 is the year of placing. */
  readonly age: number;
  /** L(age) = F(age + 1) − F(age). */
  readonly share: number;
  readonly placedOnMarket: Mass;
  readonly weeeGenerated: Mass;
}

export interface WeeeGeneratedCategory {
  readonly category: WeeeCategory;
  readonly name: string;
  /** The Weibull pair used and where it comes from; null when the category has none configured. */
  readonly lifespan: { readonly shape: number; readonly scale: number; readonly source: string } | null;
  /** H: the years N − H … N hold 99 % of the discards and must all have data. */
  readonly horizonYears: number | null;
  /** Σ POM(t) × L(N − t) over the years with data; null without lifespan parameters. */
  readonly weeeGenerated: Mass | null;
  /** Σ L(N − t) over the years with data, 0–1: the share of year N's discards the history covers. */
  readonly coverage: number | null;
  readonly complete: boolean;
  /** Years within the horizon without placed-on-market data, oldest first. */
  readonly missingYears: readonly number[];
  readonly firstPlacedOnMarketYear: number | null;
  /** Placed-on-market facts the estimate sums (`GET /statistics/facts?measure=POM` per year). */
  readonly placedOnMarketFacts: number;
  readonly reason: string | null;
  readonly contributions: readonly WeeeGeneratedContributionItem[];
}

export interface WeeeGeneratedRate {
  readonly formula: string;
  readonly computable: boolean;
  readonly reason: string | null;
  readonly missingYears: readonly number[];
  readonly rate: Rate | null;
  readonly target: Target | null;
  readonly met: boolean | null;
}

export interface WeeeGeneratedDocument {
  readonly year: number;
  readonly filters: StatisticsFilters;
  readonly basis: Basis;
  readonly formula: string;
  readonly categories: readonly WeeeGeneratedCategory[];
  /** Sum over the categories with an estimate; complete only when every category is. */
  readonly total: { readonly weeeGenerated: Mass; readonly complete: boolean; readonly reason: string | null };
  readonly collected: Quantity;
  /** Art. 7(1) alternative: 85 % of WEEE generated, from 2019. */
  readonly rateAgainstWeeeGenerated: WeeeGeneratedRate;
  /** Art. 7(1): 65 % (45 % 2016–2018) of the average placed on the market of N−3 … N−1. */
  readonly rateAgainstAveragePlacedOnMarket: WeeeGeneratedRate;
  /** Met by either alternative; false only when every alternative with a target says not met. */
  readonly targetMet: boolean | null;
  readonly targetNote: string | null;
}

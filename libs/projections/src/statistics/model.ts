/**
 * The statistics read model's types (docs/statistics.md, docs/adr/0006-statistics-fact-table.md):
 * what the projection remembers per device, the facts it writes per event (one per event and
 * measure), and the queries its readers answer. Kept apart from the evolve (./facts.ts), the writer
 * (./storage.ts) and the readers (./read-model.ts) so that each imports these and none the other.
 */
import type {
  AnnexICategory,
  CountryCode,
  Market,
  ReferencePeriodId,
  TreatmentLocation,
  WeeeCategory,
} from '#kierto/domain';
import type { MembershipChange } from '../memberships/memberships.js';
import type { Evolved } from '../projection.js';

/**
 * WEEE measures (weee-rules.md) and the device-level indicators. Mass-bearing device measures count
 * 1 unit per device; RCV, RCY and ER count 0 units (RCY and ER are output fractions, and the whole
 * devices in RCV are already counted in PFR); indicator measures count 1 per occurrence and carry
 * their number in `value`. RCV = PFR + RCY + ER, each part written as its own RCV fact.
 */
export const MEASURES = [
  'POM',
  'COL',
  'PFR',
  'REUSE',
  'TREATED',
  'RCV',
  'RCY',
  'ER',
  'REPAIR',
  'REPAIR_FIXED',
  'AGE_AT_COL',
  'AGE_AT_RCY',
  'LIVES_AT_RCY',
  'DATA_RESALE',
  'DATA_RESALE_WIPED',
] as const;
export type Measure = (typeof MEASURES)[number];

export const TREATMENT_LOCATIONS: readonly TreatmentLocation[] = ['same-country', 'other-eu', 'outside-eu'];

export interface StatisticsFact {
  readonly globalPosition: number;
  readonly measure: Measure;
  readonly eventId: string;
  readonly deviceId: string;
  /** Server time of the event, canonical UTC ISO: what `asOf` compares with. */
  readonly recordedAt: string;
  readonly occurredAt: string;
  /** Calendar year of occurredAt in the reporting time zone. */
  readonly year: number;
  /** Reporting country: the market's for POM, the collection's for COL and what follows it. */
  readonly country: CountryCode;
  readonly producerId: string | null;
  /** The collection's onBehalfOf, inherited by what follows the collection. */
  readonly onBehalfOf: string | null;
  /** When membership is looked up (epoch ms): POM its own time, COL and what follows the collection's. */
  readonly attributedAt: number;
  readonly category: WeeeCategory;
  /** The device's Annex I category (category-schemes.ts), or null where nothing decides it: the "unknown" row. */
  readonly annexICategory: AnnexICategory | null;
  /** The reference period of occurredAt's calendar date in the reporting time zone (docs/adr/0015). */
  readonly period: ReferencePeriodId;
  /** The market placed on for POM; the collection's source for COL and what follows. */
  readonly market: Market;
  /** TREATED, RCV, RCY, ER: where treatment happened relative to the country of collection. */
  readonly treatment: TreatmentLocation | null;
  readonly massMg: number;
  readonly units: number;
  /** Indicator measures: the age in years, or the number of lives. */
  readonly value: number | null;
}

/** Where a device's figures are reported while it is in the waste chain. */
export interface CollectionContext {
  readonly country: CountryCode;
  readonly source: Market;
  readonly onBehalfOf: string | null;
  readonly attributedAt: number;
  /** The whole-appliance weight of this collection: measured at collection, else the product weight. */
  readonly massMg: number;
}

/**
 * What the statistics need to remember about a device between its events: much less than a
 * passport, so a rebuild moves little data. Status, lives and wipedSinceHandover are the domain's
 * lifecycle fold (evolveLifecycle in state.ts); a spec folds the same histories through both and
 * compares them.
 */
export interface StatisticsDevice {
  /** Global position of the last event applied: older events are replays and change nothing. */
  readonly position: number;
  readonly category: WeeeCategory;
  readonly annexICategory: AnnexICategory | null;
  readonly productMassMg: number;
  /** Null when unknown: a device first seen at collection, described in part (ADR 0016). */
  readonly yearOfManufacture: number | null;
  readonly hasDataStorage: boolean | null;
  readonly producerId: string | null;
  /** The market placed on, else the source of the first collection. */
  readonly market: Market;
  /** Where and since when the device is reported now: its latest placing on market, collection or resale. */
  readonly country: CountryCode;
  readonly attributedAt: number;
  readonly status: 'in-use' | 'collected' | 'recycled';
  readonly lives: number;
  /** The latest weight measured at a collection, else null. */
  readonly measuredMassMg: number | null;
  readonly wipedSinceHandover: boolean;
  /** Set from a collection until the device leaves the waste chain (resale or recycling). */
  readonly collection: CollectionContext | null;
}

/** What one event gives the statistics: the device's next document, its facts, a membership change. */
export interface StatisticsApplied extends Evolved<StatisticsDevice> {
  readonly facts: readonly StatisticsFact[];
  readonly memberships: readonly MembershipChange[];
}

export interface StatisticsFilters {
  readonly country: string | null;
  readonly producerId: string | null;
  readonly organisationId: string | null;
  readonly category: WeeeCategory | null;
  readonly market: Market | null;
}

export type SumDimension = 'category' | 'market' | 'treatment' | 'period' | 'annexICategory';

export interface SumsQuery {
  readonly years: readonly number[];
  readonly measures: readonly Measure[];
  readonly filters: StatisticsFilters;
  /** Canonical UTC ISO; null for the current figures (from the pre-aggregated cells). */
  readonly asOf: string | null;
  readonly groupBy: readonly SumDimension[];
}

export interface SumRow {
  readonly year: number;
  readonly measure: Measure;
  readonly category: WeeeCategory | null;
  readonly market: Market | null;
  readonly treatment: TreatmentLocation | null;
  /** Grouped by period, else null. */
  readonly period: ReferencePeriodId | null;
  /** Grouped by Annex I category: the category, or null for the unknown row (and when not grouped). */
  readonly annexICategory: AnnexICategory | null;
  readonly massMg: number;
  readonly units: number;
  /** Σ value of indicator facts. */
  readonly value: number;
  readonly facts: number;
}

export interface FactsQuery {
  readonly year: number;
  readonly measure: Measure | null;
  readonly treatment: TreatmentLocation | null;
  readonly filters: StatisticsFilters;
  readonly asOf: string | null;
  /** Keyset cursor: facts strictly after this (measure, position), the order facts are listed in. */
  readonly after: { readonly globalPosition: number; readonly measure: Measure } | null;
  readonly limit: number;
}

/** A fact with the producer organisation it is attributed to (resolved at query time). */
export interface AttributedFact extends StatisticsFact {
  readonly organisationId: string | null;
}

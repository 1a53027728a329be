/**
 * What the statistics projection writes per event: facts, one per (event, measure)
 * (docs/statistics.md, docs/adr/0006-statistics-fact-table.md). Kept apart from the projection's
 * evolve (./facts.ts) so that its storage (./storage.ts) and readers need not import the evolve.
 */
import type { CountryCode, Market, TreatmentLocation, WeeeCategory } from '../../../domain/src/index.js';

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
  /** The market placed on for POM; the collection's source for COL and what follows. */
  readonly market: Market;
  /** TREATED, RCV, RCY, ER: where treatment happened relative to the country of collection. */
  readonly treatment: TreatmentLocation | null;
  readonly massMg: number;
  readonly units: number;
  /** Indicator measures: the age in years, or the number of lives. */
  readonly value: number | null;
}

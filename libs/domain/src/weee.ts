/**
 * The WEEE rules the statistics follow (Directive 2012/19/EU; ../shared/reference/weee-rules.md):
 * categories, where treatment happened (membership by date in countries.ts), and the targets in force.
 * Pure data and functions; the projections and the statistics queries use them.
 */
import { referencePeriod } from './category-schemes.js';
import { appliesWeeeDirectiveOn, euMemberStateOn } from './countries.js';
import type { CountryCode, WeeeCategory } from './events.js';

export const WEEE_CATEGORIES: readonly WeeeCategory[] = [1, 2, 3, 4, 5, 6];

/** Annex III names (from 15 Aug 2018). */
export const WEEE_CATEGORY_NAMES: Readonly<Record<WeeeCategory, string>> = {
  1: 'Temperature exchange equipment',
  2: 'Screens, monitors and equipment containing screens > 100 cm²',
  3: 'Lamps',
  4: 'Large equipment',
  5: 'Small equipment',
  6: 'Small IT and telecommunication equipment',
};

export type TreatmentLocation = 'same-country' | 'other-eu' | 'outside-eu';

/**
 * Where a device was treated, relative to the country it was collected in, on the day of treatment
 * (the report's "treated in the Member State / in another Member State / outside the EU"):
 * - `same-country`: the collection country, or a part of it with its own ISO code inside the EU
 *   (Åland for Finland, the French outermost regions);
 * - `other-eu`: another state where the WEEE Directive applied that day: an EU member state (the
 *   United Kingdom until 31 Jan 2020, Croatia from 1 Jul 2013, …) or an EEA EFTA state (Norway,
 *   Iceland, Liechtenstein), because the EEA Agreement makes the directive theirs and shipments
 *   between them are not exports out of the area the directive covers;
 * - `outside-eu`: anywhere else, which counts towards recovery only with evidence of equivalent
 *   treatment (Art. 10(2)); docs/adr/0010-countries-and-membership-by-date.md.
 */
export function treatmentLocation(
  collectionCountry: CountryCode,
  treatmentCountry: CountryCode,
  at: string,
): TreatmentLocation {
  if (treatmentCountry === collectionCountry) return 'same-country';
  const treatedIn = euMemberStateOn(treatmentCountry, at);
  if (treatedIn !== null && treatedIn === (euMemberStateOn(collectionCountry, at) ?? collectionCountry))
    return 'same-country';
  return appliesWeeeDirectiveOn(treatmentCountry, at) ? 'other-eu' : 'outside-eu';
}

export interface Target {
  /** Minimum rate, percent. */
  readonly percent: number;
  /** Where the target comes from, for the reader of a report. */
  readonly source: string;
}

/**
 * Article 7(1): 45 % for 2016–2018, 65 % from 2019, against the average placed on the market. The
 * alternative, 85 % of WEEE generated, is weeeGeneratedTarget in weee-generated.ts. No target before 2016.
 */
export function collectionRateTarget(year: number): Target | null {
  if (year >= 2019) return { percent: 65, source: 'Directive 2012/19/EU Art. 7(1): 65 % from 2019' };
  if (year >= 2016) return { percent: 45, source: 'Directive 2012/19/EU Art. 7(1): 45 % for 2016–2018' };
  return null;
}

export type RateKind = 'recovery' | 'prepared-for-re-use-and-recycling' | 'recycling';

export interface AnnexVTargets {
  /** Rates reported for the category with their minimum; null where Annex V sets none. */
  readonly recovery: number | null;
  readonly preparedForReuseAndRecycling: number | null;
  readonly recycling: number | null;
}

/** First full calendar year of Annex V Part 3 (in force from 15 Aug 2018 for the six Annex III categories). */
export const ANNEX_V_PART_3_FIRST_YEAR = 2019;

/**
 * The Annex V Part 3 minimum targets of an Annex III category for a whole year, or null for years
 * before 2019: until 14 Aug 2018 the targets applied to the ten Annex I categories, and 2018 mixes
 * both regimes. The targets of every period, per scheme, are the one table in category-schemes.ts
 * (REFERENCE_PERIODS); the statistics report a year per reference period (docs/adr/0015).
 */
export function annexVTargets(category: WeeeCategory, year: number): AnnexVTargets | null {
  return year >= ANNEX_V_PART_3_FIRST_YEAR ? (referencePeriod('annex-v-part-3').targets[category] ?? null) : null;
}

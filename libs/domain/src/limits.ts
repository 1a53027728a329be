/**
 * Bounds on every number an event carries (docs/limits.md). Two layers:
 *
 * 1. **Edge bounds**, the same for every device: the JSON Schemas state them (libs/schemas), so an
 *    integrator sees them and any 2020-12 validator refuses what Kierto refuses (400 OUT_OF_RANGE).
 *    They exist so that no accepted value can break what is derived from it: a mass of at most
 *    MAX_MASS_KG is at most 10^10 mg, an exact integer far inside 2^53 and a 64-bit column
 *    (libs/projections/src/statistics/mass.ts relies on it).
 * 2. **Plausibility per WEEE category** for the weight of one unit, checked by the domain
 *    (422 WEIGHT_IMPLAUSIBLE naming the limit): a kg/g mix-up or a stray digit on one device must not
 *    land in national totals.
 *
 * Pure data, no imports beyond the domain's own types.
 */
import type { WeeeCategory } from './events.js';

/**
 * Heaviest single unit, material, substance or output Kierto accepts, kg: 10 t. The heaviest
 * equipment in the directive's scope is category 4 (large equipment), up to a few tonnes (e.g. an
 * MRI scanner, 5–12 t, the heaviest medical devices); large-scale fixed installations and large-scale
 * stationary industrial tools are outside the scope (Directive 2012/19/EU Art. 2(4)(e)–(f)).
 */
export const MAX_MASS_KG = 10_000;

/** Highest price or repair cost in any currency unit: a billion; no single device costs more. */
export const MAX_MONEY_AMOUNT = 1_000_000_000;

/** Longest repair, minutes: 100 000 min is about a working year; one repair never takes longer. */
export const MAX_LABOUR_MINUTES = 100_000;

/** Longest warranty, months: 50 years. */
export const MAX_WARRANTY_MONTHS = 600;

/** Largest storage medium, GB (10^9 bytes): 10 PB, well above any single drive of today. */
export const MAX_CAPACITY_GB = 10_000_000;

/**
 * Largest manufacturing carbon footprint, kg CO2e: 1 000 t. Footprints run at a few hundred kg for
 * a laptop and tens of tonnes for the heaviest category-4 equipment; this leaves a wide margin.
 */
export const MAX_CARBON_FOOTPRINT_KG_CO2E = 1_000_000;

/** Years of manufacture accepted (the schemas state them too). */
export const MIN_YEAR_OF_MANUFACTURE = 1900;
export const MAX_YEAR_OF_MANUFACTURE = 2100;

/**
 * The earliest `occurredAt` any event may carry: the Unix epoch. Electronics placed on market,
 * collected or treated before 1970 have no records to import, the WEEE directives start in 2003,
 * and instants from here on are non-negative milliseconds everywhere they are stored.
 * `0000-01-01` was accepted before this bound (docs/limits.md).
 */
export const EARLIEST_OCCURRED_AT = '1970-01-01T00:00:00Z';
export const EARLIEST_OCCURRED_AT_MS = Date.parse(EARLIEST_OCCURRED_AT);

/**
 * Heaviest plausible unit per Annex III category, kg, for `product.weightKg`, a collection's
 * `measuredWeightKg` and a recycling's `weightKg`. Each is set above the heaviest common device of
 * the category with a wide margin, so that only mistakes are refused (docs/limits.md gives the
 * reasoning per category):
 * 1. temperature exchange: household fridges 30–150 kg, commercial display cabinets and heat pumps a
 *    few hundred kg, the largest commercial chillers about 2 t → 3 000 kg.
 * 2. screens and monitors: a 110" professional display weighs about 250 kg → 500 kg.
 * 3. lamps: tubes, bulbs and LED lamps weigh grams to about 1 kg; the largest HID lamps a few kg → 10 kg.
 * 4. large equipment (an outer dimension above 50 cm): up to a few tonnes → MAX_MASS_KG (10 t).
 * 5. small equipment (no outer dimension above 50 cm): microwaves 10–20 kg, the densest small units
 *    (UPS with lead batteries) about 60 kg → 100 kg.
 * 6. small IT and telecommunication (no outer dimension above 50 cm): phones grams, laptops 1–3 kg,
 *    small towers and printers up to about 20 kg → 50 kg.
 */
export const PLAUSIBLE_UNIT_WEIGHT_KG: Readonly<Record<WeeeCategory, number>> = {
  1: 3_000,
  2: 500,
  3: 10,
  4: MAX_MASS_KG,
  5: 100,
  6: 50,
};

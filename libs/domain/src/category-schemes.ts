/**
 * The two WEEE category schemes and the reference periods they apply in (docs/adr/0015-two-category-schemes.md).
 *
 * Directive 2012/19/EU classified WEEE in the ten Annex I categories until 14 Aug 2018 (Art. 2(1)(a),
 * the same ten as Annex IA of Directive 2002/96/EC) and in the six Annex III categories from 15 Aug
 * 2018 (Art. 2(1)(b)). Its Annex V sets the minimum recovery targets in three parts: Part 1 from
 * 13 Aug 2012 to 14 Aug 2015 and Part 2 from 15 Aug 2015 to 14 Aug 2018, both per Annex I category;
 * Part 3 from 15 Aug 2018 per Annex III category. Before 13 Aug 2012, Directive 2002/96/EC Art. 7(2)
 * set the targets for the same ten categories. A reference year therefore has one or two periods:
 * 2012, 2015 and 2018 are split at 13 Aug, 15 Aug and 15 Aug; each fact falls in exactly one.
 *
 * Pure data and functions; dates are calendar dates ("YYYY-MM-DD") in the reporting time zone.
 */
import type { AnnexICategory, WeeeCategory } from './events.js';

/** Annex I of Directive 2012/19/EU (and Annex IA of 2002/96/EC): the ten categories until 14 Aug 2018. */

export const ANNEX_I_CATEGORIES: readonly AnnexICategory[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

export const ANNEX_I_CATEGORY_NAMES: Readonly<Record<AnnexICategory, string>> = {
  1: 'Large household appliances',
  2: 'Small household appliances',
  3: 'IT and telecommunications equipment',
  4: 'Consumer equipment and photovoltaic panels',
  5: 'Lighting equipment',
  6: 'Electrical and electronic tools (with the exception of large-scale stationary industrial tools)',
  7: 'Toys, leisure and sports equipment',
  8: 'Medical devices (with the exception of all implanted and infected products)',
  9: 'Monitoring and control instruments',
  10: 'Automatic dispensers',
};

/** The name of the row of devices whose Annex I category Kierto does not know: reported, never guessed. */
export const ANNEX_I_UNKNOWN_NAME = 'Annex I category unknown';

export function isAnnexICategory(value: unknown): value is AnnexICategory {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 10;
}

// ---------------------------------------------------------------------------------------------
// UNU-KEYs: the bridge from a product to the Annex I category when the producer did not give it.

export interface UnuKeyClassification {
  readonly description: string;
  /** EU-10, the Annex I category; null where the source gives none Kierto can rely on. */
  readonly annexI: AnnexICategory | null;
  /** EU-6, the Annex III category. */
  readonly annexIII: WeeeCategory;
}

/**
 * The 54 UNU-KEYs with their EU-10 (Annex I) and EU-6 (Annex III) categories.
 *
 * Source: Forti V., Baldé C.P., Kuehr R. (2018), E-waste Statistics: Guidelines on classification,
 * reporting and indicators, second edition, United Nations University, Annex 1 (UNU-KEYs and their
 * correlation with the EU-10 and EU-6 categories). The UNU-KEYs were built as subdivisions of the
 * ten categories of Directive 2002/96/EC: the first two digits of keys 0101–1002 are the EU-10
 * category, which is how the EU-10 column reads here. Two keys start with 00 because they sit outside
 * that numbering: 0002 (photovoltaic panels) is Annex I category 4 by the wording of Annex I of
 * 2012/19/EU ("Consumer equipment and photovoltaic panels"); 0001 (household-installed central
 * heating) has no EU-10 category Kierto can cite, so it stays null and such devices are reported
 * under "Annex I category unknown" rather than guessed (docs/adr/0015).
 */
export const UNU_KEYS: Readonly<Record<string, UnuKeyClassification>> = {
  '0001': { description: 'Central Heating (household installed)', annexI: null, annexIII: 4 },
  '0002': { description: 'Photovoltaic Panels (incl. inverters)', annexI: 4, annexIII: 4 },
  '0101': { description: 'Professional Heating & Ventilation (excl. cooling equipment)', annexI: 1, annexIII: 4 },
  '0102': { description: 'Dishwashers', annexI: 1, annexIII: 4 },
  '0103': { description: 'Kitchen equipment (e.g. large furnaces, ovens, cooking equipment)', annexI: 1, annexIII: 4 },
  '0104': { description: 'Washing Machines (incl. combined dryers)', annexI: 1, annexIII: 4 },
  '0105': { description: 'Dryers (wash dryers, centrifuges)', annexI: 1, annexIII: 4 },
  '0106': {
    description: 'Household Heating & Ventilation (e.g. hoods, ventilators, space heaters)',
    annexI: 1,
    annexIII: 4,
  },
  '0108': { description: 'Fridges (incl. combi-fridges)', annexI: 1, annexIII: 1 },
  '0109': { description: 'Freezers', annexI: 1, annexIII: 1 },
  '0111': { description: 'Air Conditioners (household installed and portable)', annexI: 1, annexIII: 1 },
  '0112': { description: 'Other Cooling equipment (e.g. dehumidifiers, heat pump dryers)', annexI: 1, annexIII: 1 },
  '0113': {
    description: 'Professional Cooling equipment (e.g. large air conditioners, cooling displays)',
    annexI: 1,
    annexIII: 1,
  },
  '0114': { description: 'Microwaves (incl. combined, excl. grills)', annexI: 1, annexIII: 5 },
  '0201': {
    description: 'Other small household equipment (e.g. small ventilators, irons, clocks, adapters)',
    annexI: 2,
    annexIII: 5,
  },
  '0202': {
    description: 'Equipment for food preparation (e.g. toaster, grills, food processing, frying pans)',
    annexI: 2,
    annexIII: 5,
  },
  '0203': {
    description: 'Small household equipment for hot water preparation (e.g. coffee, tea, water cookers)',
    annexI: 2,
    annexIII: 5,
  },
  '0204': { description: 'Vacuum Cleaners (excl. professional)', annexI: 2, annexIII: 5 },
  '0205': { description: 'Personal Care equipment (e.g. tooth brushes, hair dryers, razors)', annexI: 2, annexIII: 5 },
  '0301': {
    description: 'Small IT equipment (e.g. routers, mice, keyboards, external drives & accessories)',
    annexI: 3,
    annexIII: 6,
  },
  '0302': { description: 'Desktop PCs (excl. monitors, accessories)', annexI: 3, annexIII: 6 },
  '0303': { description: 'Laptops (incl. tablets)', annexI: 3, annexIII: 2 },
  '0304': { description: 'Printers (e.g. scanners, multi functionals, faxes)', annexI: 3, annexIII: 6 },
  '0305': {
    description: 'Telecommunication equipment (e.g. (cordless) phones, answering machines)',
    annexI: 3,
    annexIII: 6,
  },
  '0306': { description: 'Mobile Phones (incl. smartphones, pagers)', annexI: 3, annexIII: 6 },
  '0307': {
    description: 'Professional IT equipment (e.g. servers, routers, data storage, copiers)',
    annexI: 3,
    annexIII: 4,
  },
  '0308': { description: 'Cathode Ray Tube Monitors', annexI: 3, annexIII: 2 },
  '0309': { description: 'Flat Display Panel Monitors (LCD, LED)', annexI: 3, annexIII: 2 },
  '0401': { description: 'Small Consumer Electronics (e.g. headphones, remote controls)', annexI: 4, annexIII: 5 },
  '0402': { description: 'Portable Audio & Video (e.g. MP3, e-readers, car navigation)', annexI: 4, annexIII: 5 },
  '0403': { description: 'Music Instruments, Radio, Hi-Fi (incl. audio sets)', annexI: 4, annexIII: 5 },
  '0404': {
    description: 'Video (e.g. Video recorders, DVD, Blue Ray, set-top boxes) and projectors',
    annexI: 4,
    annexIII: 5,
  },
  '0405': { description: 'Speakers', annexI: 4, annexIII: 5 },
  '0406': { description: 'Cameras (e.g. camcorders, photo & digital still cameras)', annexI: 4, annexIII: 5 },
  '0407': { description: 'Cathode Ray Tube TVs', annexI: 4, annexIII: 2 },
  '0408': { description: 'Flat Display Panel TVs (LCD, LED, Plasma)', annexI: 4, annexIII: 2 },
  '0501': { description: 'Small lighting equipment (excl. LED & incandescent)', annexI: 5, annexIII: 3 },
  '0502': { description: 'Compact Fluorescent Lamps (incl. retrofit & non-retrofit)', annexI: 5, annexIII: 3 },
  '0503': { description: 'Straight Tube Fluorescent Lamps', annexI: 5, annexIII: 3 },
  '0504': {
    description: 'Special Lamps (e.g. professional mercury, high & low pressure sodium)',
    annexI: 5,
    annexIII: 3,
  },
  '0505': { description: 'LED Lamps (incl. retrofit LED lamps)', annexI: 5, annexIII: 3 },
  '0506': {
    description: 'Household Luminaires (incl. household incandescent fittings & household LED luminaires)',
    annexI: 5,
    annexIII: 5,
  },
  '0507': { description: 'Professional Luminaires (offices, public space, industry)', annexI: 5, annexIII: 4 },
  '0601': {
    description: 'Household Tools (e.g. drills, saws, high pressure cleaners, lawn mowers)',
    annexI: 6,
    annexIII: 5,
  },
  '0602': { description: 'Professional Tools (e.g. for welding, soldering, milling)', annexI: 6, annexIII: 4 },
  '0701': {
    description: 'Toys (e.g. car racing sets, electric trains, music toys, biking computers, drones)',
    annexI: 7,
    annexIII: 5,
  },
  '0702': { description: 'Game Consoles', annexI: 7, annexIII: 6 },
  '0703': {
    description: 'Leisure equipment (e.g. sports equipment, electric bikes, juke boxes)',
    annexI: 7,
    annexIII: 4,
  },
  '0801': {
    description: 'Household Medical equipment (e.g. thermometers, blood pressure meters)',
    annexI: 8,
    annexIII: 5,
  },
  '0802': {
    description: 'Professional Medical equipment (e.g. hospital, dentist, diagnostics)',
    annexI: 8,
    annexIII: 4,
  },
  '0901': {
    description: 'Household Monitoring & Control equipment (alarm, heat, smoke, excl. screens)',
    annexI: 9,
    annexIII: 5,
  },
  '0902': {
    description: 'Professional Monitoring & Control equipment (e.g. laboratory, control panels)',
    annexI: 9,
    annexIII: 4,
  },
  '1001': {
    description: 'Non-cooled Dispensers (e.g. for vending, hot drinks, tickets, money)',
    annexI: 10,
    annexIII: 4,
  },
  '1002': { description: 'Cooled Dispensers (e.g. for vending, cold drinks)', annexI: 10, annexIII: 1 },
};

/** The UNU-KEYs as a sorted list: the schemas' enum. */
export const UNU_KEY_CODES: readonly string[] = Object.keys(UNU_KEYS).sort();

export function isUnuKey(value: string): boolean {
  return Object.hasOwn(UNU_KEYS, value);
}

/** How a device's Annex I category was decided; 'unknown' when nothing decides it. */
export type AnnexIBasis = 'producer' | 'unu-key' | 'annex-iii' | 'unknown';

export interface AnnexIClassification {
  readonly category: AnnexICategory | null;
  readonly basis: AnnexIBasis;
}

/**
 * The Annex I category of a product, in this order:
 * 1. the producer's `annexICategory`;
 * 2. else the EU-10 category of its `unuKey` (UNU_KEYS), when that has one;
 * 3. else Annex III category 3 (lamps), the one Annex III category that lies wholly in one Annex I
 *    category (5, lighting equipment: every lamp is lighting equipment). Every other Annex III
 *    category spans several (temperature exchange: large household appliances or cooled dispensers;
 *    screens: IT or consumer equipment; …);
 * 4. else unknown (null): reported under "Annex I category unknown", never guessed.
 */
export function annexIClassificationOf(product: {
  readonly weeeCategory: WeeeCategory;
  readonly annexICategory?: AnnexICategory;
  readonly unuKey?: string;
}): AnnexIClassification {
  if (product.annexICategory !== undefined) return { category: product.annexICategory, basis: 'producer' };
  const byKey = product.unuKey === undefined ? null : (UNU_KEYS[product.unuKey]?.annexI ?? null);
  if (byKey !== null) return { category: byKey, basis: 'unu-key' };
  if (product.weeeCategory === 3) return { category: 5, basis: 'annex-iii' };
  return { category: null, basis: 'unknown' };
}

// ---------------------------------------------------------------------------------------------
// Reference periods and their targets.

export type CategoryScheme = 'annex-i' | 'annex-iii';

export type ReferencePeriodId = 'directive-2002-96-ec' | 'annex-v-part-1' | 'annex-v-part-2' | 'annex-v-part-3';

/** Minimum rates in percent; null where the period sets none for the category. */
export interface PeriodTargets {
  readonly recovery: number | null;
  /** Part 2 and Part 3: prepared for re-use and recycled, (PfR + RCY) / COL. */
  readonly preparedForReuseAndRecycling: number | null;
  /** 2002/96/EC and Part 1: recycled, RCY / COL; lamps (Part 3 category 3) too. */
  readonly recycling: number | null;
}

export interface ReferencePeriod {
  readonly id: ReferencePeriodId;
  readonly scheme: CategoryScheme;
  /** First day, inclusive; null for the open start. */
  readonly from: string | null;
  /** Last day, inclusive; null for the open end. */
  readonly to: string | null;
  readonly targetsSource: string;
  /** Per category of the period's scheme. */
  readonly targets: Readonly<Record<number, PeriodTargets>>;
  /** Gas discharge lamps (part of Annex I category 5): recycled ≥; null in the Annex III period (lamps are category 3). */
  readonly gasDischargeLampsRecycling: number | null;
}

const recoveryAndRecycling = (recovery: number, recycling: number): PeriodTargets => ({
  recovery,
  preparedForReuseAndRecycling: null,
  recycling,
});
const recoveryAndPfrRecycling = (recovery: number, preparedForReuseAndRecycling: number): PeriodTargets => ({
  recovery,
  preparedForReuseAndRecycling,
  recycling: null,
});
const NO_TARGETS: PeriodTargets = { recovery: null, preparedForReuseAndRecycling: null, recycling: null };

/**
 * The one table of periods, oldest first. Figures from the law texts (weee-rules.md):
 * - 2002/96/EC Art. 7(2) (to be met by 31 Dec 2006): categories 1 and 10 recovered 80 %, component,
 *   material and substance re-use and recycling 75 %; 3 and 4: 75/65; 2, 5, 6, 7 and 9: 70/50; gas
 *   discharge lamps 80 %; category 8 (medical devices) none.
 * - 2012/19/EU Annex V Part 1 (13 Aug 2012 – 14 Aug 2015): 1 and 10 recovered 80 % / recycled 75 %;
 *   3 and 4: 75/65; 2, 5, 6, 7, 8 and 9: 70/50; gas discharge lamps recycled 80 %.
 * - Part 2 (15 Aug 2015 – 14 Aug 2018): 1 and 10 recovered 85 % / prepared for re-use and recycled
 *   80 %; 3 and 4: 80/70; 2, 5, 6, 7, 8 and 9: 75/55; gas discharge lamps recycled 80 %.
 * - Part 3 (from 15 Aug 2018, Annex III): 1 and 4: 85/80; 2: 80/70; 5 and 6: 75/55; 3 (lamps) recycled 80 %.
 */
export const REFERENCE_PERIODS: readonly ReferencePeriod[] = [
  {
    id: 'directive-2002-96-ec',
    scheme: 'annex-i',
    from: null,
    to: '2012-08-12',
    targetsSource:
      'Directive 2002/96/EC Art. 7(2) (to be met by 31 Dec 2006): recovery and re-use + recycling per Annex IA category',
    targets: {
      1: recoveryAndRecycling(80, 75),
      2: recoveryAndRecycling(70, 50),
      3: recoveryAndRecycling(75, 65),
      4: recoveryAndRecycling(75, 65),
      5: recoveryAndRecycling(70, 50),
      6: recoveryAndRecycling(70, 50),
      7: recoveryAndRecycling(70, 50),
      8: NO_TARGETS,
      9: recoveryAndRecycling(70, 50),
      10: recoveryAndRecycling(80, 75),
    },
    gasDischargeLampsRecycling: 80,
  },
  {
    id: 'annex-v-part-1',
    scheme: 'annex-i',
    from: '2012-08-13',
    to: '2015-08-14',
    targetsSource: 'Directive 2012/19/EU Annex V Part 1 (13 Aug 2012 – 14 Aug 2015, Annex I categories)',
    targets: {
      1: recoveryAndRecycling(80, 75),
      2: recoveryAndRecycling(70, 50),
      3: recoveryAndRecycling(75, 65),
      4: recoveryAndRecycling(75, 65),
      5: recoveryAndRecycling(70, 50),
      6: recoveryAndRecycling(70, 50),
      7: recoveryAndRecycling(70, 50),
      8: recoveryAndRecycling(70, 50),
      9: recoveryAndRecycling(70, 50),
      10: recoveryAndRecycling(80, 75),
    },
    gasDischargeLampsRecycling: 80,
  },
  {
    id: 'annex-v-part-2',
    scheme: 'annex-i',
    from: '2015-08-15',
    to: '2018-08-14',
    targetsSource: 'Directive 2012/19/EU Annex V Part 2 (15 Aug 2015 – 14 Aug 2018, Annex I categories)',
    targets: {
      1: recoveryAndPfrRecycling(85, 80),
      2: recoveryAndPfrRecycling(75, 55),
      3: recoveryAndPfrRecycling(80, 70),
      4: recoveryAndPfrRecycling(80, 70),
      5: recoveryAndPfrRecycling(75, 55),
      6: recoveryAndPfrRecycling(75, 55),
      7: recoveryAndPfrRecycling(75, 55),
      8: recoveryAndPfrRecycling(75, 55),
      9: recoveryAndPfrRecycling(75, 55),
      10: recoveryAndPfrRecycling(85, 80),
    },
    gasDischargeLampsRecycling: 80,
  },
  {
    id: 'annex-v-part-3',
    scheme: 'annex-iii',
    from: '2018-08-15',
    to: null,
    targetsSource: 'Directive 2012/19/EU Annex V Part 3 (minimum targets from 15 Aug 2018, Annex III categories)',
    targets: {
      1: recoveryAndPfrRecycling(85, 80),
      2: recoveryAndPfrRecycling(80, 70),
      3: { recovery: null, preparedForReuseAndRecycling: null, recycling: 80 },
      4: recoveryAndPfrRecycling(85, 80),
      5: recoveryAndPfrRecycling(75, 55),
      6: recoveryAndPfrRecycling(75, 55),
    },
    gasDischargeLampsRecycling: null,
  },
];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function referencePeriod(id: ReferencePeriodId): ReferencePeriod {
  const period = REFERENCE_PERIODS.find((candidate) => candidate.id === id);
  if (period === undefined) throw new RangeError(`Unknown reference period ${id}`);
  return period;
}

/** The period a calendar date ("YYYY-MM-DD", in the reporting time zone) falls in: exactly one. */
export function referencePeriodOn(date: string): ReferencePeriod {
  if (!DATE.test(date)) throw new RangeError(`Not a calendar date: ${date}`);
  // ISO dates compare as text in calendar order.
  const period = REFERENCE_PERIODS.find(
    (candidate) =>
      (candidate.from === null || candidate.from <= date) && (candidate.to === null || date <= candidate.to),
  );
  if (period === undefined) throw new RangeError(`No reference period for ${date}`);
  return period;
}

/** A period's part of one calendar year. */
export interface YearPeriod {
  readonly period: ReferencePeriod;
  /** First and last day of the period within the year, inclusive. */
  readonly from: string;
  readonly to: string;
}

/** The periods of a reference year, in order: one, or two where a period starts within the year. */
export function referencePeriodsOfYear(year: number): readonly YearPeriod[] {
  const first = `${String(year).padStart(4, '0')}-01-01`;
  const last = `${String(year).padStart(4, '0')}-12-31`;
  return REFERENCE_PERIODS.filter(
    (period) => (period.from === null || period.from <= last) && (period.to === null || first <= period.to),
  ).map((period) => ({
    period,
    from: period.from !== null && period.from > first ? period.from : first,
    to: period.to !== null && period.to < last ? period.to : last,
  }));
}

/** The targets of a category in a period (a category of the period's scheme); null for an unknown category. */
export function periodTargets(period: ReferencePeriod, category: number | null): PeriodTargets | null {
  return category === null ? null : (period.targets[category] ?? null);
}

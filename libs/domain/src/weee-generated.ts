/**
 * WEEE generated: the quantity of waste a territory's past placing on the market releases in a year,
 * the denominator of the alternative collection target of Directive 2012/19/EU Art. 7(1) (85 % of
 * WEEE generated instead of 65 % of the average placed on the market of the three preceding years).
 *
 * The method is the sales–lifespan model of the Commission's common methodology (Implementing
 * Regulation (EU) 2017/699) and the UNU/UNITAR "WEEE calculation tool" it rests on:
 *
 *     WEEE(n) = Σ_{t ≤ n} POM(t) × L(n − t)
 *
 * with L the share of a year's placing on the market that is discarded k = n − t years later, from a
 * Weibull lifespan distribution (shape α, scale β in years). Kierto records the Annex III category of
 * a device, not its UNU-KEY, so the lifespans here are per category. How L is discretised, why the
 * parameters are Kierto's own defaults and how missing history is reported: docs/statistics.md
 * ("WEEE generated") and docs/adr/0013-weee-generated-sales-lifespan-model.md.
 *
 * Pure data and functions: masses are milligrams as in the statistics, but the result is a float,
 * because a share of a mass is not a whole number of milligrams.
 */
import type { WeeeCategory } from './events.js';
import { WEEE_CATEGORIES, type Target } from './weee.js';

export interface WeibullLifespan {
  /** α > 0: below 1 early discards dominate, above 1 the discard rate rises with age (wear-out). */
  readonly shape: number;
  /** β > 0, years: the age by which 63.2 % of a year's units have been discarded. */
  readonly scale: number;
  /** Where the pair comes from, shown beside every figure computed with it. */
  readonly source: string;
}

/** Lifespans per category; a category without an entry has no WEEE-generated estimate. */
export type LifespanTable = Readonly<Partial<Record<WeeeCategory, WeibullLifespan>>>;

const DEFAULT_SOURCE =
  'Kierto default (not a published value): chosen from typical use lives of the category, docs/statistics.md "Lifespan parameters"';

/**
 * Kierto's documented defaults. They are NOT the published per-UNU-KEY parameters of the WEEE
 * calculation tool, which Kierto could not obtain in machine-readable form and which need the UNU-KEY
 * of each device; docs/statistics.md gives the reasoning per category and how to replace them
 * (KIERTO_WEEE_LIFESPANS). Shape 2 (a rising discard rate) is used for durable appliances, a broader
 * 1.5–1.8 where early replacement is common.
 */
export const DEFAULT_LIFESPANS: Readonly<Record<WeeeCategory, WeibullLifespan>> = {
  1: { shape: 2.0, scale: 15, source: DEFAULT_SOURCE },
  2: { shape: 2.0, scale: 9, source: DEFAULT_SOURCE },
  3: { shape: 1.5, scale: 7, source: DEFAULT_SOURCE },
  4: { shape: 2.0, scale: 13, source: DEFAULT_SOURCE },
  5: { shape: 1.8, scale: 9, source: DEFAULT_SOURCE },
  6: { shape: 1.8, scale: 6, source: DEFAULT_SOURCE },
};

/**
 * The share of the lifespan distribution the years with data must hold for an estimate to count as
 * complete: the ages 0…H with F(H + 1) ≥ 99 %. The last 1 % is a tail decades long (a fridge placed
 * 40 years ago); the coverage figure still says how much of it is missing.
 */
export const REQUIRED_COVERAGE = 0.99;

/**
 * Art. 7(1): from 2019 a Member State meets its collection target with 65 % of the average placed on
 * the market of the three preceding years OR 85 % of WEEE generated on its territory. None before.
 */
export function weeeGeneratedTarget(year: number): Target | null {
  return year >= 2019
    ? { percent: 85, source: 'Directive 2012/19/EU Art. 7(1): 85 % of WEEE generated, from 2019' }
    : null;
}

/** F(x) = 1 − exp(−(x/β)^α) for x > 0, else 0: the share of units discarded by age x. */
export function weibullCdf(age: number, lifespan: Pick<WeibullLifespan, 'shape' | 'scale'>): number {
  if (age <= 0) return 0;
  return 1 - Math.exp(-((age / lifespan.scale) ** lifespan.shape));
}

/**
 * L(k): the share of a year's placing on the market discarded in calendar year t + k. The year of
 * placing is age 0–1 (k = 0 can already be discarded, as in the calculation tool), so L(k) is the
 * probability mass F(k + 1) − F(k) over that year of age. The tool evaluates the density at the middle
 * of the year of age instead, f(k + 0.5), which approximates the same integral; the exact difference
 * sums to 1 over all ages, so no mass is created or lost.
 */
export function discardShare(age: number, lifespan: Pick<WeibullLifespan, 'shape' | 'scale'>): number {
  if (!Number.isInteger(age) || age < 0) return 0;
  // Written as S(k) − S(k + 1) with S = 1 − F: the same value, without the cancellation of 1 − F
  // when F is close to 1 (old ages), so tails stay accurate.
  const survival = (x: number): number => (x <= 0 ? 1 : Math.exp(-((x / lifespan.scale) ** lifespan.shape)));
  return survival(age) - survival(age + 1);
}

/** H: the smallest age with F(H + 1) ≥ REQUIRED_COVERAGE; the years n − H … n must have data. */
export function horizonYears(lifespan: Pick<WeibullLifespan, 'shape' | 'scale'>): number {
  // Closed form of F(x) = c, rounded up to a whole year of age: x = β (−ln(1 − c))^(1/α).
  const age = lifespan.scale * (-Math.log(1 - REQUIRED_COVERAGE)) ** (1 / lifespan.shape);
  return Math.max(0, Math.ceil(age - 1e-9) - 1);
}

export interface PlacedOnMarketYear {
  readonly year: number;
  readonly massMg: number;
  /** Placing-on-market facts behind the mass: a year with none is missing history, not zero. */
  readonly facts: number;
}

export interface WeeeGeneratedContribution {
  readonly placedYear: number;
  readonly age: number;
  readonly share: number;
  readonly placedMg: number;
  readonly generatedMg: number;
}

export interface WeeeGeneratedEstimate {
  readonly year: number;
  readonly lifespan: WeibullLifespan | null;
  /** Σ POM(t) × L(n − t) over the years with data; null without lifespan parameters. */
  readonly generatedMg: number | null;
  /** Σ L(n − t) over the years with data: the share of the discards of year n the history covers. */
  readonly coverage: number | null;
  /** Years n − H … n without any placing-on-market fact, oldest first. */
  readonly missingYears: readonly number[];
  /** True when no year within the horizon is missing: the estimate is not a partial sum. */
  readonly complete: boolean;
  readonly reason: string | null;
  readonly contributions: readonly WeeeGeneratedContribution[];
}

/**
 * WEEE generated in `year` from one category's placing-on-market history. History after `year` is
 * ignored (it cannot be discarded yet). A year before the horizon still adds its (small) share when
 * it has data; its absence is not counted as missing.
 */
export function weeeGenerated(
  year: number,
  history: readonly PlacedOnMarketYear[],
  lifespan: WeibullLifespan | undefined,
): WeeeGeneratedEstimate {
  if (lifespan === undefined) {
    return {
      year,
      lifespan: null,
      generatedMg: null,
      coverage: null,
      missingYears: [],
      complete: false,
      reason: 'No lifespan parameters for this category: WEEE generated is not estimated',
      contributions: [],
    };
  }
  const byYear = new Map<number, { massMg: number; facts: number }>();
  for (const entry of history) {
    if (entry.year > year) continue;
    const seen = byYear.get(entry.year) ?? { massMg: 0, facts: 0 };
    byYear.set(entry.year, { massMg: seen.massMg + entry.massMg, facts: seen.facts + entry.facts });
  }
  const contributions: WeeeGeneratedContribution[] = [...byYear.entries()]
    .filter(([, entry]) => entry.facts > 0)
    .sort(([a], [b]) => a - b)
    .map(([placedYear, entry]) => {
      const age = year - placedYear;
      const share = discardShare(age, lifespan);
      return { placedYear, age, share, placedMg: entry.massMg, generatedMg: entry.massMg * share };
    });
  const horizon = horizonYears(lifespan);
  const missingYears: number[] = [];
  for (let placedYear = year - horizon; placedYear <= year; placedYear += 1) {
    if ((byYear.get(placedYear)?.facts ?? 0) === 0) missingYears.push(placedYear);
  }
  const generatedMg = contributions.reduce((sum, entry) => sum + entry.generatedMg, 0);
  const coverage = contributions.reduce((sum, entry) => sum + entry.share, 0);
  const complete = missingYears.length === 0;
  return {
    year,
    lifespan,
    generatedMg,
    coverage,
    missingYears,
    complete,
    reason: complete
      ? null
      : `No placed-on-market data for ${describeYears(missingYears)}: the estimate covers ` +
        `${(coverage * 100).toFixed(1)} % of the discards expected in ${year} and is a lower bound`,
    contributions,
  };
}

/** "2001–2003, 2007": consecutive years as ranges, so a 30-year gap stays readable. */
export function describeYears(years: readonly number[]): string {
  const parts: string[] = [];
  let start: number | undefined;
  let previous: number | undefined;
  for (const year of [...years].sort((a, b) => a - b)) {
    if (start !== undefined && previous !== undefined && year === previous + 1) {
      previous = year;
      continue;
    }
    if (start !== undefined && previous !== undefined)
      parts.push(start === previous ? `${start}` : `${start}–${previous}`);
    start = year;
    previous = year;
  }
  if (start !== undefined && previous !== undefined)
    parts.push(start === previous ? `${start}` : `${start}–${previous}`);
  return parts.join(', ');
}

/**
 * The lifespan table from the defaults and an operator's overrides (KIERTO_WEEE_LIFESPANS, parsed
 * JSON): `{"1": {"shape": 2.2, "scale": 14, "source": "…"}, "3": null}` replaces category 1's pair
 * and removes category 3's (no estimate). Throws a RangeError naming the first bad entry, so a typo
 * stops the service at start rather than changing figures quietly.
 */
export function lifespanTable(overrides: unknown): LifespanTable {
  const table: Partial<Record<WeeeCategory, WeibullLifespan>> = { ...DEFAULT_LIFESPANS };
  if (overrides === undefined || overrides === null) return table;
  if (typeof overrides !== 'object' || Array.isArray(overrides)) {
    throw new RangeError('WEEE lifespans must be an object keyed by category 1–6');
  }
  for (const [key, value] of Object.entries(overrides)) {
    const category = WEEE_CATEGORIES.find((candidate) => String(candidate) === key);
    if (category === undefined) throw new RangeError(`WEEE lifespans: "${key}" is not a category 1–6`);
    if (value === null) {
      delete table[category];
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new RangeError(`WEEE lifespans: category ${key} needs {"shape", "scale", "source"} or null`);
    }
    const entry = value as Record<string, unknown>;
    const { shape, scale, source } = entry;
    const positive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;
    if (!positive(shape) || shape > 20)
      throw new RangeError(`WEEE lifespans: category ${key} shape must be a number in (0, 20]`);
    if (!positive(scale) || scale > 100)
      throw new RangeError(`WEEE lifespans: category ${key} scale must be years in (0, 100]`);
    if (typeof source !== 'string' || source.trim() === '') {
      throw new RangeError(
        `WEEE lifespans: category ${key} needs a non-empty "source" saying where the pair comes from`,
      );
    }
    table[category] = { shape, scale, source };
  }
  return table;
}

import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_LIFESPANS,
  describeYears,
  discardShare,
  horizonYears,
  lifespanTable,
  REQUIRED_COVERAGE,
  weeeGenerated,
  weeeGeneratedTarget,
  weibullCdf,
  type PlacedOnMarketYear,
  type WeibullLifespan,
} from './weee-generated.js';
import { WEEE_CATEGORIES } from './weee.js';

const MG_PER_KG = 1_000_000;
const kg = (value: number): number => value * MG_PER_KG;
const pom = (year: number, massKg: number, facts = 1): PlacedOnMarketYear => ({ year, massMg: kg(massKg), facts });

/**
 * The hand-worked example: shape α = 2, scale β = 2 years, so F(x) = 1 − e^(−x²/4) and
 * L(k) = F(k+1) − F(k) = e^(−k²/4) − e^(−(k+1)²/4):
 *   L(0) = 1 − e^−0.25              = 1 − 0.7788008          = 0.2211992
 *   L(1) = e^−0.25 − e^−1           = 0.7788008 − 0.3678794  = 0.4109214
 *   L(2) = e^−1 − e^−2.25           = 0.3678794 − 0.1053992  = 0.2624802
 *   L(3) = e^−2.25 − e^−4           = 0.1053992 − 0.0183156  = 0.0870836
 *   L(4) = e^−4 − e^−6.25           = 0.0183156 − 0.0019305  = 0.0163851
 * Horizon: F(x) ≥ 0.99 ⇔ x ≥ 2·√(ln 100) = 4.292, so ages 0…4 (F(5) = 0.99807) must have data.
 */
const HAND: WeibullLifespan = { shape: 2, scale: 2, source: 'hand-worked example' };

describe('the Weibull lifespan, discretised per year of age', () => {
  it('given α = 2, β = 2, when discretised, then L(k) = F(k+1) − F(k) matches the hand computation', () => {
    expect(discardShare(0, HAND)).toBeCloseTo(0.2211992, 6);
    expect(discardShare(1, HAND)).toBeCloseTo(0.4109214, 6);
    expect(discardShare(2, HAND)).toBeCloseTo(0.2624802, 6);
    expect(discardShare(3, HAND)).toBeCloseTo(0.0870836, 6);
    expect(discardShare(4, HAND)).toBeCloseTo(0.0163851, 6);
  });

  it('given any table entry, when every year of age is summed, then the shares add up to 1 (no mass created or lost)', () => {
    for (const lifespan of [HAND, ...Object.values(DEFAULT_LIFESPANS)]) {
      let total = 0;
      for (let age = 0; age < 400; age += 1) total += discardShare(age, lifespan);
      expect(total).toBeCloseTo(1, 12);
    }
  });

  it('given a non-integer or negative age, then nothing is discarded at it; F is 0 up to age 0', () => {
    expect(discardShare(-1, HAND)).toBe(0);
    expect(discardShare(1.5, HAND)).toBe(0);
    expect(weibullCdf(0, HAND)).toBe(0);
    expect(weibullCdf(-3, HAND)).toBe(0);
    expect(weibullCdf(2, HAND)).toBeCloseTo(1 - Math.exp(-1), 12);
  });

  it('given the shape is 1, then the distribution is exponential: L(k) = e^(−k/β)(1 − e^(−1/β))', () => {
    const exponential = { shape: 1, scale: 5 };
    for (const age of [0, 1, 7]) {
      expect(discardShare(age, exponential)).toBeCloseTo(Math.exp(-age / 5) * (1 - Math.exp(-1 / 5)), 12);
    }
  });

  it('given a lifespan, then the horizon is the first age whose year completes 99 % of the discards', () => {
    expect(horizonYears(HAND)).toBe(4);
    for (const lifespan of [HAND, ...Object.values(DEFAULT_LIFESPANS)]) {
      const horizon = horizonYears(lifespan);
      expect(weibullCdf(horizon + 1, lifespan)).toBeGreaterThanOrEqual(REQUIRED_COVERAGE);
      expect(weibullCdf(horizon, lifespan)).toBeLessThan(REQUIRED_COVERAGE);
    }
  });
});

describe('WEEE generated in a year from the placing-on-market history', () => {
  it('given POM 2018–2022 with α = 2, β = 2, when 2022 is estimated, then it is the hand-worked sum and complete', () => {
    // POM: 2018 500 kg, 2019 500 kg, 2020 1 000 kg, 2021 2 000 kg, 2022 1 000 kg. In 2022 they are
    // 4, 3, 2, 1 and 0 years old:
    //   500 × 0.0163851 + 500 × 0.0870836 + 1000 × 0.2624802 + 2000 × 0.4109214 + 1000 × 0.2211992
    //   = 8.19255 + 43.5418 + 262.4802 + 821.8428 + 221.1992 = 1 357.2566 kg
    // coverage = L(0) + … + L(4) = F(5) = 1 − e^−6.25 = 0.9980695.
    const history = [pom(2018, 500), pom(2019, 500), pom(2020, 1000), pom(2021, 2000), pom(2022, 1000)];
    const estimate = weeeGenerated(2022, history, HAND);
    expect(estimate.generatedMg! / MG_PER_KG).toBeCloseTo(1357.2566, 3);
    expect(estimate.coverage).toBeCloseTo(0.9980695, 6);
    expect(estimate.missingYears).toEqual([]);
    expect(estimate.complete).toBe(true);
    expect(estimate.reason).toBeNull();
    expect(estimate.contributions.map((entry) => [entry.placedYear, entry.age])).toEqual([
      [2018, 4],
      [2019, 3],
      [2020, 2],
      [2021, 1],
      [2022, 0],
    ]);
  });

  it('given only 2020–2022, when 2022 is estimated, then it is a lower bound naming 2018–2019 and its coverage', () => {
    // 262.4802 + 821.8428 + 221.1992 = 1 305.5222 kg; coverage F(3) = 1 − e^−2.25 = 0.8946008.
    const estimate = weeeGenerated(2022, [pom(2020, 1000), pom(2021, 2000), pom(2022, 1000)], HAND);
    expect(estimate.generatedMg! / MG_PER_KG).toBeCloseTo(1305.5222, 3);
    expect(estimate.coverage).toBeCloseTo(0.8946008, 6);
    expect(estimate.missingYears).toEqual([2018, 2019]);
    expect(estimate.complete).toBe(false);
    expect(estimate.reason).toBe(
      'No placed-on-market data for 2018–2019: the estimate covers 89.5 % of the discards expected in 2022 and is a lower bound',
    );
  });

  it('given no history at all, then the estimate is zero, covers nothing and every year of the horizon is missing', () => {
    const estimate = weeeGenerated(2022, [], HAND);
    expect(estimate.generatedMg).toBe(0);
    expect(estimate.coverage).toBe(0);
    expect(estimate.missingYears).toEqual([2018, 2019, 2020, 2021, 2022]);
    expect(estimate.complete).toBe(false);
  });

  it('given a year inside the history with no facts, then it counts as missing, not as zero placed', () => {
    const history = [pom(2018, 500), pom(2019, 0, 0), pom(2020, 1000), pom(2021, 2000), pom(2022, 1000)];
    const estimate = weeeGenerated(2022, history, HAND);
    expect(estimate.missingYears).toEqual([2019]);
    expect(estimate.complete).toBe(false);
  });

  it('given history after the year and before the horizon, then later years are ignored and older ones still add their share', () => {
    const history = [
      pom(2010, 1000),
      pom(2018, 500),
      pom(2019, 500),
      pom(2020, 1000),
      pom(2021, 2000),
      pom(2022, 1000),
      pom(2023, 9999),
    ];
    const estimate = weeeGenerated(2022, history, HAND);
    // 2010 is 12 years old: L(12) = e^−36 − e^−42.25, about 2.3e−16 of 1 000 kg.
    expect(estimate.generatedMg! / MG_PER_KG).toBeCloseTo(1357.2566, 3);
    expect(estimate.contributions.map((entry) => entry.placedYear)).toEqual([2010, 2018, 2019, 2020, 2021, 2022]);
    expect(estimate.complete).toBe(true);
  });

  it('given two entries for one year (e.g. household and other), then they are summed', () => {
    const estimate = weeeGenerated(2022, [pom(2022, 400), pom(2022, 600)], HAND);
    expect(estimate.generatedMg! / MG_PER_KG).toBeCloseTo(221.1992, 3);
  });

  it('given a category with no parameters, then there is no estimate and the reason says so', () => {
    const estimate = weeeGenerated(2022, [pom(2022, 1000)], undefined);
    expect(estimate).toMatchObject({
      lifespan: null,
      generatedMg: null,
      coverage: null,
      complete: false,
      reason: 'No lifespan parameters for this category: WEEE generated is not estimated',
    });
  });
});

describe('the lifespan table and the target', () => {
  it('given no overrides, then every category has Kierto’s labelled default', () => {
    const table = lifespanTable(undefined);
    for (const category of WEEE_CATEGORIES) {
      expect(table[category]?.source).toMatch(/^Kierto default \(not a published value\)/);
    }
  });

  it('given overrides, then a pair is replaced and a null removes the category', () => {
    const table = lifespanTable({ '1': { shape: 2.2, scale: 14, source: 'national study' }, '3': null });
    expect(table[1]).toEqual({ shape: 2.2, scale: 14, source: 'national study' });
    expect(table[3]).toBeUndefined();
    expect(table[2]).toEqual(DEFAULT_LIFESPANS[2]);
  });

  it.each([
    [[], 'must be an object'],
    [{ '7': { shape: 2, scale: 5, source: 'x' } }, '"7" is not a category'],
    [{ '1': 5 }, 'category 1 needs'],
    [{ '1': { shape: 0, scale: 5, source: 'x' } }, 'category 1 shape'],
    [{ '1': { shape: 2, scale: '5', source: 'x' } }, 'category 1 scale'],
    [{ '1': { shape: 2, scale: 5 } }, 'category 1 needs a non-empty "source"'],
  ])('given %j, then it is refused naming the problem', (overrides, message) => {
    expect(() => lifespanTable(overrides)).toThrow(message);
  });

  it('given a year, then the 85 % alternative applies from 2019 only', () => {
    expect(weeeGeneratedTarget(2018)).toBeNull();
    expect(weeeGeneratedTarget(2019)?.percent).toBe(85);
  });

  it('writes consecutive years as ranges', () => {
    expect(describeYears([2003, 2001, 2002, 2007])).toBe('2001–2003, 2007');
    expect(describeYears([])).toBe('');
  });
});

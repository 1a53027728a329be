import { describe, expect, it } from '@jest/globals';
import { WEEE_CATEGORIES, type LifespanTable, type WeeeCategory } from '#kierto/domain';
import type { StatisticsFilters, SumRow } from './read-model.js';
import { historyYears, weeeGeneratedDocument } from './weee-generated.js';

const MG_PER_KG = 1_000_000;
const NATIONAL: StatisticsFilters = {
  country: null,
  producerId: null,
  organisationId: null,
  category: null,
  market: null,
};
const BASIS = { asOf: null, checkpoint: 42, reportingTimeZone: 'UTC' };
/** The hand-worked pair of libs/domain/src/weee-generated.spec.ts: L(0…4) = 0.2211992, 0.4109214, 0.2624802, 0.0870836, 0.0163851. */
const HAND = { shape: 2, scale: 2, source: 'hand-worked example' };

const row = (measure: 'POM' | 'COL', year: number, category: WeeeCategory, kg: number, facts = 1): SumRow => ({
  year,
  measure,
  category,
  market: null,
  treatment: null,
  period: null,
  annexICategory: null,
  massMg: kg * MG_PER_KG,
  units: facts,
  value: 0,
  facts,
});

/** Category 4 POM 2018 500, 2019 500, 2020 1 000, 2021 2 000, 2022 1 000 kg: WEEE generated 2022 = 1 357.2566 kg. */
const CATEGORY_4_HISTORY = [
  row('POM', 2018, 4, 500),
  row('POM', 2019, 4, 500),
  row('POM', 2020, 4, 1000),
  row('POM', 2021, 4, 2000),
  row('POM', 2022, 4, 1000),
];

describe('the WEEE-generated document', () => {
  it('asks for every year from 1970 up to the year', () => {
    expect(historyYears(2022)).toHaveLength(2022 - 1970 + 1);
    expect(historyYears(2022)[0]).toBe(1970);
    expect(historyYears(2022).at(-1)).toBe(2022);
  });

  it('given one category with complete history and COL 1 200 kg, then both rates and the 85 % alternative are given', () => {
    // Rate against WEEE generated: 100 × 1 200 / 1 357.2566 = 88.41 % ≥ 85 % → met.
    // Rate against the average POM of 2019–2021: 100 × 1 200 / ((500 + 1 000 + 2 000) / 3) = 102.857 % ≥ 65 % → met.
    const document = weeeGeneratedDocument({
      year: 2022,
      filters: { ...NATIONAL, category: 4 },
      basis: BASIS,
      categories: [4],
      rows: [...CATEGORY_4_HISTORY, row('COL', 2022, 4, 1200)],
      lifespans: { 4: HAND },
    });
    const [category] = document.categories;
    expect(category?.weeeGenerated?.kg).toBeCloseTo(1357.2566, 3);
    expect(category?.weeeGenerated?.tonnes).toBe('1.357');
    expect(category?.complete).toBe(true);
    expect(category?.horizonYears).toBe(4);
    expect(category?.firstPlacedOnMarketYear).toBe(2018);
    expect(category?.placedOnMarketFacts).toBe(5);
    expect(category?.contributions.map((entry) => entry.age)).toEqual([4, 3, 2, 1, 0]);
    expect(document.rateAgainstWeeeGenerated.rate?.percent).toBeCloseTo((100 * 1200) / 1357.2566, 3);
    expect(document.rateAgainstWeeeGenerated.rate?.display).toBe('88.4');
    expect(document.rateAgainstAveragePlacedOnMarket.rate?.display).toBe('102.9');
    // A category filter: the targets are on the total, so none here and a note says why.
    expect(document.rateAgainstWeeeGenerated.target).toBeNull();
    expect(document.targetMet).toBeNull();
    expect(document.targetNote).toMatch(/for information/);
  });

  it('given national figures with one category complete and the others without history, then no rate against WEEE generated', () => {
    const lifespans: LifespanTable = Object.fromEntries(WEEE_CATEGORIES.map((category) => [category, HAND]));
    const document = weeeGeneratedDocument({
      year: 2022,
      filters: NATIONAL,
      basis: BASIS,
      categories: WEEE_CATEGORIES,
      rows: [...CATEGORY_4_HISTORY, row('COL', 2022, 4, 1200)],
      lifespans,
    });
    expect(document.total.complete).toBe(false);
    expect(document.total.reason).toBe('Incomplete for categories 1, 2, 3, 5, 6: the total is a lower bound');
    expect(document.total.weeeGenerated.kg).toBeCloseTo(1357.2566, 3);
    expect(document.rateAgainstWeeeGenerated).toMatchObject({ computable: false, rate: null, met: null });
    expect(document.rateAgainstWeeeGenerated.target?.percent).toBe(85);
    // The average-POM rate does not depend on the categories' history: 102.9 % against 65 %.
    expect(document.rateAgainstAveragePlacedOnMarket).toMatchObject({ computable: true, met: true });
    expect(document.targetMet).toBe(true);
    expect(document.categories.find((entry) => entry.category === 1)?.missingYears).toEqual([
      2018, 2019, 2020, 2021, 2022,
    ]);
  });

  it('given a category without lifespan parameters, then it has no estimate and the total is incomplete', () => {
    const document = weeeGeneratedDocument({
      year: 2022,
      filters: { ...NATIONAL, category: 4 },
      basis: BASIS,
      categories: [4],
      rows: CATEGORY_4_HISTORY,
      lifespans: {},
    });
    expect(document.categories[0]).toMatchObject({
      lifespan: null,
      weeeGenerated: null,
      coverage: null,
      horizonYears: null,
      complete: false,
    });
    expect(document.rateAgainstWeeeGenerated.computable).toBe(false);
  });

  it('given a complete national history below both targets, then the target is not met; 2018 has no 85 % alternative', () => {
    const lifespans: LifespanTable = Object.fromEntries(WEEE_CATEGORIES.map((category) => [category, HAND]));
    const rows = WEEE_CATEGORIES.flatMap((category) =>
      [2014, 2015, 2016, 2017, 2018, 2019].map((year) => row('POM', year, category, 100)),
    );
    const low = weeeGeneratedDocument({
      year: 2019,
      filters: NATIONAL,
      basis: BASIS,
      categories: WEEE_CATEGORIES,
      rows: [...rows, row('COL', 2019, 1, 10)],
      lifespans,
    });
    expect(low.total.complete).toBe(true);
    expect(low.rateAgainstWeeeGenerated.met).toBe(false);
    expect(low.rateAgainstAveragePlacedOnMarket.met).toBe(false);
    expect(low.targetMet).toBe(false);
    const early = weeeGeneratedDocument({
      year: 2018,
      filters: NATIONAL,
      basis: BASIS,
      categories: WEEE_CATEGORIES,
      rows,
      lifespans,
    });
    expect(early.rateAgainstWeeeGenerated.target).toBeNull();
    expect(early.targetNote).toMatch(/from 2019/);
  });
});

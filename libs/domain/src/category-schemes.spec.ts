import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  ANNEX_I_CATEGORIES,
  annexIClassificationOf,
  periodTargets,
  REFERENCE_PERIODS,
  referencePeriod,
  referencePeriodOn,
  referencePeriodsOfYear,
  UNU_KEYS,
  UNU_KEY_CODES,
} from './category-schemes.js';
import { annexVTargets } from './weee.js';

describe('reference periods', () => {
  it.each([
    ['2012-08-12', 'directive-2002-96-ec', 'annex-i'],
    ['2012-08-13', 'annex-v-part-1', 'annex-i'],
    ['2015-08-14', 'annex-v-part-1', 'annex-i'],
    ['2015-08-15', 'annex-v-part-2', 'annex-i'],
    ['2018-08-14', 'annex-v-part-2', 'annex-i'],
    ['2018-08-15', 'annex-v-part-3', 'annex-iii'],
    ['2031-01-01', 'annex-v-part-3', 'annex-iii'],
  ])('given the date %s, the period is %s in the %s scheme', (date, id, scheme) => {
    const period = referencePeriodOn(date);
    expect({ id: period.id, scheme: period.scheme }).toEqual({ id, scheme });
  });

  it('refuses what is not a calendar date', () => {
    expect(() => referencePeriodOn('2018-8-15')).toThrow(RangeError);
  });

  it('leaves no day out and counts none twice: each period starts the day after the previous one ends', () => {
    for (let index = 1; index < REFERENCE_PERIODS.length; index += 1) {
      const previous = REFERENCE_PERIODS[index - 1];
      const next = REFERENCE_PERIODS[index];
      const dayAfter = new Date(`${String(previous?.to)}T00:00:00Z`);
      dayAfter.setUTCDate(dayAfter.getUTCDate() + 1);
      expect(next?.from).toBe(dayAfter.toISOString().slice(0, 10));
    }
    expect(REFERENCE_PERIODS[0]?.from).toBeNull();
    expect(REFERENCE_PERIODS.at(-1)?.to).toBeNull();
  });

  it('splits 2015 at 15 Aug between Annex V Parts 1 and 2, both on the Annex I categories', () => {
    expect(
      referencePeriodsOfYear(2015).map(({ period, from, to }) => ({ id: period.id, scheme: period.scheme, from, to })),
    ).toEqual([
      { id: 'annex-v-part-1', scheme: 'annex-i', from: '2015-01-01', to: '2015-08-14' },
      { id: 'annex-v-part-2', scheme: 'annex-i', from: '2015-08-15', to: '2015-12-31' },
    ]);
  });

  it('splits 2018 at 15 Aug between the Annex I and the Annex III categories', () => {
    expect(
      referencePeriodsOfYear(2018).map(({ period, from, to }) => ({ id: period.id, scheme: period.scheme, from, to })),
    ).toEqual([
      { id: 'annex-v-part-2', scheme: 'annex-i', from: '2018-01-01', to: '2018-08-14' },
      { id: 'annex-v-part-3', scheme: 'annex-iii', from: '2018-08-15', to: '2018-12-31' },
    ]);
  });

  it('gives 2016 and 2019 one period each, and splits 2012 at 13 Aug', () => {
    expect(referencePeriodsOfYear(2016).map(({ period }) => period.id)).toEqual(['annex-v-part-2']);
    expect(referencePeriodsOfYear(2019).map(({ period }) => period.id)).toEqual(['annex-v-part-3']);
    expect(referencePeriodsOfYear(2012).map(({ period, from }) => [period.id, from])).toEqual([
      ['directive-2002-96-ec', '2012-01-01'],
      ['annex-v-part-1', '2012-08-13'],
    ]);
  });
});

describe('Annex V targets per period (Directive 2012/19/EU)', () => {
  const targets = (id: Parameters<typeof referencePeriod>[0], category: number) =>
    periodTargets(referencePeriod(id), category);

  it('Part 1: recovered and recycled; 1 and 10 80/75, 3 and 4 75/65, 2 and 5–9 70/50 (medical devices included)', () => {
    for (const category of [1, 10])
      expect(targets('annex-v-part-1', category)).toMatchObject({ recovery: 80, recycling: 75 });
    for (const category of [3, 4])
      expect(targets('annex-v-part-1', category)).toMatchObject({ recovery: 75, recycling: 65 });
    for (const category of [2, 5, 6, 7, 8, 9])
      expect(targets('annex-v-part-1', category)).toEqual({
        recovery: 70,
        preparedForReuseAndRecycling: null,
        recycling: 50,
      });
  });

  it('Part 2: recovered and prepared for re-use + recycled; 1 and 10 85/80, 3 and 4 80/70, 2 and 5–9 75/55', () => {
    for (const category of [1, 10])
      expect(targets('annex-v-part-2', category)).toEqual({
        recovery: 85,
        preparedForReuseAndRecycling: 80,
        recycling: null,
      });
    for (const category of [3, 4])
      expect(targets('annex-v-part-2', category)).toMatchObject({ recovery: 80, preparedForReuseAndRecycling: 70 });
    for (const category of [2, 5, 6, 7, 8, 9])
      expect(targets('annex-v-part-2', category)).toMatchObject({ recovery: 75, preparedForReuseAndRecycling: 55 });
  });

  it('gas discharge lamps: 80 % recycled in every Annex I period; lamps are Annex III category 3 afterwards', () => {
    expect(REFERENCE_PERIODS.map((period) => [period.id, period.gasDischargeLampsRecycling])).toEqual([
      ['directive-2002-96-ec', 80],
      ['annex-v-part-1', 80],
      ['annex-v-part-2', 80],
      ['annex-v-part-3', null],
    ]);
    expect(targets('annex-v-part-3', 3)).toEqual({ recovery: null, preparedForReuseAndRecycling: null, recycling: 80 });
  });

  it('Part 3 is the table annexVTargets reads for whole years from 2019, and none before', () => {
    for (const category of [1, 2, 3, 4, 5, 6] as const)
      expect(annexVTargets(category, 2019)).toEqual(targets('annex-v-part-3', category));
    expect(targets('annex-v-part-3', 4)).toEqual({ recovery: 85, preparedForReuseAndRecycling: 80, recycling: null });
    expect(annexVTargets(1, 2018)).toBeNull();
  });

  it('every Annex I period has targets for all ten categories; an unknown category has none', () => {
    for (const period of REFERENCE_PERIODS.filter((candidate) => candidate.scheme === 'annex-i'))
      for (const category of ANNEX_I_CATEGORIES) expect(periodTargets(period, category)).not.toBeNull();
    expect(periodTargets(referencePeriod('annex-v-part-2'), null)).toBeNull();
  });
});

describe('the Annex I category of a product', () => {
  it("takes the producer's annexICategory first, whatever the UNU-KEY says", () => {
    expect(annexIClassificationOf({ weeeCategory: 6, annexICategory: 9, unuKey: '0302' })).toEqual({
      category: 9,
      basis: 'producer',
    });
  });

  it('else the EU-10 category of the UNU-KEY: a desktop PC is IT, a cooled dispenser an automatic dispenser', () => {
    expect(annexIClassificationOf({ weeeCategory: 6, unuKey: '0302' })).toEqual({ category: 3, basis: 'unu-key' });
    expect(annexIClassificationOf({ weeeCategory: 1, unuKey: '1002' })).toEqual({ category: 10, basis: 'unu-key' });
    expect(annexIClassificationOf({ weeeCategory: 4, unuKey: '0002' })).toEqual({ category: 4, basis: 'unu-key' });
  });

  it('else lamps (Annex III 3) are lighting equipment (Annex I 5), the one unambiguous Annex III category', () => {
    expect(annexIClassificationOf({ weeeCategory: 3 })).toEqual({ category: 5, basis: 'annex-iii' });
  });

  it('else unknown, never guessed: neither a UNU-KEY without an EU-10 category nor an ambiguous Annex III one decides', () => {
    for (const weeeCategory of [1, 2, 4, 5, 6] as const)
      expect(annexIClassificationOf({ weeeCategory })).toEqual({ category: null, basis: 'unknown' });
    expect(annexIClassificationOf({ weeeCategory: 4, unuKey: '0001' })).toEqual({ category: null, basis: 'unknown' });
  });

  it('the UNU-KEY table: 54 four-digit keys whose EU-10 category is their first two digits (00 keys apart)', () => {
    expect(UNU_KEY_CODES).toHaveLength(54);
    for (const key of UNU_KEY_CODES) {
      expect(key).toMatch(/^\d{4}$/);
      const eu10 = Number(key.slice(0, 2));
      if (eu10 > 0) expect(UNU_KEYS[key]?.annexI).toBe(eu10);
    }
  });

  it('the UNU-KEYs of the ORDS product categories (test/fixtures/standards/ords) are all in the table', () => {
    const csv = readFileSync('test/fixtures/standards/ords/ords-product-category-unu-key-map.csv', 'utf8');
    // Third column; the ORDS map writes the keys as numbers (111, 302): four digits with the leading zero restored.
    const ordsKeys = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => String(line.split(',')[2]).padStart(4, '0'));
    expect(ordsKeys.length).toBeGreaterThan(30);
    expect(ordsKeys.filter((key) => UNU_KEYS[key] === undefined)).toEqual([]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { annexVTargets, collectionRateTarget, EU_MEMBER_STATES, treatmentLocation } from './weee.js';

describe('treatment location relative to the country of collection', () => {
  it.each([
    ['FI', 'FI', 'same-country'],
    ['FI', 'EE', 'other-eu'],
    ['FI', 'GR', 'other-eu'],
    ['FI', 'NO', 'outside-eu'],
    ['FI', 'GB', 'outside-eu'],
    ['SE', 'FI', 'other-eu'],
  ] as const)('collected in %s, treated in %s: %s', (collected, treated, expected) => {
    expect(treatmentLocation(collected, treated)).toBe(expected);
  });

  it('knows the 27 member states', () => {
    expect(EU_MEMBER_STATES.size).toBe(27);
  });
});

describe('targets in force', () => {
  it('collection rate: none before 2016, 45 % 2016–2018, 65 % from 2019', () => {
    expect(collectionRateTarget(2015)).toBeNull();
    expect(collectionRateTarget(2016)?.percent).toBe(45);
    expect(collectionRateTarget(2018)?.percent).toBe(45);
    expect(collectionRateTarget(2019)?.percent).toBe(65);
    expect(collectionRateTarget(2030)?.percent).toBe(65);
  });

  it('Annex V Part 3 per category from 2019', () => {
    expect(annexVTargets(1, 2025)).toEqual({ recovery: 85, preparedForReuseAndRecycling: 80, recycling: null });
    expect(annexVTargets(4, 2025)).toEqual({ recovery: 85, preparedForReuseAndRecycling: 80, recycling: null });
    expect(annexVTargets(2, 2025)).toEqual({ recovery: 80, preparedForReuseAndRecycling: 70, recycling: null });
    expect(annexVTargets(5, 2025)).toEqual({ recovery: 75, preparedForReuseAndRecycling: 55, recycling: null });
    expect(annexVTargets(6, 2025)).toEqual({ recovery: 75, preparedForReuseAndRecycling: 55, recycling: null });
    expect(annexVTargets(3, 2025)).toEqual({ recovery: null, preparedForReuseAndRecycling: null, recycling: 80 });
  });

  it('no Annex V Part 3 target before 2019 (Annex I categories until 14 Aug 2018)', () => {
    expect(annexVTargets(1, 2018)).toBeNull();
  });
});

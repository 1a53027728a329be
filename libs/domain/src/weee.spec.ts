import { describe, expect, it } from '@jest/globals';
import { annexVTargets, collectionRateTarget, treatmentLocation } from './weee.js';

describe('treatment location relative to the country of collection, on the day of treatment', () => {
  it.each([
    ['FI', 'FI', '2025-06-01T00:00:00Z', 'same-country'],
    ['FI', 'EE', '2025-06-01T00:00:00Z', 'other-eu'],
    ['FI', 'GR', '2025-06-01T00:00:00Z', 'other-eu'],
    ['SE', 'FI', '2025-06-01T00:00:00Z', 'other-eu'],
    // The United Kingdom was a member until 31 Jan 2020 inclusive, and Union law applied to it in the
    // transition period to 31 Dec 2020 (Withdrawal Agreement Art. 127(6)).
    ['FI', 'GB', '2019-06-01T00:00:00Z', 'other-eu'],
    ['FI', 'GB', '2020-01-31T23:59:59+00:00', 'other-eu'],
    ['FI', 'GB', '2020-02-01T00:00:00Z', 'other-eu'],
    ['FI', 'GB', '2020-12-31T23:59:59Z', 'other-eu'],
    ['FI', 'GB', '2021-01-01T00:00:00Z', 'outside-eu'],
    ['FI', 'GB', '2021-06-01T00:00:00Z', 'outside-eu'],
    // Croatia from 1 Jul 2013.
    ['SI', 'HR', '2012-06-01T00:00:00Z', 'outside-eu'],
    ['SI', 'HR', '2013-06-30T23:59:59Z', 'outside-eu'],
    ['SI', 'HR', '2013-07-01T00:00:00Z', 'other-eu'],
    ['SI', 'HR', '2014-06-01T00:00:00Z', 'other-eu'],
    // The 2004 and 2007 enlargements.
    ['DE', 'PL', '2004-04-30T12:00:00Z', 'outside-eu'],
    ['DE', 'PL', '2004-05-01T12:00:00Z', 'other-eu'],
    ['AT', 'RO', '2006-12-31T12:00:00Z', 'outside-eu'],
    ['AT', 'RO', '2007-01-01T12:00:00Z', 'other-eu'],
    // EEA EFTA states apply the directive: treatment there is in "another member state".
    ['FI', 'NO', '2025-06-01T00:00:00Z', 'other-eu'],
    ['SE', 'IS', '2025-06-01T00:00:00Z', 'other-eu'],
    ['AT', 'LI', '2025-06-01T00:00:00Z', 'other-eu'],
    ['NO', 'SE', '2025-06-01T00:00:00Z', 'other-eu'],
    ['FI', 'CH', '2025-06-01T00:00:00Z', 'outside-eu'],
    ['FI', 'CN', '2025-06-01T00:00:00Z', 'outside-eu'],
    // Parts of a member state with codes of their own are that state while they are EU territory.
    ['FI', 'AX', '2025-06-01T00:00:00Z', 'same-country'],
    ['FR', 'RE', '2025-06-01T00:00:00Z', 'same-country'],
    ['RE', 'FR', '2025-06-01T00:00:00Z', 'same-country'],
    ['FR', 'YT', '2013-06-01T00:00:00Z', 'outside-eu'],
    ['FR', 'YT', '2014-06-01T00:00:00Z', 'same-country'],
    ['DK', 'GL', '2025-06-01T00:00:00Z', 'outside-eu'],
  ] as const)('collected in %s, treated in %s on %s: %s', (collected, treated, at, expected) => {
    expect(treatmentLocation(collected, treated, at)).toBe(expected);
  });

  it('takes the day of an instant with an offset in UTC', () => {
    // 1 Jan 2021 00:30 in Helsinki is still 31 Dec 2020 in UTC, the last day of the transition period.
    expect(treatmentLocation('FI', 'GB', '2021-01-01T00:30:00+02:00')).toBe('other-eu');
    // 1 Jul 2013 00:30 in Zagreb is still 30 Jun in UTC, before Croatia's accession.
    expect(treatmentLocation('SI', 'HR', '2013-07-01T00:30:00+02:00')).toBe('outside-eu');
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

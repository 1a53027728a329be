import { describe, expect, it } from '@jest/globals';
import {
  appliesWeeeDirectiveOn,
  isCountryCode,
  isEuMemberOn,
  ISO_3166_1_ALPHA_2,
  normaliseCountryCode,
} from './countries.js';

describe('ISO 3166-1 alpha-2 codes', () => {
  it('are the 249 officially assigned codes, sorted and unique', () => {
    expect(ISO_3166_1_ALPHA_2).toHaveLength(249);
    expect(new Set(ISO_3166_1_ALPHA_2).size).toBe(249);
    expect([...ISO_3166_1_ALPHA_2].sort()).toEqual(ISO_3166_1_ALPHA_2);
    for (const code of ['FI', 'GR', 'GB', 'AX', 'SS', 'BQ', 'CW', 'SX', 'TW', 'PS', 'EH', 'AQ'])
      expect(isCountryCode(code)).toBe(true);
  });

  it('leave out user-assigned and reserved codes', () => {
    for (const code of ['XK', 'XX', 'EL', 'UK', 'EU', 'AN', 'CS', 'YU', 'fi', 'FIN', ''])
      expect(isCountryCode(code)).toBe(false);
  });
});

describe('normalisation at the edge', () => {
  it.each([
    ['EL', 'GR'],
    ['UK', 'GB'],
    ['GR', 'GR'],
    ['GB', 'GB'],
    ['FI', 'FI'],
  ])('%s is %s', (given, iso) => {
    expect(normaliseCountryCode(given)).toBe(iso);
  });

  it.each(['XX', 'XK', 'fi', 'el', 'EU', 'toString', '__proto__', ''])('%j names no country', (given) => {
    expect(normaliseCountryCode(given)).toBeNull();
  });
});

describe('EU and EEA membership on a day', () => {
  it('the United Kingdom: a member in 2019 and until 31 Jan 2020, not in 2021', () => {
    expect(isEuMemberOn('GB', '2019-12-31')).toBe(true);
    expect(isEuMemberOn('GB', '2020-01-31')).toBe(true);
    expect(isEuMemberOn('GB', '2020-02-01')).toBe(false);
    expect(isEuMemberOn('GB', '2021-03-01T10:00:00Z')).toBe(false);
    expect(appliesWeeeDirectiveOn('GB', '2021-03-01')).toBe(false);
  });

  it('the United Kingdom in the transition period: no longer a member, but the directive applied to 31 Dec 2020', () => {
    expect(isEuMemberOn('GB', '2020-06-01')).toBe(false);
    expect(appliesWeeeDirectiveOn('GB', '2020-06-01')).toBe(true);
    expect(appliesWeeeDirectiveOn('GB', '2020-12-31T23:59:59Z')).toBe(true);
    expect(appliesWeeeDirectiveOn('GB', '2021-01-01')).toBe(false);
  });

  it('Croatia: not in 2012, a member from 1 Jul 2013, in 2014', () => {
    expect(isEuMemberOn('HR', '2012-08-01')).toBe(false);
    expect(isEuMemberOn('HR', '2013-06-30')).toBe(false);
    expect(isEuMemberOn('HR', '2013-07-01')).toBe(true);
    expect(isEuMemberOn('HR', '2014-08-01')).toBe(true);
  });

  it('the 2004 and 2007 enlargements, and the founders', () => {
    for (const code of ['CY', 'CZ', 'EE', 'HU', 'LT', 'LV', 'MT', 'PL', 'SI', 'SK']) {
      expect([isEuMemberOn(code, '2004-04-30'), isEuMemberOn(code, '2004-05-01')]).toEqual([false, true]);
    }
    for (const code of ['BG', 'RO'])
      expect([isEuMemberOn(code, '2006-12-31'), isEuMemberOn(code, '2007-01-01')]).toEqual([false, true]);
    expect(isEuMemberOn('DE', '2005-01-01')).toBe(true);
  });

  it('counts 27 member states today and 28 in 2019', () => {
    const members = (day: string) =>
      ISO_3166_1_ALPHA_2.filter(
        (code) => isEuMemberOn(code, day) && !['AX', 'GF', 'GP', 'MQ', 'RE', 'MF', 'YT'].includes(code),
      );
    expect(members('2025-01-01')).toHaveLength(27);
    expect(members('2019-01-01')).toHaveLength(28);
    expect(members('2012-01-01')).toHaveLength(27);
  });

  it('the EEA EFTA states apply the directive without being members; Switzerland does neither', () => {
    for (const code of ['NO', 'IS', 'LI']) {
      expect(isEuMemberOn(code, '2025-01-01')).toBe(false);
      expect(appliesWeeeDirectiveOn(code, '2025-01-01')).toBe(true);
    }
    expect(appliesWeeeDirectiveOn('LI', '1995-04-30')).toBe(false);
    expect(appliesWeeeDirectiveOn('CH', '2025-01-01')).toBe(false);
  });
});

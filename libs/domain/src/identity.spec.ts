import { describe, expect, it } from '@jest/globals';
import { LAPTOP_GTIN } from '#kierto/testing';
import { DomainError } from './errors.js';
import {
  deviceIdOf,
  digitalLinkPathOf,
  gs1CheckDigit,
  isGs1Serial,
  isWellFormedDeviceId,
  normaliseGs1Serial,
  normaliseGtin,
  type DeviceIdentifier,
} from './identity.js';

/** Runs fn and returns the DomainError it throws. */
function refusalOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError, but nothing was thrown');
}

/** Every id component survives encodeURIComponent unchanged, so ids go in URL paths as they are. */
const isUrlPathSafe = (id: string): boolean => id.split(':').every((part) => encodeURIComponent(part) === part);

describe('GTINs', () => {
  it('computes the GS1 check digit of the example GTIN 09506000134352', () => {
    expect(gs1CheckDigit(LAPTOP_GTIN.slice(0, 13))).toBe(Number(LAPTOP_GTIN[13]));
  });

  it.each([
    ['GTIN-8', '96385074'],
    ['GTIN-12', '000096385074'],
    ['GTIN-13', '0000096385074'],
    ['GTIN-14', '00000096385074'],
  ])('normalises a %s to the same 14 digits', (_length, gtin) => {
    expect(normaliseGtin(gtin)).toBe('00000096385074');
  });

  it('gives the same device id for a GTIN written with 12, 13 or 14 digits', () => {
    const ids = ['036000291452', '0036000291452', '00036000291452'].map((gtin) =>
      deviceIdOf({ gtin, serialNumber: 'SN-1' }),
    );
    expect(new Set(ids)).toEqual(new Set(['gtin:00036000291452:SN-1']));
  });

  it('refuses a GTIN with a wrong check digit', () => {
    expect(refusalOf(() => normaliseGtin('09506000134353'))).toMatchObject({
      code: 'INVALID_GTIN',
      kind: 'invalid',
      field: 'gtin',
    });
  });

  it.each(['00000000000000', '000000000000', '00000000'])(
    'refuses the all-zero GTIN %p, whose check digit is right',
    (gtin) => {
      expect(refusalOf(() => normaliseGtin(gtin))).toMatchObject({ code: 'INVALID_GTIN', field: 'gtin' });
    },
  );

  it.each(['950600013435', '123456789', '0950600013435X', ' 09506000134352', ''])(
    'refuses %p, which is not 8, 12, 13 or 14 digits with a valid check digit',
    (gtin) => {
      expect(refusalOf(() => normaliseGtin(gtin)).code).toBe('INVALID_GTIN');
    },
  );

  it('names the field at fault with the caller’s prefix', () => {
    expect(refusalOf(() => deviceIdOf({ gtin: '09506000134353', serialNumber: 'A' }, 'product.')).field).toBe(
      'product.gtin',
    );
  });
});

describe('device ids', () => {
  it('identifies a GTIN-labelled unit by GTIN-14 and serial', () => {
    expect(deviceIdOf({ gtin: LAPTOP_GTIN, serialNumber: 'PF3K7Q2X' })).toBe('gtin:09506000134352:PF3K7Q2X');
  });

  it('identifies a unit without GTIN by normalised manufacturer and serial', () => {
    expect(deviceIdOf({ manufacturer: 'Nordic Handsets Oy', serialNumber: 'NH5P-000042' })).toBe(
      'mfr:nordic~20handsets~20oy:NH5P-000042',
    );
  });

  it('ignores case, repeated and surrounding white space, and compatibility forms in manufacturer names', () => {
    const ids = [
      'Nordic Handsets Oy',
      '  NORDIC   handsets oy ',
      'nordic\thandsets\u00a0oy',
      'Ｎｏｒｄｉｃ Handsets Oy',
    ].map((manufacturer) => deviceIdOf({ manufacturer, serialNumber: 'NH5P-000042' }));
    expect(new Set(ids).size).toBe(1);
  });

  it('keeps serial numbers case-sensitive, dropping only surrounding white space', () => {
    const id = (serialNumber: string) => deviceIdOf({ gtin: LAPTOP_GTIN, serialNumber });
    expect(id('ab12')).not.toBe(id('AB12'));
    expect(id('  AB12 ')).toBe(id('AB12'));
  });

  it.each<[string, DeviceIdentifier, DeviceIdentifier]>([
    [
      'a colon moving between manufacturer and serial',
      { manufacturer: 'a', serialNumber: 'b:c' },
      { manufacturer: 'a:b', serialNumber: 'c' },
    ],
    [
      'a serial spelling out an escape',
      { manufacturer: 'acme', serialNumber: 'x:y' },
      { manufacturer: 'acme', serialNumber: 'x~3Ay' },
    ],
    [
      'a manufacturer spelling out an escape',
      { manufacturer: 'a b', serialNumber: '1' },
      { manufacturer: 'a~20b', serialNumber: '1' },
    ],
    [
      'a GTIN-like manufacturer',
      { gtin: LAPTOP_GTIN, serialNumber: '1' },
      { manufacturer: `gtin:${LAPTOP_GTIN}`, serialNumber: '1' },
    ],
  ])('gives different units different ids: %s', (_case, one, other) => {
    expect(deviceIdOf(one)).not.toBe(deviceIdOf(other));
  });

  it.each([
    'SN 001/2025',
    'a:b?c#d%e&f=g+h',
    'tilde~and~more',
    'Äänentoisto-Öljy-Å',
    '序列号-42',
    'emoji-📱',
    "ok-_.!*'()",
  ])('makes a URL-path-safe, well-formed id from the serial %p', (serialNumber) => {
    // With a GTIN the serial is GS1 AI 21 (CSET 82), so only the manufacturer form takes every one.
    const ids = [deviceIdOf({ manufacturer: 'Ääni & Kuva Oy / Finland', serialNumber })];
    if (isGs1Serial(serialNumber)) ids.push(deviceIdOf({ gtin: LAPTOP_GTIN, serialNumber }));
    for (const id of ids) {
      expect(isUrlPathSafe(id)).toBe(true);
      expect(isWellFormedDeviceId(id)).toBe(true);
    }
  });

  it.each([
    ['a space', 'SN 001'],
    ['#, outside GS1 CSET 82', 'AB#C'],
    ['~, outside GS1 CSET 82', 'tilde~1'],
    ['a letter outside ASCII', 'Äänentoisto'],
    ['21 characters (AI 21 is X..20)', 'ABCDEFGHIJKLMNOPQRSTU'],
  ])('refuses, with a GTIN, a serial holding %s, which a manufacturer + serial id takes', (_case, serialNumber) => {
    expect(refusalOf(() => deviceIdOf({ gtin: LAPTOP_GTIN, serialNumber }, 'product.'))).toMatchObject({
      code: 'INVALID_SERIAL_NUMBER',
      field: 'product.serialNumber',
    });
    expect(isWellFormedDeviceId(deviceIdOf({ manufacturer: 'acme', serialNumber }))).toBe(true);
  });

  it('takes with a GTIN every character of GS1 CSET 82, up to 20 of them', () => {
    const cset82 = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;
    expect(cset82).toHaveLength(82);
    for (let i = 0; i < cset82.length; i += 20) {
      expect(normaliseGs1Serial(cset82.slice(i, i + 20))).toBe(cset82.slice(i, i + 20));
    }
  });

  it.each([
    ['that is empty', ''],
    ['of only white space', '   '],
    ['longer than 64 characters', 'X'.repeat(65)],
    ['holding a control character', 'AB\u0000CD'],
  ])('refuses a serial number %s', (_case, serialNumber) => {
    expect(refusalOf(() => deviceIdOf({ gtin: LAPTOP_GTIN, serialNumber }))).toMatchObject({
      code: 'INVALID_SERIAL_NUMBER',
      kind: 'invalid',
    });
  });

  it('refuses an empty manufacturer name', () => {
    expect(refusalOf(() => deviceIdOf({ manufacturer: '  ', serialNumber: '1' })).code).toBe('INVALID_MANUFACTURER');
  });
});

describe('GS1 Digital Link paths', () => {
  it('gives the /01/{gtin14}/21/{serial} path of a GTIN-identified device', () => {
    expect(digitalLinkPathOf(deviceIdOf({ gtin: '9506000134352', serialNumber: 'PF3K7Q2X' }))).toBe(
      '/01/09506000134352/21/PF3K7Q2X',
    );
  });

  it.each(['PF3K7Q2X', 'SN001/2025', 'a:b?c&d%e', "ok-_.!*'()", 'x"<=>;,+'])(
    'round-trips the serial %p through the device id into the path',
    (serialNumber) => {
      const path = digitalLinkPathOf(deviceIdOf({ gtin: LAPTOP_GTIN, serialNumber }));
      const match = /^\/01\/(\d{14})\/21\/([^/]+)$/.exec(path ?? '');
      expect(match?.[1]).toBe(LAPTOP_GTIN);
      expect(decodeURIComponent(match?.[2] ?? '')).toBe(serialNumber);
    },
  );

  it('percent-encodes every character the Digital Link grammar wants encoded, not only what encodeURIComponent does', () => {
    expect(digitalLinkPathOf(deviceIdOf({ gtin: LAPTOP_GTIN, serialNumber: "A!'(B)*" }))).toBe(
      `/01/${LAPTOP_GTIN}/21/A%21%27%28B%29%2A`,
    );
  });

  it('has no Digital Link path for a serial stored before AI 21 was enforced (outside CSET 82)', () => {
    // Such ids were minted by the broader rule; they stay readable by device id, but no conformant link carries them.
    expect(digitalLinkPathOf(`gtin:${LAPTOP_GTIN}:SN~20001`)).toBeNull();
    expect(digitalLinkPathOf(`gtin:${LAPTOP_GTIN}:${'X'.repeat(21)}`)).toBeNull();
  });

  it('has no Digital Link path for a device identified by manufacturer and serial', () => {
    expect(digitalLinkPathOf(deviceIdOf({ manufacturer: 'Nordic Handsets Oy', serialNumber: '1' }))).toBeNull();
  });
});

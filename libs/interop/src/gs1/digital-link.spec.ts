import { DomainError } from '#kierto/domain';
import { isValidDigitalLinkUri, itemLinkPath, parseItemLink } from './digital-link.js';

function errorOf(path: string): { kind: string; code: string; field: string | undefined } {
  try {
    parseItemLink(path);
  } catch (error) {
    if (error instanceof DomainError) return { kind: error.kind, code: error.code, field: error.field };
    throw error;
  }
  throw new Error(`${path} was accepted`);
}

describe('parseItemLink', () => {
  it('reads GTIN, qualifiers and serial, decoding the values, after any custom stem', () => {
    expect(parseItemLink('/01/09506000134352/21/AB%2FC')).toEqual({
      gtin: '09506000134352',
      serial: 'AB/C',
      lot: null,
      cpv: null,
    });
    expect(parseItemLink('/some/prefix/01/9506000134352/22/V1/10/LOT%2B7/21/01')).toEqual({
      gtin: '09506000134352',
      serial: '01',
      lot: 'LOT+7',
      cpv: 'V1',
    });
  });

  it('takes a percent-encoded unreserved character for the character (RFC 3986 normalisation)', () => {
    expect(parseItemLink('/01/09506000134352/21/LAP%2D0001').serial).toBe('LAP-0001');
  });

  it('names the AI at fault', () => {
    expect(errorOf('/01/09506000134352/21/SN1/10/LOT7')).toEqual({
      kind: 'invalid',
      code: 'DIGITAL_LINK_QUALIFIER_ORDER',
      field: '10',
    });
    expect(errorOf('/01/09506000134352/17/260101/21/SN1')).toMatchObject({
      code: 'DIGITAL_LINK_UNKNOWN_QUALIFIER',
      field: '17',
    });
    // AI 235 (third-party controlled serial) qualifies a GTIN too, but Kierto's devices have AI 21 serials.
    expect(errorOf('/01/09506000134352/235/X1')).toMatchObject({
      code: 'DIGITAL_LINK_UNKNOWN_QUALIFIER',
      field: '235',
    });
    expect(errorOf('/01/09506000134353/21/A')).toMatchObject({ code: 'INVALID_GTIN', field: '01' });
    expect(errorOf('/01/950600013435X/21/A')).toMatchObject({ code: 'INVALID_GTIN', field: '01' });
    expect(errorOf('/01/09506000134352/21/AB%23C')).toMatchObject({ code: 'INVALID_SERIAL_NUMBER', field: '21' });
    expect(errorOf('/01/09506000134352/21/AB%20C')).toMatchObject({ code: 'INVALID_SERIAL_NUMBER', field: '21' });
    expect(errorOf(`/01/09506000134352/21/${'A'.repeat(21)}`)).toMatchObject({ field: '21' });
    // The grammar wants `!` as %21: a bare sub-delimiter is not a Digital Link value.
    expect(errorOf("/01/09506000134352/21/A'B")).toMatchObject({ code: 'INVALID_SERIAL_NUMBER', field: '21' });
    expect(errorOf('/01/09506000134352/10/L%23T/21/A')).toMatchObject({
      code: 'DIGITAL_LINK_INVALID_VALUE',
      field: '10',
    });
    expect(errorOf('/21/ABC123')).toMatchObject({ code: 'DIGITAL_LINK_MISSING_PRIMARY_KEY', field: '01' });
    expect(errorOf('/01/09506000134352/21')).toMatchObject({ code: 'DIGITAL_LINK_MALFORMED', field: 'path' });
    expect(errorOf('/01/09506000134352/10/LOT7')).toMatchObject({
      kind: 'not-found',
      code: 'DIGITAL_LINK_NOT_AN_ITEM',
      field: '21',
    });
  });

  it('builds back the canonical path, which the package grammar accepts', () => {
    for (const path of [
      '/01/09506000134352/21/AB%2FC',
      '/01/9506000134352/10/L1/21/x%21y',
      '/01/09506000134352/21/A%27B',
    ]) {
      const canonical = itemLinkPath(parseItemLink(path));
      expect(parseItemLink(canonical)).toEqual(parseItemLink(path));
      expect(isValidDigitalLinkUri(`https://id.gs1.org${canonical}`)).toBe(true);
    }
    expect(itemLinkPath(parseItemLink('/01/9506000134352/21/x%21y'))).toBe('/01/09506000134352/21/x%21y');
  });
});

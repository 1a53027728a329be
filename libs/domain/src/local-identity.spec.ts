import { describe, expect, it } from '@jest/globals';
import { DomainError } from './errors.js';
import { deviceIdOf, identifierOfProduct, isWellFormedDeviceId } from './identity.js';

// ADR 0016: a unit with no identifiers of its own is known by the label whoever first recorded it gave it.
describe('local ids', () => {
  const label = { issuer: 'Espoo  Reuse Centre', value: 'CAGE7/0042' };

  it('identify a unit by its issuer, normalised like a manufacturer name, and the value as given', () => {
    const id = deviceIdOf(identifierOfProduct({ localId: label }));
    expect(id).toBe('local:espoo~20reuse~20centre:CAGE7~2F0042');
    expect(isWellFormedDeviceId(id)).toBe(true);
  });

  it('never meet another issuer’s numbers, nor a manufacturer’s serials', () => {
    const ours = deviceIdOf({ issuer: 'a', localId: 'b:c' });
    const theirs = deviceIdOf({ issuer: 'a:b', localId: 'c' });
    const manufacturers = deviceIdOf({ manufacturer: 'a', serialNumber: 'b:c' });
    expect(new Set([ours, theirs, manufacturers]).size).toBe(3);
  });

  it('give way to GTIN + serial, then to manufacturer + serial, when the product has them', () => {
    const gtin = '09506000134352';
    expect(identifierOfProduct({ gtin, serialNumber: 'S1', manufacturer: 'M', localId: label })).toEqual({
      gtin,
      serialNumber: 'S1',
    });
    expect(identifierOfProduct({ manufacturer: 'M', serialNumber: 'S1', localId: label })).toEqual({
      manufacturer: 'M',
      serialNumber: 'S1',
    });
  });

  it('are refused when empty, naming the field', () => {
    expect(() => deviceIdOf(identifierOfProduct({ localId: { issuer: ' ', value: 'x' } }), 'product.')).toThrow(
      expect.objectContaining({ code: 'INVALID_LOCAL_ID', field: 'product.localId.issuer' }),
    );
    expect(() => deviceIdOf({ issuer: 'x', localId: '' }, 'product.')).toThrow(
      expect.objectContaining({ code: 'INVALID_LOCAL_ID', field: 'product.localId.value' }),
    );
  });

  it('are required when the product has neither GTIN + serial nor manufacturer + serial', () => {
    expect(() => identifierOfProduct({ gtin: '09506000134352' }, 'product.')).toThrow(DomainError);
    expect(() => identifierOfProduct({ serialNumber: 'S1' }, 'product.')).toThrow(
      expect.objectContaining({ code: 'INVALID_IDENTIFIER', field: 'product' }),
    );
  });
});

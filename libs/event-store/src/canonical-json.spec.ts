import { canonicalJson } from './canonical-json.js';
import type { JsonValue } from './port.js';

/** RFC 8785 written the plain way (sorted keys, arrays joined): what the hash chain has always used. */
function reference(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const members = Object.keys(value)
    .sort()
    .filter((key) => value[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${reference(value[key] as JsonValue)}`);
  return `{${members.join(',')}}`;
}

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units at every level, integer-like keys included', () => {
    // Given keys that JavaScript enumerates in another order (integer-like first, then insertion order)
    const value: JsonValue = { b: 1, a: [{ z: true, y: null }], '10': 'x', '9': 'y', é: 'é', Z: -0.5 };

    // Then they are written sorted as strings
    expect(canonicalJson(value)).toBe('{"10":"x","9":"y","Z":-0.5,"a":[{"y":null,"z":true}],"b":1,"é":"é"}');
  });

  it('writes what the plain implementation writes, for nested and escaped values', () => {
    const values: JsonValue[] = [
      {},
      [],
      { product: { serialNumber: 'S"1\\', weightKg: 2.5, materials: [], repair: { a: [1, 2, { c: 'd' }] } } },
      { text: 'line\nbreak\ttab \u2028 \ud83d\ude00', nested: [[[]], [{}], [null, false, 0, 1e21, 1e-7]] },
      'just a string',
      42,
    ];
    for (const value of values) expect(canonicalJson(value)).toBe(reference(value));
  });

  it('leaves out members whose value is undefined, as JSON does', () => {
    const value = { a: undefined, b: 1 } as unknown as JsonValue;

    expect(canonicalJson(value)).toBe('{"b":1}');
  });

  it('refuses numbers JSON cannot write', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(TypeError);
  });
});

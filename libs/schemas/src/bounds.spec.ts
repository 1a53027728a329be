/**
 * Every number and every array a client can send is bounded in the published
 * schemas, and the earliest occurredAt is stated there, so integrators see the limits and any
 * 2020-12 validator refuses what Kierto refuses.
 */
import { describe, expect, it } from '@jest/globals';
import { EARLIEST_OCCURRED_AT } from '#kierto/domain';
import { eventDataSchemas } from './events.js';
import { requestSchemas } from './requests.js';
import { validateRequest } from './validator.js';

type Node = Readonly<Record<string, unknown>>;

/** Every sub-schema with its JSON path, walking properties, items and if/then/else. */
function* walk(node: unknown, path: string): Generator<[string, Node]> {
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Node;
  yield [path, schema];
  const properties = schema['properties'];
  if (typeof properties === 'object' && properties !== null) {
    for (const [name, child] of Object.entries(properties)) yield* walk(child, `${path}.${name}`);
  }
  if (schema['items'] !== undefined) yield* walk(schema['items'], `${path}[]`);
  for (const branch of ['then', 'else'])
    if (schema[branch] !== undefined) yield* walk(schema[branch], `${path}(${branch})`);
}

const everySchema = [...Object.entries(requestSchemas), ...Object.entries(eventDataSchemas)];

describe('bounds in the published schemas', () => {
  it('bound every number and integer on both sides', () => {
    const unbounded: string[] = [];
    for (const [name, schema] of everySchema) {
      for (const [path, node] of walk(schema, name)) {
        if (node['type'] !== 'number' && node['type'] !== 'integer') continue;
        if (node['enum'] !== undefined) continue;
        const lower = node['minimum'] !== undefined || node['exclusiveMinimum'] !== undefined;
        const upper = node['maximum'] !== undefined || node['exclusiveMaximum'] !== undefined;
        if (!lower || !upper) unbounded.push(path);
      }
    }
    // Before these bounds (docs/limits.md): weightKg, measuredWeightKg, every massKg, price and cost amounts,
    // capacityGb, labourMinutes, warrantyMonths and carbonFootprintKgCo2e had no maximum.
    expect(unbounded).toEqual([]);
  });

  it('bound every array', () => {
    const unbounded: string[] = [];
    for (const [name, schema] of everySchema) {
      for (const [path, node] of walk(schema, name)) {
        if (node['type'] === 'array' && typeof node['maxItems'] !== 'number') unbounded.push(path);
      }
    }
    expect(unbounded).toEqual([]);
  });

  it('state the earliest occurredAt of every request', () => {
    for (const schema of Object.values(requestSchemas)) {
      const occurredAt = (schema.properties as Node)['occurredAt'] as Node;
      expect(String(occurredAt['description'])).toContain(EARLIEST_OCCURRED_AT);
      expect(new RegExp(String(occurredAt['pattern'])).test('0000-01-01T00:00:00Z')).toBe(false);
    }
  });
});

const placement = (occurredAt: string, weightKg: number) => ({
  occurredAt,
  producerId: 'producer-fi-1',
  country: 'FI',
  market: 'household',
  product: {
    manufacturer: 'M',
    brand: 'B',
    model: 'X',
    serialNumber: 'S1',
    weeeCategory: 4,
    weightKg,
    yearOfManufacture: 2020,
    hasDataStorage: false,
    materials: [],
    hazardousSubstances: [],
    repairInformation: {},
  },
});

describe('the validator', () => {
  it.each(['0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '0001-01-01T00:00:00+01:00'])(
    'refuses occurredAt %s as OUT_OF_RANGE, naming the earliest date',
    (occurredAt) => {
      const result = validateRequest('PlaceDeviceOnMarket', placement(occurredAt, 40));
      expect(result.ok ? [] : result.errors).toEqual([
        {
          field: 'occurredAt',
          code: 'OUT_OF_RANGE',
          message: `occurredAt must be a date-time from ${EARLIEST_OCCURRED_AT} on`,
        },
      ]);
    },
  );

  it('accepts 1970 on, and still calls a malformed date-time a format error', () => {
    expect(validateRequest('PlaceDeviceOnMarket', placement('1970-01-01T00:00:00Z', 40)).ok).toBe(true);
    const malformed = validateRequest('PlaceDeviceOnMarket', placement('2025-13-01T00:00:00Z', 40));
    expect(malformed.ok ? [] : malformed.errors.map((error) => error.code)).toEqual(['INVALID_FORMAT']);
  });

  it.each([1e13, 1e308, 10_000.001])('refuses weightKg %d with OUT_OF_RANGE naming 10000', (weightKg) => {
    const result = validateRequest('PlaceDeviceOnMarket', placement('2025-01-01T00:00:00Z', weightKg));
    expect(result.ok ? [] : result.errors).toEqual([
      { field: 'product.weightKg', code: 'OUT_OF_RANGE', message: 'product.weightKg must be <= 10000' },
    ]);
  });
});

/**
 * fast-check arbitraries driven by the JSON Schemas the API publishes in its OpenAPI document, for the
 * fuzz suite (test/api/fuzz.e2e-spec.ts). `valid` follows a schema (mostly valid values, so requests
 * get past validation into the domain and the stores); `hostile` adds what integrators and attackers
 * send: values at and past every bound, broken text, wrong types, prototype keys, deep nesting.
 */
import fc from 'fast-check';

export type JsonSchema = { readonly [keyword: string]: unknown };
type Resolve = (ref: string) => JsonSchema;

const asSchema = (value: unknown): JsonSchema =>
  typeof value === 'object' && value !== null ? (value as JsonSchema) : {};
const asNumber = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** Devices in the past (never in the future, which the rules refuse) and since the schemas' earliest dates. */
const dateTime = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date(Date.now() - 60_000), noInvalidDate: true })
  .map((date) => date.toISOString());

/** Countries the reporting meets most, plus codes that must be normalised or refused. */
const country = fc.constantFrom('FI', 'SE', 'DE', 'EE', 'NO', 'GB', 'HR', 'EL', 'UK', 'XX', 'fi');

/** Text that breaks stores, parsers and printers: lone surrogates, NUL, control and bidi characters. */
export const hostileText = fc.constantFrom(
  '\ud800',
  'cp-1\udfff',
  'a\u0000b',
  '\u0000',
  '',
  ' ',
  '\u202eevil',
  'x'.repeat(10_000),
  '../../etc/passwd',
  '%00',
  '<script>alert(1)</script>',
  "'; DROP TABLE events; --",
  '\u{1F4BB} laptop',
  '0',
);

export const hostileNumber = fc.constantFrom(
  1e308,
  -1e308,
  1e13,
  16_015_695,
  Number.MAX_SAFE_INTEGER + 2,
  -1,
  0,
  1e-12,
  0.5,
  2_147_483_648,
  -2_147_483_649,
);

/** Any JSON value that a schema is unlikely to want, including prototype-polluting objects. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  hostileNumber,
  fc.constantFrom<unknown>(
    null,
    true,
    [],
    {},
    [[[[]]]],
    { ['__proto__']: { admin: true } },
    { constructor: { prototype: {} } },
  ),
  fc.array(fc.string(), { minLength: 0, maxLength: 3 }),
);

export function valid(schema: JsonSchema, resolve: Resolve, depth = 0): fc.Arbitrary<unknown> {
  if (typeof schema['$ref'] === 'string') return valid(resolve(schema['$ref']), resolve, depth);
  if ('const' in schema) return fc.constant(schema['const']);
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
  const choices = schema['oneOf'] ?? schema['anyOf'];
  if (Array.isArray(choices) && choices.length > 0)
    return fc.oneof(...choices.map((choice) => valid(asSchema(choice), resolve, depth + 1)));
  const type = Array.isArray(schema['type']) ? (schema['type'] as unknown[])[0] : schema['type'];
  switch (type) {
    case 'object':
      return object(schema, resolve, depth);
    case 'array': {
      const minLength = asNumber(schema['minItems']) ?? 0;
      const maxLength = Math.max(minLength, Math.min(asNumber(schema['maxItems']) ?? 3, 3));
      return depth > 6
        ? fc.constant([])
        : fc.array(valid(asSchema(schema['items']), resolve, depth + 1), { minLength, maxLength });
    }
    case 'string':
      return text(schema);
    case 'integer':
      return fc.integer({ min: asNumber(schema['minimum']) ?? -1_000, max: asNumber(schema['maximum']) ?? 100_000 });
    case 'number':
      return number(schema);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.oneof(fc.string(), fc.integer(), fc.boolean());
  }
}

function object(schema: JsonSchema, resolve: Resolve, depth: number): fc.Arbitrary<unknown> {
  const properties = asSchema(schema['properties']);
  const required = Array.isArray(schema['required']) ? (schema['required'] as string[]) : [];
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties))
    model[name] = valid(asSchema(property), resolve, depth + 1);
  return fc.record(model, { requiredKeys: required.filter((name) => name in model) });
}

function text(schema: JsonSchema): fc.Arbitrary<string> {
  const format = schema['format'];
  if (format === 'date-time') return dateTime;
  if (format === 'date') return dateTime.map((value) => value.slice(0, 10));
  if (format === 'uuid') return fc.uuid();
  if (format === 'uri') return fc.webUrl();
  if (format === 'email') return fc.emailAddress();
  const pattern = typeof schema['pattern'] === 'string' ? schema['pattern'] : null;
  if (pattern === '^[A-Z]{2}$') return country;
  if (pattern !== null) return fc.stringMatching(new RegExp(pattern)).filter((value) => value.length <= 200);
  const minLength = asNumber(schema['minLength']) ?? 0;
  const maxLength = Math.min(asNumber(schema['maxLength']) ?? 40, 40);
  return fc.string({ minLength, maxLength: Math.max(minLength, maxLength), unit: 'grapheme' });
}

function number(schema: JsonSchema): fc.Arbitrary<number> {
  const exclusiveMinimum = asNumber(schema['exclusiveMinimum']);
  const min = asNumber(schema['minimum']) ?? (exclusiveMinimum !== undefined ? exclusiveMinimum + 0.001 : -1_000);
  const max = asNumber(schema['maximum']) ?? Math.max(min + 1, 1_000);
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** Every path to a value inside `value`: where `mutate` may put something hostile. */
function pathsOf(value: unknown, prefix: readonly (string | number)[] = []): (string | number)[][] {
  const here = [[...prefix]];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, index) => pathsOf(item, [...prefix, index]))];
  if (typeof value === 'object' && value !== null) {
    return [...here, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
  }
  return here;
}

function setAt(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value))
    return (value as unknown[]).map((item, index) => (index === head ? setAt(item, rest, replacement) : item));
  if (typeof value === 'object' && value !== null && head !== undefined) {
    return {
      ...(value as Record<string, unknown>),
      [head]: setAt((value as Record<string, unknown>)[head], rest, replacement),
    };
  }
  return value;
}

/** A valid value with one place replaced by a hostile value, or one unknown key added. */
export function hostile(schema: JsonSchema, resolve: Resolve): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid(schema, resolve), hostileValue, fc.nat(), fc.constantFrom('replace', 'add-key', '__proto__'))
    .map(([value, bad, pick, how]) => {
      const paths = pathsOf(value);
      const path = paths[pick % paths.length] ?? [];
      if (how === 'replace') return setAt(value, path, bad);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad;
      // JSON.parse makes "__proto__" an own key, as a request body would: the API must see it.
      if (how === '__proto__')
        return JSON.parse(JSON.stringify(value).replace(/^\{/, '{"__proto__":{"isAdmin":true},')) as unknown;
      return { ...(value as Record<string, unknown>), unexpectedField: bad };
    });
}

/** A request body sent as bytes; printed by its label, so a failing case names it without 40 KB of brackets. */
export interface RawBody {
  readonly label: string;
  readonly bytes: string | Buffer;
}

const raw = (label: string, bytes: string | Buffer): RawBody =>
  Object.assign({ label, bytes }, { [fc.toStringMethod]: () => `raw(${label})` });

/** Raw bodies no generator of JSON values can make: deep nesting, broken JSON, broken UTF-8. */
export const hostileRawBody = fc.constantFrom<RawBody>(
  raw('array nested 10 000 deep', `${'['.repeat(10_000)}${']'.repeat(10_000)}`),
  raw('object nested 5 000 deep', `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`),
  raw('truncated JSON', '{"occurredAt":'),
  raw('empty', ''),
  raw('null', 'null'),
  raw('empty array', '[]'),
  raw('a string', '"text"'),
  raw('invalid UTF-8 bytes', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
  raw('escaped lone surrogate', Buffer.from('{"country":"\\ud800"}')),
);

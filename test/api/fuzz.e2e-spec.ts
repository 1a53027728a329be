/**
 * Fuzzing every route of the OpenAPI document, on SQLite and on PostgreSQL. Requests are generated
 * from the document's own schemas (test/support/schema-arbitrary.ts): mostly well-formed, so they reach
 * the domain and the stores, and hostile at one place each. For every answer: no 5xx, the documented
 * error shape for every 4xx, and nothing changed in the stores by a refused request.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import { ROLES } from '#kierto/access';
import type { ApiConfig } from '../../apps/api/src/config.js';
import { hostile, hostileRawBody, valid, type JsonSchema, type RawBody } from '../support/schema-arbitrary.js';
import { example, startTestApp, storeSnapshot, type TestApp } from '../support/test-app.js';

/** At least this many generated requests per store (the bar set for the fuzz suite is 2 000). */
const REQUESTS_PER_STORE = 2_100;

/** The fuzzer's organisation holds every role, so that permission checks let requests reach validation and the domain. */
const FUZZER = 'fuzzer';

interface Operation {
  readonly method: 'get' | 'post';
  readonly path: string;
  readonly parameters: ReadonlyArray<{ name: string; in: string }>;
  readonly jsonBody: JsonSchema | null;
  readonly ndjsonBody: boolean;
}

interface Generated {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: { kind: 'json'; value: unknown } | { kind: 'raw'; value: RawBody; type: string } | { kind: 'none' };
}

const SERIALS = ['FUZZ-1', 'FUZZ-2', 'FUZZ-3'];
const GTIN = '09506000134352';
const DEVICE_IDS = SERIALS.map((serial) => `gtin:${GTIN}:${serial}`);

/** Path segments as a client would send them, including percent-encodings of text that must be refused. */
const hostileSegment = fc.constantFrom('%00', '%ED%A0%80', '%FF', 'a%2Fb', '..', 'x'.repeat(300), '%20', 'AB%23C');
const segment = (name: string): fc.Arbitrary<string> => {
  const known: Record<string, fc.Arbitrary<string>> = {
    deviceId: fc.constantFrom(...DEVICE_IDS, `gtin:${GTIN}:NOPE`, 'mfr:acme:1', 'gtin:00000000000000:1', 'nonsense'),
    gtin: fc.constantFrom(GTIN, '00000000000000', '9506000134352', '123'),
    serial: fc.constantFrom(...SERIALS, 'x'.repeat(21), 'NOPE'),
    organisationId: fc.constantFrom(FUZZER, 'nobody', 'test-admin'),
    producerId: fc.constantFrom(FUZZER, 'other-producer', 'p'),
    keyId: fc.constantFrom('0123456789abcdef', 'nokey'),
  };
  return fc.oneof({ arbitrary: known[name] ?? fc.constant('x'), weight: 4 }, { arbitrary: hostileSegment, weight: 1 });
};

const queryValue = (name: string): fc.Arbitrary<string> => {
  const known: Record<string, fc.Arbitrary<string>> = {
    year: fc.constantFrom('2024', '2025', '1', '99999', '2025.5', '-1'),
    country: fc.constantFrom('FI', 'SE', 'EL', 'XX', 'fi'),
    category: fc.constantFrom('1', '6', '7', '0'),
    market: fc.constantFrom('household', 'non-household', 'x'),
    asOf: fc.constantFrom('2025-06-30T00:00:00Z', '2025-13-01T00:00:00Z', '0000-01-01T00:00:00Z'),
    minPosition: fc.constantFrom('0', '1', '3', '999999', '-1', '1e3'),
    position: fc.constantFrom('1', '2', '999999'),
    format: fc.constantFrom('json', 'csv', 'xml'),
    view: fc.constantFrom('public', 'repairer', 'recycler', 'authority', 'root'),
    limit: fc.constantFrom('1', '1000', '0', '100000'),
    producerId: fc.constantFrom(FUZZER, 'other-producer'),
    organisationId: fc.constantFrom(FUZZER, 'other-organisation'),
    gtin: fc.constantFrom(GTIN, '123'),
    serialNumber: fc.constantFrom(...SERIALS),
  };
  return fc.oneof(
    { arbitrary: known[name] ?? fc.string({ maxLength: 10 }).map(encodeURIComponent), weight: 4 },
    { arbitrary: hostileSegment, weight: 1 },
  );
};

function operationsOf(document: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (method !== 'get' && method !== 'post') continue;
      const content =
        (operation['requestBody'] as { content?: Record<string, { schema?: JsonSchema }> } | undefined)?.content ?? {};
      operations.push({
        method,
        path,
        parameters: (operation['parameters'] as Array<{ name: string; in: string }> | undefined) ?? [],
        jsonBody: content['application/json']?.schema ?? null,
        ndjsonBody: 'application/x-ndjson' in content,
      });
    }
  }
  return operations;
}

function generator(
  operation: Operation,
  resolve: (ref: string) => JsonSchema,
  lineSchemas: Record<string, JsonSchema>,
): fc.Arbitrary<Generated> {
  const pathNames = operation.parameters
    .filter((parameter) => parameter.in === 'path')
    .map((parameter) => parameter.name);
  const queryNames = operation.parameters
    .filter((parameter) => parameter.in === 'query')
    .map((parameter) => parameter.name);
  const pathValues = fc.tuple(...pathNames.map((name) => segment(name)));
  const query = fc.tuple(...queryNames.map((name) => fc.option(queryValue(name), { nil: undefined })));
  // Headers are rare, so that most requests are about their bodies.
  const headers = fc.oneof(
    { arbitrary: fc.constant({}), weight: 4 },
    {
      arbitrary: fc.record(
        {
          'Idempotency-Key': fc.constantFrom('key-1', 'x'.repeat(300), '../', 'ünicode'),
          'If-Match': fc.constantFrom('"0"', '"1"', 'W/"x"', 'abc', '"-1"'),
        },
        { requiredKeys: [] },
      ),
      weight: 1,
    },
  );
  let body: fc.Arbitrary<Generated['body']> = fc.constant({ kind: 'none' as const });
  if (operation.jsonBody !== null) {
    const schema = operation.jsonBody;
    body = fc.oneof(
      {
        arbitrary: valid(schema, resolve).map((value) => ({
          kind: 'json' as const,
          value: asFuzzer(operation.path, value),
        })),
        weight: 4,
      },
      { arbitrary: hostile(schema, resolve).map((value) => ({ kind: 'json' as const, value })), weight: 3 },
      {
        arbitrary: hostileRawBody.map((value) => ({ kind: 'raw' as const, value, type: 'application/json' })),
        weight: 1,
      },
    );
  } else if (operation.ndjsonBody) {
    body = importBody(lineSchemas, resolve).map((text) => ({
      kind: 'raw' as const,
      value: { label: text.slice(0, 200), bytes: text },
      type: 'application/x-ndjson',
    }));
  } else if (operation.method === 'post') {
    // Routes documented without a body must work without one, and refuse or ignore a stray one.
    body = fc.oneof(
      fc.constant({ kind: 'none' as const }),
      hostileRawBody.map((value) => ({ kind: 'raw' as const, value, type: 'application/json' })),
    );
  }
  return fc.tuple(pathValues, query, headers, body).map(([values, queryValues, headerValues, requestBody]) => {
    let path = operation.path;
    pathNames.forEach((name, index) => {
      path = path.replace(`{${name}}`, values[index] ?? '');
    });
    const pairs = queryNames.flatMap((name, index) =>
      queryValues[index] === undefined ? [] : [`${name}=${queryValues[index]}`],
    );
    return { path: pairs.length > 0 ? `${path}?${pairs.join('&')}` : path, headers: headerValues, body: requestBody };
  });
}

/** Well-formed placements and memberships name the fuzzer, so that they reach the domain rather than the permission check. */
function asFuzzer(path: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (path === '/devices') return { ...value, producerId: FUZZER };
  if (path.endsWith('/memberships') || path.endsWith('/departures')) return { ...value, organisationId: FUZZER };
  return value;
}

/** NDJSON import bodies: lines built from the device routes' bodies, some hostile, some not JSON at all. */
function importBody(
  lineSchemas: Record<string, JsonSchema>,
  resolve: (ref: string) => JsonSchema,
): fc.Arbitrary<string> {
  const line = fc.oneof(
    ...Object.entries(lineSchemas).map(([type, schema]) =>
      fc
        .tuple(
          fc.oneof(valid(schema, resolve), hostile(schema, resolve)),
          fc.option(fc.constantFrom(...DEVICE_IDS), { nil: undefined }),
        )
        .map(([data, deviceId]) => {
          const { occurredAt, ...rest } =
            typeof data === 'object' && data !== null && !Array.isArray(data)
              ? (data as Record<string, unknown>)
              : { occurredAt: undefined };
          const fields = type === 'DevicePlacedOnMarket' ? { ...rest, producerId: FUZZER } : rest;
          return JSON.stringify({ type, ...(deviceId === undefined ? {} : { deviceId }), occurredAt, data: fields });
        }),
    ),
    fc.constantFrom(
      '{',
      '{"type":"DeviceCollected","data":{"country":"\\ud800"}}',
      '{"type":"Nope"}',
      `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
    ),
  );
  return fc.array(line, { minLength: 1, maxLength: 4 }).map((lines) => `${lines.join('\n')}\n`);
}

function fuzz(start: () => Promise<{ app: TestApp; cleanup: () => Promise<void> }>): void {
  let app: TestApp;
  let cleanup: () => Promise<void>;
  let token: string;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    ({ app, cleanup } = await start());
    token = await app.tokenOf(FUZZER, ...ROLES);
    for (const serial of SERIALS) {
      const placement = example('place-laptop-on-market');
      const product = { ...(placement['product'] as Record<string, unknown>), serialNumber: serial };
      const placed = await request(app.http)
        .post('/devices')
        .set('Authorization', `Bearer ${token}`)
        .send({ ...placement, producerId: FUZZER, product });
      expect(placed.status).toBe(201);
    }
  }, 60_000);
  afterAll(async () => {
    await cleanup();
  });

  it(`answers ${REQUESTS_PER_STORE}+ generated requests with no 5xx, the error shape, and no change on refusal`, async () => {
    const document = (await request(app.http).get('/docs-json')).body as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
      components?: { schemas?: Record<string, JsonSchema> };
    };
    const resolve = (ref: string): JsonSchema =>
      document.components?.schemas?.[ref.replace('#/components/schemas/', '')] ?? {};
    const operations = operationsOf(document).filter((operation) => !operation.path.startsWith('/docs'));
    const bodyOf = (suffix: string): JsonSchema =>
      operations.find((operation) => operation.method === 'post' && operation.path.endsWith(suffix))?.jsonBody ?? {};
    const lineSchemas: Record<string, JsonSchema> = {
      DevicePlacedOnMarket: bodyOf('/devices'),
      DeviceCollected: bodyOf('/collections'),
      DeviceDataWiped: bodyOf('/data-wipes'),
      DeviceRepaired: bodyOf('/repairs'),
      DeviceResold: bodyOf('/resales'),
      DeviceRecycled: bodyOf('/recycling'),
    };
    expect(operations.length).toBeGreaterThan(20);
    const runsPerOperation = Math.ceil(REQUESTS_PER_STORE / operations.length);
    let sent = 0;

    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(generator(operation, resolve, lineSchemas), async (generated) => {
          const before = await storeSnapshot(app);
          const client = request(app.http);
          let pending = client[operation.method](generated.path)
            .set('Authorization', `Bearer ${token}`)
            .set(generated.headers);
          if (generated.body.kind === 'json')
            pending = pending.set('Content-Type', 'application/json').send(JSON.stringify(generated.body.value));
          if (generated.body.kind === 'raw')
            pending = pending.set('Content-Type', generated.body.type).send(generated.body.value.bytes);
          const response = await pending;
          sent += 1;
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const where = `${operation.method.toUpperCase()} ${generated.path} → ${response.status} ${bodyText(response)}`;
          expect({ where, serverError: response.status >= 500 }).toEqual({ where, serverError: false });
          if (response.status >= 400) {
            const error = (response.body as { error?: { status?: unknown; code?: unknown; message?: unknown } }).error;
            expect({ where, status: error?.status, code: typeof error?.code, message: typeof error?.message }).toEqual({
              where,
              status: response.status,
              code: 'string',
              message: 'string',
            });
            expect({ where, after: await storeSnapshot(app) }).toEqual({ where, after: before });
          }
        }),
        { numRuns: runsPerOperation, endOnFailure: true },
      );
    }

    console.log(
      `fuzz: ${sent} requests over ${operations.length} operations; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`,
    );
    expect(sent).toBeGreaterThanOrEqual(REQUESTS_PER_STORE);
    expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
    // The generators must reach past validation, or the suite only tests the schema checks.
    expect(
      [...statuses.entries()]
        .filter(([status]) => status >= 200 && status < 300)
        .reduce((sum, [, count]) => sum + count, 0),
    ).toBeGreaterThan(100);
  }, 600_000);
}

// A public URL, so that the credential routes are fuzzed past their 503 PUBLIC_URL_NOT_CONFIGURED (a
// deployment's configuration, tested in credentials.e2e-spec.ts) into the code that maps and signs.
const quiet: Partial<ApiConfig> = { projectionWaitMs: 2_000, publicUrl: 'https://fuzz.example.org' };

/** The start of a response body for a failure message; images (QR codes) and PDFs have no text. */
function bodyText(response: { readonly text?: string; readonly headers: Record<string, string> }): string {
  return response.text?.slice(0, 300) ?? `<${response.headers['content-type'] ?? 'no content type'} body>`;
}

describe('fuzzing the API on SQLite', () => {
  fuzz(async () => {
    const app = await startTestApp(quiet);
    return { app, cleanup: () => app.close() };
  });
});

describeIfPostgres('fuzzing the API on PostgreSQL', () => {
  fuzz(async () => {
    const schema = createTestSchema('kierto_fuzz');
    const app = await startTestApp({ ...quiet, databaseUrl: postgres.url, databaseSchema: schema });
    return {
      app,
      cleanup: async () => {
        await app.close();
        await dropTestSchema(schema);
      },
    };
  });
});

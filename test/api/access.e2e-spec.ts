import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ensureLocalAdmin } from '../../apps/api/src/access/local-admin.js';
import { JsonLogger } from '../../apps/api/src/http/json-logger.js';
import { authenticate, createKey, parseToken, ROLES, SqliteAccessStore, type Role } from '#kierto/access';
import { idOf, passingWipe, productOf, resale, type Body } from '../support/lifecycle.js';
import { example, LAPTOP_ID, startTestApp, storeSnapshot, type TestApp } from '../support/test-app.js';

/**
 * Access control (docs/access.md): who may write what, who may read whose figures, and
 * how a request without a valid key is answered. Every refusal is checked to change nothing.
 */

const KEY_ID = /^k[a-z0-9]{16}$/;
/** One organisation per role, named after it; a producer's id is the producerId it places with. */
const orgOf = (role: Role): string => `org-${role}`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

let serial = 0;
function newProduct(): Body {
  serial += 1;
  return productOf({ serialNumber: `ACCESS-${serial}`, weeeCategory: 2, weightKg: 2, hasDataStorage: true });
}

const as = (role: Role) => app.as(orgOf(role), role);

async function accepted(response: Promise<request.Response>): Promise<request.Response> {
  const answer = await response;
  expect({ status: answer.status, error: answer.body.error }).toEqual({ status: expect.any(Number), error: undefined });
  expect(answer.status).toBeLessThan(300);
  return answer;
}

/** What a refusal must leave alone: the event log and the organisations with their keys. */
async function expectRefused(
  send: () => Promise<request.Response>,
  status: number,
  code: string,
  field?: string,
): Promise<request.Response> {
  const before = await storeSnapshot(app);
  const response = await send();
  expect({ status: response.status, code: response.body.error?.code }).toEqual({ status, code });
  if (field !== undefined) expect(response.body.error.fields).toEqual([expect.objectContaining({ field })]);
  expect(await storeSnapshot(app)).toEqual(before);
  return response;
}

const collection = {
  occurredAt: '2026-02-01T10:00:00Z',
  collectionPointId: 'point-1',
  channel: 'municipal',
  source: 'household',
  country: 'FI',
  condition: 'unknown',
};
const repair = {
  occurredAt: '2026-02-02T10:00:00Z',
  problem: 'No power',
  actions: ['Replaced fuse'],
  partsReplaced: [],
  outcome: 'fixed',
  labourMinutes: 20,
};
const recycling = {
  occurredAt: '2026-02-03T10:00:00Z',
  facilityId: 'recycler-1',
  treatmentCountry: 'FI',
  weightKg: 2,
  outputs: [{ material: 'steel', massKg: 1, fate: 'recycled' }],
};

/** Takes a fresh device to the state the endpoint needs, through the roles that may record it. */
async function deviceReadyFor(endpoint: string): Promise<string> {
  const product = newProduct();
  const id = idOf(product);
  await accepted(
    as('producer')
      .post('/devices')
      .send({
        occurredAt: '2026-01-15T10:00:00Z',
        producerId: orgOf('producer'),
        country: 'FI',
        market: 'household',
        product,
      }),
  );
  if (endpoint === 'collections') return id;
  await accepted(as('collector').post(`/devices/${id}/collections`).send(collection));
  if (endpoint === 'resales')
    await accepted(as('refurbisher').post(`/devices/${id}/data-wipes`).send(passingWipe('2026-02-01T12:00:00Z')));
  return id;
}

interface WriteEndpoint {
  readonly name: string;
  readonly allowed: readonly Role[];
  /** Prepares what the command needs and returns the request for a role. */
  prepare(): Promise<(role: Role) => request.Test>;
}

const WRITES: readonly WriteEndpoint[] = [
  {
    name: 'POST /devices',
    allowed: ['producer'],
    prepare: () => {
      const product = newProduct();
      return Promise.resolve((role) =>
        as(role)
          .post('/devices')
          .send({
            occurredAt: '2026-01-15T10:00:00Z',
            producerId: orgOf(role),
            country: 'FI',
            market: 'household',
            product,
          }),
      );
    },
  },
  ...(
    [
      ['collections', 'collector', collection],
      ['data-wipes', 'refurbisher', passingWipe('2026-02-01T12:00:00Z')],
      ['resales', 'refurbisher', resale('2026-02-02T12:00:00Z')],
      ['repairs', 'repairer', repair],
      ['recycling', 'recycler', recycling],
    ] as const
  ).map(([endpoint, role, body]): WriteEndpoint => ({
    name: `POST /devices/{id}/${endpoint}`,
    allowed: [role],
    prepare: async () => {
      const id = await deviceReadyFor(endpoint);
      return (caller) => as(caller).post(`/devices/${id}/${endpoint}`).send(body);
    },
  })),
  {
    name: 'POST /producers/{id}/memberships',
    allowed: ['producer-organisation', 'admin'],
    prepare: () => {
      serial += 1;
      const producer = `member-${serial}`;
      // Each role records for its own organisation; only the admin may record for any.
      return Promise.resolve((role) =>
        as(role)
          .post(`/producers/${producer}/memberships`)
          .send({ organisationId: orgOf(role), occurredAt: '2026-01-01T00:00:00Z' }),
      );
    },
  },
  {
    name: 'POST /producers/{id}/departures',
    allowed: ['producer-organisation', 'admin'],
    prepare: async () => {
      serial += 1;
      const producer = `member-${serial}`;
      await accepted(
        as('admin')
          .post(`/producers/${producer}/memberships`)
          .send({ organisationId: orgOf('producer-organisation'), occurredAt: '2025-01-01T00:00:00Z' }),
      );
      return (role) =>
        as(role)
          .post(`/producers/${producer}/departures`)
          .send({ organisationId: orgOf('producer-organisation'), occurredAt: '2026-01-01T00:00:00Z' });
    },
  },
  {
    // Route level; each line is then checked like its command (test/import/imports-http.e2e-spec.ts).
    name: 'POST /imports',
    allowed: ['producer', 'producer-organisation', 'collector', 'refurbisher', 'repairer', 'recycler', 'admin'],
    prepare: () =>
      Promise.resolve((role) => as(role).post('/imports').set('Content-Type', 'application/x-ndjson').send('\n')),
  },
  {
    name: 'POST /organisations',
    allowed: ['admin'],
    prepare: () => {
      serial += 1;
      const id = `new-org-${serial}`;
      return Promise.resolve((role) =>
        as(role)
          .post('/organisations')
          .send({ id, name: 'New', roles: ['collector'] }),
      );
    },
  },
  {
    name: 'POST /organisations/{id}/api-keys',
    allowed: ['admin'],
    prepare: () =>
      Promise.resolve((role) =>
        as(role)
          .post(`/organisations/${orgOf('collector')}/api-keys`)
          .send({ label: 'scanner' }),
      ),
  },
  {
    name: 'POST /organisations/{id}/api-keys/{keyId}/revocation',
    allowed: ['admin'],
    prepare: async () => {
      const { record } = await createKey(app.access, orgOf('collector'), {
        label: 'to revoke',
        expiresAt: null,
        now: new Date(),
      });
      return (role) =>
        as(role)
          .post(`/organisations/${orgOf('collector')}/api-keys/${record.keyId}/revocation`)
          .send({});
    },
  },
];

describe('every role × every write endpoint', () => {
  beforeAll(async () => {
    // Organisations exist before the matrix, so that creating one on first use is not counted as a change.
    for (const role of ROLES) await app.tokenOf(orgOf(role), role);
  });

  for (const endpoint of WRITES) {
    it(`${endpoint.name}: ${endpoint.allowed.join(', ')} allowed (2xx), every other role 403 and nothing changes`, async () => {
      const send = await endpoint.prepare();
      for (const role of ROLES.filter((each) => !endpoint.allowed.includes(each))) {
        await expectRefused(async () => send(role), 403, 'FORBIDDEN');
      }
      const [first, ...others] = endpoint.allowed;
      await accepted(send(first as Role));
      // Each further allowed role on its own prepared state (a command is accepted once).
      for (const role of others) await accepted((await endpoint.prepare())(role));
    });
  }

  it('lets a producer place devices on the market only as itself', async () => {
    const response = await expectRefused(
      async () =>
        as('producer').post('/devices').send({
          occurredAt: '2026-01-15T10:00:00Z',
          producerId: 'someone-else',
          country: 'FI',
          market: 'household',
          product: newProduct(),
        }),
      403,
      'FORBIDDEN',
      'producerId',
    );
    expect(response.body.error.message).toContain(orgOf('producer'));
  });

  it('lets a producer organisation record memberships of its own organisation only', async () => {
    await expectRefused(
      async () =>
        as('producer-organisation')
          .post('/producers/member-x/memberships')
          .send({ organisationId: 'another-scheme', occurredAt: '2026-01-01T00:00:00Z' }),
      403,
      'FORBIDDEN',
      'organisationId',
    );
  });

  it('records the organisation, role and key of the caller as the actor, whatever the body says', async () => {
    const product = newProduct();
    // Unknown body fields are refused outright, so a forged actor never reaches the store.
    await expectRefused(
      async () =>
        as('producer')
          .post('/devices')
          .send({
            occurredAt: '2026-01-15T10:00:00Z',
            producerId: orgOf('producer'),
            country: 'FI',
            market: 'household',
            product,
            actor: { organisationId: 'forged' },
          }),
      400,
      'VALIDATION_FAILED',
    );
    const recorded = await accepted(
      as('producer')
        .post('/devices')
        .send({
          occurredAt: '2026-01-15T10:00:00Z',
          producerId: orgOf('producer'),
          country: 'FI',
          market: 'household',
          product,
        }),
    );
    const [event] = await app.store.readStream(recorded.body.deviceId as string);
    const keyId = parseToken(await app.tokenOf(orgOf('producer'), 'producer'))?.keyId;
    expect(event?.actor).toEqual({ organisationId: orgOf('producer'), role: 'producer', keyId });
  });
});

describe('requests without a valid key', () => {
  const placement = () => ({
    occurredAt: '2026-01-15T10:00:00Z',
    producerId: orgOf('producer'),
    country: 'FI',
    market: 'household',
    product: newProduct(),
  });
  const post = (authorization?: string) => {
    const test = request(app.http).post('/devices');
    if (authorization !== undefined) test.set('Authorization', authorization);
    return test.send(placement());
  };

  it('answers 401 MISSING_CREDENTIALS without a key, with WWW-Authenticate, and appends nothing', async () => {
    const response = await expectRefused(async () => post(), 401, 'MISSING_CREDENTIALS', 'Authorization');
    expect(response.headers['www-authenticate']).toBe('Bearer realm="kierto"');
  });

  it('answers 401 MALFORMED_CREDENTIALS to another scheme or a token of the wrong shape', async () => {
    await expectRefused(async () => post('Basic dXNlcjpwYXNz'), 401, 'MALFORMED_CREDENTIALS', 'Authorization');
    await expectRefused(async () => post('Bearer not-a-kierto-key'), 401, 'MALFORMED_CREDENTIALS', 'Authorization');
  });

  it('answers 401 UNKNOWN_KEY to a well-formed key that was never issued, and to a wrong secret', async () => {
    await expectRefused(
      async () => post(`Bearer kierto_k0123456789abcdef_${'A'.repeat(43)}`),
      401,
      'UNKNOWN_KEY',
      'Authorization',
    );
    const token = await app.tokenOf(orgOf('producer'), 'producer');
    const parsed = parseToken(token);
    await expectRefused(
      async () => post(`Bearer kierto_${parsed?.keyId ?? ''}_${'B'.repeat(43)}`),
      401,
      'UNKNOWN_KEY',
      'Authorization',
    );
  });

  it('answers 401 KEY_REVOKED once an admin revoked the key', async () => {
    const { token, record } = await createKey(app.access, orgOf('producer'), {
      label: 'soon revoked',
      expiresAt: null,
      now: new Date(),
    });
    await accepted(post(`Bearer ${token}`));
    await accepted(
      as('admin')
        .post(`/organisations/${orgOf('producer')}/api-keys/${record.keyId}/revocation`)
        .send({}),
    );
    await expectRefused(async () => post(`Bearer ${token}`), 401, 'KEY_REVOKED', 'Authorization');
  });

  it('answers 401 KEY_EXPIRED after the expiry', async () => {
    const issuedAt = new Date(Date.now() - 60_000);
    const { token } = await createKey(app.access, orgOf('producer'), {
      label: 'expired',
      expiresAt: new Date(Date.now() - 1_000).toISOString(),
      now: issuedAt,
    });
    await expectRefused(async () => post(`Bearer ${token}`), 401, 'KEY_EXPIRED', 'Authorization');
  });

  it('refuses every route that is not public without a key: deny by default', async () => {
    const spec = (await request(app.http).get('/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    const publicRoutes = new Set([
      'GET /health',
      'GET /health/live',
      'GET /health/ready',
      'GET /passports/{deviceId}',
      'GET /passports/{deviceId}/qr.svg',
      'GET /passports/{deviceId}/qr.png',
      'GET /01/{gtin}/21/{serial}',
      // UNTP credentials of the public view and the issuer's DID document (docs/interop.md).
      'GET /passports/{deviceId}/credential',
      'GET /passports/{deviceId}/traceability-events/credential',
      'GET /.well-known/did.json',
      'GET /did.json',
    ]);
    const seen: string[] = [];
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const method of Object.keys(methods)) {
        const route = `${method.toUpperCase()} ${path}`;
        seen.push(route);
        const concrete = path.replace(/\{[^}]+\}/g, 'x');
        const client = request(app.http);
        const response = await client[method as 'get' | 'post'](concrete)
          .set('Content-Type', 'application/json')
          .send('{}');
        if (publicRoutes.has(route)) expect({ route, status: response.status }).not.toEqual({ route, status: 401 });
        else
          expect({ route, status: response.status, code: response.body.error?.code }).toEqual({
            route,
            status: 401,
            code: 'MISSING_CREDENTIALS',
          });
      }
    }
    expect(seen.length).toBeGreaterThan(20);
    for (const route of publicRoutes) expect(seen).toContain(route);
  });

  it('checks a key sent to a public route: a bad one is a 401, not an anonymous answer', async () => {
    const response = await request(app.http).get('/health').set('Authorization', 'Bearer nonsense');
    expect({ status: response.status, code: response.body.error?.code }).toEqual({
      status: 401,
      code: 'MALFORMED_CREDENTIALS',
    });
    expect((await request(app.http).get('/health')).status).toBe(200);
  });
});

describe('reads are scoped to what a role may see', () => {
  beforeAll(async () => {
    // Two producers in two schemes, one device each, both in 2026's figures.
    await accepted(
      as('admin')
        .post('/organisations')
        .send({ id: 'scheme-a', name: 'Scheme A', roles: ['producer-organisation'] }),
    );
    await accepted(
      as('admin')
        .post('/organisations')
        .send({ id: 'scheme-b', name: 'Scheme B', roles: ['producer-organisation'] }),
    );
    for (const [producer, scheme] of [
      ['maker-a', 'scheme-a'],
      ['maker-b', 'scheme-b'],
    ] as const) {
      await accepted(
        app
          .as(scheme, 'producer-organisation')
          .post(`/producers/${producer}/memberships`)
          .send({ organisationId: scheme, occurredAt: '2025-01-01T00:00:00Z' }),
      );
      await accepted(
        app.as(producer, 'producer').post('/devices').send({
          occurredAt: '2026-03-01T10:00:00Z',
          producerId: producer,
          country: 'FI',
          market: 'household',
          product: newProduct(),
        }),
      );
    }
  });

  const facts = async (
    client: ReturnType<typeof as>,
    query: Record<string, string | number>,
  ): Promise<request.Response> =>
    client
      .get('/statistics/facts')
      .query({ year: 2026, measure: 'POM', minPosition: await app.store.headPosition(), ...query });
  const producersIn = (response: request.Response): string[] =>
    [...new Set((response.body.items as { producerId: string }[]).map((fact) => fact.producerId))].sort();

  it("gives a producer its own figures, and a 403 for another producer's", async () => {
    const own = await facts(app.as('maker-a', 'producer'), {});
    expect(own.status).toBe(200);
    expect(producersIn(own)).toEqual(['maker-a']);
    await expectRefused(
      async () => facts(app.as('maker-a', 'producer'), { producerId: 'maker-b' }),
      403,
      'FORBIDDEN',
      'producerId',
    );
    const report = await app.as('maker-a', 'producer').get('/statistics/report').query({ year: 2026 });
    expect(report.status).toBe(200);
  });

  it("gives a producer organisation its members' figures, and a 403 for another organisation's", async () => {
    const own = await facts(app.as('scheme-a', 'producer-organisation'), {});
    expect(producersIn(own)).toEqual(['maker-a']);
    // Naming a producer of another scheme is asking for someone else's figures (docs/access.md).
    await expectRefused(
      async () => facts(app.as('scheme-a', 'producer-organisation'), { producerId: 'maker-b' }),
      403,
      'FORBIDDEN',
      'producerId',
    );
    // Naming its own member narrows within its own figures.
    expect(producersIn(await facts(app.as('scheme-a', 'producer-organisation'), { producerId: 'maker-a' }))).toEqual([
      'maker-a',
    ]);
    await expectRefused(
      async () => facts(app.as('scheme-a', 'producer-organisation'), { organisationId: 'scheme-b' }),
      403,
      'FORBIDDEN',
      'organisationId',
    );
  });

  it('lets auditors read every figure, and no other role read statistics', async () => {
    expect(producersIn(await facts(as('auditor'), {}))).toEqual(expect.arrayContaining(['maker-a', 'maker-b']));
    for (const role of ['collector', 'refurbisher', 'repairer', 'recycler'] as const) {
      await expectRefused(async () => facts(as(role), {}), 403, 'FORBIDDEN');
    }
  });

  it("keeps a producer out of another producer's memberships, and reserves histories and audit to auditors", async () => {
    expect((await app.as('maker-a', 'producer').get('/producers/maker-a/memberships')).status).toBe(200);
    await expectRefused(
      async () => app.as('maker-a', 'producer').get('/producers/maker-b/memberships'),
      403,
      'FORBIDDEN',
      'producerId',
    );
    // Another role beside producer that does not read memberships changes nothing.
    await app.tokenOf('maker-c', 'producer', 'collector');
    await expectRefused(
      async () => app.as('maker-c', 'producer', 'collector').get('/producers/maker-b/memberships'),
      403,
      'FORBIDDEN',
      'producerId',
    );
    const device = await deviceReadyFor('collections');
    for (const path of [
      `/devices/${device}/events`,
      '/audit/verify',
      `/audit/devices/${device}/history`,
      '/projections/status',
    ]) {
      for (const role of ['producer', 'collector', 'repairer', 'producer-organisation'] as const) {
        await expectRefused(async () => as(role).get(path), 403, 'FORBIDDEN');
      }
      expect((await as('auditor').get(path)).status).toBe(200);
    }
  });
});

describe('keys after their creation', () => {
  const lines: string[] = [];
  let logged: TestApp;
  beforeAll(async () => {
    logged = await startTestApp({ logLevel: 'debug' }, new JsonLogger('debug', (line) => lines.push(line)));
  });
  afterAll(async () => {
    await logged.close();
  });

  it('are shown once, then never in responses or logs, only their public key id', async () => {
    const admin = logged.as('ops', 'admin');
    await accepted(admin.post('/organisations').send({ id: 'shop-1', name: 'Shop', roles: ['refurbisher'] }));
    const issued = await accepted(admin.post('/organisations/shop-1/api-keys').send({ label: 'till 1' }));
    const token = issued.body.token as string;
    const secret = parseToken(token)?.secret ?? '';
    expect(issued.body).toEqual({
      keyId: expect.stringMatching(KEY_ID),
      organisationId: 'shop-1',
      label: 'till 1',
      createdAt: expect.any(String),
      expiresAt: null,
      revokedAt: null,
      token: expect.stringMatching(/^kierto_k[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/),
    });
    const stored = await logged.access.getKey(issued.body.keyId as string);
    const responses: request.Response[] = [
      await request(logged.http).get('/projections/status').set('Authorization', `Bearer ${token}`),
      await request(logged.http).post('/devices/not-an-id/resales').set('Authorization', `Bearer ${token}`).send({}),
      await admin.get('/organisations/shop-1/api-keys'),
      await admin.get('/organisations'),
      await admin.post(`/organisations/shop-1/api-keys/${issued.body.keyId as string}/revocation`).send({}),
      await request(logged.http).get('/health').set('Authorization', `Bearer ${token}`),
    ];
    expect(responses.map((response) => response.status)).toEqual([403, 400, 200, 200, 200, 401]);
    const listed = responses[2]?.body as Record<string, unknown>[];
    expect(listed.map((key) => Object.keys(key).sort())).toEqual([
      ['createdAt', 'expiresAt', 'keyId', 'label', 'organisationId', 'revokedAt'],
    ]);
    const everything = [
      ...responses.map((response) =>
        JSON.stringify({ headers: response.headers, body: response.body, text: response.text }),
      ),
      ...lines,
    ].join('\n');
    for (const secretPart of [token, secret, stored?.secretHash ?? 'missing'])
      expect(everything).not.toContain(secretPart);
    // The request log names the key by its public id.
    expect(lines.some((line) => line.includes(`"keyId":"${issued.body.keyId as string}"`))).toBe(true);
  });
});

describe('abuse limits and headers', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({ rateLimitPerMinute: 3, anonymousRateLimitPerMinute: 2 });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('limits each key per minute with RateLimit headers, then answers 429 with Retry-After and records nothing', async () => {
    const producer = limited.as('p-1', 'producer');
    const place = () =>
      producer.post('/devices').send({
        occurredAt: '2026-01-15T10:00:00Z',
        producerId: 'p-1',
        country: 'FI',
        market: 'household',
        product: newProduct(),
      });
    const first = await place();
    expect(first.status).toBe(201);
    expect(first.headers).toMatchObject({
      'ratelimit-limit': '3',
      'ratelimit-remaining': '2',
      'ratelimit-reset': expect.stringMatching(/^\d+$/),
    });
    await place();
    await place();
    const head = await limited.store.headPosition();
    const refused = await place();
    expect({ status: refused.status, code: refused.body.error?.code }).toEqual({ status: 429, code: 'RATE_LIMITED' });
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(await limited.store.headPosition()).toBe(head);
    // Another key has its own budget.
    expect(
      (await limited.as('p-2', 'producer').get('/devices').query({ manufacturer: 'x', serialNumber: 'y' })).status,
    ).toBe(404);
  });

  it('limits anonymous calls to public routes per client address', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await request(limited.http).get('/health')).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('sends security headers on every answer', async () => {
    const response = await request(limited.http).get('/passports/not-an-id');
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    });
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});

describe('the quick start on the embedded store', () => {
  it('creates a local admin once, with its key in a 0600 file that authenticates as admin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kierto-local-admin-'));
    const access = new SqliteAccessStore(join(dir, 'access.sqlite'));
    await access.init();
    try {
      const keyFile = await ensureLocalAdmin(access, dir);
      expect(keyFile).toBe(join(dir, 'admin.key'));
      expect(statSync(join(dir, 'admin.key')).mode & 0o777).toBe(0o600);
      const token = readFileSync(join(dir, 'admin.key'), 'utf8').trim();
      const principal = await authenticate(access, `Bearer ${token}`, new Date());
      expect(principal.organisation).toMatchObject({ id: 'local-admin', roles: ['admin'] });
      // A second start finds the organisation and leaves everything as it is.
      expect(await ensureLocalAdmin(access, dir)).toBeNull();
      expect(await access.listKeys('local-admin')).toHaveLength(1);
    } finally {
      await access.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the OpenAPI document', () => {
  it('declares bearer authentication and names the roles of each permission', async () => {
    const spec = (await request(app.http).get('/docs-json')).body as {
      components: { securitySchemes: Record<string, { scheme: string }> };
      paths: Record<
        string,
        Record<string, { responses: Record<string, { description: string }>; security?: unknown[] }>
      >;
    };
    expect(spec.components.securitySchemes['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(spec.paths['/devices']?.['post']?.responses['403']?.description).toBe(
      'FORBIDDEN: needs device:place-on-market, held by producer',
    );
    expect(spec.paths['/devices']?.['post']?.security).toEqual([{ bearer: [] }]);
  });
});

describe('the README walk-through, keys included', () => {
  it('runs as written: the admin registers organisations, issues keys, and each records its own step', async () => {
    const fresh = await startTestApp();
    try {
      const admin = `Bearer ${await fresh.tokenOf('local-admin', 'admin')}`;
      const call = (method: 'get' | 'post', path: string, key: string | null, body?: object) => {
        const test = request(fresh.http)[method](path);
        if (key !== null) test.set('Authorization', key);
        return body === undefined ? test : test.send(body);
      };
      for (const org of ['producer', 'collector', 'refurbisher']) {
        expect((await call('post', '/organisations', admin, example(`organisation-${org}`))).status).toBe(201);
      }
      const key = async (id: string): Promise<string> =>
        `Bearer ${(await call('post', `/organisations/${id}/api-keys`, admin, example('api-key'))).body.token as string}`;
      const producer = await key('producer-fi-0042');
      const collector = await key('helsinki-reuse-centre');
      const refurbisher = await key('kierto-refurb');
      const device = `/devices/${LAPTOP_ID}`;
      expect((await call('post', '/devices', producer, example('place-laptop-on-market'))).body.deviceId).toBe(
        LAPTOP_ID,
      );
      expect((await call('post', `${device}/collections`, collector, example('collect-laptop'))).status).toBe(201);
      expect((await call('post', `${device}/resales`, refurbisher, example('resell-laptop'))).body.error.code).toBe(
        'WIPE_REQUIRED_BEFORE_RESALE',
      );
      expect((await call('post', `${device}/resales`, collector, example('resell-laptop'))).body.error.code).toBe(
        'FORBIDDEN',
      );
      expect((await call('post', `${device}/data-wipes`, refurbisher, example('wipe-laptop'))).status).toBe(201);
      const resold = await call('post', `${device}/resales`, refurbisher, example('resell-laptop'));
      expect(resold.status).toBe(201);
      const history = await call('get', `${device}/events`, admin);
      expect(
        history.body.events.map((event: { actor: { organisationId: string } }) => event.actor.organisationId),
      ).toEqual(['producer-fi-0042', 'helsinki-reuse-centre', 'kierto-refurb', 'kierto-refurb']);
      const position = resold.body.events[0].globalPosition as number;
      const publicView = await call('get', `/passports/${LAPTOP_ID}?minPosition=${position}`, null);
      const repairerView = await call('get', `/passports/${LAPTOP_ID}?minPosition=${position}`, refurbisher);
      expect([publicView.headers['kierto-passport-view'], repairerView.headers['kierto-passport-view']]).toEqual([
        'public',
        'repairer',
      ]);
    } finally {
      await fresh.close();
    }
  });
});

describe('organisations and keys: the admin endpoints refuse bad requests and change nothing', () => {
  const admin = () => as('admin');
  beforeAll(async () => {
    for (const role of ROLES) await app.tokenOf(orgOf(role), role);
  });

  it('refuses an invalid organisation with 400 naming each field', async () => {
    const response = await expectRefused(
      async () =>
        admin()
          .post('/organisations')
          .send({ id: 'Not An Id', name: '', roles: ['wizard'], colour: 'red' }),
      400,
      'VALIDATION_FAILED',
    );
    expect((response.body.error.fields as { field: string }[]).map((field) => field.field).sort()).toEqual([
      'colour',
      'id',
      'name',
      'roles',
    ]);
    expect(response.body.error.message).toBe('The request is invalid');
  });

  it('refuses a second organisation with the same id (409), keys for an unknown organisation (404) and past expiries (400)', async () => {
    await accepted(
      admin()
        .post('/organisations')
        .send({ id: 'dup-org', name: 'First', roles: ['collector'] }),
    );
    await expectRefused(
      async () =>
        admin()
          .post('/organisations')
          .send({ id: 'dup-org', name: 'Second', roles: ['recycler'] }),
      409,
      'ORGANISATION_EXISTS',
    );
    expect((await app.access.getOrganisation('dup-org'))?.name).toBe('First');
    await expectRefused(
      async () => admin().post('/organisations/nobody/api-keys').send({ label: 'x' }),
      404,
      'ORGANISATION_NOT_FOUND',
    );
    await expectRefused(
      async () =>
        admin().post('/organisations/dup-org/api-keys').send({ label: 'x', expiresAt: '2020-01-01T00:00:00Z' }),
      400,
      'VALIDATION_FAILED',
      'expiresAt',
    );
    await expectRefused(
      async () => admin().post('/organisations/dup-org/api-keys').send({ label: 'x', expiresAt: 'soon' }),
      400,
      'VALIDATION_FAILED',
      'expiresAt',
    );
    await expectRefused(
      async () => admin().post('/organisations/dup-org/api-keys/k0000000000000000/revocation').send({}),
      404,
      'KEY_NOT_FOUND',
    );
    await expectRefused(async () => admin().get('/organisations/nobody/api-keys'), 404, 'ORGANISATION_NOT_FOUND');
  });

  it('keeps the first revocation time when a key is revoked twice', async () => {
    const issued = await accepted(
      admin()
        .post(`/organisations/${orgOf('collector')}/api-keys`)
        .send({ label: 'twice', expiresAt: '2099-01-01T00:00:00Z' }),
    );
    const path = `/organisations/${orgOf('collector')}/api-keys/${issued.body.keyId as string}/revocation`;
    const first = await accepted(admin().post(path).send({}));
    const second = await accepted(admin().post(path).send({}));
    expect(second.body.revokedAt).toBe(first.body.revokedAt);
    expect(first.body.expiresAt).toBe('2099-01-01T00:00:00Z');
  });
});

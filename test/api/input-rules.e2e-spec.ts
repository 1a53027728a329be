import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createKey, type Role } from '#kierto/access';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import { idOf, passingWipe, productOf, resale, type Body } from '../support/lifecycle.js';
import { startTestApp, storeSnapshot, type TestApp } from '../support/test-app.js';

/**
 * What the API refuses at its edge, the same way on SQLite and on
 * PostgreSQL. Every refusal is a 4xx with a stable code and the field at fault, and changes nothing:
 * no event, no organisation, no key.
 */

const LONE_SURROGATE = 'cp-1\ud800';
const DEEP_ARRAY_LEVELS = 10_000;
/** `[[[…]]]`, 10 000 levels: 40 KB of JSON, well under the body limit. */
const deepArray = (): string => `${'['.repeat(DEEP_ARRAY_LEVELS)}${']'.repeat(DEEP_ARRAY_LEVELS)}`;
/** superagent would serialise a Buffer sent as JSON into `{"type":"Buffer",…}`; this sends its bytes as they are. */
const bytesAsTheyAre = (data: unknown): string => data as string;

function inputRules(
  storeName: string,
  options: () => { databaseUrl?: string; databaseSchema?: string },
  cleanUp: () => Promise<void>,
): void {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(options());
    for (const role of [
      'producer',
      'collector',
      'refurbisher',
      'repairer',
      'recycler',
      'admin',
      'producer-organisation',
    ] as const) {
      await app.tokenOf(`org-${role}`, role);
    }
  });
  afterAll(async () => {
    await app.close();
    await cleanUp();
  });

  const as = (role: Role): ReturnType<TestApp['as']> => app.as(`org-${role}`, role);

  /** Sends, expects the refusal, and checks that nothing changed. */
  async function refused(
    send: () => PromiseLike<request.Response>,
    status: number,
    code: string,
    field?: string,
  ): Promise<request.Response> {
    const before = await storeSnapshot(app);
    const response = await send();
    expect({ status: response.status, code: response.body?.error?.code }).toEqual({ status, code });
    if (field !== undefined) expect(response.body.error.fields).toEqual([expect.objectContaining({ field })]);
    expect(await storeSnapshot(app)).toEqual(before);
    return response;
  }

  async function accepted(send: PromiseLike<request.Response>): Promise<request.Response> {
    const response = await send;
    expect({ status: response.status, error: response.body?.error }).toEqual({
      status: expect.any(Number),
      error: undefined,
    });
    expect(response.status).toBeLessThan(300);
    return response;
  }

  let serial = 0;
  function newProduct(extra: Body = {}): Body {
    serial += 1;
    return {
      ...productOf({ serialNumber: `RULES-${serial}`, weeeCategory: 2, weightKg: 2, hasDataStorage: true }),
      ...extra,
    };
  }
  const placement = (product: Body): Body => ({
    occurredAt: '2026-01-15T10:00:00Z',
    producerId: 'org-producer',
    country: 'FI',
    market: 'household',
    product,
  });
  const collection: Body = {
    occurredAt: '2026-02-01T10:00:00Z',
    collectionPointId: 'point-1',
    channel: 'municipal',
    source: 'household',
    country: 'FI',
    condition: 'unknown',
  };
  const repair: Body = {
    occurredAt: '2026-02-02T10:00:00Z',
    problem: 'No power',
    actions: ['Replaced fuse'],
    partsReplaced: [],
    outcome: 'fixed',
    labourMinutes: 20,
  };
  const recycling: Body = {
    occurredAt: '2026-02-03T10:00:00Z',
    facilityId: 'recycler-1',
    treatmentCountry: 'FI',
    weightKg: 2,
    outputs: [{ material: 'steel', massKg: 1, fate: 'recycled' }],
  };

  async function collectedDevice(): Promise<string> {
    const product = newProduct();
    await accepted(as('producer').post('/devices').send(placement(product)));
    await accepted(
      as('collector')
        .post(`/devices/${idOf(product)}/collections`)
        .send(collection),
    );
    return idOf(product);
  }

  /** Every JSON write route, with a valid body and a way to put a bad string into one of its text fields. */
  interface WriteRoute {
    readonly name: string;
    readonly role: Role;
    /** Path and a valid body; `text` replaces the text field named by `field` (`clean`: a valid value of it). */
    prepare(): Promise<{ path: string; body: (text: string) => Body; field: string; clean?: string }>;
  }
  const WRITES: readonly WriteRoute[] = [
    {
      name: 'POST /devices',
      role: 'producer',
      prepare: () =>
        Promise.resolve({
          path: '/devices',
          body: (text) => placement(newProduct({ model: text })),
          field: 'product.model',
        }),
    },
    {
      name: 'POST /devices/{id}/collections',
      role: 'collector',
      prepare: async () => {
        const product = newProduct();
        await accepted(as('producer').post('/devices').send(placement(product)));
        return {
          path: `/devices/${idOf(product)}/collections`,
          body: (text) => ({ ...collection, collectionPointId: text }),
          field: 'collectionPointId',
        };
      },
    },
    {
      name: 'POST /devices/{id}/data-wipes',
      role: 'refurbisher',
      prepare: async () => ({
        path: `/devices/${await collectedDevice()}/data-wipes`,
        body: (text) => ({ ...passingWipe('2026-02-01T12:00:00Z'), certificateId: text }),
        field: 'certificateId',
      }),
    },
    {
      name: 'POST /devices/{id}/repairs',
      role: 'repairer',
      prepare: async () => ({
        path: `/devices/${await collectedDevice()}/repairs`,
        body: (text) => ({ ...repair, problem: text }),
        field: 'problem',
      }),
    },
    {
      name: 'POST /devices/{id}/resales',
      role: 'refurbisher',
      prepare: async () => {
        const id = await collectedDevice();
        await accepted(as('refurbisher').post(`/devices/${id}/data-wipes`).send(passingWipe('2026-02-01T12:00:00Z')));
        // A resale has no free text; the rule applies to its enumerations as well.
        return {
          path: `/devices/${id}/resales`,
          body: (text) => ({ ...resale('2026-02-02T12:00:00Z'), channel: text }),
          field: 'channel',
          clean: 'shop',
        };
      },
    },
    {
      name: 'POST /devices/{id}/recycling',
      role: 'recycler',
      prepare: async () => ({
        path: `/devices/${await collectedDevice()}/recycling`,
        body: (text) => ({ ...recycling, facilityId: text }),
        field: 'facilityId',
      }),
    },
    {
      name: 'POST /producers/{id}/memberships',
      role: 'admin',
      prepare: () => {
        serial += 1;
        return Promise.resolve({
          path: `/producers/member-${serial}/memberships`,
          body: (text) => ({ organisationId: text, occurredAt: '2026-01-01T00:00:00Z' }),
          field: 'organisationId',
        });
      },
    },
    {
      name: 'POST /organisations',
      role: 'admin',
      prepare: () => {
        serial += 1;
        return Promise.resolve({
          path: '/organisations',
          body: (text) => ({ id: `new-org-${serial}`, name: text, roles: ['collector'] }),
          field: 'name',
        });
      },
    },
    {
      name: 'POST /organisations/{id}/api-keys',
      role: 'admin',
      prepare: () =>
        Promise.resolve({
          path: '/organisations/org-collector/api-keys',
          body: (text) => ({ label: text }),
          field: 'label',
        }),
    },
  ];

  describe(`text: well-formed Unicode only (${storeName})`, () => {
    for (const route of WRITES) {
      it(`${route.name}: a lone surrogate and a NUL are 400 INVALID_CHARACTER naming the field; the clean body is then accepted`, async () => {
        const { path, body, field, clean } = await route.prepare();
        await refused(() => as(route.role).post(path).send(body(LONE_SURROGATE)), 400, 'INVALID_CHARACTER', field);
        await refused(() => as(route.role).post(path).send(body('cp\u00001')), 400, 'INVALID_CHARACTER', field);
        // A surrogate pair is a well-formed character (U+1F50B), not an error.
        await accepted(
          as(route.role)
            .post(path)
            .send(body(clean ?? 'cp-1 \ud83d\udd0b')),
        );
      });

      it(`${route.name}: invalid UTF-8 is 400 INVALID_UTF8, never turned into U+FFFD`, async () => {
        const { path, body } = await route.prepare();
        const marker = 'MARK-INVALID';
        const text = Buffer.from(JSON.stringify(body(marker)), 'utf8');
        const at = text.indexOf(marker);
        text[at] = 0xff;
        await refused(
          () => as(route.role).post(path).set('Content-Type', 'application/json').serialize(bytesAsTheyAre).send(text),
          400,
          'INVALID_UTF8',
        );
      });

      it(`${route.name}: a 10 000-level nested array is 400 NESTING_TOO_DEEP, not a stack overflow`, async () => {
        const { path } = await route.prepare();
        await refused(
          () => as(route.role).post(path).set('Content-Type', 'application/json').send(deepArray()),
          400,
          'NESTING_TOO_DEEP',
        );
        await refused(
          () => as(route.role).post(path).set('Content-Type', 'application/json').send(`{"a":${deepArray()}}`),
          400,
          'NESTING_TOO_DEEP',
        );
      });
    }

    it('refuses a body declared in another charset than UTF-8', async () => {
      await refused(
        () =>
          as('admin')
            .post('/organisations')
            .set('Content-Type', 'application/json; charset=utf-16le')
            .serialize(bytesAsTheyAre)
            .send(Buffer.from('{"id":"x","name":"X","roles":["collector"]}', 'utf16le')),
        415,
        'UNSUPPORTED_CHARSET',
      );
    });

    it('path parameters: NUL, a lone surrogate or invalid UTF-8 are 400 INVALID_CHARACTER naming the parameter', async () => {
      for (const bad of ['org%00x', 'org%ED%A0%80', 'org%FF']) {
        await refused(
          () => as('admin').get(`/organisations/${bad}/api-keys`),
          400,
          'INVALID_CHARACTER',
          'organisationId',
        );
        await refused(
          () => as('admin').post(`/organisations/${bad}/api-keys`).send({ label: 'x' }),
          400,
          'INVALID_CHARACTER',
          'organisationId',
        );
        await refused(
          () =>
            as('admin')
              .post(`/producers/${bad}/memberships`)
              .send({ organisationId: 'org-admin', occurredAt: '2026-01-01T00:00:00Z' }),
          400,
          'INVALID_CHARACTER',
          'producerId',
        );
        await refused(() => as('admin').get(`/devices/${bad}`), 400, 'INVALID_CHARACTER', 'deviceId');
      }
    });

    it('query strings: NUL, a lone surrogate or invalid UTF-8 are 400 INVALID_CHARACTER naming the parameter', async () => {
      for (const bad of ['%00', 'p%ED%A0%80', 'p%FF']) {
        await refused(
          () => as('admin').get(`/statistics/report?year=2026&producerId=${bad}`),
          400,
          'INVALID_CHARACTER',
          'producerId',
        );
        await refused(
          () => as('admin').get(`/statistics/facts?year=2026&organisationId=${bad}`),
          400,
          'INVALID_CHARACTER',
          'organisationId',
        );
        await refused(
          () => as('admin').get(`/devices?manufacturer=${bad}&serialNumber=1`),
          400,
          'INVALID_CHARACTER',
          'manufacturer',
        );
      }
      // Well-formed text in a filter is an ordinary filter.
      await accepted(as('admin').get('/statistics/report?year=2026&producerId=p%C3%A4%F0%9F%94%8B'));
    });

    it('import: a line with a lone surrogate or invalid UTF-8 is one error row with its line number; the other lines are imported', async () => {
      const good = (product: Body): string =>
        JSON.stringify({
          type: 'DevicePlacedOnMarket',
          occurredAt: '2026-01-15T10:00:00Z',
          data: placementData(product),
        });
      const placementData = (product: Body): Body => ({
        producerId: 'org-admin',
        country: 'FI',
        market: 'household',
        product,
      });
      const surrogate = JSON.stringify({
        type: 'DevicePlacedOnMarket',
        occurredAt: '2026-01-15T10:00:00Z',
        data: placementData(newProduct({ model: LONE_SURROGATE })),
      });
      const nul = JSON.stringify({
        type: 'DevicePlacedOnMarket',
        occurredAt: '2026-01-15T10:00:00Z',
        data: placementData(newProduct({ brand: 'a\u0000b' })),
      });
      const invalidUtf8 = Buffer.from(good(newProduct({ model: 'MARK-INVALID' })), 'utf8');
      invalidUtf8[invalidUtf8.indexOf('MARK-INVALID')] = 0xc3;
      const body = Buffer.concat([
        Buffer.from(`${good(newProduct())}\n${surrogate}\n`),
        invalidUtf8,
        Buffer.from(`\n${nul}\n${good(newProduct())}\n`),
      ]);
      const head = await app.store.headPosition();
      const response = await as('admin').post('/imports').set('Content-Type', 'application/x-ndjson').send(body);
      expect(response.status).toBe(200);
      expect(response.body.summary).toMatchObject({ lines: 5, imported: 2, refused: 3 });
      expect(
        response.body.errors.map((row: { line: number; code: string; field: string }) => [
          row.line,
          row.code,
          row.field,
        ]),
      ).toEqual([
        [2, 'INVALID_CHARACTER', 'data.product.model'],
        [3, 'INVALID_UTF8', ''],
        [4, 'INVALID_CHARACTER', 'data.product.brand'],
      ]);
      expect(await app.store.headPosition()).toBe(head + 2);
    });
  });

  describe(`bodies follow each route's OpenAPI description (${storeName})`, () => {
    it('revokes a key with no body at all, and the key stops working', async () => {
      const { record, token } = await createKey(app.access, 'org-collector', {
        label: 'to revoke',
        expiresAt: null,
        now: new Date(),
      });
      const revoked = await accepted(
        as('admin').post(`/organisations/org-collector/api-keys/${record.keyId}/revocation`),
      );
      expect(revoked.body).toMatchObject({ keyId: record.keyId, revokedAt: expect.any(String) });
      const after = await request(app.http).get('/organisations').set('Authorization', `Bearer ${token}`);
      expect({ status: after.status, code: after.body.error?.code }).toEqual({ status: 401, code: 'KEY_REVOKED' });
    });

    it('revokes with an empty JSON object too, and refuses a body with fields (the route takes none)', async () => {
      const first = await createKey(app.access, 'org-collector', {
        label: 'to revoke',
        expiresAt: null,
        now: new Date(),
      });
      await accepted(
        as('admin').post(`/organisations/org-collector/api-keys/${first.record.keyId}/revocation`).send({}),
      );
      const second = await createKey(app.access, 'org-collector', {
        label: 'to revoke',
        expiresAt: null,
        now: new Date(),
      });
      await refused(
        () =>
          as('admin')
            .post(`/organisations/org-collector/api-keys/${second.record.keyId}/revocation`)
            .send({ reason: 'lost' }),
        400,
        'VALIDATION_FAILED',
        'reason',
      );
    });

    it('answers a route that needs a body but got none with 400 naming the body, not 415', async () => {
      for (const [role, path] of [
        ['producer', '/devices'],
        ['admin', '/organisations'],
        ['admin', '/organisations/org-collector/api-keys'],
        ['admin', '/producers/p-1/memberships'],
      ] as const) {
        await refused(() => as(role).post(path), 400, 'VALIDATION_FAILED', '(body)');
      }
    });

    it('still refuses a body that is not JSON with 415', async () => {
      await refused(
        () => as('admin').post('/organisations').set('Content-Type', 'text/plain').send('id=x'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    });
  });

  describe(`questionable input (${storeName})`, () => {
    it('refuses the all-zero GTIN and a GTIN with a wrong check digit', async () => {
      for (const gtin of ['00000000000000', '00000000', '09506000134353']) {
        await refused(
          () =>
            as('producer')
              .post('/devices')
              .send(placement(newProduct({ gtin }))),
          400,
          'INVALID_GTIN',
          'product.gtin',
        );
      }
      await refused(() => as('admin').get('/devices?gtin=00000000000000&serialNumber=1'), 400, 'INVALID_GTIN', 'gtin');
    });

    it('refuses __proto__, constructor and prototype in organisation and key bodies like any other unknown field', async () => {
      for (const key of ['__proto__', 'constructor', 'prototype']) {
        serial += 1;
        const organisation = `{"id":"proto-${serial}","name":"P","roles":["collector"],"${key}":{"roles":["admin"]}}`;
        await refused(
          () => as('admin').post('/organisations').set('Content-Type', 'application/json').send(organisation),
          400,
          'VALIDATION_FAILED',
          key,
        );
        await refused(
          () =>
            as('admin')
              .post('/organisations/org-collector/api-keys')
              .set('Content-Type', 'application/json')
              .send(`{"label":"x","${key}":{"a":1}}`),
          400,
          'VALIDATION_FAILED',
          key,
        );
      }
    });

    it('bounds the roles of an organisation', async () => {
      serial += 1;
      await refused(
        () =>
          as('admin')
            .post('/organisations')
            .send({
              id: `many-roles-${serial}`,
              name: 'Many',
              roles: Array.from({ length: 10_000 }, () => 'collector'),
            }),
        400,
        'VALIDATION_FAILED',
        'roles',
      );
      await accepted(
        as('admin')
          .post('/organisations')
          .send({ id: `two-roles-${serial}`, name: 'Two', roles: ['collector', 'repairer'] }),
      );
    });
  });

  describe(`statistics scope of a producer organisation (${storeName})`, () => {
    it("403 naming producerId for a producer that never was a member; a member's and a former member's figures are readable", async () => {
      const po = app.as('po-scope', 'producer-organisation');
      await accepted(
        app
          .as('po-scope', 'producer-organisation')
          .post('/producers/scope-member/memberships')
          .send({ organisationId: 'po-scope', occurredAt: '2025-01-01T00:00:00Z' }),
      );
      await accepted(
        app
          .as('po-scope', 'producer-organisation')
          .post('/producers/scope-former/memberships')
          .send({ organisationId: 'po-scope', occurredAt: '2025-01-01T00:00:00Z' }),
      );
      await accepted(
        app
          .as('po-scope', 'producer-organisation')
          .post('/producers/scope-former/departures')
          .send({ organisationId: 'po-scope', occurredAt: '2025-06-01T00:00:00Z' }),
      );
      await accepted(
        app
          .as('other-po', 'producer-organisation')
          .post('/producers/scope-other/memberships')
          .send({ organisationId: 'other-po', occurredAt: '2025-01-01T00:00:00Z' }),
      );
      for (const route of ['report', 'collection-rate', 'recovery-rates', 'indicators', 'weee-generated', 'facts']) {
        await accepted(po.get(`/statistics/${route}?year=2025&producerId=scope-member`));
        await accepted(po.get(`/statistics/${route}?year=2025&producerId=scope-former`));
        for (const stranger of ['scope-other', 'never-heard-of']) {
          await refused(
            () => po.get(`/statistics/${route}?year=2025&producerId=${stranger}`),
            403,
            'FORBIDDEN',
            'producerId',
          );
        }
      }
    });
  });
}

describe('input rules on SQLite', () => {
  inputRules(
    'SQLite',
    () => ({}),
    () => Promise.resolve(),
  );
});

describeIfPostgres('input rules on PostgreSQL', () => {
  const schema = createTestSchema('kierto_rules');
  inputRules(
    'PostgreSQL',
    () => ({ databaseUrl: postgres.url, databaseSchema: schema }),
    () => dropTestSchema(schema),
  );
});

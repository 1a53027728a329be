/**
 * ESPR registry entries over HTTP (docs/digital-link.md): every entry, for the README walk-through's
 * laptop and the bench dataset, validates against the CIRPASS-2 registry metadata schema
 * (test/fixtures/standards/espr/cirpass2-eu-registry-metadata-schema.json, draft 2020-12); the batch
 * export pages through all of them; producers read only their own.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import { datasetLines } from '../../bench/dataset.js';
import { example, LAPTOP_ID, startTestApp, type TestApp } from '../support/test-app.js';

const cirpass = JSON.parse(
  readFileSync(
    new URL('../fixtures/standards/espr/cirpass2-eu-registry-metadata-schema.json', import.meta.url),
    'utf8',
  ),
) as Record<string, unknown>;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile(cirpass);
const schemaErrors = (entry: unknown): unknown[] => (validate(entry) ? [] : [...(validate.errors ?? [])]);

const PUBLIC_URL = 'https://dpp.example.org/kierto';
const BENCH_DEVICES = 40;
const COLLECTED_FIRST = 'gtin:09506000134352:COL-1';

interface Page {
  entries: Record<string, unknown>[];
  withoutEntry: { deviceId: string; reason: string }[];
  nextCursor: string | null;
}

let app: TestApp;
let position = 0;

beforeAll(async () => {
  app = await startTestApp({ publicUrl: PUBLIC_URL });
  const placed = await app.api.post('/devices').send(example('place-laptop-on-market'));
  expect(placed.status).toBe(201);
  // A unit Kierto first sees at its collection: no operator placed it on the market in Kierto.
  const collected = await app.api.post(`/devices/${COLLECTED_FIRST}/collections`).send({
    ...example('collect-laptop'),
    product: { ...(example('place-laptop-on-market')['product'] as object), serialNumber: 'COL-1' },
  });
  expect({ status: collected.status, error: collected.body.error }).toEqual({ status: 201, error: undefined });
  const bench = [...datasetLines(BENCH_DEVICES, 7)].map((line) => JSON.stringify(line)).join('\n');
  const imported = await app
    .as('registry-admin', 'admin')
    .post('/imports')
    .set('Content-Type', 'application/x-ndjson')
    .send(bench);
  expect({ status: imported.status, refused: imported.body.summary?.refused }).toEqual({ status: 200, refused: 0 });
  position = await app.store.headPosition();
});

afterAll(async () => {
  await app.close();
});

/** Every page of the export, following nextCursor. */
async function exportAll(client: ReturnType<TestApp['as']>, limit: number): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const response = await client
      .get('/registry-entries')
      .query({ limit, minPosition: position, ...(cursor === null ? {} : { cursor }) });
    expect(response.status).toBe(200);
    const page = response.body as Page;
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 100);
  return pages;
}

describe('GET /passports/{deviceId}/registry-entry', () => {
  it("maps the README laptop's passport onto the CIRPASS schema, naming what Kierto does not record", async () => {
    const response = await app.as('auditor-1', 'auditor').get(`/passports/${LAPTOP_ID}/registry-entry`);
    expect(response.status).toBe(200);
    expect(schemaErrors(response.body)).toEqual([]);
    expect(response.body).toEqual({
      upi: 'https://id.gs1.org/01/09506000134352/21/LAP-0001',
      reoId: 'producer-fi-0042',
      facilitiesId: ['urn:kierto:facility:not-recorded'],
      liveURL: `${PUBLIC_URL}/01/09506000134352/21/LAP-0001`,
      backupURL: `${PUBLIC_URL}/passports/${LAPTOP_ID}`,
      commodityCode: '0000',
      granularityLevel: 'ITEM',
      deactivated: false,
      'kierto:notRecorded': ['facilitiesId', 'commodityCode', 'backupURL'],
    });
    // The live URL is this deployment's Digital Link: it resolves to the passport.
    const live = await app.api.get(new URL(response.body.liveURL as string).pathname);
    expect({ status: live.status, deviceId: live.body.deviceId }).toEqual({ status: 200, deviceId: LAPTOP_ID });
  });

  it('lets the producer that placed the unit read it, and no other producer or role', async () => {
    const own = await app.as('producer-fi-0042', 'producer').get(`/passports/${LAPTOP_ID}/registry-entry`);
    expect(own.status).toBe(200);
    const other = await app.as('producer-se-1', 'producer').get(`/passports/${LAPTOP_ID}/registry-entry`);
    expect({ status: other.status, code: other.body.error.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const collector = await app.as('collector-1', 'collector').get(`/passports/${LAPTOP_ID}/registry-entry`);
    expect({ status: collector.status, code: collector.body.error.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
  });

  it('answers 404 for an unknown device, 404 NO_REGISTRY_ENTRY for a unit first seen at collection, 400 for a bad id', async () => {
    const auditor = app.as('auditor-1', 'auditor');
    const unknown = await auditor.get('/passports/gtin:09506000134352:NOPE/registry-entry');
    expect({ status: unknown.status, code: unknown.body.error.code }).toEqual({
      status: 404,
      code: 'DEVICE_NOT_FOUND',
    });
    const malformed = await auditor.get('/passports/not-an-id/registry-entry');
    expect({ status: malformed.status, field: malformed.body.error.fields[0].field }).toEqual({
      status: 400,
      field: 'deviceId',
    });
    const none = await auditor.get(`/passports/${COLLECTED_FIRST}/registry-entry`);
    expect({ status: none.status, code: none.body.error.code }).toEqual({ status: 404, code: 'NO_REGISTRY_ENTRY' });
    expect(none.body.error.message).toMatch(/placing on the market/);
  });
});

describe('GET /registry-entries', () => {
  it('exports an entry per placed passport of the walk-through and the bench dataset, each valid against the CIRPASS schema', async () => {
    const pages = await exportAll(app.as('auditor-1', 'auditor'), 7);
    const entries = pages.flatMap((page) => page.entries);
    const without = pages.flatMap((page) => page.withoutEntry);
    // Every passport once: the laptop and each bench device, in an entry or with its reason.
    expect(entries.length + without.length).toBe(2 + BENCH_DEVICES);
    expect(without.map((item) => item.deviceId)).toContain(COLLECTED_FIRST);
    expect(new Set(entries.map((entry) => entry['upi'])).size).toBe(entries.length);
    for (const entry of entries)
      expect({ upi: entry['upi'], errors: schemaErrors(entry) }).toEqual({ upi: entry['upi'], errors: [] });
    expect(without.every((item) => /placing on the market/.test(item.reason))).toBe(true);
    // The bench's recycled units are deactivated; its manufacturer + serial units have a Kierto URN.
    expect(entries.some((entry) => entry['deactivated'] === true)).toBe(true);
    expect(entries.filter((entry) => String(entry['upi']).startsWith('urn:kierto:device:mfr:'))).toHaveLength(
      entries.length - 1,
    );
    // One page of everything holds the same as the pages of seven.
    const [all] = await exportAll(app.as('auditor-1', 'auditor'), 1000);
    expect(all?.entries).toEqual(entries);
    expect(all?.nextCursor).toBeNull();
  });

  it("gives a producer its own units' entries only", async () => {
    const pages = await exportAll(app.as('producer-fi-0042', 'producer'), 1000);
    const entries = pages.flatMap((page) => page.entries);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((entry) => entry['reoId'] === 'producer-fi-0042')).toBe(true);
    // Others' units exist and are left out, not merely absent.
    const everyone = (await exportAll(app.as('auditor-1', 'auditor'), 1000)).flatMap((page) => page.entries);
    expect(everyone.filter((entry) => entry['reoId'] === 'producer-fi-0042')).toEqual(entries);
    expect(everyone.length).toBeGreaterThan(entries.length);
  });

  it('refuses a malformed cursor or limit with 400 and the field, and a request without a key with 401', async () => {
    const auditor = app.as('auditor-1', 'auditor');
    const cases: [string, string, string][] = [
      ['/registry-entries?cursor=not-a-device', 'INVALID_CURSOR', 'cursor'],
      ['/registry-entries?limit=0', 'VALIDATION_FAILED', 'limit'],
      ['/registry-entries?limit=1001', 'VALIDATION_FAILED', 'limit'],
      ['/registry-entries?format=ndjson', 'VALIDATION_FAILED', 'format'],
    ];
    for (const [path, code, field] of cases) {
      const response = await auditor.get(path);
      expect({
        path,
        status: response.status,
        code: response.body.error.code,
        field: response.body.error.fields[0].field,
      }).toEqual({ path, status: 400, code, field });
    }
    for (const path of ['/registry-entries', `/passports/${LAPTOP_ID}/registry-entry`]) {
      const anonymous = await request(app.http).get(path);
      expect({ path, status: anonymous.status }).toEqual({ path, status: 401 });
    }
  });
});

describeIfPostgres('GET /registry-entries on PostgreSQL', () => {
  const schema = createTestSchema('kierto_registry');
  let pg: TestApp;
  beforeAll(async () => {
    pg = await startTestApp({ databaseUrl: postgres.url, databaseSchema: schema, publicUrl: PUBLIC_URL });
    const bench = [...datasetLines(12, 7)].map((line) => JSON.stringify(line)).join('\n');
    const imported = await pg
      .as('registry-admin', 'admin')
      .post('/imports')
      .set('Content-Type', 'application/x-ndjson')
      .send(bench);
    expect(imported.status).toBe(200);
  });
  afterAll(async () => {
    await pg.close();
    await dropTestSchema(schema);
  });

  it('pages through every passport once, each entry valid', async () => {
    const minPosition = await pg.store.headPosition();
    const auditor = pg.as('auditor-1', 'auditor');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await auditor
        .get('/registry-entries')
        .query({ limit: 5, minPosition, ...(cursor === null ? {} : { cursor }) });
      expect(response.status).toBe(200);
      const page = response.body as Page;
      for (const entry of page.entries) expect(schemaErrors(entry)).toEqual([]);
      seen.push(
        ...page.entries.map((entry) => String(entry['upi'])),
        ...page.withoutEntry.map((item) => item.deviceId),
      );
      cursor = page.nextCursor;
    } while (cursor !== null && seen.length < 100);
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { OrdsImportResponse } from '../../apps/api/src/ords/ords-import.controller.js';
import { deviceIdOf } from '#kierto/domain';
import { ORDS_COLUMNS, parseCsv } from '#kierto/interop';
import { Lifecycle, idOf, productOf } from '../support/lifecycle.js';
import {
  ordsTableSchema,
  SCHEMA_DEFECTS,
  schemaDefects,
  validateTable,
  violationCounts,
} from '../support/ords-table-schema.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

const FIXIT_CLINIC = readFileSync(
  new URL('../fixtures/standards/ords/OpenRepairData_v0.3_FixitClinic_202507.csv', import.meta.url),
);

/** A CSV file's records as objects, keyed by column, for field-by-field comparison. */
function recordsOf(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text).map((record) => record.fields);
  return rows.map((row) => Object.fromEntries((header ?? []).map((name, index) => [name, row[index] ?? ''])));
}

const fixitRecords = recordsOf(FIXIT_CLINIC.toString('utf8'));
/** ORDS category 18 "Misc" names no product: imported by the ORDS map's own bridge all the same (ADR 0019). */
const miscRecords = fixitRecords.filter((record) => record['product_category_id'] === '18');

const postOrds = (client: Client, body: string | Buffer) =>
  client.post('/imports/ords').set('Content-Type', 'text/csv').send(body);

const header = ORDS_COLUMNS.join(',');
const row = (overrides: Partial<Record<(typeof ORDS_COLUMNS)[number], string>> = {}): string =>
  ORDS_COLUMNS.map(
    (column) =>
      ({
        id: 'cafe_1',
        data_provider: 'Test Café',
        country: 'FIN',
        partner_product_category: 'Toaster',
        product_category: 'Toaster',
        product_category_id: '31',
        brand: 'Unknown',
        year_of_manufacture: '',
        product_age: '',
        repair_status: 'Fixed',
        repair_barrier_if_end_of_life: '',
        group_identifier: 'Test Café',
        event_date: '2025-05-01',
        problem: 'Does not heat',
        ...overrides,
      })[column],
  ).join(',');

describe('ORDS v0.3 import and export', () => {
  let app: TestApp;
  let cafe: Client;
  beforeAll(async () => {
    app = await startTestApp();
    cafe = app.as('fixit-clinic', 'repairer');
  });
  afterAll(async () => {
    await app.close();
  });

  describe('the Fixit Clinic file (1 033 published records)', () => {
    let first: OrdsImportResponse;
    beforeAll(async () => {
      const response = await postOrds(cafe, FIXIT_CLINIC);
      expect(response.status).toBe(200);
      first = response.body as OrdsImportResponse;
    });

    it('imports every record, Misc ones included', () => {
      expect(fixitRecords).toHaveLength(1033);
      expect(miscRecords.length).toBeGreaterThan(0);
      expect(first.summary).toMatchObject({
        records: fixitRecords.length,
        imported: fixitRecords.length,
        duplicates: 0,
        refused: 0,
      });
      expect(first.errors).toEqual([]);
    });

    it('gives a Misc record the category of the ORDS map’s UNU-KEY (0601 → 5), and keeps Misc in its record', async () => {
      const misc = miscRecords[0];
      const deviceId = deviceIdOf({ issuer: misc?.['data_provider'] ?? '', localId: misc?.['id'] ?? '' });
      const passport = await app.api
        .get(`/passports/${encodeURIComponent(deviceId)}?minPosition=${first.summary.lastPosition}`)
        .expect(200);
      expect(passport.body.product).toMatchObject({ weeeCategory: 5 });
    });

    it('starts each device’s history at its repair: in use by its owner, identity the local id, weight unknown', async () => {
      const record = fixitRecords.find((candidate) => candidate['id'] === 'fixitclinic_1690');
      const deviceId = deviceIdOf({ issuer: 'Fixit Clinic', localId: 'fixitclinic_1690' });
      const passport = await app.api
        .get(`/passports/${encodeURIComponent(deviceId)}?minPosition=${first.summary.lastPosition}`)
        .expect(200);
      expect(record?.['repair_status']).toBe('Unknown');
      expect(passport.body).toMatchObject({
        deviceId,
        identity: {
          brand: 'Cuisinart',
          localId: { issuer: 'Fixit Clinic', value: 'fixitclinic_1690' },
          serialNumber: null,
        },
        // Food processor → UNU-KEY 0202 → Annex III category 5 (small equipment).
        product: { weeeCategory: 5, weightKg: null, yearOfManufacture: 2009 },
        status: { lifecycle: 'in-use', holder: { kind: 'owner' } },
      });
    });

    it('imports nothing the second time', async () => {
      const again = (await postOrds(cafe, FIXIT_CLINIC).expect(200)).body as OrdsImportResponse;
      expect(again.summary).toMatchObject({
        imported: 0,
        duplicates: first.summary.imported,
        refused: 0,
        lastPosition: null,
      });
    });

    it('exports back field for field: every imported record, every column, unchanged', async () => {
      const response = await cafe.get('/exports/ords.csv').expect(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      const exported = recordsOf(response.text);
      expect(parseCsv(response.text)[0]?.fields).toEqual([...ORDS_COLUMNS]);
      expect(exported).toHaveLength(fixitRecords.length);
      const byId = new Map(exported.map((record) => [record['id'], record]));
      for (const record of fixitRecords) expect(byId.get(record['id'])).toEqual(record);
    });

    it('validates against the table schema but for the file’s own known deviations, which are reported', () => {
      const schema = ordsTableSchema();
      expect(schemaDefects(schema)).toEqual([...SCHEMA_DEFECTS]);
      const rows = parseCsv(FIXIT_CLINIC.toString('utf8')).map((record) => record.fields);
      const counts = violationCounts(validateTable(schema, rows));
      const wornOut = fixitRecords.filter((record) => record['repair_barrier_if_end_of_life'] === 'Item too worn out');
      // Published ids use "_" where the schema's pattern wants "-"; code 6 is spelt as in the standard's
      // table, not as in the schema's enum ("Too worn out").
      expect(counts).toEqual({
        'id pattern': fixitRecords.length,
        ...(wornOut.length > 0 ? { 'repair_barrier_if_end_of_life enum': wornOut.length } : {}),
      });
    });
  });

  it('exports Kierto’s own repairs as records that validate against the table schema', async () => {
    const lifecycle = new Lifecycle(app.api);
    const product = { ...productOf({ serialNumber: 'ORDS-1', weeeCategory: 6, weightKg: 1.5 }), unuKey: '0702' };
    const placed = await lifecycle.place('2024-01-10T10:00:00Z', 'ords-producer', 'FI', product);
    const fixed = await lifecycle.repair(placed.id, '2025-02-01T10:00:00Z', 'fixed');
    const last = await lifecycle.repair(placed.id, '2025-03-01T10:00:00Z', 'end-of-life');
    const response = await app.as('kierto-auditor', 'auditor').get(`/exports/ords.csv`).expect(200);
    const rows = parseCsv(response.text).map((record) => record.fields);
    const native = rows.filter((fields) => fields[1] === 'Kierto');
    expect(native).toEqual([
      [
        `kierto-${fixed.position}`,
        'Kierto',
        'FIN',
        'Games console',
        'Games console',
        '38',
        'Acceptance',
        '2014',
        '11',
        'Fixed',
        '',
        'test-repairer',
        '2025-02-01',
        'Does not start',
      ],
      [
        `kierto-${last.position}`,
        'Kierto',
        'FIN',
        'Games console',
        'Games console',
        '38',
        'Acceptance',
        '2014',
        '11',
        'End of life',
        'Spare parts not available',
        'test-repairer',
        '2025-03-01',
        'Does not start',
      ],
    ]);
    expect(validateTable(ordsTableSchema(), [rows[0] ?? [], ...native])).toEqual([]);
  });

  it('counts a repair café’s repairs in no statistics, Kierto’s own repairs as before', async () => {
    const facts = await app.api
      .get('/statistics/facts')
      .query({ year: 2025, measure: 'REPAIR', minPosition: await app.store.headPosition() })
      .expect(200);
    const deviceIds = (facts.body.items as { deviceId: string }[]).map((fact) => fact.deviceId);
    const product = productOf({ serialNumber: 'ORDS-1', weeeCategory: 6, weightKg: 1.5 });
    expect(deviceIds.filter((deviceId) => deviceId.startsWith('mfr:'))).toEqual([idOf(product), idOf(product)]);
    expect(deviceIds.filter((deviceId) => deviceId.startsWith('local:'))).toEqual([]);
  });

  it('lets a repairer start a device’s history over HTTP with the product it knows, and only with it', async () => {
    const localId = { issuer: 'Kallio repair café', value: 'K-17' };
    const deviceId = deviceIdOf({ issuer: localId.issuer, localId: localId.value });
    const repair = {
      occurredAt: '2025-05-05T15:00:00Z',
      problem: 'Hums, no air',
      actions: ['Cleaned the filter'],
      partsReplaced: [],
      outcome: 'fixed',
    };
    const unknown = await app.api.post(`/devices/${deviceId}/repairs`).send(repair);
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'DEVICE_NOT_FOUND']);
    const started = await app.api
      .post(`/devices/${deviceId}/repairs`)
      .send({ ...repair, product: { weeeCategory: 5, localId } });
    expect(started.status).toBe(201);
    const passport = await app.api
      .get(
        `/passports/${deviceId}?minPosition=${(started.body.events as { globalPosition: number }[])[0]?.globalPosition}`,
      )
      .expect(200);
    expect(passport.body).toMatchObject({
      product: { weeeCategory: 5, weightKg: null },
      status: { lifecycle: 'in-use', holder: { kind: 'owner' } },
      repair: { history: [{ outcome: 'fixed', labourMinutes: null, ords: { repairStatus: 'Fixed' } }] },
    });
  });

  it('exports to no one whose roles do not read repair records', async () => {
    const refused = await app.as('a-producer', 'producer').get('/exports/ords.csv').expect(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
  });

  it('exports to a repairer only the repairs its organisation recorded', async () => {
    const rows = recordsOf((await app.as('other-cafe', 'repairer').get('/exports/ords.csv').expect(200)).text);
    expect(rows).toEqual([]);
  });

  describe('refuses', () => {
    it('a file that is not CSV, naming the line and column', async () => {
      const response = await postOrds(cafe, `${header}\n${row()}\n"unclosed,x\n`).expect(400);
      expect(response.body.error).toMatchObject({
        code: 'CSV_UNCLOSED_QUOTE',
        message: expect.stringContaining('Line 3, column 1'),
      });
    });

    it('a header with a column ORDS v0.3 does not have, or without a required one', async () => {
      const unknown = await postOrds(cafe, `${header},colour\n${row()},red\n`).expect(400);
      expect(unknown.body.error).toMatchObject({ code: 'UNKNOWN_COLUMN', fields: [{ field: 'colour' }] });
      const missing = await postOrds(cafe, `id,data_provider\nx_1,Café\n`).expect(400);
      expect(missing.body.error).toMatchObject({ code: 'MISSING_COLUMN' });
    });

    it('a file that is not UTF-8, or empty', async () => {
      const bytes = Buffer.concat([Buffer.from(`${header}\n`), Buffer.from([0x63, 0xff, 0x0a])]);
      const notUtf8 = await postOrds(cafe, bytes).expect(400);
      expect(notUtf8.body.error).toMatchObject({ code: 'INVALID_UTF8', message: expect.stringContaining('Line 2') });
      const empty = await postOrds(cafe, Buffer.alloc(0)).expect(400);
      expect(empty.body.error).toMatchObject({ code: 'REQUIRED' });
    });

    it('a body that is not text/csv', async () => {
      await cafe.post('/imports/ords').set('Content-Type', 'application/json').send('{}').expect(415);
    });

    it('a record with a bad date, a bad status or too few fields, and imports the others', async () => {
      const body = [
        header,
        row({ id: 'bad_1', event_date: '2025-02-30' }),
        row({ id: 'good_1' }),
        row({ id: 'bad_2', repair_status: 'Mended' }),
        '"bad_3",short',
        row({ id: 'bad_4', repair_status: 'Fixed', repair_barrier_if_end_of_life: 'Lack of equipment' }),
        row({ id: 'good_2', problem: '"Two\nlines, quoted"' }),
      ].join('\r\n');
      const answer = (await postOrds(cafe, body).expect(200)).body as OrdsImportResponse;
      expect(answer.summary).toMatchObject({ records: 6, imported: 2, refused: 4 });
      expect(answer.errors.map((error) => [error.line, error.recordId, error.code, error.field, error.column])).toEqual(
        [
          [2, 'bad_1', 'INVALID_DATE', 'event_date', 13],
          [4, 'bad_2', 'INVALID_CODE', 'repair_status', 10],
          [5, null, 'CSV_FIELD_COUNT', '', 0],
          // The event schema's rule (a barrier only with End of life), as for POST /devices/{id}/repairs.
          [6, 'bad_4', 'NOT_ALLOWED', 'repair_barrier_if_end_of_life', 11],
        ],
      );
    });

    it('records an organisation may not record: a collector does not import repairs', async () => {
      const answer = (
        await postOrds(app.as('a-collector', 'collector'), `${header}\n${row({ id: 'col_1' })}\n`).expect(200)
      ).body as OrdsImportResponse;
      expect(answer.summary).toMatchObject({ imported: 0, refused: 1 });
      expect(answer.errors[0]).toMatchObject({ code: 'FORBIDDEN', recordId: 'col_1' });
    });
  });
});

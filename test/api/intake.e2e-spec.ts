/**
 * Spreadsheet intake (issue 16, Build 1; docs/import.md, "Spreadsheets"): a collector's sheet of
 * category, weight and label number becomes DeviceCollected events through a saved column mapping,
 * run as a job through the bulk import.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiConfig } from '../../apps/api/src/config.js';
import type { IntakeJobStatus } from '../../apps/api/src/intake/intake.controller.js';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import { SqliteIntakeStore } from '#kierto/import';
import { parseCsv, XLSX_MEDIA_TYPE } from '#kierto/interop';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

const CSV = 'text/csv';
const COLLECTOR = 'city-reuse-centre';

const MAPPING = {
  eventType: 'DeviceCollected',
  columns: {
    occurredAt: 'Date',
    'data.product.weeeCategory': 'Category',
    'data.product.weightKg': 'Weight (kg)',
    'data.product.localId.value': 'Label',
    'data.country': 'Country',
  },
  constants: {
    'data.product.localId.issuer': COLLECTOR,
    'data.collectionPointId': 'cp-kalasatama',
    'data.channel': 'municipal',
    'data.source': 'household',
    'data.condition': 'unknown',
  },
};

const HEADER = ['Label', 'Category', 'Weight (kg)', 'Date', 'Country', 'Note'];
type Row = [string, number | string, number | string, string | Date, string, string];

/** A good row n: a unique label, category 1–6, a plausible weight, a past date. */
function goodRow(n: number, prefix = 'L'): Row {
  return [
    `${prefix}-${String(n).padStart(5, '0')}`,
    (n % 6) + 1,
    0.5 + (n % 10) / 4,
    new Date(Date.UTC(2025, 8, 1 + (n % 28), 8)),
    'FI',
    `row ${n}`,
  ];
}

/** The seven bad rows, each refused for another reason, and the column each error names. */
const BAD: readonly { readonly at: number; readonly row: Row; readonly column: string }[] = [
  { at: 10, row: ['B-1', 9, 2, new Date(Date.UTC(2025, 8, 2)), 'FI', 'bad category'], column: 'Category' },
  { at: 50, row: ['B-2', 6, 500, new Date(Date.UTC(2025, 8, 2)), 'FI', 'implausible weight'], column: 'Weight (kg)' },
  { at: 100, row: ['', 5, 2, new Date(Date.UTC(2025, 8, 2)), 'FI', 'missing label'], column: 'Label' },
  { at: 200, row: ['B-4', 5, 2, '31.02.2025', 'FI', 'bad date'], column: 'Date' },
  { at: 300, row: ['B-5', 5, 2, new Date(Date.UTC(2025, 8, 2)), 'XX', 'unknown country'], column: 'Country' },
  { at: 400, row: ['B-6', 5, 2, '2099-01-01', 'FI', 'in the future'], column: 'Date' },
  // The label of row 1 again, weighed differently: a second collection of a collected device.
  { at: 450, row: ['L-00001', 5, 3, new Date(Date.UTC(2025, 9, 2)), 'FI', 'collected twice'], column: '' },
];

/** The code each bad row is refused with, in row order. */
const CODES = [
  'INVALID_VALUE',
  'WEIGHT_IMPLAUSIBLE',
  'REQUIRED',
  'INVALID_TIMESTAMP',
  'INVALID_VALUE',
  'OCCURRED_IN_FUTURE',
  'DEVICE_NOT_IN_USE',
];

function rowsWithBadOnes(count: number): Row[] {
  const rows: Row[] = [];
  for (let n = 1; rows.length < count; n += 1) {
    const bad = BAD.find((each) => each.at === rows.length + 1);
    rows.push(bad?.row ?? goodRow(n));
  }
  return rows;
}

async function xlsxOf(rows: readonly Row[], sheetName = 'Vastaanotto'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow(HEADER);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function csvOf(rows: readonly Row[]): string {
  const text = (cell: Row[number]): string => (cell instanceof Date ? cell.toISOString() : String(cell));
  return [HEADER, ...rows].map((row) => row.map((cell) => text(cell)).join(',')).join('\r\n') + '\r\n';
}

async function submit(
  client: Client,
  body: Buffer | string,
  type: string,
  mapping = 'kierros',
): Promise<IntakeJobStatus> {
  const response = await client.post(`/intake/jobs?mapping=${mapping}`).set('Content-Type', type).send(body);
  expect(response.status).toBe(202);
  const job = response.body as IntakeJobStatus;
  expect(response.headers['location']).toBe(`/intake/jobs/${job.id}`);
  return job;
}

/** Polls a job until it ends (bounded: 600 polls), keeping every status seen. */
async function finished(client: Client, id: string, seen: IntakeJobStatus[] = []): Promise<IntakeJobStatus> {
  for (let poll = 0; poll < 600; poll += 1) {
    const status = (await client.get(`/intake/jobs/${id}`).expect(200)).body as IntakeJobStatus;
    seen.push(status);
    if (status.state === 'done' || status.state === 'failed') return status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`job ${id} did not finish`);
}

/** The suite on one store: SQLite, and PostgreSQL when a server is reachable (the intake tables of each). */
function intakeSuite(config: () => Partial<ApiConfig>, cleanup: (config: Partial<ApiConfig>) => Promise<void>): void {
  let app: TestApp;
  let collector: Client;
  let configured: Partial<ApiConfig>;

  beforeAll(async () => {
    configured = config();
    app = await startTestApp(configured);
    collector = app.as(COLLECTOR, 'collector');
    await collector.put('/intake/mappings/kierros').send(MAPPING).expect(200);
  });
  afterAll(async () => {
    await app.close();
    await cleanup(configured);
  });

  it('saves a mapping per organisation and reads it back', async () => {
    const saved = await collector.get('/intake/mappings/kierros').expect(200);
    expect(saved.body).toMatchObject({ name: 'kierros', mapping: MAPPING });
    const other = await app.as('other-collector', 'collector').get('/intake/mappings/kierros');
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('MAPPING_NOT_FOUND');
  });

  it('refuses a mapping with an unknown target field, naming it', async () => {
    const response = await collector
      .put('/intake/mappings/bad')
      .send({ ...MAPPING, columns: { ...MAPPING.columns, 'data.product.colour': 'Colour' } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_MAPPING');
    expect(response.body.error.fields).toContainEqual(
      expect.objectContaining({ code: 'UNKNOWN_TARGET_FIELD', field: 'columns.data.product.colour' }),
    );
  });

  it('refuses a mapping with an unknown event type or without occurredAt', async () => {
    const unknown = await collector.put('/intake/mappings/bad').send({ ...MAPPING, eventType: 'DeviceStolen' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields).toContainEqual(
      expect.objectContaining({ code: 'UNKNOWN_EVENT_TYPE', field: 'eventType' }),
    );
    const { occurredAt: _omitted, ...columns } = MAPPING.columns;
    const timeless = await collector.put('/intake/mappings/bad').send({ ...MAPPING, columns });
    expect(timeless.status).toBe(400);
    expect(timeless.body.error.fields).toContainEqual(
      expect.objectContaining({ code: 'REQUIRED', field: 'columns.occurredAt' }),
    );
  });

  it('refuses a mapping of an event type the organisation may not record', async () => {
    const response = await collector.put('/intake/mappings/resales').send({
      eventType: 'DeviceResold',
      columns: { occurredAt: 'Date', deviceId: 'Device' },
    });
    expect(response.status).toBe(403);
    expect(response.body.error).toMatchObject({
      code: 'FORBIDDEN',
      fields: [expect.objectContaining({ field: 'eventType' })],
    });
  });

  it('previews the first rows as import lines with their errors, importing nothing', async () => {
    const rows = [goodRow(1, 'P'), BAD[0]!.row];
    const head = await app.store.headPosition();
    const response = await collector
      .post('/intake/preview?mapping=kierros&rows=2')
      .set('Content-Type', XLSX_MEDIA_TYPE)
      .send(await xlsxOf(rows));
    expect(response.status).toBe(200);
    expect(response.body.rows).toBe(2);
    const [good, bad] = response.body.preview as { row: number; line: Record<string, unknown>; errors: unknown[] }[];
    expect(good).toMatchObject({
      row: 2,
      errors: [],
      line: {
        type: 'DeviceCollected',
        occurredAt: '2025-09-02T08:00:00.000Z',
        data: {
          country: 'FI',
          channel: 'municipal',
          product: { weeeCategory: 2, weightKg: 0.75, localId: { issuer: COLLECTOR, value: 'P-00001' } },
        },
      },
    });
    expect(bad).toMatchObject({ row: 3, errors: [expect.objectContaining({ column: 'Category' })] });
    expect(await app.store.headPosition()).toBe(head);
  });

  it('imports a 500-row XLSX but its 7 bad rows, which errors.csv returns with reasons; the same file again imports nothing', async () => {
    const rows = rowsWithBadOnes(500);
    const file = await xlsxOf(rows);
    const job = await submit(collector, file, XLSX_MEDIA_TYPE);
    expect(job).toMatchObject({ state: 'queued', rows: 500 });
    const done = await finished(collector, job.id);
    expect(done).toMatchObject({ state: 'done', rows: 500, rowsRead: 500, imported: 493, duplicates: 0, refused: 7 });
    expect(done.lastPosition).toEqual(expect.any(Number));

    const report = await collector.get(`/intake/jobs/${job.id}/errors.csv`).expect(200);
    expect(report.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...refused] = parseCsv(report.text).map((record) => record.fields);
    expect(header).toEqual([...HEADER, 'error']);
    expect(refused.map((fields) => fields[5])).toEqual(BAD.map((bad) => bad.row[5]));
    refused.forEach((fields, index) => {
      const bad = BAD[index]!;
      expect(fields[0]).toBe(bad.row[0]);
      expect(fields[6]).toMatch(/^[A-Z_]+[ :]/);
      expect(fields[6]).toContain(bad.column === '' ? ': ' : ` ${bad.column}: `);
    });
    expect(refused.map((fields) => fields[6]!.split(/[ :]/)[0])).toEqual(CODES);

    const again = await finished(collector, (await submit(collector, file, XLSX_MEDIA_TYPE)).id);
    expect(again).toMatchObject({ state: 'done', imported: 0, duplicates: 493, refused: 7, lastPosition: null });
  });

  it('imports a CSV the same way, and shows its progress moving while it runs', async () => {
    const rows = Array.from({ length: 6_000 }, (_, index) => goodRow(index + 1, 'C'));
    rows[99] = BAD[1]!.row;
    const seen: IntakeJobStatus[] = [];
    const done = await finished(collector, (await submit(collector, csvOf(rows), CSV)).id, seen);
    expect(done).toMatchObject({ state: 'done', rows: 6_000, rowsRead: 6_000, imported: 5_999, refused: 1 });
    const between = seen.filter(
      (status) => status.state === 'running' && status.rowsRead > 0 && status.rowsRead < 6_000,
    );
    expect(between.length).toBeGreaterThan(0);
    expect(between[0]!.rowsPerSecond).toBeGreaterThan(0);
    expect(between[0]!.etaSeconds).toEqual(expect.any(Number));
  });

  describe('refuses', () => {
    it('a job without a mapping, or with one the organisation has not saved', async () => {
      const none = await collector
        .post('/intake/jobs')
        .set('Content-Type', CSV)
        .send(csvOf([goodRow(1)]));
      expect(none.status).toBe(400);
      expect(none.body.error).toMatchObject({
        code: 'REQUIRED',
        fields: [expect.objectContaining({ field: 'mapping' })],
      });
      const unknown = await collector
        .post('/intake/jobs?mapping=nope')
        .set('Content-Type', CSV)
        .send(csvOf([goodRow(1)]));
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('MAPPING_NOT_FOUND');
    });

    it('a sheet without a column the mapping names', async () => {
      const response = await collector
        .post('/intake/jobs?mapping=kierros')
        .set('Content-Type', CSV)
        .send('Label,Category,Date\r\nL-1,5,2025-09-01\r\n');
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('INVALID_MAPPING');
      expect(response.body.error.fields).toContainEqual(
        expect.objectContaining({ code: 'UNKNOWN_COLUMN', field: 'columns.data.product.weightKg' }),
      );
    });

    it('a body that is not CSV or XLSX', async () => {
      const response = await collector
        .post('/intake/jobs?mapping=kierros')
        .set('Content-Type', 'application/json')
        .send('{}');
      expect(response.status).toBe(415);
      expect(response.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const multipart = await collector
        .post('/intake/jobs?mapping=kierros')
        .attach('file', Buffer.from(csvOf([goodRow(1)])), 'sheet.csv');
      expect(multipart.status).toBe(415);
    });

    it('an empty sheet, a sheet of only a header, and bytes that are not a workbook', async () => {
      for (const [body, type] of [
        ['', CSV],
        [`${HEADER.join(',')}\r\n`, CSV],
        [await xlsxOf([]), XLSX_MEDIA_TYPE],
        [Buffer.from('not a zip'), XLSX_MEDIA_TYPE],
      ] as const) {
        const response = await collector.post('/intake/jobs?mapping=kierros').set('Content-Type', type).send(body);
        expect(response.status).toBe(400);
        expect(['EMPTY_SHEET', 'INVALID_SPREADSHEET']).toContain(response.body.error.code);
      }
    });

    it('a worksheet the workbook does not have, naming the ones it has', async () => {
      const response = await collector
        .post('/intake/jobs?mapping=kierros&sheet=Syyskuu')
        .set('Content-Type', XLSX_MEDIA_TYPE)
        .send(await xlsxOf([goodRow(1)]));
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        code: 'SHEET_NOT_FOUND',
        fields: [expect.objectContaining({ field: 'sheet' })],
      });
      expect(response.body.error.message).toContain('"Vastaanotto"');
    });

    it("an unknown job, and another organisation's job, as not found", async () => {
      const job = await submit(collector, csvOf([goodRow(1, 'O')]), CSV);
      await finished(collector, job.id);
      const other = app.as('other-collector', 'collector');
      for (const path of [`/intake/jobs/${job.id}`, `/intake/jobs/${job.id}/errors.csv`, '/intake/jobs/no-such-job']) {
        const response = await other.get(path);
        expect(response.status).toBe(404);
        expect(response.body.error.code).toBe('JOB_NOT_FOUND');
      }
    });

    it('intake to an organisation without the import permission', async () => {
      const response = await app.as('intake-auditor', 'auditor').get('/intake/mappings/kierros');
      expect(response.status).toBe(403);
    });
  });
}

describe('spreadsheet intake on SQLite', () => {
  intakeSuite(
    () => ({}),
    () => Promise.resolve(),
  );
});

describeIfPostgres('spreadsheet intake on PostgreSQL', () => {
  intakeSuite(
    () => ({ databaseUrl: postgres.url, databaseSchema: createTestSchema('kierto_intake') }),
    async (config) => {
      if (config.databaseSchema !== undefined) await dropTestSchema(config.databaseSchema);
    },
  );
});

describe('spreadsheet intake limits', () => {
  let app: TestApp;

  beforeAll(async () => {
    process.env['KIERTO_INTAKE_BODY_LIMIT'] = '2000';
    process.env['KIERTO_INTAKE_MAX_ROWS'] = '20';
    try {
      app = await startTestApp();
    } finally {
      delete process.env['KIERTO_INTAKE_BODY_LIMIT'];
      delete process.env['KIERTO_INTAKE_MAX_ROWS'];
    }
  });
  afterAll(async () => {
    await app.close();
  });

  it('refuses a sheet over the size or the row limit with 413', async () => {
    const collector = app.as(COLLECTOR, 'collector');
    await collector.put('/intake/mappings/kierros').send(MAPPING).expect(200);
    const rows = Array.from({ length: 21 }, (_, index) => goodRow(index + 1));
    const tooMany = await collector.post('/intake/jobs?mapping=kierros').set('Content-Type', CSV).send(csvOf(rows));
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error.code).toBe('TOO_MANY_ROWS');
    const large = csvOf(
      Array.from({ length: 20 }, (_, index) => [`L-${'x'.repeat(120)}-${index}`, 5, 2, '2025-09-01', 'FI', ''] as Row),
    );
    const tooLarge = await collector.post('/intake/jobs?mapping=kierros').set('Content-Type', CSV).send(large);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe('IMPORT_TOO_LARGE');
  });
});

describe('spreadsheet intake after a restart', () => {
  it('marks a job the previous process left running as failed, saying a re-run imports nothing twice; a running job has no error report yet', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kierto-intake-restart-'));
    const left = new SqliteIntakeStore(join(dataDir, 'access.sqlite'));
    await left.init();
    const progress = {
      rows: 10,
      rowsRead: 5,
      imported: 5,
      duplicates: 0,
      refused: 0,
      rowsPerSecond: 5,
      etaSeconds: 1,
      elapsedMs: 1000,
    };
    const job = {
      id: 'job-left-running',
      organisationId: COLLECTOR,
      mapping: 'kierros',
      state: 'running' as const,
      columns: HEADER,
      progress,
      lastPosition: null,
      failure: null,
      createdAt: '2026-01-01T00:00:00Z',
      finishedAt: null,
    };
    await left.saveJob(job);
    await left.saveJob({ ...job, id: 'job-done', state: 'done', finishedAt: '2026-01-01T00:01:00Z' });
    await left.close();
    const app = await startTestApp({ dataDir });
    try {
      const collector = app.as(COLLECTOR, 'collector');
      const failed = (await collector.get('/intake/jobs/job-left-running').expect(200)).body as IntakeJobStatus;
      expect(failed).toMatchObject({ state: 'failed', rowsRead: 5, imported: 5 });
      expect(failed.failure).toContain('nothing is imported twice');
      expect(failed.finishedAt).toEqual(expect.any(String));
      expect((await collector.get('/intake/jobs/job-done').expect(200)).body).toMatchObject({
        state: 'done',
        failure: null,
      });
      // A job running now (written as this process's queue would) has no error report yet.
      const running = new SqliteIntakeStore(join(dataDir, 'access.sqlite'));
      await running.init();
      await running.saveJob({ ...job, id: 'job-running-now' });
      await running.close();
      const early = await collector.get('/intake/jobs/job-running-now/errors.csv');
      expect(early.status).toBe(409);
      expect(early.body.error.code).toBe('JOB_NOT_FINISHED');
      expect((await collector.get('/intake/jobs/job-left-running/errors.csv').expect(200)).text).toBe(
        `${HEADER.join(',')},error\r\n`,
      );
    } finally {
      await app.close();
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../../apps/cli/src/run-cli.js';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import { validateDocument } from '#kierto/schemas';
import { idOf, Lifecycle, productOf, type Recorded } from '../support/lifecycle.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

function expectValid(name: 'ProjectionStatus' | 'Passport' | 'CollectionRate', body: unknown): void {
  const validation = validateDocument(name, body);
  expect(validation.ok ? [] : validation.errors).toEqual([]);
}

async function placeSome(app: TestApp, prefix: string, count: number): Promise<Recorded[]> {
  const kierto = new Lifecycle(app.api);
  const placed: Recorded[] = [];
  for (let index = 0; index < count; index += 1) {
    placed.push(
      await kierto.place(
        `2025-03-0${index + 1}T10:00:00Z`,
        'producer-fi-1',
        'FI',
        productOf({ serialNumber: `${prefix}-${index}`, weeeCategory: 4, weightKg: 40 }),
      ),
    );
  }
  return placed;
}

describe('the projector inside the API: lag, read-your-writes, restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kierto-projections-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('shows the lag while no projector runs, and answers 503 PROJECTION_NOT_CAUGHT_UP after the bounded wait', async () => {
    const app = await startTestApp({ dataDir, runProjector: false, projectionWaitMs: 100 });
    try {
      const placed = await placeSome(app, 'LAG', 3);
      const status = await app.api.get('/projections/status');
      expect(status.status).toBe(200);
      expectValid('ProjectionStatus', status.body);
      expect(status.body).toMatchObject({
        head: 3,
        projections: [
          { name: 'passports', checkpoint: 0, lag: 3 },
          { name: 'statistics', checkpoint: 0, lag: 3 },
          { name: 'stock', checkpoint: 0, lag: 3 },
        ],
        projector: { runsHere: false, state: 'stopped', lastError: null },
      });
      const started = Date.now();
      const waited = await app.api.get(`/passports/${placed[2]?.id ?? ''}`).query({ minPosition: 3 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
      expect(waited.status).toBe(503);
      expect(waited.headers['retry-after']).toBeDefined();
      expect(waited.body.error).toMatchObject({
        code: 'PROJECTION_NOT_CAUGHT_UP',
        fields: [{ field: 'minPosition', message: 'checkpoint 0' }],
      });
      expect(waited.body.error.message).toMatch(/position 0, not yet at 3/);
      const statistics = await app.api.get('/statistics/collection-rate').query({ year: 2026, minPosition: 1 });
      expect(statistics.status).toBe(503);
    } finally {
      await app.close();
    }
  });

  it('catches up from its checkpoint when the API starts again with its projector', async () => {
    const app = await startTestApp({ dataDir });
    try {
      const lagged = idOf(productOf({ serialNumber: 'LAG-2', weeeCategory: 4, weightKg: 40 }));
      const passport = await app.api.get(`/passports/${lagged}`).query({ minPosition: 3 });
      expect(passport.status).toBe(200);
      expectValid('Passport', passport.body);
      const more = await placeSome(app, 'MORE', 2);
      const rate = await app.api
        .get('/statistics/report')
        .query({ year: 2025, country: 'FI', minPosition: more[1]?.position ?? 0 });
      expect(rate.body.totals.placedOnMarket).toMatchObject({ kg: 200, units: 5 });
      const status = await app.api.get('/projections/status');
      expect(status.body).toMatchObject({
        head: 5,
        projections: [
          { name: 'passports', checkpoint: 5, lag: 0 },
          { name: 'statistics', checkpoint: 5, lag: 0 },
          { name: 'stock', checkpoint: 5, lag: 0 },
        ],
        projector: { runsHere: true, state: 'following' },
      });
    } finally {
      await app.close();
    }
  });

  it('documents the read-model endpoints in OpenAPI, with their document schemas', async () => {
    const app = await startTestApp({ dataDir, runProjector: false });
    try {
      const openApi = (await app.api.get('/docs-json')).body;
      for (const path of [
        '/projections/status',
        '/passports/{deviceId}',
        '/01/{gtin}/21/{serial}',
        '/statistics/collection-rate',
        '/statistics/recovery-rates',
        '/statistics/report',
        '/statistics/indicators',
        '/statistics/facts',
        '/producers/{producerId}/memberships',
        '/producers/{producerId}/departures',
      ]) {
        expect(Object.keys(openApi.paths)).toContain(path);
      }
      const rate = openApi.paths['/statistics/collection-rate'].get;
      expect(rate.responses['200'].content['application/json'].schema.properties.rate).toBeDefined();
      expect(rate.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
        expect.arrayContaining(['year', 'country', 'organisationId', 'asOf', 'minPosition', 'format']),
      );
    } finally {
      await app.close();
    }
  });

  it('is also run by the CLI: project brings the read models up, rebuild replays them from zero', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      out: (line: string) => out.push(line),
      err: (line: string) => err.push(line),
      env: { KIERTO_DATA_DIR: dataDir },
    };
    expect(await runCli(['project'], io)).toBe(0);
    expect(out).toEqual([
      'applied 0 events',
      'passports: checkpoint 5, head 5, lag 0',
      'statistics: checkpoint 5, head 5, lag 0',
      'stock: checkpoint 5, head 5, lag 0',
    ]);
    out.length = 0;
    expect(await runCli(['rebuild', '--projection', 'statistics', '--page-size', '2'], io)).toBe(0);
    expect(out[0]).toMatch(/^rebuilt statistics: 5 events in \d+\.\d\d s \(\d+ events\/s\)$/);
    expect(await runCli(['rebuild', '--projection', 'audit'], io)).toBe(2);
    expect(err.at(-1)).toMatch(/usage: kierto rebuild/);
    expect(await runCli(['project', '--page-size', '0'], io)).toBe(2);
    expect(
      await runCli(['project'], {
        ...io,
        env: { KIERTO_DATA_DIR: dataDir, KIERTO_REPORTING_TIME_ZONE: 'Mars/Olympus' },
      }),
    ).toBe(1);
    expect(err.at(-1)).toMatch(/KIERTO_REPORTING_TIME_ZONE/);
  });
});

describeIfPostgres('passports and statistics on PostgreSQL', () => {
  const schema = createTestSchema('kierto_api_rm');
  let app: TestApp | undefined;
  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  });

  it('serves the same documents as on SQLite, read models next to the store', async () => {
    app = await startTestApp({ databaseUrl: postgres.url, databaseSchema: schema });
    const kierto = new Lifecycle(app.api);
    const years = { 2022: 1000, 2023: 1100, 2024: 1200 };
    for (const [year, kg] of Object.entries(years)) {
      await kierto.place(
        `${year}-05-01T00:00:00Z`,
        'producer-pg',
        'FI',
        productOf({ serialNumber: `PG-${year}`, weeeCategory: 1, weightKg: kg }),
      );
    }
    const collected = await kierto.collectNew(
      productOf({ serialNumber: 'PG-C', weeeCategory: 1, weightKg: 880 }),
      '2025-02-01T00:00:00Z',
      'FI',
    );
    const rate = await app.api
      .get('/statistics/collection-rate')
      .query({ year: 2025, minPosition: collected.position });
    expect(rate.status).toBe(200);
    expectValid('CollectionRate', rate.body);
    expect(rate.body).toMatchObject({
      computable: true,
      rate: { percent: 80, display: '80.0' },
      target: { percent: 65 },
      met: true,
    });
    const passport = await app.api.get(`/passports/${collected.id}`);
    expect(passport.status).toBe(200);
    expectValid('Passport', passport.body);
    expect(passport.body.status).toMatchObject({ lifecycle: 'collected', holder: { kind: 'collector' } });
    const status = await app.api.get('/projections/status');
    expect(status.body.projections).toEqual([
      expect.objectContaining({ name: 'passports', lag: 0 }),
      expect.objectContaining({ name: 'statistics', lag: 0 }),
      expect.objectContaining({ name: 'stock', lag: 0 }),
    ]);
  });
});

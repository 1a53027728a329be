import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { newEvent } from '#kierto/event-store/testing';
import { PROJECTION_NAMES } from '#kierto/projections';
import { loadConfig } from '../../apps/api/src/config.js';
import { createApp } from '../../apps/api/src/create-app.js';
import { JsonLogger } from '../../apps/api/src/http/json-logger.js';
import type { ProjectorRunner } from '../../apps/api/src/projections/projector-runner.js';
import { PROJECTOR_RUNNER } from '../../apps/api/src/projections/projections.tokens.js';
import { example, LAPTOP_ID, startTestApp, type TestApp } from '../support/test-app.js';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of a Prometheus text exposition (comments skipped). */
function parseMetrics(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (match === null) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1] ?? ''] = pair[2] ?? '';
      return { name: match[1] ?? '', labels, value: Number(match[3]) };
    });
}

function valueOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  )?.value;
}

const IMPORT_LINE = JSON.stringify({
  type: 'DevicePlacedOnMarket',
  occurredAt: '2025-03-01T10:00:00Z',
  data: {
    producerId: 'test-producer',
    country: 'FI',
    market: 'household',
    product: {
      manufacturer: 'Example Oy',
      brand: 'Example',
      model: 'X1',
      serialNumber: 'SN-METRICS-1',
      weeeCategory: 5,
      weightKg: 2.5,
      yearOfManufacture: 2024,
      hasDataStorage: false,
      materials: [],
      hazardousSubstances: [],
      repairInformation: {},
    },
  },
});

describe('GET /metrics', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('counts requests per route template and status class, appends by type, import lines, and shows the projector', async () => {
    await app.api.post('/devices').send(example('place-laptop-on-market')).expect(201);
    await app.api.get(`/passports/${LAPTOP_ID}`).query({ minPosition: 1 }).expect(200);
    await app.api.get(`/passports/${LAPTOP_ID}`).expect(200);
    await app.api.get('/passports/gtin:09506000134352:NOPE-1').expect(404);
    await request(app.http).get('/no/such/route/abc123').expect(404);
    const token = await app.tokenOf('test-producer', 'producer');
    await request(app.http)
      .post('/imports')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/x-ndjson')
      .send(`${IMPORT_LINE}\n{"type":"Nonsense"}\n`)
      .expect(200);

    const scraped = await app.api.get('/metrics').expect(200);
    expect(scraped.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseMetrics(scraped.text);
    const requests = (labels: Record<string, string>) => valueOf(samples, 'kierto_http_requests_total', labels);
    expect(requests({ method: 'POST', route: '/devices', status_class: '2xx' })).toBe(1);
    expect(requests({ method: 'GET', route: '/passports/:deviceId', status_class: '2xx' })).toBe(2);
    expect(requests({ method: 'GET', route: '/passports/:deviceId', status_class: '4xx' })).toBe(1);
    expect(requests({ method: 'GET', route: 'unmatched', status_class: '4xx' })).toBe(1);
    // Bounded label values: no raw path (device id, random URL) becomes a series.
    const routes = samples.flatMap((sample) => (sample.labels['route'] === undefined ? [] : [sample.labels['route']]));
    expect(routes.filter((route) => route.includes('LAP-0001') || route.includes('abc123'))).toEqual([]);
    expect(valueOf(samples, 'kierto_http_request_duration_seconds_count', { method: 'POST', route: '/devices' })).toBe(
      1,
    );
    expect(valueOf(samples, 'kierto_events_appended_total', { type: 'DevicePlacedOnMarket' })).toBe(2);
    expect(valueOf(samples, 'kierto_import_lines_total', { outcome: 'imported' })).toBe(1);
    expect(valueOf(samples, 'kierto_import_lines_total', { outcome: 'refused' })).toBe(1);
    expect(valueOf(samples, 'kierto_projector_leader')).toBe(1);
    expect(valueOf(samples, 'kierto_projector_lag_events', { projection: 'passports' })).toBeGreaterThanOrEqual(0);
    expect(valueOf(samples, 'kierto_projector_lag_events', { projection: 'statistics' })).toBeGreaterThanOrEqual(0);

    // The counters move between scrapes.
    await app.api.get(`/passports/${LAPTOP_ID}`).expect(200);
    const again = parseMetrics((await app.api.get('/metrics').expect(200)).text);
    expect(
      valueOf(again, 'kierto_http_requests_total', {
        method: 'GET',
        route: '/passports/:deviceId',
        status_class: '2xx',
      }),
    ).toBe(3);
  });

  it('needs a key with projections:read (auditor, admin)', async () => {
    const anonymous = await request(app.http).get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('MISSING_CREDENTIALS');
    const producer = await app.as('metrics-producer', 'producer').get('/metrics');
    expect(producer.status).toBe(403);
    expect(producer.body.error.code).toBe('FORBIDDEN');
  });

  it('answers 404 with KIERTO_METRICS=off', async () => {
    const off = await startTestApp({ metrics: false });
    try {
      const response = await off.api.get('/metrics');
      expect(response.status).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('keeps one registry per application: a second app counts only its own requests', async () => {
    const other = await startTestApp();
    try {
      const samples = parseMetrics((await other.api.get('/metrics').expect(200)).text);
      expect(valueOf(samples, 'kierto_http_requests_total', { route: '/devices' })).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});

describe('GET /health/live and /health/ready', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kierto-ready-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is live and ready when the store answers and the read models are within the bound', async () => {
    const app = await startTestApp({ readyMaxLag: 0 });
    try {
      expect((await request(app.http).get('/health/live').expect(200)).body).toEqual({ status: 'live' });
      await app.api.post('/devices').send(example('place-laptop-on-market')).expect(201);
      await app.api.get(`/passports/${LAPTOP_ID}`).query({ minPosition: 1 }).expect(200);
      await app.api.get('/statistics/collection-rate').query({ minPosition: 1, year: 2025 });
      const ready = await request(app.http).get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({
        status: 'ready',
        headPosition: 1,
        lag: Object.fromEntries(PROJECTION_NAMES.map((name) => [name, 0])),
        maxLag: 0,
      });
    } finally {
      await app.close();
    }
  });

  it('answers 503 PROJECTOR_LAGGING, naming the read models, when the lag is over KIERTO_READY_MAX_LAG', async () => {
    const config = loadConfig({ KIERTO_DATA_DIR: dataDir, KIERTO_READY_MAX_LAG: '1', LOG_LEVEL: 'silent' });
    const { app, store } = await createApp(config, new JsonLogger('silent'));
    await app.init();
    try {
      // The projector stuck (stopped here): events arrive, nothing applies them.
      await app.get<symbol, ProjectorRunner>(PROJECTOR_RUNNER).stop();
      await store.append('mfr:x:1', [newEvent({ type: 'DevicePlacedOnMarket' })], 'no-stream');
      const http = app.getHttpServer() as Server;
      expect((await request(http).get('/health/ready')).status).toBe(200);
      await store.append('mfr:x:2', [newEvent({ type: 'DevicePlacedOnMarket' })], 'no-stream');
      const lagging = await request(http).get('/health/ready');
      expect(lagging.status).toBe(503);
      expect(lagging.body.error).toMatchObject({ status: 503, code: 'PROJECTOR_LAGGING' });
      expect(lagging.body.error.message).toMatch(/passports 2, statistics 2/);
      // Liveness does not depend on it, and neither does the old /health.
      await request(http).get('/health/live').expect(200);
      await request(http).get('/health').expect(200);
    } finally {
      await app.close();
    }
  });

  it('answers 503 STORE_UNREACHABLE when the event store cannot be read', async () => {
    const config = loadConfig({
      KIERTO_DATA_DIR: mkdtempSync(join(tmpdir(), 'kierto-ready-gone-')),
      LOG_LEVEL: 'silent',
    });
    const { app, store } = await createApp(config, new JsonLogger('silent'));
    await app.init();
    try {
      await app.get<symbol, ProjectorRunner>(PROJECTOR_RUNNER).stop();
      await store.close();
      const http = app.getHttpServer() as Server;
      const down = await request(http).get('/health/ready');
      expect(down.status).toBe(503);
      expect(down.body.error.code).toBe('STORE_UNREACHABLE');
      await request(http).get('/health/live').expect(200);
    } finally {
      await app.close().catch(() => undefined);
    }
  });
});

describe('logs while a command is handled', () => {
  it('carry the correlation id of the request', async () => {
    const lines: string[] = [];
    const app = await startTestApp({ logLevel: 'debug' }, new JsonLogger('debug', (line) => lines.push(line)));
    try {
      await app.api
        .post('/devices')
        .set('X-Correlation-Id', 'corr-ops-1')
        .send(example('place-laptop-on-market'))
        .expect(201);
      const handled = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry['context'] === 'RecordDeviceEvent');
      expect(handled).toEqual([
        expect.objectContaining({
          level: 'debug',
          msg: `PlaceDeviceOnMarket on ${LAPTOP_ID}: 1 event(s)`,
          correlationId: 'corr-ops-1',
        }),
      ]);
    } finally {
      await app.close();
    }
  });
});

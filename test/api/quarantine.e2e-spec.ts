/**
 * The quarantine (ADR 0011) end to end: after an event that cannot be projected is forced into the store (through the
 * EventStore port, past the edge), passports and statistics of every other device stay current, and
 * the quarantine shows it in GET /projections/status and in `kierto quarantine`. SQLite and PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../../apps/cli/src/run-cli.js';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import { validateDocument } from '#kierto/schemas';
import { idOf, Lifecycle, productOf } from '../support/lifecycle.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Appends a placing on market of 1e13 kg straight through the port: the API would refuse it now. */
async function forcePoison(app: TestApp, serialNumber: string): Promise<{ id: string; position: number }> {
  const product = { ...productOf({ serialNumber, weeeCategory: 4, weightKg: 40 }), weightKg: 1e13, materials: [] };
  const id = idOf(product);
  const result = await app.store.append(
    id,
    [
      {
        eventId: `00000000-0000-4000-9000-${serialNumber.padStart(12, '0').slice(-12)}`,
        type: 'DevicePlacedOnMarket',
        schemaVersion: 1,
        occurredAt: '2025-03-01T10:00:00Z',
        actor: { organisationId: 'producer-fi-1', role: 'producer', keyId: 'forced' },
        correlationId: 'forced-past-the-edge',
        causationId: null,
        data: { producerId: 'producer-fi-1', country: 'FI', market: 'household', product },
        metadata: {},
      },
    ],
    'no-stream',
  );
  return { id, position: result.events[0]?.globalPosition ?? 0 };
}

async function poisonedLog(
  app: TestApp,
): Promise<{ poison: { id: string; position: number }; last: { id: string; position: number } }> {
  const kierto = new Lifecycle(app.api);
  await kierto.place(
    '2025-03-01T09:00:00Z',
    'producer-fi-1',
    'FI',
    productOf({ serialNumber: 'Q-1', weeeCategory: 4, weightKg: 40 }),
  );
  const poison = await forcePoison(app, '000000000777');
  await kierto.place(
    '2025-03-02T09:00:00Z',
    'producer-fi-1',
    'FI',
    productOf({ serialNumber: 'Q-2', weeeCategory: 4, weightKg: 60 }),
  );
  const last = await kierto.place(
    '2025-03-03T09:00:00Z',
    'producer-fi-1',
    'FI',
    productOf({ serialNumber: 'Q-3', weeeCategory: 4, weightKg: 100 }),
  );
  return { poison, last };
}

async function expectCurrentDespitePoison(app: TestApp): Promise<{ id: string; position: number }> {
  const { poison, last } = await poisonedLog(app);
  // Before the quarantine these answered 503 PROJECTION_NOT_CAUGHT_UP for ever: the page with the poison never committed.
  const passport = await app.api.get(`/passports/${last.id}`).query({ minPosition: last.position });
  expect(passport.status).toBe(200);
  const report = await app.api
    .get('/statistics/report')
    .query({ year: 2025, country: 'FI', minPosition: last.position });
  expect(report.status).toBe(200);
  expect(report.body.totals.placedOnMarket).toMatchObject({ kg: 200, units: 3 });
  // The passports do not share the statistics' failure: the poison device has its passport.
  expect((await app.api.get(`/passports/${poison.id}`)).status).toBe(200);

  const status = await app.api.get('/projections/status');
  expect(status.status).toBe(200);
  const validation = validateDocument('ProjectionStatus', status.body);
  expect(validation.ok ? [] : validation.errors).toEqual([]);
  expect(status.body.projections).toEqual([
    expect.objectContaining({ name: 'passports', lag: 0, quarantined: 0 }),
    expect.objectContaining({ name: 'statistics', lag: 0, quarantined: 1 }),
    expect.objectContaining({ name: 'stock', lag: 0, quarantined: 0 }),
  ]);
  expect(status.body.quarantine).toEqual([
    {
      projection: 'statistics',
      globalPosition: poison.position,
      eventId: expect.any(String),
      eventType: 'DevicePlacedOnMarket',
      streamId: poison.id,
      reason: expect.stringContaining('RangeError: A mass of 10000000000000 kg is outside 0–10000 kg'),
      quarantinedAt: expect.any(String),
    },
  ]);
  return poison;
}

describe('a poison event on SQLite', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kierto-quarantine-'));
  let app: TestApp | undefined;
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is quarantined; every other device stays current; the status and the CLI show it', async () => {
    const started = await startTestApp({ dataDir });
    app = started;
    const poison = await expectCurrentDespitePoison(started);
    await started.close();
    app = undefined;

    const out: string[] = [];
    const err: string[] = [];
    const env = { KIERTO_DATA_DIR: dataDir, KIERTO_REPORTING_TIME_ZONE: 'UTC' };
    const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line), env };
    expect(await runCli(['quarantine'], io)).toBe(0);
    expect(out.slice(0, 3)).toEqual(['passports: 0 quarantined', 'statistics: 1 quarantined', 'stock: 0 quarantined']);
    expect(out[3]).toMatch(
      new RegExp(`^${poison.position}\\tstatistics\\tDevicePlacedOnMarket\\t${poison.id}\\t.*RangeError`),
    );
    // The code still refuses the event: re-projecting it fails and leaves it quarantined.
    expect(await runCli(['quarantine', '--retry', String(poison.position)], io)).toBe(1);
    expect(err.at(-1)).toMatch(new RegExp(`^statistics: position ${poison.position} still fails: RangeError`));
    expect(await runCli(['quarantine', '--retry', '1'], io)).toBe(1);
    expect(err.at(-1)).toBe('no read model holds position 1 in quarantine');
    expect(await runCli(['quarantine', '--retry', 'x'], io)).toBe(2);
    expect(await runCli(['quarantine', '--projection', 'statistics'], io)).toBe(2);
    expect(await runCli(['quarantine', '--retry', '1', '--projection', 'audit'], io)).toBe(2);
  });
});

describeIfPostgres('a poison event on PostgreSQL', () => {
  const schema = createTestSchema('kierto_api_quarantine');
  let app: TestApp | undefined;
  afterAll(async () => {
    await app?.close();
    await dropTestSchema(schema);
  });

  it('is quarantined; every other device stays current; the status shows it', async () => {
    app = await startTestApp({ databaseUrl: postgres.url, databaseSchema: schema });
    await expectCurrentDespitePoison(app);
  });
});

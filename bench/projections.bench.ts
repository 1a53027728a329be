/**
 * Projection benchmark (docs/benchmarks.md): rebuild speed, and the latency of a year's statistics and of
 * passport reads with BENCH_DEVICES devices stored (default 1 000 000).
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/projections.bench.js
 *   BENCH_DEVICES=100000 BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test node dist/bench/projections.bench.js
 *
 * BENCH_KEEP=1 keeps the store (and prints where); BENCH_STORE=<file> re-runs the projections over a
 * kept SQLite store without seeding again.
 *
 * The log is written with appendMany (one append per device history, in batches), not through the
 * command handler: this measures the projections, not the command path. Histories follow the rules:
 * placed on market (or collected first), then maybe collected, then wiped and resold or recycled.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresEventStore } from '#kierto/event-store/postgres';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import type { AppendRequest, EventStore, JsonObject, NewEvent } from '#kierto/event-store';
import {
  kiertoProjections,
  passportAt,
  PostgresReadModelStore,
  Projector,
  SqliteReadModelStore,
  StatisticsQueries,
  type ReadModelStore,
  type StatisticsFilters,
} from '#kierto/projections';

const DEVICES = Number(process.env['BENCH_DEVICES'] ?? 1_000_000);
const POSTGRES_URL = process.env['BENCH_DATABASE_URL'];
const PRODUCERS = 200;
/**
 * The seeding's appends are recorded as if spread over this many days up to now (one moment per
 * batch of 2 000 devices), so that "as of a past date" falls in a log recorded over time, as a real
 * one is, and not in one burst (docs/adr/0031).
 */
const RECORDING_DAYS = Number(process.env['BENCH_RECORDING_DAYS'] ?? 365);
const SEED_BATCH = 2_000;
const ORGANISATIONS = ['org-elker', 'org-serty', 'org-ict', 'org-recser'];

let seed = 42;
function random(): number {
  // Math.imul keeps the LCG in 32-bit integers: a plain multiply passes 2^53 and the sequence collapses.
  seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
  return seed / 4_294_967_296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const actor = { organisationId: 'bench', role: 'operator', keyId: 'bench' };

function event(type: string, occurredAt: string, data: JsonObject): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    occurredAt,
    actor,
    correlationId: 'bench',
    causationId: null,
    data,
    metadata: {},
  };
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** One device's whole history as one append. */
function deviceHistory(index: number): AppendRequest {
  const category = pick([1, 2, 3, 4, 5, 6] as const);
  const weightKg = Math.round((0.2 + random() * (category === 1 || category === 4 ? 80 : 8)) * 1000) / 1000;
  const serialNumber = `B-${index}`;
  const product = {
    manufacturer: 'Bench Devices Oy',
    brand: 'Bench',
    model: `Model ${category}`,
    serialNumber,
    weeeCategory: category,
    weightKg,
    yearOfManufacture: 2012 + Math.floor(random() * 12),
    hasDataStorage: category === 2 || category === 6,
    materials: [{ name: 'steel', massKg: weightKg / 2, criticalRawMaterial: false, recycledContentPercent: 20 }],
    hazardousSubstances: [],
    repairInformation: { repairabilityClass: 'C' },
  };
  const streamId = `mfr:bench~20devices~20oy:${serialNumber}`;
  let at = Date.parse('2016-01-01T00:00:00Z') + Math.floor(random() * 9.5 * 365) * 86_400_000;
  const events: NewEvent[] = [];
  const collectedFirst = random() < 0.1;
  const collection = (withProduct: boolean): JsonObject => ({
    collectionPointId: `point-${Math.floor(random() * 500)}`,
    channel: pick(['municipal', 'retailer-take-back', 'producer-take-back']),
    source: random() < 0.8 ? 'household' : 'non-household',
    country: 'FI',
    condition: 'unknown',
    ...(random() < 0.2 ? { onBehalfOf: pick(ORGANISATIONS) } : {}),
    ...(withProduct ? { product } : {}),
  });
  if (collectedFirst) {
    events.push(event('DeviceCollected', iso(at), collection(true)));
  } else {
    events.push(
      event('DevicePlacedOnMarket', iso(at), {
        producerId: `producer-${Math.floor(random() * PRODUCERS)}`,
        country: 'FI',
        market: random() < 0.75 ? 'household' : 'non-household',
        product,
      }),
    );
    if (random() < 0.6) {
      at += Math.floor(1 + random() * 1500) * 86_400_000;
      events.push(event('DeviceCollected', iso(at), collection(false)));
    } else {
      return { streamId, events, expectedRevision: 'no-stream' };
    }
  }
  at += Math.floor(1 + random() * 90) * 86_400_000;
  if (random() < 0.15) {
    if (product.hasDataStorage) {
      events.push(
        event('DeviceDataWiped', iso(at), {
          standard: 'NIST SP 800-88',
          method: 'purge',
          tool: { name: 'nwipe', version: '0.37' },
          media: [{ type: 'ssd', serialNumber: `S-${index}`, capacityGb: 256, result: 'passed' }],
          verification: { method: 'full', verified: true },
          result: 'passed',
          certificateId: `W-${index}`,
        }),
      );
    }
    events.push(
      event('DeviceResold', iso(at), {
        channel: 'shop',
        buyerType: 'consumer',
        country: 'FI',
        price: { amount: 50, currency: 'EUR' },
        warrantyMonths: 3,
      }),
    );
  } else if (random() < 0.6) {
    events.push(
      event('DeviceRecycled', iso(at), {
        facilityId: 'bench-recycler',
        treatmentCountry: pick(['FI', 'FI', 'FI', 'EE', 'SE', 'NO']),
        weightKg,
        outputs: [
          { material: 'metals', massKg: Math.round(weightKg * 600) / 1000, fate: 'recycled' },
          { material: 'plastics', massKg: Math.round(weightKg * 200) / 1000, fate: 'energy-recovery' },
          { material: 'residue', massKg: Math.round(weightKg * 100) / 1000, fate: 'disposal' },
        ],
      }),
    );
  }
  return { streamId, events, expectedRevision: 'no-stream' };
}

function memberships(): AppendRequest[] {
  const requests: AppendRequest[] = [];
  for (let producer = 0; producer < PRODUCERS; producer += 1) {
    const organisation = ORGANISATIONS[producer % ORGANISATIONS.length] ?? 'org-elker';
    const events = [event('ProducerJoinedOrganisation', '2015-01-01T00:00:00Z', { organisationId: organisation })];
    if (producer % 10 === 0) {
      const next = ORGANISATIONS[(producer + 1) % ORGANISATIONS.length] ?? 'org-serty';
      events.push(event('ProducerLeftOrganisation', '2021-07-01T00:00:00Z', { organisationId: organisation }));
      events.push(event('ProducerJoinedOrganisation', '2021-07-01T00:00:00Z', { organisationId: next }));
    }
    requests.push({ streamId: `producer:producer-${producer}`, events, expectedRevision: 'no-stream' });
  }
  return requests;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** The seeding's clock: the first append RECORDING_DAYS ago, the last one now, evenly apart. */
function recordingClock(): { clock: () => Date; at: (fraction: number) => string } {
  const appends = Math.ceil(DEVICES / SEED_BATCH) + 1;
  const end = Date.now();
  const start = end - RECORDING_DAYS * 86_400_000;
  const step = (end - start) / appends;
  let calls = 0;
  return {
    clock: () => new Date(Math.min(end, start + step * calls++)),
    at: (fraction) => new Date(start + (end - start) * fraction).toISOString(),
  };
}

/** Each read-model table's pg_total_relation_size (heap, TOAST and indexes), and per device. */
async function printTableSizes(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; bytes: string }>(
      `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC`,
      [schema],
    );
    for (const row of rows) {
      const bytes = Number(row.bytes);
      console.log(`table ${row.name}: ${(bytes / 1_048_576).toFixed(1)} MiB = ${Math.round(bytes / DEVICES)} B/device`);
    }
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kierto-bench-'));
  const recording = recordingClock();
  const schema = `kierto_projbench_${Date.now()}`;
  let store: EventStore;
  let readModels: ReadModelStore;
  const reuse = process.env['BENCH_STORE'];
  if (reuse !== undefined) {
    store = new SqliteEventStore({ file: reuse });
    readModels = new SqliteReadModelStore({ file: join(dir, 'projections.sqlite') });
  } else if (POSTGRES_URL === undefined) {
    store = new SqliteEventStore({ file: join(dir, 'kierto.sqlite'), clock: recording.clock });
    readModels = new SqliteReadModelStore({ file: join(dir, 'projections.sqlite') });
  } else {
    store = new PostgresEventStore({ connectionString: POSTGRES_URL, schema, clock: recording.clock });
    readModels = new PostgresReadModelStore({ connectionString: POSTGRES_URL, schema });
  }
  await store.init();
  const backend = POSTGRES_URL === undefined ? 'SQLite' : 'PostgreSQL';
  console.log(`${backend}: ${DEVICES} devices, ${PRODUCERS} producers, ${ORGANISATIONS.length} organisations`);
  try {
    const seeding = await timed(async () => {
      if (reuse !== undefined) return store.headPosition();
      await store.appendMany(memberships());
      for (let start = 0; start < DEVICES; start += SEED_BATCH) {
        const batch: AppendRequest[] = [];
        for (let index = start; index < Math.min(DEVICES, start + SEED_BATCH); index += 1)
          batch.push(deviceHistory(index));
        await store.appendMany(batch);
      }
      return store.headPosition();
    });
    console.log(`seeded ${seeding.value} events in ${(seeding.ms / 1000).toFixed(1)} s`);

    const projector = new Projector({
      store,
      readModels,
      projections: kiertoProjections({ reportingTimeZone: 'Europe/Helsinki' }),
    });
    await projector.prepare();
    const report = await projector.rebuild();
    console.log(
      `rebuild: ${report.events} events in ${report.seconds.toFixed(1)} s = ${report.eventsPerSecond} events/s`,
    );

    if (POSTGRES_URL !== undefined) await printTableSizes(POSTGRES_URL, schema);

    const queries = new StatisticsQueries(readModels, 'Europe/Helsinki');
    const all: StatisticsFilters = {
      country: 'FI',
      producerId: null,
      organisationId: null,
      category: null,
      market: null,
    };
    const cases: [string, () => Promise<unknown>][] = [
      ['collection rate 2024 (national)', () => queries.collectionRate({ year: 2024, filters: all, asOf: null })],
      [
        'collection rate 2024 (org-elker)',
        () => queries.collectionRate({ year: 2024, filters: { ...all, organisationId: 'org-elker' }, asOf: null }),
      ],
      ['recovery rates 2024', () => queries.recoveryRates({ year: 2024, filters: all, asOf: null })],
      [
        'report 2024 (org-serty)',
        () => queries.report({ year: 2024, filters: { ...all, organisationId: 'org-serty' }, asOf: null }),
      ],
      ['indicators 2024', () => queries.indicators({ year: 2024, filters: all, asOf: null })],
      [
        'facts page 2024 COL (org-ict)',
        () =>
          queries.facts({
            year: 2024,
            filters: { ...all, organisationId: 'org-ict' },
            asOf: null,
            measure: 'COL',
            treatment: null,
            after: null,
            limit: 100,
          }),
      ],
      [
        'collection rate 2024 as of now',
        () => queries.collectionRate({ year: 2024, filters: all, asOf: new Date().toISOString() }),
      ],
      [
        'report 2024 (org-serty) as of now',
        () =>
          queries.report({
            year: 2024,
            filters: { ...all, organisationId: 'org-serty' },
            asOf: new Date().toISOString(),
          }),
      ],
      [
        'collection rate 2024 as of a past date (half-way through the recordings)',
        () => queries.collectionRate({ year: 2024, filters: all, asOf: recording.at(0.5) }),
      ],
      [
        'report 2024 (org-serty) as of a past date (a third of the way)',
        () =>
          queries.report({
            year: 2024,
            filters: { ...all, organisationId: 'org-serty' },
            asOf: recording.at(1 / 3),
          }),
      ],
    ];
    for (const [name, run] of cases) {
      await run();
      const samples: number[] = [];
      for (let round = 0; round < (name.includes('as of') ? 10 : 20); round += 1) samples.push((await timed(run)).ms);
      console.log(
        `${name}: median ${percentile(samples, 50).toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms`,
      );
    }

    const reads: number[] = [];
    for (let round = 0; round < 2_000; round += 1) {
      const serial = Math.floor(random() * DEVICES);
      reads.push((await timed(() => passportAt(readModels, `mfr:bench~20devices~20oy:B-${serial}`))).ms);
    }
    console.log(
      `passport read: p50 ${percentile(reads, 50).toFixed(2)} ms, p99 ${percentile(reads, 99).toFixed(2)} ms`,
    );
  } finally {
    await readModels.close();
    await store.close();
    if (process.env['BENCH_KEEP'] === undefined) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir} / ${schema}`);
    if (POSTGRES_URL !== undefined && process.env['BENCH_KEEP'] === undefined) {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

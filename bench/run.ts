/**
 * `npm run bench` (docs/benchmarks.md): one run, one table, ratios measured side by side.
 *
 *   node dist/bench/run.js [--devices 2000] [--peer-devices 2000] [--only sqlite|postgres] [--no-emmett]
 *                          [--no-projections] [--no-http] [--http-seconds 10] [--parse-workers 0|N|auto]
 *                          [--out bench/results/<name>.json]
 *   BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test)
 *
 * 1. A deterministic WEEE-shaped NDJSON dataset (bench/dataset.ts) of N devices.
 * 2. Per backend (SQLite file, PostgreSQL schema):
 *    - Kierto import of the file (libs/import: parse, schema, decide, appendMany in 5 000-event batches);
 *    - the raw ceiling: the same file's rows into a copy of the events table with no domain logic
 *      (PostgreSQL COPY in ~1 MB chunks; SQLite 100-row prepared INSERTs in one transaction);
 *    - projection rebuild over the imported log, passport reads of random devices among all of them,
 *      a year's statistics query;
 *    - like with like on a subset of devices (bench/per-device.ts), after a CHECKPOINT and a pause so
 *      that neither side pays for the import's writes: one append per device, read + decide +
 *      expected-revision append, through Kierto and through Emmett, with 1, 8 and 16 appenders on
 *      PostgreSQL (same server, same settings) and sequentially on SQLite (both synchronous=FULL;
 *      Emmett in a child process, bench/emmett-sqlite.ts, so that a crash there is a row, not the end);
 *    - PostgreSQL: HTTP load on the real API in a child process (bench/http-load.ts), POST /devices
 *      and GET /passports/{id}, with the rate limits lifted for that process.
 * 3. Peak RSS of the process.
 *
 * Emmett lives in bench/peer (own package.json and lockfile, installed on demand, with
 * --legacy-peer-deps for SQLite) so its peer conflicts stay out of the main install.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createKey, PostgresAccessStore } from '#kierto/access';
import { copyIn, PostgresEventStore } from '#kierto/event-store/postgres';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import { EVENT_COLUMNS, type EventStore } from '#kierto/event-store';
import { importNdjson, type ImportSummary } from '#kierto/import';
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
import { datasetLines, mulberry32, type ImportLine } from './dataset.js';
import type { EmmettSqliteResult } from './emmett-sqlite.js';
import { load, startApi, type LoadResult } from './http-load.js';
import {
  benchActor as actor,
  deviceGroups,
  deviceIdFromProduct,
  deviceIds,
  emmettPerDevice,
  kiertoPerDevice,
  timed,
  type DeviceGroup,
  type EmmettStore,
} from './per-device.js';

const here = dirname(fileURLToPath(import.meta.url));
/** bench/ in the source tree, whether run from dist/bench or bench. */
const benchDir = existsSync(join(here, 'peer', 'package.json')) ? here : resolve(here, '..', '..', 'bench');
const peerDir = join(benchDir, 'peer');

interface Args {
  devices: number;
  peerDevices: number;
  only: 'sqlite' | 'postgres' | null;
  emmett: boolean;
  projections: boolean;
  http: boolean;
  httpSeconds: number;
  /** The import's parse worker threads (docs/adr/0034): 0, the default, parses in the importing thread. */
  parseWorkers: number | 'auto';
  out: string | null;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    devices: 2_000,
    peerDevices: 2_000,
    only: null,
    emmett: true,
    projections: true,
    http: true,
    httpSeconds: 10,
    parseWorkers: 0,
    out: null,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined) throw new Error(`${arg ?? ''} needs a value`);
      i += 1;
      return next;
    };
    if (arg === '--devices') args.devices = Number(value());
    else if (arg === '--peer-devices') args.peerDevices = Number(value());
    else if (arg === '--only') args.only = value() === 'sqlite' ? 'sqlite' : 'postgres';
    else if (arg === '--no-emmett') args.emmett = false;
    else if (arg === '--no-projections') args.projections = false;
    else if (arg === '--no-http') args.http = false;
    else if (arg === '--http-seconds') args.httpSeconds = Number(value());
    else if (arg === '--parse-workers') {
      const workers = value();
      args.parseWorkers = workers === 'auto' ? 'auto' : Number(workers);
    } else if (arg === '--out') args.out = value();
    else throw new Error(`unknown argument ${arg ?? ''}`);
  }
  if (!Number.isSafeInteger(args.devices) || args.devices < 1) throw new Error('--devices is a positive integer');
  if (args.parseWorkers !== 'auto' && !(Number.isSafeInteger(args.parseWorkers) && args.parseWorkers >= 0))
    throw new Error('--parse-workers is 0, a positive integer or auto');
  args.peerDevices = Math.min(args.peerDevices, args.devices);
  return args;
}

interface Row {
  readonly backend: string;
  readonly measure: string;
  readonly value: number;
  readonly unit: string;
  readonly note: string;
}

const rows: Row[] = [];
function record(backend: string, measure: string, value: number, unit: string, note = ''): void {
  rows.push({ backend, measure, value, unit, note });
  console.error(`  ${backend} ${measure}: ${format(value)} ${unit}${note ? ` (${note})` : ''}`);
}

const format = (value: number): string =>
  Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US').replaceAll(',', ' ') : value.toFixed(2);

const POSTGRES_URL = process.env['BENCH_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function writeDataset(file: string, devices: number): Promise<{ lines: number; bytes: number }> {
  const out = createWriteStream(file);
  let lines = 0;
  let chunk = '';
  for (const line of datasetLines(devices)) {
    chunk += `${JSON.stringify(line)}\n`;
    lines += 1;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return { lines, bytes: statSync(file).size };
}

// ---------------------------------------------------------------------------------------------------
// Raw ceiling: the same rows, no domain logic.

interface RawRow {
  position: number;
  values: (string | number | null)[];
}

/** Reads the dataset and yields rows shaped like the events table (positions, ids, hashes, JSON). */
async function* rawRows(file: string): AsyncGenerator<RawRow> {
  const revisions = new Map<string, number>();
  let position = 0;
  let prevHash = '0'.repeat(64);
  const recordedAt = new Date().toISOString();
  const correlationId = randomUUID();
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    const line = JSON.parse(text) as ImportLine;
    const streamId = line.deviceId ?? deviceIdFromProduct(line);
    const revision = (revisions.get(streamId) ?? -1) + 1;
    // Only the current device's revision is needed: the dataset keeps a device's lines together.
    if (revisions.size > 1_000) revisions.clear();
    revisions.set(streamId, revision);
    position += 1;
    const hash = createHash('sha256').update(prevHash).update(text).digest('hex');
    yield {
      position,
      values: [
        position,
        randomUUID(),
        streamId,
        revision,
        line.type,
        1,
        line.occurredAt,
        recordedAt,
        actor.organisationId,
        actor.role,
        actor.keyId,
        correlationId,
        null,
        JSON.stringify(line.data),
        `{"importLine":${position}}`,
        hash,
        prevHash,
      ],
    };
    prevHash = hash;
  }
}

/** The events table's columns: the raw ceiling writes the same rows as the adapters do. */
const COLUMNS = EVENT_COLUMNS;

function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return value.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}

/**
 * bench/peer/postgres (plain npm ci) and bench/peer/sqlite (npm ci --legacy-peer-deps: emmett-sqlite
 * pins an unpublished emmett version), each installed the first time it is needed.
 */
function peerRequire(peer: 'postgres' | 'sqlite'): NodeJS.Require {
  const dir = join(peerDir, peer);
  if (!existsSync(join(dir, 'node_modules'))) {
    const extra = peer === 'sqlite' ? ['--legacy-peer-deps'] : [];
    console.error(
      `installing the bench peer packages in ${dir} (npm ci ${extra.join(' ')}; sqlite3 may compile, ~1–2 min)`,
    );
    execFileSync('npm', ['ci', ...extra, '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  }
  return createRequire(join(dir, 'package.json'));
}

async function importPeer<T>(peer: 'postgres' | 'sqlite', name: string): Promise<T> {
  return (await import(pathToFileURL(peerRequire(peer).resolve(name)).href)) as T;
}

/**
 * The rows of the file with one COPY, sent in ~1 MB chunks as they are built. The chunks go through
 * Kierto's own copy-in (the pg protocol's CopyData messages, no extra package), the same bytes
 * pg-copy-streams sent in earlier runs.
 */
async function rawCeilingPostgres(file: string, schema: string): Promise<number> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  const raw = `${schema}_raw`;
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${raw}" CASCADE; CREATE SCHEMA "${raw}";
      CREATE TABLE "${raw}".events (LIKE "${schema}".events INCLUDING ALL)`);
    const { seconds, value } = await timed(async () => {
      let count = 0;
      async function* chunks(): AsyncGenerator<Buffer> {
        let chunk = '';
        for await (const row of rawRows(file)) {
          chunk += `${row.values.map(copyField).join('\t')}\n`;
          count += 1;
          if (chunk.length >= 1 << 20) {
            yield Buffer.from(chunk, 'utf8');
            chunk = '';
          }
        }
        if (chunk.length > 0) yield Buffer.from(chunk, 'utf8');
      }
      await copyIn(client, `COPY "${raw}".events (${COLUMNS.join(', ')}) FROM STDIN`, chunks());
      return count;
    });
    return value / seconds;
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS "${raw}" CASCADE`);
    await client.end();
  }
}

async function rawCeilingSqlite(file: string, kiertoFile: string, dir: string): Promise<number> {
  const source = new Database(kiertoFile, { readonly: true });
  const ddl = source
    .prepare<[], { sql: string }>(`SELECT sql FROM sqlite_master WHERE tbl_name = 'events' AND sql IS NOT NULL`)
    .all()
    .map((row) => row.sql);
  source.close();
  const db = new Database(join(dir, 'raw.sqlite'));
  db.pragma('journal_mode = WAL');
  for (const sql of ddl) db.exec(sql);
  const per = 100;
  const placeholders = `(${COLUMNS.map(() => '?').join(',')})`;
  const many = db.prepare(
    `INSERT INTO events (${COLUMNS.join(',')}) VALUES ${Array.from({ length: per }, () => placeholders).join(',')}`,
  );
  const one = db.prepare(`INSERT INTO events (${COLUMNS.join(',')}) VALUES ${placeholders}`);
  const { seconds, value } = await timed(async () => {
    let count = 0;
    let buffer: (string | number | null)[] = [];
    let buffered = 0;
    db.exec('BEGIN');
    for await (const row of rawRows(file)) {
      buffer.push(...row.values);
      buffered += 1;
      count += 1;
      if (buffered === per) {
        many.run(buffer);
        buffer = [];
        buffered = 0;
      }
    }
    for (let i = 0; i < buffered; i += 1) one.run(buffer.slice(i * COLUMNS.length, (i + 1) * COLUMNS.length));
    db.exec('COMMIT');
    return count;
  });
  db.close();
  return value / seconds;
}

// ---------------------------------------------------------------------------------------------------
// Like with like: one append per device (bench/per-device.ts).

/** Lets the server write out what the previous phase left (the import's pages) before a timed phase. */
async function checkpointAndPause(): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000));
}

const APPENDERS = [1, 8, 16] as const;

/** Emmett PostgreSQL, the fair way (read + decide + expected-version append), per appender count. */
async function emmettPostgres(groups: readonly DeviceGroup[]): Promise<number[]> {
  const emmett = await importPeer<{ getPostgreSQLEventStore: (url: string, options?: unknown) => EmmettStore }>(
    'postgres',
    '@event-driven-io/emmett-postgresql',
  );
  const store = emmett.getPostgreSQLEventStore(POSTGRES_URL);
  const rates: number[] = [];
  try {
    await store.schema?.migrate();
    for (const [index, appenders] of APPENDERS.entries()) {
      await store.schema?.dangerous.truncate({ resetSequences: true });
      await checkpointAndPause();
      rates.push(await emmettPerDevice(store, groups, appenders, `r${index}-`));
    }
    await store.schema?.dangerous.truncate({ resetSequences: true });
    return rates;
  } finally {
    await store.close?.();
  }
}

/**
 * Emmett SQLite in a child process (bench/emmett-sqlite.ts): a crash of node-sqlite3 (one run died
 * with SIGBUS) becomes a row of the table instead of the end of the run.
 */
async function emmettSqlite(
  groups: readonly DeviceGroup[],
  dir: string,
): Promise<{ ok: true; result: EmmettSqliteResult } | { ok: false; reason: string }> {
  try {
    peerRequire('sqlite'); // installs the peer on first use
  } catch (error) {
    return { ok: false, reason: `the peer packages could not be installed: ${String(error)}` };
  }
  const child = spawn(
    process.execPath,
    [join(here, 'emmett-sqlite.js'), join(peerDir, 'sqlite'), join(dir, 'emmett.sqlite'), String(groups.length)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  if (code !== 0) return { ok: false, reason: signal === null ? `exit code ${String(code)}` : `killed by ${signal}` };
  return { ok: true, result: JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as EmmettSqliteResult };
}

// ---------------------------------------------------------------------------------------------------
// Projections.

async function projections(
  backend: string,
  store: EventStore,
  readModels: ReadModelStore,
  devices: number,
): Promise<void> {
  const projector = new Projector({
    store,
    readModels,
    projections: kiertoProjections({ reportingTimeZone: 'Europe/Helsinki' }),
    pageSize: 2_000,
  });
  await projector.prepare();
  const report = await projector.rebuild();
  record(backend, 'projection rebuild', report.eventsPerSecond, 'events/s', `${report.events} events`);
  // Devices drawn from all of them, so a large table is read where it is cold too.
  const random = mulberry32(99);
  const ids = deviceIds(devices);
  const reads: number[] = [];
  for (let round = 0; round < 2_000; round += 1) {
    const deviceId = ids[Math.floor(random() * ids.length)] ?? '';
    const started = performance.now();
    await passportAt(readModels, deviceId);
    reads.push(performance.now() - started);
  }
  const note = `2 000 reads of random devices among all ${ids.length}`;
  record(backend, 'passport read p50', percentile(reads, 50), 'ms', note);
  record(backend, 'passport read p99', percentile(reads, 99), 'ms', note);
  const queries = new StatisticsQueries(readModels, 'Europe/Helsinki');
  const all: StatisticsFilters = {
    country: 'FI',
    producerId: null,
    organisationId: null,
    category: null,
    market: null,
  };
  const year = (): Promise<unknown> => queries.report({ year: 2021, filters: all, asOf: null });
  await year();
  const samples: number[] = [];
  for (let round = 0; round < 20; round += 1) {
    const started = performance.now();
    await year();
    samples.push(performance.now() - started);
  }
  record(backend, "year's statistics report p50", percentile(samples, 50), 'ms', 'national 2021 report, 20 runs');
  record(backend, "year's statistics report max", Math.max(...samples), 'ms', 'national 2021 report, 20 runs');
}

// ---------------------------------------------------------------------------------------------------
// HTTP: the real API in its own process.

const HTTP_CONNECTIONS = 16;
const HTTP_PRODUCER = 'producer-bench-http';

function statusNote(result: LoadResult): string {
  const statuses = Object.entries(result.statuses)
    .map(([status, count]) => `${count} × ${status === '0' ? 'no answer' : status}`)
    .join(', ');
  return `${HTTP_CONNECTIONS} connections; ${statuses}; p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms`;
}

/**
 * POST /devices (one DevicePlacedOnMarket per request, each a new device) and GET /passports/{id}
 * of random imported devices, on the API started on the bench's schema. Returns POST /devices per second.
 */
async function httpPhase(args: Args, schema: string, dir: string): Promise<number> {
  const backend = 'PostgreSQL';
  const access = new PostgresAccessStore(POSTGRES_URL, schema);
  await access.init();
  const now = new Date();
  await access.createOrganisation({
    id: HTTP_PRODUCER,
    name: 'Bench producer',
    roles: ['producer'],
    createdAt: now.toISOString(),
  });
  const { token } = await createKey(access, HTTP_PRODUCER, { label: 'bench', expiresAt: null, now });
  await access.close();
  const api = await startApi(resolve(here, '..', 'apps', 'api', 'src', 'main.js'), {
    DATABASE_URL: POSTGRES_URL,
    DATABASE_SCHEMA: schema,
    KIERTO_DATA_DIR: join(dir, 'api'),
    KIERTO_REPORTING_TIME_ZONE: 'Europe/Helsinki',
    LOG_LEVEL: 'error',
    // Lifted for this process only: the bench measures the command path, not the limiter.
    KIERTO_RATE_LIMIT_PER_MINUTE: '1000000',
    KIERTO_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '1000000',
  });
  try {
    const [template] = datasetLines(1);
    const product = (template?.data['product'] ?? {}) as Record<string, unknown>;
    const run = Date.now().toString(36);
    const body = (index: number): string =>
      JSON.stringify({
        occurredAt: '2026-01-15T09:00:00Z',
        producerId: HTTP_PRODUCER,
        country: 'FI',
        market: 'household',
        product: { ...product, gtin: undefined, serialNumber: `HTTP-${run}-${index}` },
      });
    const post = (index: number) => ({
      method: 'POST' as const,
      path: '/devices',
      body: body(index),
      headers: { authorization: `Bearer ${token}` },
    });
    await load(api.url, HTTP_CONNECTIONS, 2, (index) => post(1_000_000 + index)); // warm-up
    await checkpointAndPause();
    const posted = await load(api.url, HTTP_CONNECTIONS, args.httpSeconds, post);
    record(backend, 'HTTP POST /devices', posted.perSecond, 'requests/s', statusNote(posted));
    const ids = deviceIds(args.devices);
    const random = mulberry32(7);
    const read = await load(api.url, HTTP_CONNECTIONS, args.httpSeconds, () => ({
      method: 'GET',
      path: `/passports/${encodeURIComponent(ids[Math.floor(random() * ids.length)] ?? '')}`,
      headers: { accept: 'application/json' },
    }));
    record(backend, 'HTTP GET /passports/{id}', read.perSecond, 'requests/s', statusNote(read));
    return posted.perSecond;
  } finally {
    await api.stop();
  }
}

// ---------------------------------------------------------------------------------------------------

async function importFile(store: EventStore, file: string, parseWorkers: number | 'auto'): Promise<ImportSummary> {
  return importNdjson(store, createReadStream(file, { highWaterMark: 1 << 20 }), {
    actor,
    batchEvents: 5_000,
    parseWorkers,
  });
}

async function benchSqlite(args: Args, file: string, dir: string, groups: readonly DeviceGroup[]): Promise<void> {
  const backend = 'SQLite';
  const kiertoFile = join(dir, 'kierto.sqlite');
  const store = new SqliteEventStore({ file: kiertoFile });
  await store.init();
  const summary = await importFile(store, file, args.parseWorkers);
  record(
    backend,
    'Kierto import',
    summary.eventsPerSecond,
    'events/s',
    `${summary.imported} events, ${summary.refused} refused; parse workers ${String(args.parseWorkers)}`,
  );
  const ceiling = await rawCeilingSqlite(file, kiertoFile, dir);
  record(backend, 'raw ceiling (100-row prepared INSERTs, 1 tx)', ceiling, 'events/s');
  record(backend, 'Kierto import / raw ceiling', (summary.eventsPerSecond / ceiling) * 100, '%');
  if (args.projections) {
    const readModels = new SqliteReadModelStore({ file: join(dir, 'projections.sqlite') });
    await projections(backend, store, readModels, args.devices);
    await readModels.close();
  }
  await store.close();

  // Same durability as Emmett's node-sqlite3: synchronous=FULL (the WAL synced at every commit).
  const peerStore = new SqliteEventStore({ file: join(dir, 'peer.sqlite'), synchronous: 'full' });
  await peerStore.init();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const kierto = await kiertoPerDevice(peerStore, groups, 1);
  await peerStore.close();
  const events = groups.reduce((sum, group) => sum + group.lines.length, 0);
  const subset = `${groups.length} devices, ${events} events; read + decide + expected-revision append`;
  record(backend, 'Kierto command path, sequential', kierto, 'events/s', `${subset}; synchronous=FULL`);
  if (args.emmett) {
    const emmett = await emmettSqlite(groups, dir);
    if (!emmett.ok) {
      record(backend, 'Emmett, sequential: phase failed', 0, 'events/s', `${emmett.reason}; the run went on`);
      return;
    }
    const { sequential, journalMode, synchronous } = emmett.result;
    record(
      backend,
      'Emmett, sequential',
      sequential,
      'events/s',
      `${subset}; journal_mode=${journalMode}; synchronous ${synchronous}`,
    );
    record(backend, 'Kierto / Emmett, sequential', (kierto / sequential) * 100, '%');
  }
}

async function benchPostgres(args: Args, file: string, dir: string, groups: readonly DeviceGroup[]): Promise<void> {
  const backend = 'PostgreSQL';
  const schema = `kierto_bench_${Date.now()}`;
  const peerSchemas = APPENDERS.map((appenders) => `${schema}_a${appenders}`);
  const store = new PostgresEventStore({ connectionString: POSTGRES_URL, schema, poolSize: 10 });
  try {
    await store.init();
    const summary = await importFile(store, file, args.parseWorkers);
    record(
      backend,
      'Kierto import',
      summary.eventsPerSecond,
      'events/s',
      `${summary.imported} events, ${summary.refused} refused; parse workers ${String(args.parseWorkers)}`,
    );
    const ceiling = await rawCeilingPostgres(file, schema);
    record(backend, 'raw ceiling (COPY, 1 MB chunks)', ceiling, 'events/s');
    record(backend, 'Kierto import / raw ceiling', (summary.eventsPerSecond / ceiling) * 100, '%');
    if (args.projections) {
      const readModels = new PostgresReadModelStore({ connectionString: POSTGRES_URL, schema });
      await projections(backend, store, readModels, args.devices);
      await readModels.close();
    }
    await storagePostgres(schema, summary.imported, args.devices);
    await store.close();

    const events = groups.reduce((sum, group) => sum + group.lines.length, 0);
    const subset = `${groups.length} devices, ${events} events; read + decide + expected-revision append; pool 10`;
    const kierto: number[] = [];
    for (const [index, appenders] of APPENDERS.entries()) {
      const peer = new PostgresEventStore({ connectionString: POSTGRES_URL, schema: peerSchemas[index], poolSize: 10 });
      await peer.init();
      await checkpointAndPause();
      kierto.push(await kiertoPerDevice(peer, groups, appenders));
      await peer.close();
    }
    APPENDERS.forEach((appenders, index) =>
      record(backend, `Kierto command path, ${appenders} appender(s)`, kierto[index] ?? 0, 'events/s', subset),
    );
    const emmett = args.emmett
      ? await emmettPostgres(groups).catch((error: unknown) => {
          // The peer's failure is a row of the table; Kierto's figures above still stand.
          record(backend, 'Emmett: phase failed', 0, 'events/s', String(error).slice(0, 200));
          return [];
        })
      : [];
    APPENDERS.forEach((appenders, index) => {
      const peer = emmett[index];
      if (peer === undefined) return;
      record(backend, `Emmett, ${appenders} appender(s)`, peer, 'events/s', subset);
      record(backend, `Kierto / Emmett, ${appenders} appender(s)`, ((kierto[index] ?? 0) / peer) * 100, '%');
    });
    if (args.http && args.projections) {
      const posts = await httpPhase(args, schema, dir);
      const emmett16 = emmett[APPENDERS.length - 1];
      if (emmett16 !== undefined) {
        record(
          backend,
          'HTTP POST /devices / Emmett 16 appenders',
          (posts / emmett16) * 100,
          '%',
          'requests vs events',
        );
      }
    }
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    for (const name of [schema, ...peerSchemas]) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await client.end();
  }
}

/**
 * What the store and read models take on disk (tables with their indexes and TOAST), per event and
 * per device: the inputs of the capacity model (docs/capacity.md). Measured after the rebuild, before
 * the per-device phases add their own schemas.
 */
async function storagePostgres(schema: string, events: number, devices: number): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query('CHECKPOINT');
    const result = await client.query<{ table: string; bytes: string }>(
      `SELECT c.relname AS table, pg_total_relation_size(c.oid) AS bytes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [schema],
    );
    const bytesOf = (table: string): number => Number(result.rows.find((row) => row.table === table)?.bytes ?? 0);
    const total = result.rows.reduce((sum, row) => sum + Number(row.bytes), 0);
    const backend = 'PostgreSQL';
    record(
      backend,
      'events table on disk, per event',
      bytesOf('events') / Math.max(events, 1),
      'bytes',
      'rows, indexes, TOAST',
    );
    record(backend, 'passports on disk, per device', bytesOf('passports') / Math.max(devices, 1), 'bytes');
    record(
      backend,
      'everything on disk, per device',
      total / Math.max(devices, 1),
      'bytes',
      `${result.rows.length} tables`,
    );
  } finally {
    await client.end();
  }
}

async function postgresSettings(): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const names = [
      'server_version',
      'fsync',
      'synchronous_commit',
      'shared_buffers',
      'wal_level',
      'max_wal_size',
      'work_mem',
    ];
    const result = await client.query<{ name: string; setting: string; unit: string | null }>(
      'SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)',
      [names],
    );
    return Object.fromEntries(
      result.rows.map((row) => [row.name, row.unit ? `${row.setting} ${row.unit}` : row.setting]),
    );
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'kierto-bench-'));
  const started = new Date();
  try {
    const file = join(dir, 'dataset.ndjson');
    const generated = await timed(() => writeDataset(file, args.devices));
    console.error(
      `dataset: ${args.devices} devices, ${generated.value.lines} lines, ${(generated.value.bytes / 1e6).toFixed(1)} MB in ${generated.seconds.toFixed(1)} s`,
    );
    const groups = deviceGroups(args.peerDevices);
    if (args.only !== 'postgres') await benchSqlite(args, file, dir, groups);
    if (args.only !== 'sqlite') await benchPostgres(args, file, dir, groups);
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    record('process', 'peak RSS', peakRssMb, 'MB');

    const table = [
      `| backend | measure | value | unit | note |`,
      `|---|---|---:|---|---|`,
      ...rows.map((row) => `| ${row.backend} | ${row.measure} | ${format(row.value)} | ${row.unit} | ${row.note} |`),
    ].join('\n');
    console.log(
      `\nKierto bench: ${args.devices} devices (${generated.value.lines} events), peer subset ${args.peerDevices} devices, ${started.toISOString()}\n`,
    );
    console.log(table);
    const result = {
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      args,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? '',
        totalMemGiB: totalmem() / 2 ** 30,
        node: process.version,
      },
      postgres: args.only === 'sqlite' ? null : await postgresSettings(),
      dataset: generated.value,
      rows,
    };
    const out =
      args.out ??
      join(benchDir, 'results', `bench-${args.devices}-${started.toISOString().replace(/[:.]/g, '-')}.json`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nwritten ${out}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

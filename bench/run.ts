/**
 * `npm run bench` (docs/benchmarks.md): one run, one table, ratios measured side by side.
 *
 *   node dist/bench/run.js [--devices 2000] [--peer-devices 2000] [--only sqlite|postgres] [--no-emmett]
 *                          [--no-projections] [--out bench/results/<name>.json]
 *   BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test)
 *
 * 1. A deterministic WEEE-shaped NDJSON dataset (bench/dataset.ts) of N devices.
 * 2. Per backend (SQLite file, PostgreSQL schema):
 *    - Kierto import of the file (libs/import: parse, schema, decide, appendMany in 5 000-event batches);
 *    - the raw ceiling: the same file's rows into a copy of the events table with no domain logic
 *      (PostgreSQL COPY in ~1 MB chunks; SQLite 100-row prepared INSERTs in one transaction);
 *    - like with like on a subset of devices: one append per device through Kierto's command path
 *      (read stream, decide each line, append with the revision read) against Emmett's appendToStream
 *      of the same events, sequential and with 8 concurrent appenders (Emmett SQLite: sequential only,
 *      one connection, journal mode checked);
 *    - projection rebuild over the imported log, passport read p50/p99, a year's statistics query.
 * 3. Peak RSS of the process.
 *
 * Emmett and pg-copy-streams live in bench/peer (own package.json and lockfile, installed on demand
 * with --legacy-peer-deps) so their peer conflicts stay out of the main install.
 */
import { execFileSync } from 'node:child_process';
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
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { decideCommand, deviceStreams, foldStream } from '#kierto/application';
import { deviceCommandOf, deviceIdOf, type DeviceEventType, type EventDataByType } from '#kierto/domain';
import { PostgresEventStore } from '#kierto/event-store/postgres';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import { EVENT_COLUMNS, type EventStore, type JsonObject, type NewEvent } from '#kierto/event-store';
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
  out: string | null;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { devices: 2_000, peerDevices: 2_000, only: null, emmett: true, projections: true, out: null };
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
    else if (arg === '--out') args.out = value();
    else throw new Error(`unknown argument ${arg ?? ''}`);
  }
  if (!Number.isSafeInteger(args.devices) || args.devices < 1) throw new Error('--devices is a positive integer');
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

const actor = { organisationId: 'org-bench', role: 'operator', keyId: 'bench-key' };
const POSTGRES_URL = process.env['BENCH_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

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

/** The devices of the dataset's first `count` devices, each with its lines. */
function deviceGroups(count: number): { deviceId: string; lines: ImportLine[] }[] {
  const groups: { deviceId: string; lines: ImportLine[] }[] = [];
  for (const line of datasetLines(count)) {
    const deviceId = line.deviceId ?? deviceIdFromProduct(line);
    const last = groups.at(-1);
    if (last?.deviceId === deviceId) last.lines.push(line);
    else groups.push({ deviceId, lines: [line] });
  }
  return groups;
}

function deviceIdFromProduct(line: ImportLine): string {
  const product = line.data['product'] as { manufacturer: string; serialNumber: string };
  return deviceIdOf({ manufacturer: product.manufacturer, serialNumber: product.serialNumber });
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

async function rawCeilingPostgres(file: string, schema: string): Promise<number> {
  const { from } = await importPeer<{ from: (sql: string) => NodeJS.WritableStream }>('postgres', 'pg-copy-streams');
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  const raw = `${schema}_raw`;
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${raw}" CASCADE; CREATE SCHEMA "${raw}";
      CREATE TABLE "${raw}".events (LIKE "${schema}".events INCLUDING ALL)`);
    const { seconds, value } = await timed(async () => {
      const copy = client.query(
        from(`COPY "${raw}".events (${COLUMNS.join(', ')}) FROM STDIN`) as never,
      ) as unknown as NodeJS.WritableStream;
      let count = 0;
      async function* chunks(): AsyncGenerator<string> {
        let chunk = '';
        for await (const row of rawRows(file)) {
          chunk += `${row.values.map(copyField).join('\t')}\n`;
          count += 1;
          if (chunk.length >= 1 << 20) {
            yield chunk;
            chunk = '';
          }
        }
        if (chunk.length > 0) yield chunk;
      }
      await pipeline(chunks, copy);
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
// Like with like: one append per device.

/** Kierto's command path, one append per device: read the stream, decide each line, append. */
async function kiertoPerDevice(
  store: EventStore,
  groups: readonly { deviceId: string; lines: ImportLine[] }[],
  concurrency: number,
): Promise<number> {
  const now = new Date().toISOString();
  const correlationId = randomUUID();
  let next = 0;
  let events = 0;
  const worker = async (): Promise<void> => {
    while (next < groups.length) {
      const group = groups[next] as { deviceId: string; lines: ImportLine[] };
      next += 1;
      let { state, revision } = foldStream(deviceStreams, await store.readStream(group.deviceId));
      const newEvents: NewEvent[] = [];
      for (const line of group.lines) {
        // The dataset is valid by construction: its data is that of its event type.
        const data = line.data as unknown as EventDataByType[DeviceEventType];
        const command = deviceCommandOf(line.type as DeviceEventType, {
          deviceId: group.deviceId,
          occurredAt: line.occurredAt,
          now,
          data,
        });
        const decided = decideCommand(deviceStreams, state, command, {
          eventId: () => randomUUID(),
          actor,
          correlationId,
          causationId: null,
          metadata: {},
          parsedJson: line.data as JsonObject,
        });
        state = decided.state;
        newEvents.push(...decided.events);
      }
      await store.append(group.deviceId, newEvents, revision ?? 'no-stream');
      revision = null;
      events += newEvents.length;
    }
  };
  const { seconds } = await timed(() => Promise.all(Array.from({ length: concurrency }, worker)));
  return events / seconds;
}

interface EmmettStore {
  appendToStream(
    name: string,
    events: { type: string; data: Record<string, unknown> }[],
    options?: unknown,
  ): Promise<unknown>;
  close?(): Promise<void>;
  schema?: { migrate(): Promise<void>; dangerous: { truncate(options?: unknown): Promise<void> } };
}

async function emmettRun(
  store: EmmettStore,
  groups: readonly { deviceId: string; lines: ImportLine[] }[],
  concurrency: number,
  prefix: string,
): Promise<number> {
  let next = 0;
  let events = 0;
  const worker = async (): Promise<void> => {
    while (next < groups.length) {
      const group = groups[next] as { deviceId: string; lines: ImportLine[] };
      next += 1;
      await store.appendToStream(
        `device-${prefix}${group.deviceId}`,
        group.lines.map((line) => ({ type: line.type, data: line.data })),
      );
      events += group.lines.length;
    }
  };
  const { seconds } = await timed(() => Promise.all(Array.from({ length: concurrency }, worker)));
  return events / seconds;
}

async function emmettPostgres(
  groups: readonly { deviceId: string; lines: ImportLine[] }[],
): Promise<{ sequential: number; concurrent: number }> {
  const emmett = await importPeer<{ getPostgreSQLEventStore: (url: string, options?: unknown) => EmmettStore }>(
    'postgres',
    '@event-driven-io/emmett-postgresql',
  );
  const store = emmett.getPostgreSQLEventStore(POSTGRES_URL);
  try {
    await store.schema?.migrate();
    await store.schema?.dangerous.truncate({ resetSequences: true });
    const sequential = await emmettRun(store, groups, 1, 'a-');
    await store.schema?.dangerous.truncate({ resetSequences: true });
    const concurrent = await emmettRun(store, groups, 8, 'b-');
    await store.schema?.dangerous.truncate({ resetSequences: true });
    return { sequential, concurrent };
  } finally {
    await store.close?.();
  }
}

async function emmettSqlite(
  groups: readonly { deviceId: string; lines: ImportLine[] }[],
  dir: string,
): Promise<{ sequential: number; journalMode: string }> {
  const emmett = await importPeer<{
    getSQLiteEventStore: (options: unknown) => EmmettStore;
    sqliteConnection: (options: { fileName: string }) => { close(): void };
  }>('sqlite', '@event-driven-io/emmett-sqlite');
  const fileName = join(dir, 'emmett.sqlite');
  const connection = emmett.sqliteConnection({ fileName });
  const store = emmett.getSQLiteEventStore({
    fileName,
    connectionOptions: { singleton: true, connection },
    schema: { autoMigration: 'CreateOrUpdate' },
  });
  await store.appendToStream('device-warmup', [{ type: 'Warmup', data: {} }]);
  const sequential = await emmettRun(store, groups, 1, '');
  connection.close();
  const check = new Database(fileName, { readonly: true });
  const journalMode = String(check.pragma('journal_mode', { simple: true }));
  check.close();
  return { sequential, journalMode };
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
  const random = mulberry32(99);
  const groups = deviceGroups(Math.min(devices, 5_000));
  const reads: number[] = [];
  for (let round = 0; round < 2_000; round += 1) {
    const group = groups[Math.floor(random() * groups.length)] as { deviceId: string };
    const started = performance.now();
    await passportAt(readModels, group.deviceId);
    reads.push(performance.now() - started);
  }
  record(backend, 'passport read p50', percentile(reads, 50), 'ms', '2 000 reads');
  record(backend, 'passport read p99', percentile(reads, 99), 'ms', '2 000 reads');
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

async function importFile(store: EventStore, file: string): Promise<ImportSummary> {
  return importNdjson(store, createReadStream(file, { highWaterMark: 1 << 20 }), { actor, batchEvents: 5_000 });
}

async function benchSqlite(
  args: Args,
  file: string,
  dir: string,
  groups: readonly { deviceId: string; lines: ImportLine[] }[],
): Promise<void> {
  const backend = 'SQLite';
  const kiertoFile = join(dir, 'kierto.sqlite');
  const store = new SqliteEventStore({ file: kiertoFile });
  await store.init();
  const summary = await importFile(store, file);
  record(
    backend,
    'Kierto import',
    summary.eventsPerSecond,
    'events/s',
    `${summary.imported} events, ${summary.refused} refused`,
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

  const peerStore = new SqliteEventStore({ file: join(dir, 'peer.sqlite') });
  await peerStore.init();
  const kierto = await kiertoPerDevice(peerStore, groups, 1);
  await peerStore.close();
  const events = groups.reduce((sum, group) => sum + group.lines.length, 0);
  const subset = `${groups.length} devices, ${events} events`;
  record(backend, 'Kierto command path, 1 append/device, sequential', kierto, 'events/s', subset);
  if (args.emmett) {
    const emmett = await emmettSqlite(groups, dir);
    record(
      backend,
      'Emmett appendToStream, sequential',
      emmett.sequential,
      'events/s',
      `${subset}; journal_mode=${emmett.journalMode}`,
    );
    record(backend, 'Kierto / Emmett, sequential', (kierto / emmett.sequential) * 100, '%');
  }
}

async function benchPostgres(
  args: Args,
  file: string,
  groups: readonly { deviceId: string; lines: ImportLine[] }[],
): Promise<void> {
  const backend = 'PostgreSQL';
  const schema = `kierto_bench_${Date.now()}`;
  const peerSchemas = [`${schema}_seq`, `${schema}_par`];
  const store = new PostgresEventStore({ connectionString: POSTGRES_URL, schema, poolSize: 10 });
  try {
    await store.init();
    const summary = await importFile(store, file);
    record(
      backend,
      'Kierto import',
      summary.eventsPerSecond,
      'events/s',
      `${summary.imported} events, ${summary.refused} refused`,
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
    const subset = `${groups.length} devices, ${events} events`;
    const kierto: number[] = [];
    for (const [index, concurrency] of [1, 8].entries()) {
      const peer = new PostgresEventStore({ connectionString: POSTGRES_URL, schema: peerSchemas[index], poolSize: 10 });
      await peer.init();
      kierto.push(await kiertoPerDevice(peer, groups, concurrency));
      await peer.close();
    }
    record(backend, 'Kierto command path, 1 append/device, sequential', kierto[0] ?? 0, 'events/s', subset);
    record(
      backend,
      'Kierto command path, 1 append/device, 8 appenders',
      kierto[1] ?? 0,
      'events/s',
      `${subset}; pool 10`,
    );
    if (args.emmett) {
      const emmett = await emmettPostgres(groups);
      record(backend, 'Emmett appendToStream, sequential', emmett.sequential, 'events/s', subset);
      record(backend, 'Emmett appendToStream, 8 appenders', emmett.concurrent, 'events/s', `${subset}; pool 10`);
      record(backend, 'Kierto / Emmett, sequential', ((kierto[0] ?? 0) / emmett.sequential) * 100, '%');
      record(backend, 'Kierto / Emmett, 8 appenders', ((kierto[1] ?? 0) / emmett.concurrent) * 100, '%');
      record(
        backend,
        'Kierto bulk import / Emmett 8 appenders',
        (summary.eventsPerSecond / emmett.concurrent) * 100,
        '%',
      );
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
    if (args.only !== 'sqlite') await benchPostgres(args, file, groups);
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

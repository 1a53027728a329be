/**
 * How long the in-process projector can hold up request handling on the embedded store
 * (docs/projections.md). better-sqlite3 is synchronous, so while the projector reads and writes a page nothing else
 * in the process runs: the longest event-loop stall is the longest any request waits behind it.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/projector-stall.bench.js
 *   BENCH_DEVICES=20000 BENCH_PAGE_BUDGET_MS=50 node dist/bench/projector-stall.bench.js
 *
 * It imports BENCH_DEVICES devices (bench/dataset.ts) into a SQLite store, then lets a projector catch
 * up from zero, once with a fixed page size (the rebuild's, no budget) and once with the page budget
 * the API's projector uses, and prints for each: the gaps between the turns of the event loop while
 * projecting (a 1 ms interval timer notes each turn; the gap from the last turn to the end counts
 * too, so a catch-up that never lets the loop turn shows as one gap as long as itself) and the rate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import { importNdjson } from '#kierto/import';
import { kiertoProjections, Projector, SqliteReadModelStore } from '#kierto/projections';
import { EMBEDDED_PAGE_BUDGET_MS } from '#kierto/projections';
import { datasetLines } from './dataset.js';

const devices = Number(process.env['BENCH_DEVICES'] ?? 20_000);
const budgetMs = Number(process.env['BENCH_PAGE_BUDGET_MS'] ?? EMBEDDED_PAGE_BUDGET_MS);

interface Run {
  readonly label: string;
  readonly events: number;
  readonly seconds: number;
  readonly maxMs: number;
  readonly p99Ms: number;
  readonly p50Ms: number;
}

async function project(
  store: SqliteEventStore,
  dir: string,
  label: string,
  pageBudgetMs: number | undefined,
): Promise<Run> {
  const readModels = new SqliteReadModelStore({ file: join(dir, `${label.replace(/\W+/g, '-')}.sqlite`) });
  const projector = new Projector({
    store,
    readModels,
    projections: kiertoProjections({ reportingTimeZone: 'UTC' }),
    pageBudgetMs,
  });
  await projector.prepare();
  const gaps: number[] = [];
  const started = performance.now();
  let lastTurn = started;
  const ticker = setInterval(() => {
    const now = performance.now();
    gaps.push(now - lastTurn);
    lastTurn = now;
  }, 1);
  const events = await projector.catchUp();
  const ended = performance.now();
  clearInterval(ticker);
  gaps.push(ended - lastTurn);
  await readModels.close();
  gaps.sort((a, b) => a - b);
  const at = (percent: number): number =>
    gaps[Math.min(gaps.length - 1, Math.floor((gaps.length * percent) / 100))] ?? 0;
  return { label, events, seconds: (ended - started) / 1000, maxMs: gaps.at(-1) ?? 0, p99Ms: at(99), p50Ms: at(50) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kierto-stall-'));
  try {
    const store = new SqliteEventStore({ file: join(dir, 'kierto.sqlite') });
    await store.init();
    const lines = Readable.from(
      (function* () {
        for (const line of datasetLines(devices)) yield `${JSON.stringify(line)}\n`;
      })(),
    );
    const summary = await importNdjson(store, lines, {
      actor: { organisationId: 'bench', role: 'operator', keyId: 'bench' },
      batchEvents: 5_000,
    });
    console.log(`SQLite store: ${devices} devices, ${summary.imported} events imported`);
    const runs = [
      await project(store, dir, 'fixed pages (no budget)', undefined),
      await project(store, dir, `page budget ${budgetMs} ms`, budgetMs),
    ];
    await store.close();
    console.log('| projector | events | events/s | longest gap between event-loop turns | p99 | p50 |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const run of runs) {
      console.log(
        `| ${run.label} | ${run.events} | ${Math.round(run.events / run.seconds)} | ${run.maxMs.toFixed(0)} ms | ${run.p99Ms.toFixed(0)} ms | ${run.p50Ms.toFixed(1)} ms |`,
      );
    }
    const [fixed, budgeted] = runs as [Run, Run];
    console.log(
      `stall max, budget / fixed: ${((budgeted.maxMs / fixed.maxMs) * 100).toFixed(0)} %; rate, budget / fixed: ${((budgeted.events / budgeted.seconds / (fixed.events / fixed.seconds)) * 100).toFixed(0)} %`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

/**
 * Memory of `verify` as the store grows (docs/audit.md: "memory does not grow with the store").
 *
 *   npx tsc -p tsconfig.build.json
 *   node dist/libs/audit/bench/verify-memory.js generate /tmp/kierto-verify-1m 1000000
 *   node dist/libs/audit/bench/verify-memory.js verify   /tmp/kierto-verify-1m
 *   rm -r /tmp/kierto-verify-1m
 *
 * `generate` writes a valid chain into <dir>/kierto.sqlite with appendMany in batches of 5 000
 * events. Events go to devices (streams) of about five events each, and a device's events are
 * spread over the whole log (device = a pseudo-random pick), so that most streams have left the
 * revision window by their next event: the worst case for the revision check's look-ups.
 * `verify` runs in a fresh process and prints one JSON line: events, seconds, peak RSS and heap
 * (sampled every 20 ms and every 1 000 events), RSS after every 100 000 events, and the look-ups
 * the revision window (default 50 000 streams, or the last argument) needed.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { verifyChain } from '../src/verify-chain.js';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import type { AppendRequest, NewEvent } from '#kierto/event-store';

const BATCH = 5_000;
const EVENTS_PER_DEVICE = 5;

async function generate(dir: string, events: number): Promise<void> {
  const store = new SqliteEventStore({ file: join(dir, 'kierto.sqlite') });
  await store.init();
  const devices = Math.max(1, Math.floor(events / EVENTS_PER_DEVICE));
  const random = mulberry32(42);
  const nextDevice = (): number => Math.floor(random() * devices);
  const started = Date.now();
  for (let done = 0; done < events; done += BATCH) {
    const requests: AppendRequest[] = [];
    for (let i = done; i < Math.min(events, done + BATCH); i += 1) {
      requests.push({
        streamId: `gtin:09506000134352:BENCH-${nextDevice()}`,
        events: [benchEvent(i)],
        expectedRevision: 'any',
      });
    }
    await store.appendMany(requests);
    if ((done / BATCH) % 20 === 0) process.stderr.write(`\r${done + requests.length} events`);
  }
  await store.close();
  const seconds = (Date.now() - started) / 1000;
  console.log(JSON.stringify({ generated: events, devices, seconds, eventsPerSecond: Math.round(events / seconds) }));
}

/**
 * A small deterministic PRNG on 32-bit integer arithmetic (Math.imul). A textbook LCG written with
 * plain numbers overflows 2^53 and cycles over a few thousand values.
 */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function benchEvent(i: number): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'DeviceCollected',
    schemaVersion: 1,
    occurredAt: '2026-03-02T09:15:00.000Z',
    actor: { organisationId: 'org-reuse-centre', role: 'collector', keyId: 'key-7' },
    correlationId: randomUUID(),
    causationId: null,
    data: {
      collectionPoint: 'Jyväskylä reuse centre',
      channel: 'reuse-centre',
      source: 'household',
      country: 'FI',
      weightKg: 2.5,
      condition: 'repairable',
      n: i,
    },
    metadata: {},
  };
}

async function verify(dir: string, revisionWindow: number | undefined): Promise<void> {
  const store = new SqliteEventStore({ file: join(dir, 'kierto.sqlite') });
  await store.init();
  let peakRss = 0;
  let peakHeap = 0;
  const sample = (): void => {
    const { rss, heapUsed } = process.memoryUsage();
    peakRss = Math.max(peakRss, rss);
    peakHeap = Math.max(peakHeap, heapUsed);
  };
  const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
  const timer = setInterval(sample, 20);
  const rssAtStart = process.memoryUsage().rss;
  const started = Date.now();
  let seen = 0;
  /** RSS (MB) after every 100 000 events: flat once the revision window is full. */
  const rssEvery100k: number[] = [];
  const verdict = await verifyChain(store, {
    ...(revisionWindow === undefined ? {} : { revisionWindow }),
    onEvent: () => {
      seen += 1;
      if (seen % 1_000 === 0) sample();
      if (seen % 100_000 === 0) rssEvery100k.push(mb(process.memoryUsage().rss));
    },
  });
  clearInterval(timer);
  sample();
  await store.close();
  console.log(
    JSON.stringify({
      ok: verdict.ok,
      events: verdict.ok ? verdict.events : verdict.position,
      streamLookups: verdict.ok ? verdict.streamLookups : null,
      seconds: (Date.now() - started) / 1000,
      rssAtStartMb: mb(rssAtStart),
      peakRssMb: mb(peakRss),
      peakHeapUsedMb: mb(peakHeap),
      revisionWindow: revisionWindow ?? 'default',
      rssEvery100k,
    }),
  );
}

const [command, dir, count] = process.argv.slice(2);
if (command === 'generate' && dir !== undefined) {
  await generate(dir, Number(count ?? 1_000_000));
} else if (command === 'verify' && dir !== undefined) {
  await verify(dir, count === undefined ? undefined : Number(count));
} else {
  console.error('usage: verify-memory.js generate <dir> [events] | verify <dir> [revisionWindow]');
  process.exitCode = 2;
}

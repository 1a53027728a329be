/**
 * The import with parse workers (parse-pool.ts) gives exactly what the import in one thread gives:
 * the same batches, error rows in the same order, the same events at the same positions.
 *
 * The workers run the compiled worker (dist/libs/import/src/parse-worker.js, written by `npm run
 * build`, which `npm ci` runs), so this spec checks the build of the sources it runs next to; the
 * rest of the import's specs run the in-thread path from the TypeScript sources. Without a build the
 * spec is skipped, except in CI (CI=true), where it must run.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { deviceIdOf } from '#kierto/domain';
import { DEFAULT_LIMITS } from '#kierto/event-store';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import { expectIntactLog } from '#kierto/event-store/testing';
import { importNdjson, type ImportLineError, type ImportOptions } from './import.js';
import { ParsePool, parseWorkerUrl } from './parse-pool.js';

const actor = { organisationId: 'org-importer', role: 'operator', keyId: 'key-1' };
const NOW = new Date('2026-01-01T00:00:00Z');
const MANUFACTURER = 'Worker Test Oy';
const idOf = (serial: string): string => deviceIdOf({ manufacturer: MANUFACTURER, serialNumber: serial });
const product = (serial: string, weightKg: number): Record<string, unknown> => ({
  manufacturer: MANUFACTURER,
  brand: 'Test',
  model: 'T1',
  serialNumber: serial,
  weeeCategory: 5,
  weightKg,
  yearOfManufacture: 2018,
  hasDataStorage: false,
  materials: [],
  hazardousSubstances: [],
  repairInformation: {},
});
const place = (serial: string, day: number, weightKg = 2.5): string =>
  JSON.stringify({
    type: 'DevicePlacedOnMarket',
    occurredAt: `2020-01-${String(day).padStart(2, '0')}T00:00:00Z`,
    data: { producerId: 'producer-1', country: 'FI', market: 'household', product: product(serial, weightKg) },
  });
const collect = (serial: string, day: number): string =>
  JSON.stringify({
    type: 'DeviceCollected',
    deviceId: idOf(serial),
    occurredAt: `2020-02-${String(day).padStart(2, '0')}T00:00:00Z`,
    data: { collectionPointId: 'cp-1', channel: 'municipal', source: 'household', country: 'FI', condition: 'unknown' },
  });

/** A file with every kind of line: valid, blank, not JSON, a schema refusal, bad bytes, held-back lines, a duplicate. */
function file(): Buffer {
  const lines: (string | Buffer)[] = [];
  for (let index = 1; index <= 40; index += 1) {
    const serial = `W${index}`;
    lines.push(place(serial, 1 + (index % 27)));
    if (index % 7 === 0) lines.push('');
    if (index % 9 === 0) lines.push('{"type":');
    if (index % 11 === 0) lines.push(place(`${serial}-heavy`, 2, -1));
    if (index % 13 === 0) lines.push(Buffer.from([0x7b, 0xff, 0x7d]));
    lines.push(collect(serial, 1 + (index % 27)));
    if (index % 5 === 0) lines.push(collect(serial, 28)); // collected twice: refused
    if (index % 5 === 0) lines.push(collect(serial, 28)); // held back after the refusal
    if (index % 6 === 0) lines.push(place(serial, 1 + (index % 27))); // the same line again: a duplicate
  }
  return Buffer.concat(lines.flatMap((line) => [Buffer.isBuffer(line) ? line : Buffer.from(line), Buffer.from('\n')]));
}

async function outcome(extra: Partial<ImportOptions>): Promise<unknown> {
  const store = new SqliteEventStore({ file: ':memory:' });
  await store.init();
  const errors: ImportLineError[] = [];
  const summary = await importNdjson(store, Readable.from([file()]), {
    actor,
    now: () => NOW,
    correlationId: '00000000-0000-4000-8000-000000000001',
    onError: (row) => {
      errors.push(row);
    },
    ...extra,
  });
  const events = await store.readAll(0, 10_000);
  expectIntactLog(events);
  await store.close();
  const { elapsedMs: _elapsed, eventsPerSecond: _rate, ...counts } = summary;
  // The chain's hashes cover recordedAt (the store's clock), so compare what the import decided.
  return { counts, errors, events: events.map((event) => [event.globalPosition, event.eventId, event.streamId]) };
}

const built = existsSync(fileURLToPath(parseWorkerUrl()));
if (!built && process.env['CI'] === 'true')
  throw new Error(`${fileURLToPath(parseWorkerUrl())} is missing: run npm run build`);
const describeBuilt = built ? describe : describe.skip;

describeBuilt('bulk import with parse workers', () => {
  it('imports exactly what the import in one thread imports, whatever the batch size and the pool', async () => {
    for (const batchEvents of [1, 7, 5_000]) {
      // Given the in-thread import of a file with every kind of line
      const inThread = await outcome({ batchEvents });

      // When the same file is imported with one, two and one per spare core of parse workers
      for (const parseWorkers of [1, 2, 'auto'] as const) {
        // Then the counts (batches included), the error rows and the events are the same
        expect(await outcome({ batchEvents, parseWorkers })).toEqual(inThread);
      }
    }
  });
});

describe('parse pool', () => {
  it('fails the parse, not hangs it, when a worker cannot start', async () => {
    // Given a pool whose worker script does not exist
    const pool = new ParsePool(1, DEFAULT_LIMITS, new URL('./no-such-worker.js', import.meta.url));

    // Then parsing is refused with the worker's error
    await expect(pool.parse(['{}'], [1])).rejects.toThrow();
    await pool.close();
  });
});

import { afterAll, describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { datasetLines } from '../../bench/dataset.js';
import { deviceIdOf } from '#kierto/domain';
import type { EventStore, StoredEvent } from '#kierto/event-store';
import { PostgresEventStore } from '#kierto/event-store/postgres';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import {
  formatReportRow,
  importNdjson,
  type ImportLineError,
  type ImportOptions,
  type ImportSummary,
} from '#kierto/import';
import { expectIntactLog } from '#kierto/event-store/testing';

const actor = { organisationId: 'org-importer', role: 'operator', keyId: 'key-1' };
const NOW = new Date('2026-01-01T00:00:00Z');

function product(serialNumber: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    manufacturer: 'Import Test Oy',
    brand: 'Test',
    model: 'T1',
    serialNumber,
    weeeCategory: 5,
    weightKg: 2.5,
    yearOfManufacture: 2018,
    hasDataStorage: false,
    materials: [],
    hazardousSubstances: [],
    repairInformation: {},
    ...extra,
  };
}
const idOf = (serialNumber: string): string => deviceIdOf({ manufacturer: 'Import Test Oy', serialNumber });
const place = (serialNumber: string, occurredAt: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    type: 'DevicePlacedOnMarket',
    occurredAt,
    data: { producerId: 'producer-1', country: 'FI', market: 'household', product: product(serialNumber, extra) },
  });
const collect = (serialNumber: string, occurredAt: string): string =>
  JSON.stringify({
    type: 'DeviceCollected',
    deviceId: idOf(serialNumber),
    occurredAt,
    data: { collectionPointId: 'cp-1', channel: 'municipal', source: 'household', country: 'FI', condition: 'unknown' },
  });
const recycle = (serialNumber: string, occurredAt: string): string =>
  JSON.stringify({
    type: 'DeviceRecycled',
    deviceId: idOf(serialNumber),
    occurredAt,
    data: {
      facilityId: 'rec-1',
      treatmentCountry: 'FI',
      weightKg: 2.5,
      outputs: [{ material: 'metals', massKg: 2, fate: 'recycled' }],
    },
  });

/** A file with deliberate bad lines among good ones, then a synthetic tail of 40 devices. */
function fixture(): { text: string; goodLines: number } {
  const head = [
    place('A1', '2020-01-01T00:00:00Z'), // 1 ok
    '{"type": "DevicePlacedOnMarket", ', // 2 malformed JSON
    place('B1', '2020-01-02T00:00:00Z', { weightKg: -3 }), // 3 schema failure
    place('C1', '2020-01-03T00:00:00Z'), // 4 ok
    recycle('C1', '2020-02-01T00:00:00Z'), // 5 rule break: not collected
    collect('C1', '2020-03-01T00:00:00Z'), // 6 later line of a refused device
    collect('A1', '2020-04-01T00:00:00Z'), // 7 ok
    JSON.stringify({ type: 'DeviceTeleported', deviceId: idOf('A1'), occurredAt: '2020-05-01T00:00:00Z', data: {} }), // 8
    recycle('D1', '2020-05-01T00:00:00Z'), // 9 unknown device
    '', // 10 blank
    recycle('A1', '2020-04-02T00:00:00Z'), // 11 after line 8 named A1 and was refused
    collect('E1', '2020-04-02T00:00:00Z'), // 12 no product for a history-starting collection
  ];
  const tail = [...datasetLines(40, 7)].map((line) => JSON.stringify(line));
  return { text: [...head, ...tail].join('\n') + '\n', goodLines: 3 + tail.length };
}

const EXPECTED_ERRORS: Omit<ImportLineError, 'message'>[] = [
  { line: 2, deviceId: null, code: 'INVALID_JSON', field: '' },
  { line: 3, deviceId: null, code: 'OUT_OF_RANGE', field: 'data.product.weightKg' },
  { line: 5, deviceId: idOf('C1'), code: 'DEVICE_NOT_COLLECTED', field: '' },
  { line: 6, deviceId: idOf('C1'), code: 'PRECEDING_LINE_REFUSED', field: '' },
  { line: 8, deviceId: idOf('A1'), code: 'UNKNOWN_EVENT_TYPE', field: 'type' },
  { line: 9, deviceId: idOf('D1'), code: 'DEVICE_NOT_FOUND', field: '' },
  { line: 11, deviceId: idOf('A1'), code: 'PRECEDING_LINE_REFUSED', field: '' },
  { line: 12, deviceId: idOf('E1'), code: 'PRODUCT_DESCRIPTION_REQUIRED', field: 'product' },
];

async function runImport(
  store: EventStore,
  text: string,
  extra: Partial<ImportOptions> = {},
): Promise<{ summary: ImportSummary; errors: ImportLineError[] }> {
  const errors: ImportLineError[] = [];
  const summary = await importNdjson(store, Readable.from([text]), {
    actor,
    batchEvents: 9,
    now: () => NOW,
    onError: (row) => {
      errors.push(row);
    },
    ...extra,
  });
  return { summary, errors };
}

async function readEverything(store: EventStore): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for (;;) {
    const page = await store.readAll(all.length === 0 ? 0 : (all.at(-1) as StoredEvent).globalPosition, 500);
    if (page.length === 0) return all;
    all.push(...page);
  }
}

function importSuite(name: string, open: () => Promise<EventStore>): void {
  describe(`bulk import (${name})`, () => {
    const stores: EventStore[] = [];
    const fresh = async (): Promise<EventStore> => {
      const store = await open();
      await store.init();
      stores.push(store);
      return store;
    };
    afterAll(async () => {
      for (const store of stores) await store.close();
    });

    it('reports the bad lines exactly, imports the rest, and a second run imports nothing', async () => {
      const store = await fresh();
      const { text, goodLines } = fixture();
      const first = await runImport(store, text);
      expect(first.errors.map(({ message: _message, ...row }) => row)).toEqual(EXPECTED_ERRORS);
      for (const row of first.errors) expect(row.message.length).toBeGreaterThan(0);
      expect(first.summary).toMatchObject({
        imported: goodLines,
        duplicates: 0,
        refused: EXPECTED_ERRORS.length,
        blankLines: 1,
      });
      expect(await store.headPosition()).toBe(goodLines);

      const a1 = await store.readStream(idOf('A1'));
      expect(a1.map((event) => event.type)).toEqual(['DevicePlacedOnMarket', 'DeviceCollected']);
      expect(a1[0]?.actor).toEqual(actor);
      expect(await store.readStream(idOf('C1'))).toHaveLength(1);

      const second = await runImport(store, text);
      expect(second.summary).toMatchObject({ imported: 0, duplicates: goodLines });
      expect(second.errors.map(({ message: _message, ...row }) => row)).toEqual(EXPECTED_ERRORS);
      expect(await store.headPosition()).toBe(goodLines);
      expectIntactLog(await readEverything(store));
    });

    it('a run killed midway and restarted ends with every event exactly once', async () => {
      const { text, goodLines } = fixture();
      const store = await fresh();
      await expect(
        runImport(store, text, {
          afterBatch: (batch) => {
            if (batch === 3) throw new Error('simulated crash');
          },
        }),
      ).rejects.toThrow('simulated crash');
      const partial = await store.headPosition();
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(goodLines);

      const restarted = await runImport(store, text, { batchEvents: 13 });
      expect(restarted.summary.imported + restarted.summary.duplicates).toBe(goodLines);
      expect(restarted.summary.duplicates).toBe(partial);
      expect(await store.headPosition()).toBe(goodLines);
      const events = await readEverything(store);
      expect(events).toHaveLength(goodLines);
      expectIntactLog(events);
    });

    it('keeps the line order of a device across batches and takes the devices already stored into account', async () => {
      const store = await fresh();
      await runImport(store, `${place('F1', '2020-01-01T00:00:00Z')}\n`);
      const later = [
        collect('F1', '2020-02-01T00:00:00Z'),
        recycle('F1', '2020-03-01T00:00:00Z'),
        collect('F1', '2020-04-01T00:00:00Z'),
      ];
      const { summary, errors } = await runImport(store, later.join('\n'), { batchEvents: 1 });
      expect(summary.imported).toBe(2);
      expect(errors.map((row) => [row.line, row.code])).toEqual([[3, 'DEVICE_ALREADY_RECYCLED']]);
    });
  });
}

importSuite('SQLite', () => Promise.resolve(new SqliteEventStore({ file: ':memory:' })));

const schemas: string[] = [];
describeIfPostgres('PostgreSQL', () => {
  afterAll(async () => {
    for (const schema of schemas) await dropTestSchema(schema);
  });
  importSuite('PostgreSQL', () => {
    const schema = createTestSchema('kierto_import');
    schemas.push(schema);
    return Promise.resolve(new PostgresEventStore({ connectionString: postgres.url, schema }));
  });
});

describe('error report rows', () => {
  it('formats NDJSON and CSV', () => {
    const row: ImportLineError = {
      line: 3,
      deviceId: 'mfr:x:1',
      code: 'OUT_OF_RANGE',
      field: 'data.weightKg',
      message: 'must be > 0, "really"',
    };
    expect(formatReportRow(row, 'ndjson')).toBe(
      '{"line":3,"deviceId":"mfr:x:1","code":"OUT_OF_RANGE","field":"data.weightKg","message":"must be > 0, \\"really\\""}',
    );
    expect(formatReportRow(row, 'csv')).toBe('3,mfr:x:1,OUT_OF_RANGE,data.weightKg,"must be > 0, ""really"""');
  });
});

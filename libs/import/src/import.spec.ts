/**
 * The import decides a batch while the one before it is still being appended, against that batch's
 * devices as it leaves them. These tests pin down that the outcome is the one a strictly sequential
 * import gives: whatever the batch size (devices spread over many batches), and when another writer
 * moves a device under an in-flight batch, so that the batch decided ahead must be decided again.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { deviceIdOf } from '#kierto/domain';
import type { AppendRequest, AppendResult, EventStore } from '#kierto/event-store';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import { importNdjson, type ImportLineError, type ImportOptions, type ImportSummary } from './import.js';
import { expectIntactLog } from '#kierto/event-store/testing';

const actor = { organisationId: 'org-importer', role: 'operator', keyId: 'key-1' };
const NOW = new Date('2026-01-01T00:00:00Z');
const MANUFACTURER = 'Pipeline Test Oy';

const idOf = (serial: string): string => deviceIdOf({ manufacturer: MANUFACTURER, serialNumber: serial });
const place = (serial: string, occurredAt: string): string =>
  JSON.stringify({
    type: 'DevicePlacedOnMarket',
    occurredAt,
    data: {
      producerId: 'producer-1',
      country: 'FI',
      market: 'household',
      product: {
        manufacturer: MANUFACTURER,
        brand: 'Test',
        model: 'T1',
        serialNumber: serial,
        weeeCategory: 5,
        weightKg: 2.5,
        yearOfManufacture: 2018,
        hasDataStorage: false,
        materials: [],
        hazardousSubstances: [],
        repairInformation: {},
      },
    },
  });
const collectData = {
  collectionPointId: 'cp-1',
  channel: 'municipal',
  source: 'household',
  country: 'FI',
  condition: 'unknown',
};
const collect = (serial: string, occurredAt: string): string =>
  JSON.stringify({ type: 'DeviceCollected', deviceId: idOf(serial), occurredAt, data: collectData });
const recycleData = {
  facilityId: 'rec-1',
  treatmentCountry: 'FI',
  weightKg: 2.5,
  outputs: [{ material: 'metals', massKg: 2, fate: 'recycled' }],
};
const recycle = (serial: string, occurredAt: string): string =>
  JSON.stringify({ type: 'DeviceRecycled', deviceId: idOf(serial), occurredAt, data: recycleData });

async function run(
  store: EventStore,
  lines: readonly string[],
  extra: Partial<ImportOptions>,
): Promise<{ summary: ImportSummary; errors: ImportLineError[] }> {
  const errors: ImportLineError[] = [];
  const summary = await importNdjson(store, Readable.from([`${lines.join('\n')}\n`]), {
    actor,
    now: () => NOW,
    onError: (row) => {
      errors.push(row);
    },
    ...extra,
  });
  return { summary, errors };
}

async function openStore(): Promise<SqliteEventStore> {
  const store = new SqliteEventStore({ file: ':memory:' });
  await store.init();
  return store;
}

/** What an import leaves: each device's event types and import lines, in order. */
async function histories(store: EventStore, serials: readonly string[]): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const serial of serials) {
    result[serial] = (await store.readStream(idOf(serial))).map(
      (event) => `${event.type}@${JSON.stringify(event.metadata['importLine'] ?? null)}`,
    );
  }
  return result;
}

describe('bulk import, batches decided while the previous one is appended', () => {
  it('gives the outcome of a sequential import whatever the batch size, devices spread over many batches', async () => {
    // Four devices whose lines are interleaved, with a refusal, the lines held back after it, and a
    // repeated line (a duplicate of an event of the same run).
    const lines = [
      place('P1', '2020-01-01T00:00:00Z'), // 1
      place('P2', '2020-01-02T00:00:00Z'), // 2
      place('P3', '2020-01-03T00:00:00Z'), // 3
      collect('P1', '2020-02-01T00:00:00Z'), // 4
      recycle('P2', '2020-02-02T00:00:00Z'), // 5 refused: not collected
      collect('P2', '2020-02-03T00:00:00Z'), // 6 held back
      place('P4', '2020-02-04T00:00:00Z'), // 7
      collect('P3', '2020-02-05T00:00:00Z'), // 8
      place('P1', '2020-01-01T00:00:00Z'), // 9 the same line as 1: a duplicate
      recycle('P1', '2020-03-01T00:00:00Z'), // 10
      collect('P4', '2020-03-02T00:00:00Z'), // 11
      recycle('P3', '2020-03-03T00:00:00Z'), // 12
      collect('P1', '2020-04-01T00:00:00Z'), // 13 refused: already recycled
      recycle('P4', '2020-04-02T00:00:00Z'), // 14
      recycle('P2', '2020-04-03T00:00:00Z'), // 15 held back
    ];
    const serials = ['P1', 'P2', 'P3', 'P4'];
    const outcomes: unknown[] = [];
    for (const batchEvents of [1, 2, 3, 5, 1_000]) {
      const store = await openStore();
      const { summary, errors } = await run(store, lines, { batchEvents });
      outcomes.push({
        counts: { imported: summary.imported, duplicates: summary.duplicates, refused: summary.refused },
        errors: errors.map((row) => [row.line, row.code]),
        histories: await histories(store, serials),
      });
      expectIntactLog(await store.readAll(0, 1_000));
      await store.close();
    }
    expect(outcomes[0]).toEqual({
      counts: { imported: 10, duplicates: 1, refused: 4 },
      errors: [
        [5, 'DEVICE_NOT_COLLECTED'],
        [6, 'PRECEDING_LINE_REFUSED'],
        [13, 'DEVICE_ALREADY_RECYCLED'],
        [15, 'PRECEDING_LINE_REFUSED'],
      ],
      histories: {
        P1: ['DevicePlacedOnMarket@1', 'DeviceCollected@4', 'DeviceRecycled@10'],
        P2: ['DevicePlacedOnMarket@2'],
        P3: ['DevicePlacedOnMarket@3', 'DeviceCollected@8', 'DeviceRecycled@12'],
        P4: ['DevicePlacedOnMarket@7', 'DeviceCollected@11', 'DeviceRecycled@14'],
      },
    });
    for (const outcome of outcomes) expect(outcome).toEqual(outcomes[0]);
  });

  it('decides again the batch decided ahead when the batch before it had to be decided again', async () => {
    const inner = await openStore();
    let competed = false;
    // Another writer records a recycling of X (bypassing the rules, as a buggy or foreign writer
    // could) just before the import's batch with X's collection is stored. That batch then fails on
    // X's revision and is decided again; the batch decided ahead of it (X's recycling, expecting the
    // revision the collection would have left, which the other writer's event now happens to have)
    // must be decided again too, instead of being stored as a second recycling.
    const store: EventStore = {
      kind: inner.kind,
      init: () => inner.init(),
      append: (streamId, events, expectedRevision) => inner.append(streamId, events, expectedRevision),
      readStream: (streamId, fromRevision) => inner.readStream(streamId, fromRevision),
      readStreams: (streamIds) => inner.readStreams(streamIds),
      readAll: (after, limit) => inner.readAll(after, limit),
      headPosition: () => inner.headPosition(),
      findEvent: (eventId) => inner.findEvent(eventId),
      waitForEvents: (after, timeoutMs) => inner.waitForEvents(after, timeoutMs),
      close: () => inner.close(),
      appendMany: async (requests: readonly AppendRequest[]): Promise<AppendResult[]> => {
        const collection = requests.find((request) => request.events.some((event) => event.type === 'DeviceCollected'));
        if (!competed && collection !== undefined) {
          competed = true;
          await inner.append(
            idOf('X'),
            [
              {
                eventId: randomUUID(),
                type: 'DeviceRecycled',
                schemaVersion: 1,
                occurredAt: '2020-02-01T00:00:00Z',
                actor: { organisationId: 'org-other', role: 'recycler', keyId: 'key-9' },
                correlationId: randomUUID(),
                causationId: null,
                data: recycleData,
                metadata: {},
              },
            ],
            0,
          );
        }
        return inner.appendMany(requests);
      },
    };
    const { summary, errors } = await run(
      store,
      [place('X', '2020-01-01T00:00:00Z'), collect('X', '2020-03-01T00:00:00Z'), recycle('X', '2020-04-01T00:00:00Z')],
      { batchEvents: 1 },
    );
    expect(competed).toBe(true);
    expect(errors.map((row) => [row.line, row.code])).toEqual([
      [2, 'DEVICE_ALREADY_RECYCLED'],
      [3, 'PRECEDING_LINE_REFUSED'],
    ]);
    expect(summary).toMatchObject({ imported: 1, refused: 2, batches: 3 });
    expect((await inner.readStream(idOf('X'))).map((event) => event.type)).toEqual([
      'DevicePlacedOnMarket',
      'DeviceRecycled',
    ]);
    expectIntactLog(await inner.readAll(0, 100));
    await inner.close();
  });

  it('stops at the first failing batch, after reporting the batches stored before it', async () => {
    const store = await openStore();
    const reported: number[] = [];
    const lines = ['A', 'B', 'C', 'D', 'E', 'F'].map((serial, index) =>
      place(serial, `2020-01-0${index + 1}T00:00:00Z`),
    );
    await expect(
      run(store, lines, {
        batchEvents: 1,
        afterBatch: (batch) => {
          reported.push(batch);
          if (batch === 3) throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow('simulated crash');
    expect(reported).toEqual([1, 2, 3]);
    // Batch 4 may have been decided meanwhile, but it is never stored after batch 3 failed.
    expect(await store.headPosition()).toBe(3);
    await store.close();
  });
});

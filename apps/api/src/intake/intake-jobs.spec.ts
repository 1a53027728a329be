/**
 * The intake queue when the API stops (ADR 0024): a running job ends after the batch it is appending,
 * keeps what that batch committed, and is marked failed with the re-run hint; jobs queued behind it
 * never start.
 */
import { describe, expect, it } from '@jest/globals';
import type { Organisation } from '#kierto/access';
import type { AppendRequest, EventStore } from '#kierto/event-store';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import { SqliteIntakeStore, type ColumnMapping, type Sheet } from '#kierto/import';
import { ApiMetrics } from '../metrics/metrics.js';
import { INTAKE_BATCH_EVENTS, INTERRUPTED, IntakeJobs } from './intake-jobs.js';

const organisation: Organisation = {
  id: 'centre-1',
  name: 'Centre',
  roles: ['collector'],
  createdAt: '2026-01-01T00:00:00Z',
};
const actor = { organisationId: 'centre-1', role: 'collector', keyId: 'k' };
const MAPPING: ColumnMapping = {
  eventType: 'DeviceCollected',
  columns: {
    occurredAt: 'D',
    'data.product.weeeCategory': 'C',
    'data.product.weightKg': 'W',
    'data.product.localId.value': 'L',
  },
  constants: {
    'data.product.localId.issuer': 'centre-1',
    'data.collectionPointId': 'cp',
    'data.channel': 'municipal',
    'data.source': 'household',
    'data.country': 'FI',
    'data.condition': 'unknown',
  },
};
const sheetOf = (rows: number, prefix: string): Sheet => ({
  columns: ['L', 'C', 'W', 'D'],
  rows: Array.from({ length: rows }, (_, i) => ({ row: i + 2, cells: [`${prefix}-${i}`, '6', '1', '2025-09-01'] })),
});

/** The store, with appends held at a gate the test opens, and a signal when the first append arrives. */
function gatedStore(store: EventStore): { gated: EventStore; appending: Promise<void>; open: () => void } {
  let open!: () => void;
  let arrived!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const appending = new Promise<void>((resolve) => (arrived = resolve));
  const gated = new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'appendMany')
        return async (requests: readonly AppendRequest[]) => {
          arrived();
          await gate;
          return target.appendMany(requests);
        };
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { gated, appending, open };
}

describe('IntakeJobs on shutdown', () => {
  it('stops the running job after its current batch, marks it and the queued one failed, and keeps what was committed', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    await store.init();
    const intake = new SqliteIntakeStore(':memory:');
    await intake.init();
    const { gated, appending, open } = gatedStore(store);
    const jobs = new IntakeJobs(intake, gated, new ApiMetrics());
    const request = { organisation, actor, mappingName: 'm', mapping: MAPPING, correlationId: undefined };
    const running = await jobs.submit({ ...request, sheet: sheetOf(INTAKE_BATCH_EVENTS * 3, 'A') });
    const queued = await jobs.submit({ ...request, sheet: sheetOf(10, 'B') });
    await appending;
    // The intake store is closed by the shutdown: read the outcome through a spy on saveJob instead.
    const saved = new Map<string, { state: string; failure: string | null; imported: number }>();
    const saveJob = intake.saveJob.bind(intake);
    intake.saveJob = async (job) => {
      saved.set(job.id, { state: job.state, failure: job.failure, imported: job.progress.imported });
      await saveJob(job);
    };
    const stopped = jobs.onApplicationShutdown();
    open();
    await stopped;
    expect(saved.get(running.id)).toEqual({ state: 'failed', failure: INTERRUPTED, imported: INTAKE_BATCH_EVENTS });
    expect(saved.get(queued.id)).toEqual({ state: 'failed', failure: INTERRUPTED, imported: 0 });
    expect(await store.headPosition()).toBe(INTAKE_BATCH_EVENTS);
    await store.close();
  });
});

/**
 * The contract every EventStore adapter passes (docs/architecture.md). A spec file calls
 * `eventStoreContract(name, factory)`; the factory builds a fresh, initialised store on fresh
 * storage for every test, using the clock and limits the contract hands it, plus a way to open a
 * second instance (another connection or pool) on the same storage.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { BatchTooLargeError, ConcurrencyError, DuplicateEventIdError, EventTooLargeError } from '../errors.js';
import { GENESIS_HASH, hashEvent } from '../hash-chain.js';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  StoreLimits,
  StoredEvent,
} from '../port.js';

export interface ContractContext {
  /** The stores' recordedAt source; tests move it. */
  readonly clock: () => Date;
  /** The limits the stores must use (small, so the limit tests stay cheap). */
  readonly limits: StoreLimits;
}

export interface EventStoreFixture {
  /** Initialised, on empty storage. */
  readonly store: EventStore;
  /** Another initialised instance (own connection or pool) on the same storage, same clock and limits. */
  readonly openAnother: () => Promise<EventStore>;
  /** Closes every instance the fixture opened and removes the storage. */
  readonly cleanup: () => Promise<void>;
}

export type EventStoreFactory = (context: ContractContext) => Promise<EventStoreFixture>;

export const CONTRACT_LIMITS: StoreLimits = { maxEventBytes: 4_096, maxBatchEvents: 500, maxBatchBytes: 64 * 1024 };

const STORED_EVENT_KEYS = [
  'actor',
  'causationId',
  'correlationId',
  'data',
  'eventId',
  'globalPosition',
  'hash',
  'metadata',
  'occurredAt',
  'prevHash',
  'recordedAt',
  'schemaVersion',
  'streamId',
  'streamRevision',
  'type',
];

/** A clock the tests set; stores read it through `read`. */
class TestClock {
  private now = Date.parse('2031-05-06T07:08:09.123Z');
  readonly read = (): Date => new Date(this.now);

  set(iso: string): void {
    this.now = Date.parse(iso);
  }
}

export function newEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'DeviceCollected',
    schemaVersion: 1,
    occurredAt: '2030-01-02T03:04:05.678Z',
    actor: { organisationId: 'org-collector', role: 'collector', keyId: 'key-1' },
    correlationId: randomUUID(),
    causationId: null,
    data: { weightKg: 2.5 },
    metadata: {},
    ...overrides,
  };
}

function newEvents(count: number): NewEvent[] {
  return Array.from({ length: count }, () => newEvent());
}

/** Every event's hash recomputes, and each prevHash is the hash before it (GENESIS_HASH at position 1). */
export function expectIntactChain(events: readonly StoredEvent[]): void {
  events.forEach((event, index) => {
    const { hash, ...unhashed } = event;
    expect(hash).toBe(hashEvent(unhashed));
    const previous = events[index - 1];
    if (previous) {
      expect(event.globalPosition).toBe(previous.globalPosition + 1);
      expect(event.prevHash).toBe(previous.hash);
    } else if (event.globalPosition === 1) {
      expect(event.prevHash).toBe(GENESIS_HASH);
    }
  });
}

function expectExactShape(event: StoredEvent): void {
  expect(Object.keys(event).sort()).toEqual(STORED_EVENT_KEYS);
  expect(Object.keys(event.actor).sort()).toEqual(['keyId', 'organisationId', 'role']);
  for (const value of Object.values(event)) expect(value).not.toBeUndefined();
}

function sleep(ms: number): Promise<'timeout'> {
  return new Promise((resolve) => setTimeout(() => resolve('timeout'), ms));
}

function expected(revision: number | undefined): ExpectedRevision {
  return revision === undefined ? 'no-stream' : revision;
}

export function eventStoreContract(name: string, factory: EventStoreFactory): void {
  describe(`${name} (event store contract)`, () => {
    let clock: TestClock;
    let fixture: EventStoreFixture;
    let store: EventStore;

    beforeEach(async () => {
      clock = new TestClock();
      fixture = await factory({ clock: clock.read, limits: CONTRACT_LIMITS });
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    /** The whole log, for "nothing changed" checks. */
    async function snapshot(): Promise<{ head: number; events: StoredEvent[] }> {
      return { head: await store.headPosition(), events: await store.readAll(0, 10_000) };
    }

    describe('append and read', () => {
      it('stores the full envelope: positions, revisions, recordedAt from the clock and the hash chain', async () => {
        const [a1, a2, b1, a3] = [
          newEvent({ causationId: 'cause-1', metadata: { idempotencyKey: 'k-1' } }),
          newEvent({ type: 'DeviceDataWiped', schemaVersion: 2 }),
          newEvent(),
          newEvent(),
        ];
        clock.set('2031-01-01T00:00:00.001Z');
        const first = await store.append('device-a', [a1, a2], 'no-stream');
        clock.set('2031-01-01T00:00:00.002Z');
        const second = await store.append('device-b', [b1], 'no-stream');
        const third = await store.append('device-a', [a3], 1);

        expect(first).toMatchObject({ streamId: 'device-a', nextExpectedRevision: 1, replayed: false });
        expect(second).toMatchObject({ streamId: 'device-b', nextExpectedRevision: 0, replayed: false });
        expect(third).toMatchObject({ streamId: 'device-a', nextExpectedRevision: 2, replayed: false });
        expect(first.events[0]).toEqual({
          ...a1,
          streamId: 'device-a',
          streamRevision: 0,
          globalPosition: 1,
          recordedAt: '2031-01-01T00:00:00.001Z',
          prevHash: GENESIS_HASH,
          hash: hashEvent({
            ...a1,
            streamId: 'device-a',
            streamRevision: 0,
            globalPosition: 1,
            recordedAt: '2031-01-01T00:00:00.001Z',
            prevHash: GENESIS_HASH,
          }),
        });
        const appended = [...first.events, ...second.events, ...third.events];
        expect(appended.map((e) => [e.eventId, e.streamRevision, e.globalPosition, e.recordedAt])).toEqual([
          [a1.eventId, 0, 1, '2031-01-01T00:00:00.001Z'],
          [a2.eventId, 1, 2, '2031-01-01T00:00:00.001Z'],
          [b1.eventId, 0, 3, '2031-01-01T00:00:00.002Z'],
          [a3.eventId, 2, 4, '2031-01-01T00:00:00.002Z'],
        ]);

        const all = await store.readAll(0, 100);
        expect(all).toEqual(appended);
        all.forEach(expectExactShape);
        expectIntactChain(all);
        expect(await store.readStream('device-a')).toEqual([appended[0], appended[1], appended[3]]);
        expect(await store.readStream('device-a', 1)).toEqual([appended[1], appended[3]]);
        expect(await store.readStream('device-b')).toEqual([appended[2]]);
        expect(await store.readStream('device-x')).toEqual([]);
        if (store.readStreams) {
          const streams = await store.readStreams(['device-b', 'device-x', 'device-a', 'device-b']);
          expect([...streams.keys()]).toEqual(['device-b', 'device-x', 'device-a']);
          expect(streams.get('device-a')).toEqual([appended[0], appended[1], appended[3]]);
          expect(streams.get('device-b')).toEqual([appended[2]]);
          expect(streams.get('device-x')).toEqual([]);
          expect(await store.readStreams([])).toEqual(new Map());
        }
        expect(await store.readAll(1, 2)).toEqual([appended[1], appended[2]]);
        expect(await store.readAll(4, 10)).toEqual([]);
        expect(await store.headPosition()).toBe(4);
        expect(await store.findEvent(b1.eventId)).toEqual(appended[2]);
        expect(await store.findEvent('no-such-event')).toBeNull();
      });

      it('returns data exactly as hashed, whatever the JSON holds, and nothing the caller added', async () => {
        const data = {
          zeta: 'ääkköset ✓ 𝄞 "quoted" \\ back\nslash',
          alpha: [1, -0.5, 0.1, 1e21, 1.5e-7, 12345678901234, true, false, null],
          nested: { b: { c: [] }, a: {}, '': 'empty key', ä: 1 },
        };
        const withExtra = { ...newEvent({ data, metadata: { fingerprint: 'sha256:abc' } }), extra: 'not stored' };
        const [stored] = (await store.append('device-json', [withExtra], 'no-stream')).events;
        if (!stored) throw new Error('append returned no event');
        expectExactShape(stored);
        const [read] = await store.readStream('device-json');
        if (!read) throw new Error('readStream returned no event');
        expectExactShape(read);
        expect(read).toEqual(stored);
        expect(read.data).toEqual(data);
        expectIntactChain([read]);
      });

      it('gives a stream its revisions in order and readAll respects after and limit', async () => {
        for (let i = 0; i < 5; i += 1) await store.append('device-r', [newEvent()], i === 0 ? 'no-stream' : i - 1);
        const stream = await store.readStream('device-r');
        expect(stream.map((e) => e.streamRevision)).toEqual([0, 1, 2, 3, 4]);
        expect((await store.readStream('device-r', 3)).map((e) => e.streamRevision)).toEqual([3, 4]);
        expect((await store.readAll(2, 2)).map((e) => e.globalPosition)).toEqual([3, 4]);
        expect(await store.readAll(0, 0)).toEqual([]);
      });
    });

    describe('expected revision', () => {
      it("refuses 'no-stream' on an existing stream and a stale or future revision", async () => {
        await store.append('device-e', [newEvent()], 'no-stream');
        await store.append('device-e', [newEvent()], 0);
        const before = await snapshot();

        await expect(store.append('device-e', [newEvent()], 'no-stream')).rejects.toMatchObject({
          code: 'CONCURRENCY_CONFLICT',
          streamId: 'device-e',
          expected: 'no-stream',
          actual: 1,
        });
        await expect(store.append('device-e', [newEvent()], 0)).rejects.toBeInstanceOf(ConcurrencyError);
        await expect(store.append('device-e', [newEvent()], 7)).rejects.toBeInstanceOf(ConcurrencyError);
        await expect(store.append('device-missing', [newEvent()], 0)).rejects.toMatchObject({ actual: -1 });
        await expect(store.append('device-e', [newEvent()], -1)).rejects.toBeInstanceOf(RangeError);
        expect(await snapshot()).toEqual(before);
      });

      it("accepts 'any' on a new and on an existing stream", async () => {
        expect((await store.append('device-any', [newEvent()], 'any')).nextExpectedRevision).toBe(0);
        expect((await store.append('device-any', newEvents(2), 'any')).nextExpectedRevision).toBe(2);
        expect(await store.readStream('device-any')).toHaveLength(3);
      });

      it('lets exactly one of several instances win a race on one stream', async () => {
        await store.append('device-race', [newEvent()], 'no-stream');
        const stores = [store, ...(await Promise.all([1, 2, 3].map(() => fixture.openAnother())))];

        const outcomes = await Promise.allSettled(stores.map((s) => s.append('device-race', [newEvent()], 0)));
        const fresh = await Promise.allSettled(stores.map((s) => s.append('device-new', [newEvent()], 'no-stream')));

        for (const results of [outcomes, fresh]) {
          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
          for (const result of results.filter((r) => r.status === 'rejected')) {
            expect(result.reason).toBeInstanceOf(ConcurrencyError);
          }
        }
        expect(await store.readStream('device-race')).toHaveLength(2);
        expect(await store.readStream('device-new')).toHaveLength(1);
        expectIntactChain(await store.readAll(0, 100));
      });
    });

    describe('global order under concurrency', () => {
      it('keeps positions dense and commit-ordered while a follower on another instance skips nothing', async () => {
        const writers = [store, ...(await Promise.all([1, 2, 3].map(() => fixture.openAnother())))];
        const reader = await fixture.openAnother();
        let writing = true;

        const follow = async (): Promise<Array<[number, string]>> => {
          const seen: Array<[number, string]> = [];
          let last = 0;
          for (;;) {
            const batch = await reader.readAll(last, 25);
            for (const event of batch) {
              seen.push([event.globalPosition, event.eventId]);
              last = event.globalPosition;
            }
            if (batch.length > 0) continue;
            if (!writing && last >= (await reader.headPosition())) return seen;
            await reader.waitForEvents(last, 250);
          }
        };

        const write = async (writer: EventStore, w: number): Promise<number> => {
          const revisions = new Map<string, number>();
          let appended = 0;
          for (let k = 0; k < 50; k += 1) {
            const requests: AppendRequest[] = [k % 5, ...(k % 10 === 9 ? [(k + 1) % 5] : [])].map((s) => {
              const streamId = `device-w${w}-s${s}`;
              return { streamId, events: newEvents(1 + (k % 3)), expectedRevision: expected(revisions.get(streamId)) };
            });
            for (const result of await writer.appendMany(requests)) {
              revisions.set(result.streamId, result.nextExpectedRevision);
              appended += result.events.length;
            }
          }
          return appended;
        };

        const following = follow();
        const counts = await Promise.all(writers.map(write));
        writing = false;
        const seen = await following;

        const total = counts.reduce((sum, count) => sum + count, 0);
        const all = await store.readAll(0, 10_000);
        expect(all).toHaveLength(total);
        expect(all.map((e) => e.globalPosition)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
        expect(seen).toEqual(all.map((e) => [e.globalPosition, e.eventId]));
        expectIntactChain(all);
        for (let w = 0; w < writers.length; w += 1) {
          const stream = await store.readStream(`device-w${w}-s0`);
          expect(stream.map((e) => e.streamRevision)).toEqual(stream.map((_, i) => i));
        }
      });
    });

    describe('group commit under contention', () => {
      it('gives every concurrent append its own success or conflict, dense positions and one chain', async () => {
        // Streams that exist before the burst: targets for stale revisions, 'no-stream' and retries.
        const hot = ['device-hot-0', 'device-hot-1', 'device-hot-2'];
        for (const streamId of hot) await store.append(streamId, [newEvent()], 'no-stream');
        const storedEarlier = newEvents(2);
        const earlier = await store.append('device-earlier', storedEarlier, 'no-stream');
        const instances = [store, ...(await Promise.all([1, 2].map(() => fixture.openAnother())))];
        const on = (index: number): EventStore => instances[index % instances.length] ?? store;

        interface Attempt {
          readonly label: string;
          readonly streamId: string;
          readonly events: readonly NewEvent[];
          /** 'ok' must succeed, 'conflict' must fail alone, 'race' is one of several where exactly one wins. */
          readonly outcome: 'ok' | 'conflict' | 'duplicate' | 'race' | 'replay';
          readonly run: () => Promise<AppendResult>;
        }
        const attempts: Attempt[] = [];
        const add = (
          label: string,
          streamId: string,
          events: readonly NewEvent[],
          expectedRevision: ExpectedRevision,
          outcome: Attempt['outcome'],
          instance: number,
        ): void => {
          attempts.push({
            label,
            streamId,
            events,
            outcome,
            run: () => on(instance).append(streamId, events, expectedRevision),
          });
        };
        const raced = newEvents(2);
        for (let i = 0; i < 36; i += 1) {
          add(`fresh ${i}`, `device-g${i}`, newEvents(1 + (i % 3)), 'no-stream', 'ok', i);
          if (i % 6 === 1) add(`stale ${i}`, hot[i % hot.length] ?? 'device-hot-0', [newEvent()], 7, 'conflict', i);
          if (i % 6 === 3)
            add(`exists ${i}`, hot[i % hot.length] ?? 'device-hot-0', [newEvent()], 'no-stream', 'conflict', i);
          if (i % 9 === 4) add(`missing ${i}`, `device-none-${i}`, [newEvent()], 0, 'conflict', i);
          if (i % 12 === 5)
            add(`reused id ${i}`, `device-reuse-${i}`, [storedEarlier[0] ?? newEvent()], 'any', 'duplicate', i);
          if (i % 12 === 7) add(`retry ${i}`, 'device-earlier', storedEarlier, 'no-stream', 'replay', i);
        }
        // Two writers that read the same revision of one stream: exactly one of them may append.
        for (const [index, streamId] of hot.entries()) {
          add(`race a ${streamId}`, streamId, [newEvent()], 0, 'race', index);
          // The first pair on one instance (where they can share a group), the others on two.
          add(`race b ${streamId}`, streamId, [newEvent()], 0, 'race', index === 0 ? index + 3 : index + 1);
        }
        // One command retried by three callers at once (same event ids): stored once.
        for (let i = 0; i < 3; i += 1) add(`idempotent ${i}`, 'device-idempotent', raced, 'no-stream', 'race', i);
        const before = await store.headPosition();

        const outcomes = await Promise.allSettled(attempts.map((attempt) => attempt.run()));

        const appended: StoredEvent[] = [];
        const won = new Map<string, number>();
        outcomes.forEach((outcome, index) => {
          const attempt = attempts[index];
          if (!attempt) throw new Error('unreachable');
          const context = `${attempt.label}: ${outcome.status === 'rejected' ? String(outcome.reason) : 'fulfilled'}`;
          if (attempt.outcome === 'ok' || attempt.outcome === 'replay') {
            expect([context, outcome.status]).toEqual([context, 'fulfilled']);
          }
          if (attempt.outcome === 'conflict') {
            expect([context, outcome.status === 'rejected' && outcome.reason instanceof ConcurrencyError]).toEqual([
              context,
              true,
            ]);
          }
          if (attempt.outcome === 'duplicate') {
            expect([context, outcome.status === 'rejected' && outcome.reason instanceof DuplicateEventIdError]).toEqual(
              [context, true],
            );
          }
          if (outcome.status === 'rejected') {
            if (attempt.outcome === 'race') expect(outcome.reason).toBeInstanceOf(ConcurrencyError);
            return;
          }
          const result = outcome.value;
          expect(result.streamId).toBe(attempt.streamId);
          expect(result.events.map((event) => event.eventId)).toEqual(attempt.events.map((event) => event.eventId));
          if (attempt.outcome === 'replay') expect(result).toEqual({ ...earlier, replayed: true });
          if (result.replayed) return;
          appended.push(...result.events);
          won.set(attempt.streamId, (won.get(attempt.streamId) ?? 0) + 1);
        });

        // Exactly one winner per race, every other caller refused or answered with the first result.
        for (const streamId of [...hot, 'device-idempotent'])
          expect([streamId, won.get(streamId)]).toEqual([streamId, 1]);
        const all = await store.readAll(0, 10_000);
        expect(all).toHaveLength(before + appended.length);
        expect(all.map((event) => event.globalPosition)).toEqual(all.map((_, index) => index + 1));
        expectIntactChain(all);
        // What each caller was told is what is stored, at the positions it was told.
        const byPosition = new Map(all.map((event) => [event.globalPosition, event]));
        for (const event of appended) expect(byPosition.get(event.globalPosition)).toEqual(event);
        expect(new Set(appended.map((event) => event.globalPosition)).size).toBe(appended.length);
        // A refused caller left nothing behind.
        outcomes.forEach((outcome, index) => {
          const attempt = attempts[index];
          // The duplicate reuses a stored id, and the idempotent callers share the winner's ids.
          if (outcome.status === 'fulfilled' || !attempt || attempt.outcome === 'duplicate') return;
          if (attempt.streamId === 'device-idempotent') return;
          for (const event of attempt.events)
            expect(all.some((stored) => stored.eventId === event.eventId)).toBe(false);
        });
        for (const streamId of hot)
          expect((await store.readStream(streamId)).map((e) => e.streamRevision)).toEqual([0, 1]);
        expect(await store.readStream('device-idempotent')).toHaveLength(raced.length);
        expect(await store.readStream('device-earlier')).toEqual(earlier.events);
        expect(await store.readStream('device-none-4')).toEqual([]);
      });
    });

    describe('idempotency', () => {
      it('stores a retried append once and replays the first result', async () => {
        const events = newEvents(2);
        const first = await store.append('device-i', events, 'no-stream');
        const retry = await store.append('device-i', events, 'no-stream');
        expect(retry).toEqual({ ...first, replayed: true });

        await store.append('device-i', [newEvent()], 1);
        const other = await fixture.openAnother();
        const later = await other.append('device-i', events, 0);
        expect(later).toEqual({ ...first, replayed: true, nextExpectedRevision: 2 });
        const [viaMany] = await store.appendMany([{ streamId: 'device-i', events, expectedRevision: 'any' }]);
        expect(viaMany?.events).toEqual(first.events);
        expect(await store.headPosition()).toBe(3);
        expect(await store.readStream('device-i')).toHaveLength(3);
      });

      it('never stores two copies when retries race from several instances', async () => {
        const events = newEvents(3);
        const stores = [store, ...(await Promise.all([1, 2, 3].map(() => fixture.openAnother())))];
        const outcomes = await Promise.allSettled(stores.map((s) => s.append('device-retry', events, 'no-stream')));
        const results = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
        expect(results.filter((r) => !r.replayed)).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(ConcurrencyError);
        }
        expect(await store.headPosition()).toBe(3);
        expect(await store.readStream('device-retry')).toHaveLength(3);
      });

      it('refuses an id reused by a different append and stores nothing of it', async () => {
        const [e1, e2] = newEvents(2);
        if (!e1 || !e2) throw new Error('unreachable');
        await store.append('device-d', [e1, e2], 'no-stream');
        const before = await snapshot();
        const fresh = newEvent();

        const attempts: Array<Promise<unknown>> = [
          store.append('device-other', [e1], 'no-stream'), // same id, another stream
          store.append('device-d', [fresh, e1], 'any'), // stored id not first
          store.append('device-d', [e1, fresh], 'any'), // only part of the request is stored
          store.append('device-d', [e2, e1], 'any'), // stored, but in another order
          store.append('device-n', [fresh, fresh], 'no-stream'), // one id twice in one call
          store.appendMany([
            { streamId: 'device-m1', events: [fresh], expectedRevision: 'no-stream' },
            { streamId: 'device-m2', events: [fresh], expectedRevision: 'no-stream' },
          ]),
        ];
        for (const attempt of attempts) {
          await expect(attempt).rejects.toBeInstanceOf(DuplicateEventIdError);
        }
        await expect(store.append('device-other', [e1], 'no-stream')).rejects.toMatchObject({
          code: 'DUPLICATE_EVENT_ID',
          eventId: e1.eventId,
        });
        expect(await snapshot()).toEqual(before);
        expect(await store.findEvent(fresh.eventId)).toBeNull();
      });
    });

    describe('appendMany', () => {
      it('appends to several streams in one transaction, chaining requests to the same stream', async () => {
        await store.append('device-m', [newEvent()], 'no-stream');
        const results = await store.appendMany([
          { streamId: 'device-m', events: newEvents(2), expectedRevision: 0 },
          { streamId: 'device-n', events: [newEvent()], expectedRevision: 'no-stream' },
          { streamId: 'device-m', events: [newEvent()], expectedRevision: 2 },
        ]);
        expect(results.map((r) => [r.streamId, r.nextExpectedRevision, r.replayed])).toEqual([
          ['device-m', 2, false],
          ['device-n', 0, false],
          ['device-m', 3, false],
        ]);
        expect(results.flatMap((r) => r.events.map((e) => e.globalPosition))).toEqual([2, 3, 4, 5]);
        expect((await store.readStream('device-m')).map((e) => e.streamRevision)).toEqual([0, 1, 2, 3]);
        expectIntactChain(await store.readAll(0, 100));
      });

      it('stores nothing when any request fails part-way', async () => {
        await store.append('device-p', [newEvent()], 'no-stream');
        const stored = newEvent();
        await store.append('device-q', [stored], 'no-stream');
        const before = await snapshot();
        const ok = (streamId: string): AppendRequest => ({ streamId, events: newEvents(2), expectedRevision: 'any' });

        await expect(
          store.appendMany([
            ok('device-s1'),
            ok('device-s2'),
            { streamId: 'device-p', events: [newEvent()], expectedRevision: 5 },
          ]),
        ).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT', streamId: 'device-p' });
        await expect(
          store.appendMany([
            ok('device-s1'),
            ok('device-p'),
            { streamId: 'device-s3', events: [stored], expectedRevision: 'any' },
          ]),
        ).rejects.toBeInstanceOf(DuplicateEventIdError);
        await expect(
          store.appendMany([
            ok('device-s1'),
            { streamId: 'device-s1', events: [newEvent()], expectedRevision: 'no-stream' },
          ]),
        ).rejects.toBeInstanceOf(ConcurrencyError);

        expect(await snapshot()).toEqual(before);
        expect(await store.readStream('device-s1')).toEqual([]);
      });
    });

    describe('limits', () => {
      it('refuses an oversized event and an oversized batch, storing nothing', async () => {
        await store.append('device-l', [newEvent()], 'no-stream');
        const before = await snapshot();
        const big = 'x'.repeat(CONTRACT_LIMITS.maxEventBytes);
        const tooBig = newEvent({ data: { blob: big } });
        const fits = (): NewEvent => newEvent({ data: { blob: 'x'.repeat(CONTRACT_LIMITS.maxEventBytes / 2) } });

        await expect(store.append('device-l', [newEvent(), tooBig], 'any')).rejects.toMatchObject({
          code: 'EVENT_TOO_LARGE',
          eventId: tooBig.eventId,
        });
        await expect(
          store.append('device-l', newEvents(CONTRACT_LIMITS.maxBatchEvents + 1), 'any'),
        ).rejects.toBeInstanceOf(BatchTooLargeError);
        const byBytes = Array.from(
          { length: CONTRACT_LIMITS.maxBatchBytes / (CONTRACT_LIMITS.maxEventBytes / 2) + 1 },
          fits,
        );
        await expect(
          store.appendMany([
            { streamId: 'device-l', events: byBytes.slice(0, 5), expectedRevision: 'any' },
            { streamId: 'device-k', events: byBytes.slice(5), expectedRevision: 'any' },
          ]),
        ).rejects.toBeInstanceOf(BatchTooLargeError);
        expect(await snapshot()).toEqual(before);
        await expect(store.append('device-l', [tooBig], 'any')).rejects.toBeInstanceOf(EventTooLargeError);
      });
    });

    describe('waitForEvents', () => {
      it('resolves true at once when events after the position exist', async () => {
        await store.append('device-w', [newEvent()], 'no-stream');
        expect(await store.waitForEvents(0, 5_000)).toBe(true);
      });

      it('wakes at once on an append through the same instance', async () => {
        const waiting = store.waitForEvents(0, 10_000);
        await sleep(20);
        await store.append('device-w', [newEvent()], 'no-stream');
        // Well under the poll interval: only the in-process wake-up can be this quick.
        expect(await Promise.race([waiting, sleep(50)])).toBe(true);
      });

      it('wakes on an append through another instance', async () => {
        const other = await fixture.openAnother();
        const started = Date.now();
        const waiting = store.waitForEvents(0, 10_000);
        await other.append('device-w', [newEvent()], 'no-stream');
        expect(await waiting).toBe(true);
        expect(Date.now() - started).toBeLessThan(2_000);
      });

      it('resolves false when nothing arrives before the timeout', async () => {
        await store.append('device-w', [newEvent()], 'no-stream');
        const started = Date.now();
        expect(await store.waitForEvents(1, 300)).toBe(false);
        expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      });

      it('resolves pending waits with false when the store closes', async () => {
        const other = await fixture.openAnother();
        const started = Date.now();
        const waiting = other.waitForEvents(0, 20_000);
        await sleep(20);
        await other.close();
        expect(await waiting).toBe(false);
        expect(Date.now() - started).toBeLessThan(1_000);
        await expect(other.headPosition()).rejects.toThrow(/closed/);
      });
    });

    describe('lifecycle', () => {
      it('survives init() twice, close and reopen, and continues the chain', async () => {
        await store.append('device-life', newEvents(2), 'no-stream');
        await store.init();
        await store.append('device-life', [newEvent()], 1);
        const before = await store.readAll(0, 100);
        await store.close();
        await store.close();

        const reopened = await fixture.openAnother();
        await reopened.init();
        expect(await reopened.readAll(0, 100)).toEqual(before);
        const [next] = (await reopened.append('device-life', [newEvent()], 2)).events;
        expect(next?.globalPosition).toBe(4);
        expect(next?.prevHash).toBe(before.at(-1)?.hash);
        expectIntactChain(await reopened.readAll(0, 100));
      });
    });
  });
}

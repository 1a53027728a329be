/**
 * Test doubles for the audit specs: sealed chains built in memory, and a read-only EventStore over
 * an array, so a spec can hold a store in states no adapter would produce (a revision gap with
 * valid hashes, a row that fails to parse) and check what verify says about them.
 */
import { randomUUID } from 'node:crypto';
import { GENESIS_HASH, sealEvent } from '#kierto/event-store';
import type { EventStore, JsonObject, StoredEvent } from '#kierto/event-store';

export interface ChainSpec {
  readonly streamId: string;
  /** Default: the stream's next revision. */
  readonly streamRevision?: number;
  readonly data?: JsonObject;
  readonly type?: string;
}

/** Seals the events into one valid chain, positions 1..n. */
export function buildChain(specs: readonly ChainSpec[]): StoredEvent[] {
  const next = new Map<string, number>();
  const events: StoredEvent[] = [];
  let prevHash = GENESIS_HASH;
  specs.forEach((spec, index) => {
    const streamRevision = spec.streamRevision ?? next.get(spec.streamId) ?? 0;
    next.set(spec.streamId, streamRevision + 1);
    const event = sealEvent({
      eventId: randomUUID(),
      type: spec.type ?? 'DeviceCollected',
      schemaVersion: 1,
      streamId: spec.streamId,
      streamRevision,
      globalPosition: index + 1,
      occurredAt: '2030-01-02T03:04:05.678Z',
      recordedAt: '2030-01-02T03:04:06.000Z',
      actor: { organisationId: 'org-collector', role: 'collector', keyId: 'key-1' },
      correlationId: randomUUID(),
      causationId: null,
      data: spec.data ?? { weightKg: 2.5, index },
      metadata: {},
      prevHash,
    });
    prevHash = event.hash;
    events.push(event);
  });
  return events;
}

/** Re-seals events[from..] so the chain is consistent again after an edit (what a careful forger does). */
export function reseal(events: StoredEvent[], from: number): void {
  for (let i = from; i < events.length; i += 1) {
    const event = events[i];
    if (event === undefined) continue;
    const { hash: _hash, ...rest } = event;
    events[i] = sealEvent({ ...rest, globalPosition: i + 1, prevHash: events[i - 1]?.hash ?? GENESIS_HASH });
  }
}

/** Reads only; `unreadableAt` makes readAll throw a SyntaxError when that position would be returned. */
export class ArrayEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  readStreamCalls = 0;
  unreadableAt: number | null = null;

  constructor(public events: StoredEvent[]) {}

  init(): Promise<void> {
    return Promise.resolve();
  }

  append(): never {
    throw new Error('ArrayEventStore is read-only');
  }

  appendMany(): never {
    throw new Error('ArrayEventStore is read-only');
  }

  readStream(streamId: string, fromRevision = 0): Promise<StoredEvent[]> {
    this.readStreamCalls += 1;
    return Promise.resolve(
      this.events
        .filter((event) => event.streamId === streamId && event.streamRevision >= fromRevision)
        .sort((a, b) => a.streamRevision - b.streamRevision),
    );
  }

  readAll(after: number, limit: number): Promise<StoredEvent[]> {
    const page = this.events.filter((event) => event.globalPosition > after).slice(0, limit);
    if (this.unreadableAt !== null && page.some((event) => event.globalPosition === this.unreadableAt)) {
      return Promise.reject(new SyntaxError('Unexpected token } in JSON'));
    }
    return Promise.resolve(page);
  }

  headPosition(): Promise<number> {
    return Promise.resolve(this.events.reduce((max, event) => Math.max(max, event.globalPosition), 0));
  }

  findEvent(eventId: string): Promise<StoredEvent | null> {
    return Promise.resolve(this.events.find((event) => event.eventId === eventId) ?? null);
  }

  waitForEvents(): Promise<boolean> {
    return Promise.resolve(false);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

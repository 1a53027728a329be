import { describe, expect, it } from '@jest/globals';
import { StoreUnavailableError } from '#kierto/event-store';
import { GENESIS_HASH, sealEvent } from '#kierto/event-store';
import type { StoredEvent } from '#kierto/event-store';
import { MerkleBuilder } from './merkle.js';
import { ArrayEventStore, buildChain, reseal, type ChainSpec } from './testing/array-store.js';
import { verifyChain, type ChainVerdict } from './verify-chain.js';

/** Ten events over three interleaved streams. */
function specs(): ChainSpec[] {
  return Array.from({ length: 10 }, (_, i) => ({ streamId: `device-${i % 3}` }));
}

function at(events: StoredEvent[], position: number): StoredEvent {
  const event = events[position - 1];
  if (event === undefined) throw new Error(`no event at ${position}`);
  return event;
}

function replaceAt(events: StoredEvent[], position: number, change: Partial<StoredEvent>): void {
  events[position - 1] = { ...at(events, position), ...change };
}

function failure(verdict: ChainVerdict): { position: number; reason: string; verifiedUpTo: number } {
  if (verdict.ok) throw new Error(`expected a failure, got ${JSON.stringify(verdict)}`);
  return { position: verdict.position, reason: verdict.reason, verifiedUpTo: verdict.verifiedUpTo };
}

describe('verifyChain', () => {
  it('answers intact with position, head hash and count, reading page by page', async () => {
    const events = buildChain(specs());
    const seen: number[] = [];
    const verdict = await verifyChain(new ArrayEventStore(events), {
      pageSize: 3,
      onEvent: (e) => seen.push(e.globalPosition),
    });
    expect(verdict).toEqual({ ok: true, position: 10, headHash: at(events, 10).hash, events: 10, streamLookups: 0 });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('answers intact at position 0 with the genesis hash for an empty store', async () => {
    expect(await verifyChain(new ArrayEventStore([]))).toEqual({
      ok: true,
      position: 0,
      headHash: GENESIS_HASH,
      events: 0,
      streamLookups: 0,
    });
  });

  it('names a changed event by its hash, and the intact prefix before it', async () => {
    const events = buildChain(specs());
    replaceAt(events, 6, { data: { weightKg: 250 } });
    expect(failure(await verifyChain(new ArrayEventStore(events), { pageSize: 4 }))).toEqual({
      position: 6,
      reason: 'hash-mismatch',
      verifiedUpTo: 5,
    });
  });

  it('names a changed stored hash at its own position', async () => {
    const events = buildChain(specs());
    replaceAt(events, 4, { hash: 'f'.repeat(64) });
    expect(failure(await verifyChain(new ArrayEventStore(events)))).toMatchObject({
      position: 4,
      reason: 'hash-mismatch',
    });
  });

  it('names the first missing position of a deleted event', async () => {
    const events = buildChain(specs());
    events.splice(2, 1);
    expect(failure(await verifyChain(new ArrayEventStore(events)))).toMatchObject({
      position: 3,
      reason: 'position-gap',
    });
  });

  it('names the event after a forged insertion by its broken link', async () => {
    const events = buildChain(specs());
    // A forged event at position 5, sealed consistently on top of position 4, later events moved up.
    const [forged] = buildChain([{ streamId: 'forged' }]);
    if (forged === undefined) throw new Error('no forged event');
    const { hash: _hash, ...unsealed } = forged;
    const moved = events.slice(4).map((event) => ({ ...event, globalPosition: event.globalPosition + 1 }));
    const tampered = [
      ...events.slice(0, 4),
      sealEvent({ ...unsealed, globalPosition: 5, prevHash: at(events, 4).hash }),
      ...moved,
    ];
    expect(failure(await verifyChain(new ArrayEventStore(tampered)))).toMatchObject({
      position: 6,
      reason: 'broken-link',
    });
  });

  it('lets a consistently re-sealed history pass on its own, and catches it against a checkpoint', async () => {
    const original = buildChain(specs());
    const checkpoint = { position: 8, headHash: at(original, 8).hash };
    const rewritten = [...original];
    replaceAt(rewritten, 3, { data: { weightKg: 0.1 } });
    reseal(rewritten, 2);
    expect((await verifyChain(new ArrayEventStore(rewritten))).ok).toBe(true);
    expect(failure(await verifyChain(new ArrayEventStore(rewritten), { checkpoint }))).toMatchObject({
      position: 8,
      reason: 'checkpoint-mismatch',
      verifiedUpTo: 8,
    });
  });

  it('catches a clean cut of the tail only against a checkpoint (or a head that says more)', async () => {
    const events = buildChain(specs());
    const checkpoint = { position: 9, headHash: at(events, 9).hash };
    const cut = events.slice(0, 6);
    expect(await verifyChain(new ArrayEventStore(cut))).toMatchObject({ ok: true, position: 6 });
    expect(failure(await verifyChain(new ArrayEventStore(cut), { checkpoint }))).toEqual({
      position: 7,
      reason: 'truncated',
      verifiedUpTo: 6,
    });
    const lying = new ArrayEventStore(cut);
    lying.headPosition = () => Promise.resolve(10);
    expect(failure(await verifyChain(lying))).toMatchObject({ position: 7, reason: 'truncated' });
  });

  it('checks the tree root a checkpoint signs', async () => {
    const events = buildChain(specs());
    const tree = new MerkleBuilder();
    for (const event of events.slice(0, 7)) tree.add(event.hash);
    const checkpoint = { position: 7, headHash: at(events, 7).hash, treeRoot: tree.root() };
    expect(await verifyChain(new ArrayEventStore(events), { checkpoint })).toMatchObject({
      ok: true,
      position: 10,
      checkpoint: { position: 7, headHash: checkpoint.headHash },
    });
    expect(
      failure(
        await verifyChain(new ArrayEventStore(events), { checkpoint: { ...checkpoint, treeRoot: GENESIS_HASH } }),
      ),
    ).toMatchObject({
      position: 7,
      reason: 'checkpoint-mismatch',
    });
  });

  it('computes the tree root of everything it verified on request', async () => {
    const events = buildChain(specs());
    const tree = new MerkleBuilder();
    for (const event of events) tree.add(event.hash);
    expect(await verifyChain(new ArrayEventStore(events), { treeRoot: true })).toMatchObject({
      ok: true,
      treeRoot: tree.root(),
    });
  });

  it('stops at `until`, and reports a store that ends before it as truncated', async () => {
    const events = buildChain(specs());
    expect(await verifyChain(new ArrayEventStore(events), { until: 4, pageSize: 3 })).toMatchObject({
      ok: true,
      position: 4,
    });
    expect(failure(await verifyChain(new ArrayEventStore(events.slice(0, 3)), { until: 4 }))).toMatchObject({
      position: 4,
      reason: 'truncated',
    });
  });

  it('reports positions that come back out of order', async () => {
    const events = buildChain(specs());
    const swapped = [...events];
    [swapped[3], swapped[4]] = [at(events, 5), at(events, 4)];
    expect(failure(await verifyChain(new ArrayEventStore(swapped)))).toMatchObject({
      position: 4,
      reason: 'position-gap',
    });
    const repeated = [...events.slice(0, 5), at(events, 5), ...events.slice(5)];
    expect(failure(await verifyChain(new ArrayEventStore(repeated)))).toMatchObject({
      position: 6,
      reason: 'position-order',
    });
  });

  describe('per-stream revisions', () => {
    const gap: ChainSpec[] = [
      { streamId: 'a' },
      { streamId: 'b' },
      { streamId: 'c' },
      { streamId: 'a' },
      { streamId: 'b', streamRevision: 2 },
    ];

    it('finds a revision gap in a chain whose hashes are all consistent, inside the window', async () => {
      const store = new ArrayEventStore(buildChain(gap));
      expect(failure(await verifyChain(store))).toMatchObject({ position: 5, reason: 'revision-gap' });
      expect(store.readStreamCalls).toBe(0);
    });

    it('finds it with a look-up when the stream has left the window', async () => {
      const store = new ArrayEventStore(buildChain(gap));
      expect(failure(await verifyChain(store, { revisionWindow: 1 }))).toMatchObject({
        position: 5,
        reason: 'revision-gap',
      });
      expect(store.readStreamCalls).toBeGreaterThan(0);
    });

    it('finds a repeated revision inside the window, and a stream that does not start at 0 outside it', async () => {
      const repeated = buildChain([{ streamId: 'a' }, { streamId: 'a', streamRevision: 0 }]);
      expect(failure(await verifyChain(new ArrayEventStore(repeated)))).toMatchObject({
        position: 2,
        reason: 'revision-gap',
      });
      const late = buildChain([{ streamId: 'a' }, { streamId: 'b', streamRevision: 1 }]);
      expect(failure(await verifyChain(new ArrayEventStore(late), { revisionWindow: 1 }))).toMatchObject({
        position: 2,
        reason: 'revision-gap',
      });
    });

    it('verifies a valid store with a window far smaller than its streams, looking streams up as needed', async () => {
      const many = buildChain(Array.from({ length: 60 }, (_, i) => ({ streamId: `s${i % 7}` })));
      const store = new ArrayEventStore(many);
      const verdict = await verifyChain(store, { revisionWindow: 2, pageSize: 8 });
      expect(verdict).toMatchObject({ ok: true, position: 60 });
      expect(verdict.ok && verdict.streamLookups).toBe(53);
      expect(store.readStreamCalls).toBe(53);
    });
  });

  it('names the first unreadable row after verifying the events before it', async () => {
    const store = new ArrayEventStore(buildChain(specs()));
    store.unreadableAt = 7;
    expect(failure(await verifyChain(store, { pageSize: 4 }))).toEqual({
      position: 7,
      reason: 'unreadable',
      verifiedUpTo: 6,
    });
    const earlier = buildChain(specs());
    replaceAt(earlier, 6, { type: 'Forged' });
    const both = new ArrayEventStore(earlier);
    both.unreadableAt = 7;
    expect(failure(await verifyChain(both, { pageSize: 4 }))).toMatchObject({ position: 6, reason: 'hash-mismatch' });
  });

  it('lets a store outage through as an error, not as a verdict about the chain', async () => {
    const store = new ArrayEventStore(buildChain(specs()));
    store.readAll = () => Promise.reject(new StoreUnavailableError('down'));
    await expect(verifyChain(store)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(verifyChain(store, { pageSize: 0 })).rejects.toThrow(RangeError);
  });
});

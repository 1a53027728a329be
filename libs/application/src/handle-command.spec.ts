import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DomainError, producerStreamId, type MembershipCommand } from '#kierto/domain';
import { ConcurrencyError } from '#kierto/event-store';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import {
  handleCommand,
  IdempotencyKeyReusedError,
  retryDelayMs,
  RETRY_POLICY,
  type CommandContext,
} from './handle-command.js';
import { foldStream, producerStreams } from './streams.js';

/** The one command loop, on a kind of stream other than devices: producer memberships. */
describe('handleCommand', () => {
  let store: SqliteEventStore;
  let ids = 0;
  beforeEach(async () => {
    store = new SqliteEventStore({ file: ':memory:' });
    await store.init();
  });
  afterEach(async () => {
    await store.close();
  });

  const context = (overrides: Partial<CommandContext> = {}): CommandContext => ({
    actor: { organisationId: 'org-elker', role: 'producer-organisation', keyId: 'key-1' },
    correlationId: 'correlation-1',
    causationId: null,
    idempotencyKey: null,
    requestFingerprint: 'fingerprint-1',
    expectedRevision: null,
    newEventId: () => `00000000-0000-4000-8000-${String((ids += 1)).padStart(12, '0')}`,
    ...overrides,
  });
  const join = (organisationId: string, occurredAt = '2025-01-01T00:00:00Z'): MembershipCommand => ({
    kind: 'JoinProducerOrganisation',
    producerId: 'producer-a',
    occurredAt,
    now: '2026-01-01T00:00:00Z',
    data: { organisationId },
  });
  const stream = producerStreamId('producer-a');

  it('folds the stream, decides and appends under the stream id, with the envelope from the context', async () => {
    const outcome = await handleCommand(store, producerStreams, stream, join('org-elker'), context());
    expect(outcome).toMatchObject({ streamId: 'producer:producer-a', revision: 0, replayed: false });
    const [event] = await store.readStream(stream);
    expect(event).toMatchObject({
      type: 'ProducerJoinedOrganisation',
      data: { organisationId: 'org-elker' },
      actor: { organisationId: 'org-elker' },
      metadata: { requestFingerprint: 'fingerprint-1' },
    });
    expect(foldStream(producerStreams, await store.readStream(stream)).state.organisationId).toBe('org-elker');
  });

  describe('a command that starts its stream (startsStream)', () => {
    it('is decided on the empty stream without reading it, and appended expecting no stream', async () => {
      let reads = 0;
      const readStream = store.readStream.bind(store);
      store.readStream = (streamId) => {
        reads += 1;
        return readStream(streamId);
      };
      const outcome = await handleCommand(store, producerStreams, stream, join('org-elker'), {
        ...context(),
        startsStream: true,
      });
      expect(outcome).toMatchObject({ revision: 0, replayed: false });
      expect(reads).toBe(0);
    });

    it('is read and decided on what is stored when the stream exists: refused as without the hint', async () => {
      await handleCommand(store, producerStreams, stream, join('org-elker'), context());
      const retries: number[] = [];
      await expect(
        handleCommand(store, producerStreams, stream, join('org-serty', '2025-02-01T00:00:00Z'), {
          ...context({ onRetry: (attempt) => retries.push(attempt) }),
          startsStream: true,
        }),
      ).rejects.toBeInstanceOf(DomainError);
      expect(retries).toEqual([1]);
      expect(await store.headPosition()).toBe(1);
    });

    it('is read first when If-Match pins a revision', async () => {
      await handleCommand(store, producerStreams, stream, join('org-elker'), context());
      await expect(
        handleCommand(store, producerStreams, stream, join('org-serty', '2025-02-01T00:00:00Z'), {
          ...context({ expectedRevision: 'no-stream' }),
          startsStream: true,
        }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
    });
  });

  it('decides on what is stored: a second join is refused and appends nothing', async () => {
    await handleCommand(store, producerStreams, stream, join('org-elker'), context());
    await expect(
      handleCommand(store, producerStreams, stream, join('org-serty', '2025-02-01T00:00:00Z'), context()),
    ).rejects.toBeInstanceOf(DomainError);
    expect(await store.headPosition()).toBe(1);
  });

  it('answers a retry with the same Idempotency-Key with the first outcome, and refuses the key for another request', async () => {
    const first = await handleCommand(
      store,
      producerStreams,
      stream,
      join('org-elker'),
      context({ idempotencyKey: 'k-1' }),
    );
    const retry = await handleCommand(
      store,
      producerStreams,
      stream,
      join('org-elker'),
      context({ idempotencyKey: 'k-1' }),
    );
    expect(retry).toEqual({ ...first, replayed: true });
    await expect(
      handleCommand(
        store,
        producerStreams,
        stream,
        join('org-elker'),
        context({ idempotencyKey: 'k-1', requestFingerprint: 'other' }),
      ),
    ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('refuses a command whose expected revision the stream has moved past', async () => {
    await handleCommand(store, producerStreams, stream, join('org-elker'), context());
    await expect(
      handleCommand(store, producerStreams, stream, join('org-serty'), context({ expectedRevision: 'no-stream' })),
    ).rejects.toBeInstanceOf(ConcurrencyError);
  });

  it('decides again after a conflicting append, waiting a jittered, growing time between attempts', async () => {
    let conflicts = 3;
    const append = store.append.bind(store);
    const contended = Object.assign(Object.create(store) as SqliteEventStore, {
      append: (...args: Parameters<SqliteEventStore['append']>) => {
        if (conflicts === 0) return append(...args);
        conflicts -= 1;
        return Promise.reject(new ConcurrencyError(stream, 'no-stream', 0));
      },
    });
    const retries: number[] = [];
    const outcome = await handleCommand(
      contended,
      producerStreams,
      stream,
      join('org-elker'),
      context({ onRetry: (attempt) => retries.push(attempt) }),
    );
    expect({ conflicts, revision: outcome.revision }).toEqual({ conflicts: 0, revision: 0 });
    // Told before each retry (the API's command span counts them, docs/operations.md "Traces").
    expect(retries).toEqual([1, 2, 3]);
  });

  it('waits at most a doubling ceiling before each retry, capped', () => {
    expect(retryDelayMs(1, () => 0)).toBe(0);
    expect(retryDelayMs(1, () => 0.999)).toBeLessThan(RETRY_POLICY.firstDelayMs);
    expect(retryDelayMs(3, () => 0.999)).toBeLessThan(RETRY_POLICY.firstDelayMs * 4);
    expect(retryDelayMs(30, () => 0.999)).toBeLessThan(RETRY_POLICY.maxDelayMs);
  });

  it('refuses to read a foreign stream as this kind of stream', () => {
    expect(() => producerStreams.toEvent({ type: 'DeviceCollected', eventId: 'e-1' } as never)).toThrow(
      'not a producer membership event',
    );
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import {
  PostgresSubscriptionStore,
  SqliteSubscriptionStore,
  type Subscription,
  type SubscriptionStore,
} from './subscription-store.js';

/** The two subscription stores keep the same rows and the same compare-and-set cursor (docs/feed.md). */
const subscription = (id: string, organisationId = 'org-a'): Subscription => ({
  id,
  organisationId,
  url: 'https://hooks.example.org/kierto',
  eventTypes: ['DeviceCollected'],
  deviceIds: null,
  secret: 'whsec_test',
  createdAt: '2026-12-06T10:00:00.000Z',
  state: 'active',
  position: 5,
  consecutiveFailures: 0,
  nextAttemptAt: null,
  lastAttemptAt: null,
  lastSuccessAt: null,
  lastStatus: null,
  lastError: null,
  pausedAt: null,
});

function contract(name: string, open: () => Promise<{ store: SubscriptionStore; cleanup: () => Promise<void> }>): void {
  describe(`${name} subscription store`, () => {
    let store: SubscriptionStore;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ store, cleanup } = await open());
    });
    afterAll(() => cleanup());

    it('keeps subscriptions per organisation and removes only its own', async () => {
      await store.create(subscription('sub_1'));
      await store.create(subscription('sub_2', 'org-b'));
      expect(await store.get('sub_1')).toEqual(subscription('sub_1'));
      expect((await store.list('org-a')).map((found) => found.id)).toEqual(['sub_1']);
      expect(await store.remove('org-a', 'sub_2')).toBe(false);
      expect(await store.remove('org-b', 'sub_2')).toBe(true);
      expect(await store.get('sub_2')).toBeNull();
    });

    it('moves the cursor only from where the caller saw it (compare-and-set)', async () => {
      expect(await store.delivered('sub_1', 5, 9, '2026-12-06T10:01:00.000Z', 204)).toBe(true);
      // A deliverer that still believes the cursor is at 5 (a former leader) moves nothing.
      expect(await store.delivered('sub_1', 5, 7, '2026-12-06T10:01:01.000Z', 200)).toBe(false);
      expect(await store.advance('sub_1', 5, 8)).toBe(false);
      expect(await store.advance('sub_1', 9, 12)).toBe(true);
      expect(await store.get('sub_1')).toMatchObject({ position: 12, lastStatus: 204, lastError: null });
    });

    it('counts failures, pauses when told, and resumes with the failures cleared', async () => {
      await store.failed('sub_1', {
        at: '2026-12-06T10:02:00.000Z',
        status: 503,
        error: 'HTTP 503',
        consecutiveFailures: 1,
        nextAttemptAt: '2026-12-06T10:02:02.000Z',
        pause: false,
      });
      expect(await store.get('sub_1')).toMatchObject({ state: 'active', consecutiveFailures: 1, lastStatus: 503 });
      await store.failed('sub_1', {
        at: '2026-12-06T10:03:00.000Z',
        status: null,
        error: 'connect ECONNREFUSED',
        consecutiveFailures: 2,
        nextAttemptAt: '2026-12-06T10:03:04.000Z',
        pause: true,
      });
      expect(await store.get('sub_1')).toMatchObject({
        state: 'paused',
        pausedAt: '2026-12-06T10:03:00.000Z',
        lastError: 'connect ECONNREFUSED',
      });
      expect(await store.listActive()).toEqual([]);
      expect(await store.resume('org-b', 'sub_1')).toBeNull();
      expect(await store.resume('org-a', 'sub_1')).toMatchObject({
        state: 'active',
        consecutiveFailures: 0,
        nextAttemptAt: null,
        pausedAt: null,
        position: 12,
      });
      expect((await store.listActive()).map((found) => found.id)).toEqual(['sub_1']);
    });
  });
}

contract('SQLite', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'kierto-subscriptions-'));
  const store = new SqliteSubscriptionStore(join(folder, 'access.sqlite'));
  await store.init();
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
});

describeIfPostgres('on PostgreSQL', () => {
  contract('PostgreSQL', async () => {
    const schema = createTestSchema('kierto_hooks');
    const store = new PostgresSubscriptionStore(postgres.url, schema);
    await store.init();
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropTestSchema(schema);
      },
    };
  });
});

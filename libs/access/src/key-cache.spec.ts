import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthenticationError, authenticateWith, createKey, KeyCache } from './authentication.js';
import { SqliteAccessStore } from './sqlite-access-store.js';

/**
 * The key cache (docs/adr/0035): a key looked up within the bound is not looked up again, so a
 * revocation made elsewhere (another instance, the CLI) holds here at most `maxAgeMs` later; the
 * secret and the expiry are still checked on every request. The clock is given, never waited for.
 */
const T0 = Date.parse('2026-06-01T12:00:00Z');
const BOUND_MS = 2_000;
const at = (ms: number): Date => new Date(T0 + ms);

describe('KeyCache', () => {
  const store = new SqliteAccessStore(':memory:');
  beforeAll(async () => {
    await store.init();
    await store.createOrganisation({
      id: 'producer-1',
      name: 'Producer One',
      roles: ['producer'],
      createdAt: at(0).toISOString(),
    });
  });
  afterAll(() => store.close());

  async function cachedKey(options: { expiresAt?: string } = {}) {
    const cache = new KeyCache(BOUND_MS);
    const { token, record } = await createKey(store, 'producer-1', {
      label: 'cached',
      expiresAt: options.expiresAt ?? null,
      now: at(0),
    });
    const first = await authenticateWith(store, `Bearer ${token}`, at(0), cache);
    return { cache, token, keyId: record.keyId, first };
  }

  async function refusal(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    return (error as AuthenticationError).code;
  }

  it('looks a key up once within the bound, then again', async () => {
    const { cache, token, first } = await cachedKey();
    expect(first.fromCache).toBe(false);
    const second = await authenticateWith(store, `Bearer ${token}`, at(BOUND_MS - 1), cache);
    expect(second).toEqual({ principal: first.principal, fromCache: true });
    expect((await authenticateWith(store, `Bearer ${token}`, at(BOUND_MS), cache)).fromCache).toBe(false);
  });

  it('refuses a key revoked elsewhere once the bound has passed since its lookup', async () => {
    const { cache, token, keyId } = await cachedKey();
    // Revoked in the store, not through this cache: another instance, or the CLI.
    await store.revokeKey('producer-1', keyId, at(10).toISOString());
    // Within the bound the cached lookup stands: the documented staleness.
    expect((await authenticateWith(store, `Bearer ${token}`, at(BOUND_MS - 1), cache)).fromCache).toBe(true);
    expect(await refusal(authenticateWith(store, `Bearer ${token}`, at(BOUND_MS), cache))).toBe('KEY_REVOKED');
  });

  it('refuses a key forgotten after a revocation through this process on the next request', async () => {
    const { cache, token, keyId } = await cachedKey();
    await store.revokeKey('producer-1', keyId, at(10).toISOString());
    cache.forget(keyId);
    expect(await refusal(authenticateWith(store, `Bearer ${token}`, at(11), cache))).toBe('KEY_REVOKED');
  });

  it('does not remember a lookup that a revocation through this process overtook', async () => {
    const cache = new KeyCache(BOUND_MS);
    const { token } = await createKey(store, 'producer-1', { label: 'raced', expiresAt: null, now: at(0) });
    // The key is read, then revoked and forgotten through this process before the lookup returns.
    const racing = Object.assign(Object.create(store) as SqliteAccessStore, {
      getKey: async (keyId: string) => {
        const asRead = await store.getKey(keyId);
        await store.revokeKey('producer-1', keyId, at(1).toISOString());
        cache.forget(keyId);
        return asRead;
      },
    });
    // The request that began before the revocation is answered from what it read ...
    expect((await authenticateWith(racing, `Bearer ${token}`, at(0), cache)).fromCache).toBe(false);
    // ... but the next one, well within the bound, is not answered from it.
    expect(await refusal(authenticateWith(store, `Bearer ${token}`, at(2), cache))).toBe('KEY_REVOKED');
  });

  it('checks the secret of a cached key id on every request', async () => {
    const { cache, keyId } = await cachedKey();
    const wrong = `Bearer kierto_${keyId}_${'x'.repeat(43)}`;
    expect(await refusal(authenticateWith(store, wrong, at(1), cache))).toBe('UNKNOWN_KEY');
  });

  it('refuses a cached key once it has expired', async () => {
    const { cache, token } = await cachedKey({ expiresAt: at(500).toISOString() });
    expect((await authenticateWith(store, `Bearer ${token}`, at(499), cache)).fromCache).toBe(true);
    expect(await refusal(authenticateWith(store, `Bearer ${token}`, at(500), cache))).toBe('KEY_EXPIRED');
  });

  it('treats a clock that went back as stale, and caches nothing with a bound of 0', async () => {
    const { cache, token } = await cachedKey();
    expect((await authenticateWith(store, `Bearer ${token}`, at(-1), cache)).fromCache).toBe(false);
    const off = new KeyCache(0);
    await authenticateWith(store, `Bearer ${token}`, at(0), off);
    expect((await authenticateWith(store, `Bearer ${token}`, at(0), off)).fromCache).toBe(false);
  });
});

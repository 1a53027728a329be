import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import { productOf } from '../support/lifecycle.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Failed authentication (docs/access.md) is rate-limited per client address and per key id, with
 * Retry-After, before the key is looked at, so that keys cannot be guessed at full speed.
 */

const PER_ADDRESS = 5;
const PER_KEY = 3;
const SECRET_LIKE = 'x'.repeat(43);
const UNKNOWN = `Bearer kierto_k0000000000000000_${SECRET_LIKE}`;

const expectAnswer = (response: request.Response, status: number, code: string): void => {
  expect({ status: response.status, code: response.body.error?.code }).toEqual({ status, code });
};

/** Two apps in turn on the same store (SQLite: each its own folder); `cleanUp` once both are closed. */
function failureLimits(
  storeName: string,
  options: () => { databaseUrl?: string; databaseSchema?: string },
  cleanUp: () => Promise<void>,
): void {
  describe(`failed authentication limits (${storeName})`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({
        ...options(),
        failedAuthPerAddressPerMinute: PER_ADDRESS,
        failedAuthPerKeyPerMinute: PER_KEY,
      });
    });
    afterAll(async () => {
      await app.close();
    });

    it('counts unknown keys and keyless calls of one address, then answers 429 with Retry-After, before looking at the key', async () => {
      const valid = await app.tokenOf('auth-admin', 'admin');
      for (let attempt = 0; attempt < PER_ADDRESS; attempt += 1) {
        const send =
          attempt % 2 === 0
            ? request(app.http).get('/organisations').set('Authorization', UNKNOWN)
            : request(app.http).get('/organisations');
        expectAnswer(await send, 401, attempt % 2 === 0 ? 'UNKNOWN_KEY' : 'MISSING_CREDENTIALS');
      }
      const head = await app.store.headPosition();
      const limited = await request(app.http)
        .post('/devices')
        .set('Authorization', UNKNOWN)
        .send({
          occurredAt: '2026-01-15T10:00:00Z',
          producerId: 'p',
          country: 'FI',
          market: 'household',
          product: productOf({ serialNumber: 'AUTH-1', weeeCategory: 2, weightKg: 2 }),
        });
      expectAnswer(limited, 429, 'AUTHENTICATION_RATE_LIMITED');
      expect(Number(limited.header['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.header['retry-after'])).toBeLessThanOrEqual(60);
      expect(await app.store.headPosition()).toBe(head);
      // The address is refused whatever it sends, for the rest of the window: a valid key too.
      expectAnswer(
        await request(app.http).get('/organisations').set('Authorization', `Bearer ${valid}`),
        429,
        'AUTHENTICATION_RATE_LIMITED',
      );
      // Public routes without a key are not authentication: they keep their own limit.
      expect((await request(app.http).get('/health')).status).toBe(200);
    });
  });

  describe(`failed authentication limits per key id (${storeName})`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({
        ...options(),
        failedAuthPerAddressPerMinute: 1_000,
        failedAuthPerKeyPerMinute: PER_KEY,
      });
    });
    afterAll(async () => {
      await app.close();
      await cleanUp();
    });

    it('refuses a key id guessed wrong too often to the address that guessed, and nothing else', async () => {
      const target = await app.tokenOf('auth-target', 'auditor');
      const other = await app.tokenOf('auth-other', 'auditor');
      const [, keyId] = /^kierto_(k[a-z0-9]+)_/.exec(target) ?? [];
      const wrong = `Bearer kierto_${keyId}_${SECRET_LIKE}`;
      for (let attempt = 0; attempt < PER_KEY; attempt += 1) {
        expectAnswer(await request(app.http).get('/organisations').set('Authorization', wrong), 401, 'UNKNOWN_KEY');
      }
      const limited = await request(app.http).get('/organisations').set('Authorization', wrong);
      expectAnswer(limited, 429, 'AUTHENTICATION_RATE_LIMITED');
      expect(limited.header['retry-after']).toMatch(/^\d+$/);
      // Before its secret is checked: the right secret from this address is refused alike.
      expectAnswer(
        await request(app.http).get('/projections/status').set('Authorization', `Bearer ${target}`),
        429,
        'AUTHENTICATION_RATE_LIMITED',
      );
      // Another key from the same address is not held back.
      expect((await request(app.http).get('/projections/status').set('Authorization', `Bearer ${other}`)).status).toBe(
        200,
      );
    });
  });
}

failureLimits(
  'SQLite',
  () => ({}),
  () => Promise.resolve(),
);

describeIfPostgres('on PostgreSQL', () => {
  const schema = createTestSchema('kierto_authlimit');
  failureLimits(
    'PostgreSQL',
    () => ({ databaseUrl: postgres.url, databaseSchema: schema }),
    () => dropTestSchema(schema),
  );
});

describe('failed authentication limits behind a proxy (KIERTO_TRUST_PROXY)', () => {
  /** Fails PER_ADDRESS times for each of two clients that reach the API through the same proxy, then tries once more for each. */
  async function twoClientsThroughOneProxy(trustProxy: false | string): Promise<{ first: number; second: number }> {
    const app = await startTestApp({ trustProxy, failedAuthPerAddressPerMinute: PER_ADDRESS });
    try {
      const attempt = (client: string) =>
        request(app.http).get('/organisations').set('Authorization', UNKNOWN).set('X-Forwarded-For', client);
      for (let failure = 0; failure < PER_ADDRESS; failure += 1) await attempt('198.51.100.7');
      return { first: (await attempt('198.51.100.7')).status, second: (await attempt('203.0.113.9')).status };
    } finally {
      await app.close();
    }
  }

  it('trusting the proxy on loopback, counts each client by its own address', async () => {
    expect(await twoClientsThroughOneProxy('loopback')).toEqual({ first: 429, second: 401 });
  });

  it('by default, believes no X-Forwarded-For: every client behind the proxy shares its address', async () => {
    expect(await twoClientsThroughOneProxy(false)).toEqual({ first: 429, second: 429 });
  });
});

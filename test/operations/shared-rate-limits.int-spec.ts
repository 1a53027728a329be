import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import { leaseCap, PostgresRequestLimiter } from '../../apps/api/src/access/rate-limiter.js';
import { earlyEnoughInAMinute } from '../support/rate-windows.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Rate limits shared by every API instance on one PostgreSQL (docs/access.md): N instances allow the
 * limit once, not N times.
 */
describeIfPostgres('rate limits shared through PostgreSQL', () => {
  const schema = createTestSchema('kierto_limits');
  afterAll(() => dropTestSchema(schema));

  it('two limiters on one database draw from one budget per client', async () => {
    // An hour's window: the test cannot straddle two windows.
    const errors: unknown[] = [];
    const limiters = [0, 1].map(
      () => new PostgresRequestLimiter(postgres.url, schema, (error) => errors.push(error), 3_600_000),
    );
    try {
      const decisions = [];
      for (let index = 0; index < 5; index += 1) {
        decisions.push(await limiters[index % 2]?.take('key:k-shared', 4, Date.now()));
      }
      expect(decisions.map((decision) => [decision?.allowed, decision?.remaining])).toEqual([
        [true, 3],
        [true, 2],
        [true, 1],
        [true, 0],
        [false, 0],
      ]);
      expect((await limiters[1]?.take('key:k-other', 4, Date.now()))?.remaining).toBe(3);
      expect(errors).toEqual([]);
    } finally {
      for (const limiter of limiters) await limiter.close();
    }
  });

  it('reserves requests in leases under a high limit: one instance allows exactly the limit', async () => {
    const errors: unknown[] = [];
    const limiter = new PostgresRequestLimiter(postgres.url, schema, (error) => errors.push(error), 3_600_000);
    try {
      const limit = 640;
      expect(leaseCap(limit)).toBe(10);
      const decisions = [];
      for (let index = 0; index < limit + 20; index += 1) {
        decisions.push(await limiter.take('key:k-leased', limit, Date.now()));
      }
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(limit);
      expect(decisions.slice(0, limit).every((decision) => decision.allowed)).toBe(true);
      expect(decisions.map((decision) => decision.remaining).slice(0, 3)).toEqual([639, 638, 637]);
      expect(decisions.at(limit - 1)?.remaining).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await limiter.close();
    }
  });

  it('never allows more than the limit across instances taking at once, and holds back at most a lease each', async () => {
    const errors: unknown[] = [];
    const limiters = [0, 1].map(
      () => new PostgresRequestLimiter(postgres.url, schema, (error) => errors.push(error), 3_600_000),
    );
    try {
      const limit = 640;
      // Concurrent takes on both instances, more than the limit in all.
      const [first, second] = limiters as [PostgresRequestLimiter, PostgresRequestLimiter];
      const decisions = await Promise.all(
        Array.from({ length: 800 }, (_, index) =>
          (index % 2 === 0 ? first : second).take('key:k-concurrent', limit, Date.now()),
        ),
      );
      const allowed = decisions.filter((decision) => decision.allowed).length;
      expect(allowed).toBeLessThanOrEqual(limit);
      // What an instance reserved and did not use is at most a lease, less the request that took it.
      expect(allowed).toBeGreaterThanOrEqual(limit - 2 * (leaseCap(limit) - 1));
      expect(errors).toEqual([]);
    } finally {
      for (const limiter of limiters) await limiter.close();
    }
  });

  it('lets requests through, and says so, when the database does not answer', async () => {
    const errors: unknown[] = [];
    const limiter = new PostgresRequestLimiter('postgresql://postgres@127.0.0.1:1/test', schema, (error) =>
      errors.push(error),
    );
    try {
      expect(await limiter.take('key:k1', 1, Date.now())).toMatchObject({ allowed: true, limit: 1 });
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await limiter.close();
    }
  });

  describe('two API instances', () => {
    const apps: TestApp[] = [];
    beforeAll(async () => {
      const config = {
        databaseUrl: postgres.url,
        databaseSchema: schema,
        rateLimitPerMinute: 6,
        failedAuthPerAddressPerMinute: 3,
      };
      apps.push(await startTestApp(config), await startTestApp(config));
    });
    afterAll(async () => {
      for (const app of apps) await app.close();
    });

    it('share one budget per key: the limit once across both, then 429 RATE_LIMITED on either', async () => {
      await earlyEnoughInAMinute(postgres.url, 10_000);
      const token = await apps[0]?.tokenOf('limits-auditor', 'auditor');
      const remaining: string[] = [];
      for (let index = 0; index < 6; index += 1) {
        const app = apps[index % 2] as TestApp;
        const answer = await request(app.http)
          .get('/subscriptions')
          .set('Authorization', `Bearer ${token}`)
          .expect(200);
        remaining.push(String(answer.headers['ratelimit-remaining']));
      }
      expect(remaining).toEqual(['5', '4', '3', '2', '1', '0']);
      for (const app of apps) {
        const refused = await request(app.http)
          .get('/subscriptions')
          .set('Authorization', `Bearer ${token}`)
          .expect(429);
        expect(refused.body.error.code).toBe('RATE_LIMITED');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      }
    });

    it('share the failed authentications of a client address: failures on either count against both', async () => {
      await earlyEnoughInAMinute(postgres.url, 10_000);
      const valid = await apps[1]?.tokenOf('limits-other', 'auditor');
      const wrong = 'Bearer kierto_k0000000000000000_wrong';
      const [first, second] = apps as [TestApp, TestApp];
      await request(first.http).get('/subscriptions').set('Authorization', wrong).expect(401);
      await request(second.http).get('/subscriptions').set('Authorization', wrong).expect(401);
      await request(first.http).get('/subscriptions').set('Authorization', wrong).expect(401);
      // Three failures from this address across the two instances: the limit of 3 is reached on both.
      for (const app of apps) {
        const refused = await request(app.http)
          .get('/subscriptions')
          .set('Authorization', `Bearer ${valid}`)
          .expect(429);
        expect(refused.body.error.code).toBe('AUTHENTICATION_RATE_LIMITED');
      }
    });
  });
});

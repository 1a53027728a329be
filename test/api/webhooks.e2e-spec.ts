import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { StoredEvent } from '#kierto/event-store';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import { verifySignature } from '../../apps/api/src/feed/signature.js';
import { MAX_SUBSCRIPTIONS_PER_ORGANISATION } from '../../apps/api/src/feed/subscriptions.controller.js';
import { Lifecycle, productOf, type Recorded } from '../support/lifecycle.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { eventually, WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * Webhooks (docs/feed.md): deliveries to a receiver on loopback (allowed here explicitly,
 * KIERTO_WEBHOOK_ALLOW_PRIVATE), signed, in order, at least once, retried while the receiver is
 * down, paused after repeated failure and resumable.
 */

interface SubscriptionAnswer {
  readonly id: string;
  readonly state: 'active' | 'paused';
  readonly position: number;
  readonly consecutiveFailures: number;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly lastSuccessAt: string | null;
  readonly pausedAt: string | null;
  readonly secret?: string;
}

let serial = 0;
function placer(app: TestApp): () => Promise<Recorded> {
  const lifecycle = new Lifecycle(app.api);
  return () => {
    serial += 1;
    const product = productOf({ serialNumber: `HOOK-${serial}`, weeeCategory: 4, weightKg: 3 });
    return lifecycle.place('2026-01-05T10:00:00Z', 'test-producer', 'FI', product);
  };
}

async function subscribe(
  app: TestApp,
  body: Record<string, unknown>,
  org = 'hook-auditor',
): Promise<SubscriptionAnswer> {
  const token = await app.tokenOf(org, 'auditor');
  const answer = await request(app.http)
    .post('/subscriptions')
    .set('Authorization', `Bearer ${token}`)
    .send(body)
    .expect(201);
  return answer.body as SubscriptionAnswer;
}

async function subscriptionOf(app: TestApp, id: string, org = 'hook-auditor'): Promise<SubscriptionAnswer> {
  const token = await app.tokenOf(org, 'auditor');
  const answer = await request(app.http)
    .get(`/subscriptions/${id}`)
    .set('Authorization', `Bearer ${token}`)
    .expect(200);
  return answer.body as SubscriptionAnswer;
}

describe('webhook deliveries', () => {
  let app: TestApp;
  let place: () => Promise<Recorded>;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    app = await startTestApp({ webhookAllowPrivate: true, webhookRetryBaseMs: 50, webhookMaxFailures: 1_000 });
    place = placer(app);
    await receiver.start();
  });
  afterAll(async () => {
    await app.close();
    await receiver.stop();
  });
  afterEach(() => {
    receiver.deliveries.length = 0;
  });

  it('delivers each event after the subscription, in order, signed: the receiver verifies every signature', async () => {
    const created = await subscribe(app, { url: receiver.url });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    receiver.secret = created.secret ?? '';
    const placed = [await place(), await place(), await place()];
    const expected = placed.map((event) => event.position);
    await eventually(() => (receiver.deliveries.length >= 3 ? true : undefined));
    expect(receiver.ids()).toEqual(expected);
    for (const delivery of receiver.deliveries) {
      expect(delivery.verification).toEqual({ valid: true, timestamp: expect.any(Number) });
      expect(delivery.subscriptionId).toBe(created.id);
      const body = JSON.parse(delivery.body) as { deliveryId: number; subscriptionId: string; event: StoredEvent };
      expect(body.deliveryId).toBe(delivery.deliveryId);
      expect(body.event.globalPosition).toBe(delivery.deliveryId);
      expect(body.event.type).toBe(delivery.eventType);
    }
    // A receiver holding another secret, or a body changed on the way, fails verification.
    const [first] = receiver.deliveries;
    const now = Math.floor(Date.now() / 1000);
    expect(verifySignature('whsec_not-the-secret', first?.signature, first?.body ?? '', now)).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(verifySignature(receiver.secret, first?.signature, `${first?.body ?? ''} `, now).valid).toBe(false);
    // A replay of a captured delivery, later than the tolerance, is refused by its timestamp.
    expect(verifySignature(receiver.secret, first?.signature, first?.body ?? '', now + 301)).toEqual({
      valid: false,
      reason: 'too-old',
    });
    const shown = await eventually(async () => {
      const subscription = await subscriptionOf(app, created.id);
      return subscription.position === expected.at(-1) ? subscription : undefined;
    });
    expect(shown).toMatchObject({ state: 'active', consecutiveFailures: 0, lastStatus: 200, lastError: null });
    expect(shown.secret).toBeUndefined();
    await request(app.http)
      .delete(`/subscriptions/${created.id}`)
      .set('Authorization', `Bearer ${await app.tokenOf('hook-auditor', 'auditor')}`)
      .expect(204);
  });

  it('a receiver down for a while gets every event after it comes back, in order, none missing', async () => {
    const created = await subscribe(app, { url: receiver.url, eventTypes: ['DevicePlacedOnMarket'] });
    receiver.secret = created.secret ?? '';
    await receiver.stop();
    const placed: Recorded[] = [];
    for (let index = 0; index < 5; index += 1) placed.push(await place());
    // Down: the deliverer retries with backoff and counts the failures.
    const failing = await eventually(async () => {
      const subscription = await subscriptionOf(app, created.id);
      return subscription.consecutiveFailures >= 2 ? subscription : undefined;
    });
    expect(failing).toMatchObject({ state: 'active', position: created.position, lastStatus: null });
    expect(failing.lastError).toMatch(/ECONNREFUSED/);
    await receiver.start();
    await eventually(() => (receiver.deliveries.length >= placed.length ? true : undefined));
    expect(receiver.ids()).toEqual(placed.map((event) => event.position));
    expect(receiver.deliveries.every((delivery) => delivery.verification.valid)).toBe(true);
    const recovered = await eventually(async () => {
      const subscription = await subscriptionOf(app, created.id);
      return subscription.consecutiveFailures === 0 ? subscription : undefined;
    });
    expect(recovered.position).toBe(placed.at(-1)?.position);
  });
});

describe('pausing after repeated failure', () => {
  let app: TestApp;
  let place: () => Promise<Recorded>;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    app = await startTestApp({ webhookAllowPrivate: true, webhookRetryBaseMs: 20, webhookMaxFailures: 3 });
    place = placer(app);
    await receiver.start();
  });
  afterAll(async () => {
    await app.close();
    await receiver.stop();
  });

  it('pauses after the configured consecutive failures, shows why, and delivers again after POST …/resume', async () => {
    receiver.status = 500;
    const created = await subscribe(app, { url: receiver.url });
    receiver.secret = created.secret ?? '';
    const placed = await place();
    const paused = await eventually(async () => {
      const subscription = await subscriptionOf(app, created.id);
      return subscription.state === 'paused' ? subscription : undefined;
    });
    expect(paused).toMatchObject({
      consecutiveFailures: 3,
      lastStatus: 500,
      lastError: 'HTTP 500',
      position: created.position,
      pausedAt: expect.any(String),
    });
    expect(receiver.ids()).toEqual([placed.position, placed.position, placed.position]);
    receiver.status = 200;
    const token = await app.tokenOf('hook-auditor', 'auditor');
    const resumed = await request(app.http)
      .post(`/subscriptions/${created.id}/resume`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(resumed.body).toMatchObject({ state: 'active', consecutiveFailures: 0, pausedAt: null });
    const delivered = await eventually(async () => {
      const subscription = await subscriptionOf(app, created.id);
      return subscription.position === placed.position ? subscription : undefined;
    });
    expect(delivered).toMatchObject({ state: 'active', lastStatus: 200, lastError: null });
    expect(receiver.deliveries.at(-1)?.verification.valid).toBe(true);
    const metrics = await request(app.http).get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    expect(metrics.text).toContain('kierto_webhook_deliveries_total{outcome="failed"} 3');
    expect(metrics.text).toContain('kierto_webhook_deliveries_total{outcome="delivered"} 1');
  });
});

describeIfPostgres('two API instances on one PostgreSQL: one deliverer, the projector leader', () => {
  const schema = createTestSchema('kierto_hooks');
  const receiver = new WebhookReceiver();
  const apps: TestApp[] = [];

  beforeAll(async () => {
    const config = {
      databaseUrl: postgres.url,
      databaseSchema: schema,
      webhookAllowPrivate: true,
      webhookRetryBaseMs: 50,
      leaderPollMs: 200,
    };
    apps.push(await startTestApp(config), await startTestApp(config));
    await receiver.start();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await receiver.stop();
    await dropTestSchema(schema);
  });

  const leadershipOf = async (app: TestApp): Promise<string> => {
    const token = await app.tokenOf('hook-auditor', 'auditor');
    const status = await request(app.http).get('/projections/status').set('Authorization', `Bearer ${token}`);
    return (status.body as { projector: { leadership: string } }).projector.leadership;
  };

  it('delivers each event once, in order, whichever instance recorded it; after the leader stops, the other carries on', async () => {
    const [first, second] = apps as [TestApp, TestApp];
    const leader = await eventually(async () => {
      const roles = [await leadershipOf(first), await leadershipOf(second)];
      if (roles.filter((role) => role === 'leader').length !== 1) return undefined;
      return roles[0] === 'leader' ? first : second;
    });
    const follower = leader === first ? second : first;
    const created = await subscribe(follower, { url: receiver.url });
    receiver.secret = created.secret ?? '';
    const placed = [await placer(first)(), await placer(second)(), await placer(first)()];
    await eventually(() => (receiver.deliveries.length >= 3 ? true : undefined));
    expect(receiver.ids()).toEqual(placed.map((event) => event.position));

    // The leader shuts down (SIGTERM's path): the follower takes the projector, and the deliveries, over.
    await leader.close();
    apps.splice(apps.indexOf(leader), 1);
    await eventually(async () => ((await leadershipOf(follower)) === 'leader' ? true : undefined));
    const later = await placer(follower)();
    await eventually(() => (receiver.deliveries.length >= 4 ? true : undefined));
    expect(receiver.ids()).toEqual([...placed, later].map((event) => event.position));
    expect(receiver.deliveries.every((delivery) => delivery.verification.valid)).toBe(true);
  });
});

describe('POST /subscriptions: what may be registered, and by whom', () => {
  let app: TestApp;
  let token: string;
  beforeAll(async () => {
    // The default configuration: private addresses refused. Nothing is appended here, so the
    // subscriptions below (from the head on) never send a request to their example URLs.
    app = await startTestApp();
    token = await app.tokenOf('rules-auditor', 'auditor');
  });
  afterAll(() => app.close());

  const post = (body: unknown, bearer = token) =>
    request(app.http)
      .post('/subscriptions')
      .set('Authorization', `Bearer ${bearer}`)
      .send(body as object);

  it.each([
    ['http://127.0.0.1:8080/hook', 'loopback'],
    ['http://localhost/hook', 'loopback'],
    ['http://[::1]/hook', 'loopback'],
    ['http://10.1.2.3/hook', 'private'],
    ['http://169.254.169.254/latest/meta-data', 'private'],
    ['http://[::ffff:192.168.1.1]/hook', 'private'],
    ['ftp://example.org/hook', 'http and https'],
    ['https://user:secret@example.org/hook', 'credentials'],
    ['not a url', 'absolute URL'],
  ])('refuses %s (%s) naming the url', async (url, reason) => {
    const refused = await post({ url }).expect(400);
    expect(refused.body.error.fields).toEqual([
      expect.objectContaining({ field: 'url', code: 'INVALID_WEBHOOK_URL', message: expect.stringContaining(reason) }),
    ]);
  });

  it('refuses unknown event types, malformed device ids, unknown fields and a missing url, each named', async () => {
    const refused = await post({
      eventTypes: ['DeviceCollected', 'DeviceTeleported'],
      deviceIds: ['nope'],
      after: -3,
      colour: 'red',
    }).expect(400);
    expect(
      refused.body.error.fields.map((field: { field: string; code: string }) => [field.field, field.code]),
    ).toEqual(
      expect.arrayContaining([
        ['colour', 'UNKNOWN_FIELD'],
        ['url', 'INVALID_VALUE'],
        ['eventTypes[1]', 'UNKNOWN_EVENT_TYPE'],
        ['deviceIds[0]', 'INVALID_DEVICE_ID'],
        ['after', 'INVALID_VALUE'],
      ]),
    );
  });

  it('refuses an after beyond the last recorded event: delivery would skip the events before it', async () => {
    const head = await app.store.headPosition();
    const refused = await post({ url: 'https://hooks.example.org/kierto', after: head + 1 }).expect(400);
    expect(refused.body.error.fields).toEqual([expect.objectContaining({ field: 'after', code: 'OUT_OF_RANGE' })]);
  });

  it('refuses an organisation without device:read-history (403)', async () => {
    const producer = await app.tokenOf('rules-producer', 'producer');
    const refused = await post({ url: 'https://hooks.example.org/kierto' }, producer).expect(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    await request(app.http).get('/subscriptions').set('Authorization', `Bearer ${producer}`).expect(403);
  });

  it("keeps each organisation's subscriptions its own: another one gets 404 for them", async () => {
    const created = (await post({ url: 'https://hooks.example.org/kierto' }).expect(201)).body as SubscriptionAnswer;
    const other = await app.tokenOf('rules-other-auditor', 'auditor');
    for (const [method, path] of [
      ['get', `/subscriptions/${created.id}`],
      ['delete', `/subscriptions/${created.id}`],
      ['post', `/subscriptions/${created.id}/resume`],
    ] as const) {
      const refused = await request(app.http)[method](path).set('Authorization', `Bearer ${other}`).expect(404);
      expect(refused.body.error.code).toBe('SUBSCRIPTION_NOT_FOUND');
    }
    const listed = await request(app.http).get('/subscriptions').set('Authorization', `Bearer ${other}`).expect(200);
    expect(listed.body).toEqual({ subscriptions: [] });
    const own = await request(app.http).get('/subscriptions').set('Authorization', `Bearer ${token}`).expect(200);
    expect(own.body.subscriptions.map((subscription: SubscriptionAnswer) => subscription.id)).toEqual([created.id]);
    expect(own.body.subscriptions[0].secret).toBeUndefined();
    await request(app.http).delete(`/subscriptions/${created.id}`).set('Authorization', `Bearer ${token}`).expect(204);
    await request(app.http).delete(`/subscriptions/${created.id}`).set('Authorization', `Bearer ${token}`).expect(404);
  });

  it(`holds at most ${MAX_SUBSCRIPTIONS_PER_ORGANISATION} subscriptions per organisation (409)`, async () => {
    const many = await app.tokenOf('rules-many', 'auditor');
    for (let index = 0; index < MAX_SUBSCRIPTIONS_PER_ORGANISATION; index += 1) {
      await post({ url: `https://hooks.example.org/${index}` }, many).expect(201);
    }
    const refused = await post({ url: 'https://hooks.example.org/one-more' }, many).expect(409);
    expect(refused.body.error.code).toBe('SUBSCRIPTION_LIMIT_REACHED');
  });
});

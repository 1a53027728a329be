import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { StoredEvent } from '#kierto/event-store';
import { Lifecycle, productOf, type Recorded } from '../support/lifecycle.js';
import { listening, SseClient } from '../support/sse.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { eventually } from '../support/webhook-receiver.js';

/**
 * The pull feed (docs/feed.md): GET /feed pages through the global log after a position, long-polls
 * with wait=, and streams as Server-Sent Events resumable with Last-Event-ID. It carries the
 * envelopes of GET /devices/{id}/events and asks for that route's permission.
 */

let app: TestApp;
let lifecycle: Lifecycle;
let serial = 0;
let auditorToken: string;

beforeAll(async () => {
  app = await startTestApp();
  lifecycle = new Lifecycle(app.api);
  auditorToken = await app.tokenOf('feed-auditor', 'auditor');
});
afterAll(() => app.close());

function place(): Promise<Recorded> {
  serial += 1;
  const product = productOf({ serialNumber: `FEED-${serial}`, weeeCategory: 4, weightKg: 3 });
  return lifecycle.place('2026-01-05T10:00:00Z', 'test-producer', 'FI', product);
}

const feed = (query: Record<string, string | number | string[]>) =>
  request(app.http).get('/feed').query(query).set('Authorization', `Bearer ${auditorToken}`);

const positions = (events: readonly StoredEvent[]): number[] => events.map((event) => event.globalPosition);

describe('GET /feed', () => {
  it('answers the events after a position in global order, with nextAfter to read on, until the head', async () => {
    const start = await app.store.headPosition();
    const placed = [await place(), await place(), await place()];
    const first = await feed({ after: start, limit: 2 }).expect(200);
    expect(positions(first.body.events)).toEqual([start + 1, start + 2]);
    expect(first.body.nextAfter).toBe(start + 2);
    expect(first.body.head).toBeGreaterThanOrEqual(start + 3);
    expect(first.body.events[0]).toMatchObject({
      streamId: placed[0]?.id,
      type: 'DevicePlacedOnMarket',
      actor: { organisationId: 'test-producer', role: 'producer' },
      hash: expect.any(String),
      prevHash: expect.any(String),
    });
    const second = await feed({ after: first.body.nextAfter, limit: 2 }).expect(200);
    expect(positions(second.body.events)).toEqual([start + 3]);
    const end = await feed({ after: second.body.nextAfter }).expect(200);
    expect(end.body).toEqual({ events: [], nextAfter: second.body.nextAfter, head: second.body.nextAfter });
  });

  it('filters by event type and device, and moves nextAfter past the events it skipped', async () => {
    const start = await app.store.headPosition();
    const a = await place();
    await place();
    const collected = await lifecycle.collect(a.id, '2026-03-01T10:00:00Z', 'FI');
    const devices = await feed({ after: start, deviceId: a.id }).expect(200);
    expect(positions(devices.body.events)).toEqual([a.position, collected.position]);
    const types = await feed({ after: start, types: 'DeviceCollected', deviceId: [a.id] }).expect(200);
    expect(positions(types.body.events)).toEqual([collected.position]);
    const none = await feed({ after: start, types: 'DeviceRecycled' }).expect(200);
    expect(none.body.events).toEqual([]);
    expect(none.body.nextAfter).toBe(collected.position);
  });

  it('long-polls: a request with wait= is answered by the event appended while it waits', async () => {
    const head = await app.store.headPosition();
    const waiting = feed({ after: head, wait: 20 }).then((response) => response);
    // The request is held; the append below wakes it (the store's head waiters).
    await new Promise((resolve) => setTimeout(resolve, 200));
    const placed = await place();
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(positions(answer.body.events)).toEqual([placed.position]);
  });

  it('answers an empty page when nothing arrives within wait=', async () => {
    const head = await app.store.headPosition();
    const answer = await feed({ after: head, wait: 1 }).expect(200);
    expect(answer.body).toEqual({ events: [], nextAfter: head, head });
  });

  it('refuses a caller without device:read-history (403), and without a key (401)', async () => {
    const producer = await app.tokenOf('feed-producer', 'producer');
    const refused = await request(app.http).get('/feed').set('Authorization', `Bearer ${producer}`).expect(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect(refused.body.error.message).toContain('device:read-history');
    await request(app.http).get('/feed').expect(401);
  });

  it.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 1001 }, 'limit'],
    [{ after: -1 }, 'after'],
    [{ after: 'x' }, 'after'],
    [{ wait: 31 }, 'wait'],
    [{ types: 'DevicePlacedOnMarket,NoSuchEvent' }, 'types[1]'],
    [{ deviceId: 'not-a-device' }, 'deviceId[0]'],
    [{ colour: 'red' }, 'colour'],
  ])('refuses %j naming the parameter', async (query, field) => {
    const refused = await feed(query).expect(400);
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    expect(refused.body.error.fields).toEqual([expect.objectContaining({ field })]);
  });
});

describe('GET /feed as Server-Sent Events', () => {
  beforeAll(() => listening(app.http));

  it('streams each event with its position as id, goes on with new appends, and resumes after Last-Event-ID', async () => {
    const start = await app.store.headPosition();
    const before = [await place(), await place()];
    let later: Recorded | undefined;
    const stream = new SseClient(app.http, `/feed?after=${start}`, { authorization: `Bearer ${auditorToken}` });
    try {
      const first = await stream.waitFor(2);
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(first.map((message) => message.id)).toEqual(before.map((placed) => String(placed.position)));
      expect(first[0]?.event).toBe('DevicePlacedOnMarket');
      expect((JSON.parse(first[0]?.data ?? '{}') as StoredEvent).streamId).toBe(before[0]?.id);
      // Appended while the stream is open: it arrives without a new request.
      later = await place();
      const all = await stream.waitFor(3);
      expect(all[2]?.id).toBe(String(later.position));
    } finally {
      stream.close();
    }
    // A client that reconnects sends the last id it saw; the stream resumes after it, skipping nothing.
    const resumed = new SseClient(app.http, `/feed?after=0`, {
      authorization: `Bearer ${auditorToken}`,
      'last-event-id': String(before[0]?.position),
    });
    try {
      const events = await resumed.waitFor(2);
      expect(events.slice(0, 2).map((message) => Number(message.id))).toEqual([before[1]?.position, later?.position]);
    } finally {
      resumed.close();
    }
  });

  it('ends open streams when the application shuts down, so shutdown does not wait for clients', async () => {
    const other = await startTestApp();
    await listening(other.http);
    const token = await other.tokenOf('feed-auditor', 'auditor');
    const stream = new SseClient(other.http, '/feed', { authorization: `Bearer ${token}` });
    await eventually(() => (stream.status === 200 ? true : undefined));
    await other.close();
    await eventually(() => (stream.isEnded ? true : undefined));
  });

  it('refuses a Last-Event-ID that is not a position', async () => {
    const refused = await request(app.http)
      .get('/feed')
      .set('Authorization', `Bearer ${auditorToken}`)
      .set('Accept', 'text/event-stream')
      .set('Last-Event-ID', 'abc')
      .expect(400);
    expect(refused.body.error.fields).toEqual([expect.objectContaining({ field: 'Last-Event-ID' })]);
  });
});

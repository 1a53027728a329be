import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { hashToken, openSession } from '#kierto/access';
import { signIn, type SignedInPerson } from '../support/people.js';
import { example, LAPTOP_ID, startTestApp, storeSnapshot, type TestApp } from '../support/test-app.js';

/**
 * People signed in by a session cookie (ADR 0025, docs/access.md "People"): the guard's side. The
 * cookie authenticates like a key with the person's roles; unsafe requests need the session's CSRF
 * token; what a person records names them in the envelope. Every refusal changes nothing.
 */

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

async function expectRefused(
  send: () => Promise<request.Response>,
  status: number,
  code: string,
): Promise<request.Response> {
  const before = await storeSnapshot(app);
  const response = await send();
  expect({ status: response.status, code: response.body.error?.code }).toEqual({ status, code });
  expect(await storeSnapshot(app)).toEqual(before);
  return response;
}

describe('a session cookie', () => {
  let producer: SignedInPerson;
  beforeAll(async () => {
    producer = await signIn(app, 'producer-fi-0042', ['producer']);
  });

  it('authenticates with the person’s roles and no more', async () => {
    const admin = await signIn(app, 'people-admin', ['admin']);
    const listed = await request(app.http).get('/organisations').set('Cookie', admin.cookie);
    expect(listed.status).toBe(200);
    await expectRefused(() => request(app.http).get('/organisations').set('Cookie', producer.cookie), 403, 'FORBIDDEN');
  });

  it('refuses an unsafe request without the CSRF token, or with another one, and records nothing', async () => {
    const body = example('place-laptop-on-market');
    await expectRefused(
      () => request(app.http).post('/devices').set('Cookie', producer.cookie).send(body),
      403,
      'CSRF_TOKEN_MISSING',
    );
    await expectRefused(
      () =>
        request(app.http)
          .post('/devices')
          .set('Cookie', producer.cookie)
          .set('X-CSRF-Token', 'not-the-token')
          .send(body),
      403,
      'CSRF_TOKEN_INVALID',
    );
    const other = await signIn(app, 'producer-fi-0042', ['producer']);
    await expectRefused(
      () =>
        request(app.http)
          .post('/devices')
          .set('Cookie', producer.cookie)
          .set('X-CSRF-Token', other.csrfToken)
          .send(body),
      403,
      'CSRF_TOKEN_INVALID',
    );
  });

  it('records an event that names the person as the actor', async () => {
    const placed = await request(app.http)
      .post('/devices')
      .set('Cookie', producer.cookie)
      .set('X-CSRF-Token', producer.csrfToken)
      .send(example('place-laptop-on-market'));
    expect(placed.status).toBe(201);
    const events = await app.api.get(`/devices/${LAPTOP_ID}/events`);
    expect(events.status).toBe(200);
    expect(events.body.events[0].actor).toEqual({
      organisationId: 'producer-fi-0042',
      role: 'producer',
      keyId: `user:${producer.userId}`,
    });
  });

  it('is refused once expired or idle too long, and the browser is told to drop it', async () => {
    const live = await signIn(app, 'people-reader', ['auditor']);
    const user = await app.access.getUser(live.userId);
    if (user === null) throw new Error('no user');
    const past = new Date(Date.now() - 2 * 60 * 60_000);
    // A session opened two hours ago with a one-hour lifetime, and one last seen two hours ago.
    const expired = openSession(user.id, { maxAgeMinutes: 60, idleMinutes: 600 }, past);
    await app.access.addSession(expired.record);
    const idle = openSession(user.id, { maxAgeMinutes: 6000, idleMinutes: 600 }, past);
    await app.access.addSession(idle.record);
    for (const sessionId of [expired.sessionId, idle.sessionId]) {
      const refused = await request(app.http).get('/organisations').set('Cookie', `kierto_session=${sessionId}`);
      expect({ status: refused.status, code: refused.body.error?.code }).toEqual({
        status: 401,
        code: 'MISSING_CREDENTIALS',
      });
      expect(refused.headers['set-cookie']?.[0]).toMatch(
        /^kierto_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/,
      );
    }
    // The expired one is gone from the store; the one that was only idle too long as well.
    expect(await app.access.getSession(hashToken(expired.sessionId))).toBeNull();
    expect(await app.access.getSession(hashToken(idle.sessionId))).toBeNull();
    expect((await request(app.http).get('/audit/verify').set('Cookie', live.cookie)).status).not.toBe(401);
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ensureLocalAdmin, ensureLocalAdminPerson } from '../../apps/api/src/access/local-admin.js';
import { hashToken, openSession } from '#kierto/access';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import { createPerson, pageCode, setCookies, signIn, type SignedInPerson } from '../support/people.js';
import { earlyEnoughInAMinute } from '../support/rate-windows.js';
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
    expect(listed.headers['cache-control']).toBe('no-store');
    expect(listed.headers['vary']).toMatch(/Cookie/);
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

/** A browser's first visit to the sign-in page: its form cookie and the token the form repeats. */
async function openSignInForm(path = '/sign-in'): Promise<{ cookie: string; token: string }> {
  const page = await request(app.http).get(path);
  expect(page.status).toBe(200);
  const value = setCookies(page).get('kierto_form');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  if (value === undefined || token === undefined) throw new Error('the sign-in form has no CSRF token');
  return { cookie: `kierto_form=${value}`, token };
}

function postSignIn(form: { cookie: string; token: string }, fields: Record<string, string>, address?: string) {
  const sent = request(app.http).post('/sign-in').set('Cookie', form.cookie).type('form');
  if (address !== undefined) sent.set('X-Forwarded-For', address);
  return sent.send({ _csrf: form.token, ...fields });
}

describe('the sign-in page', () => {
  let person: SignedInPerson;
  beforeAll(async () => {
    person = await signIn(app, 'sign-in-shop', ['repairer'], { email: 'Repairer@Shop.test' });
  });

  it('signs a person in with e-mail address and password, and sends them where they were going', async () => {
    const form = await openSignInForm('/sign-in?next=%2Faccount%3Flang%3Dfi');
    expect(form.cookie).toMatch(/^kierto_form=[A-Za-z0-9_-]{43}$/);
    const signedIn = await postSignIn(form, {
      email: ' REPAIRER@shop.test ',
      password: person.password,
      next: '/account?lang=fi',
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers['location']).toBe('/account?lang=fi');
    const cookieLine = (signedIn.headers['set-cookie'] as unknown as string[]).find((line) =>
      line.startsWith('kierto_session='),
    );
    // Plain http to 127.0.0.1 (supertest): no Secure, so `npm start` works without TLS.
    expect(cookieLine).toMatch(/^kierto_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
    const session = `kierto_session=${setCookies(signedIn).get('kierto_session') ?? ''}`;
    const account = await request(app.http).get('/account?lang=fi').set('Cookie', session);
    expect(account.status).toBe(200);
    expect(account.text).toContain('repairer@shop.test');
    expect(account.text).toContain('Kirjautuneena: ');
    expect(account.headers['cache-control']).toBe('no-store');
  });

  it('sets Secure cookies on any host but a loopback one, and over https', async () => {
    const page = await request(app.http).get('/sign-in').set('Host', 'dpp.example.org');
    expect(page.headers['set-cookie']?.[0]).toMatch(/; Secure$/);
  });

  it('answers a wrong password, an unknown address and empty fields with stable codes, and opens no session', async () => {
    const form = await openSignInForm();
    const wrong = await postSignIn(form, { email: person.email, password: 'not the password at all' });
    expect({ status: wrong.status, code: pageCode(wrong) }).toEqual({ status: 401, code: 'SIGN_IN_FAILED' });
    expect(setCookies(wrong).has('kierto_session')).toBe(false);
    const unknown = await postSignIn(form, { email: 'nobody@shop.test', password: person.password });
    expect({ status: unknown.status, code: pageCode(unknown) }).toEqual({ status: 401, code: 'SIGN_IN_FAILED' });
    // The same words for both: the form does not tell which addresses have accounts.
    expect(unknown.text.replace('nobody@shop.test', '')).toBe(wrong.text.replace(person.email, ''));
    const empty = await postSignIn(form, { email: person.email, password: '' });
    expect({ status: empty.status, code: pageCode(empty) }).toEqual({ status: 400, code: 'FIELD_REQUIRED' });
    expect(empty.text).toMatch(/id="password"[^>]*aria-invalid="true"/);
  });

  it('refuses a sign-in without the form token or with another one (login CSRF), and opens no session', async () => {
    const form = await openSignInForm();
    const missing = await request(app.http)
      .post('/sign-in')
      .set('Cookie', form.cookie)
      .type('form')
      .send({ email: person.email, password: person.password });
    expect({ status: missing.status, code: pageCode(missing) }).toEqual({ status: 403, code: 'CSRF_TOKEN_MISSING' });
    const other = await openSignInForm();
    const invalid = await postSignIn(
      { cookie: form.cookie, token: other.token },
      {
        email: person.email,
        password: person.password,
      },
    );
    expect({ status: invalid.status, code: pageCode(invalid) }).toEqual({ status: 403, code: 'CSRF_TOKEN_INVALID' });
    const noCookie = await request(app.http)
      .post('/sign-in')
      .type('form')
      .send({ _csrf: form.token, email: person.email, password: person.password });
    expect({ status: noCookie.status, code: pageCode(noCookie) }).toEqual({ status: 403, code: 'CSRF_TOKEN_INVALID' });
    for (const refused of [missing, invalid, noCookie]) expect(setCookies(refused).has('kierto_session')).toBe(false);
  });

  it('follows only a path of this site after signing in (no open redirect)', async () => {
    for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
      const form = await openSignInForm();
      const signedIn = await postSignIn(form, { email: person.email, password: person.password, next });
      expect({ next, status: signedIn.status, location: signedIn.headers['location'] }).toEqual({
        next,
        status: 303,
        location: '/account',
      });
    }
  });

  it('signs out: the session ends on the server, and the cookie is cleared', async () => {
    const other = await signIn(app, 'sign-in-shop', ['repairer']);
    const refused = await request(app.http).post('/sign-out').set('Cookie', other.cookie).type('form').send({});
    expect({ status: refused.status, code: pageCode(refused) }).toEqual({ status: 403, code: 'CSRF_TOKEN_MISSING' });
    expect((await request(app.http).get('/account').set('Cookie', other.cookie)).status).toBe(200);
    const out = await request(app.http)
      .post('/sign-out')
      .set('Cookie', other.cookie)
      .type('form')
      .send({ _csrf: other.csrfToken });
    expect({ status: out.status, location: out.headers['location'] }).toEqual({ status: 303, location: '/sign-in' });
    expect(setCookies(out).get('kierto_session')).toBe('');
    expect(await app.access.getSession(hashToken(other.sessionId))).toBeNull();
    const after = await request(app.http).get('/account').set('Cookie', other.cookie);
    expect({ status: after.status, location: after.headers['location'] }).toEqual({
      status: 303,
      location: '/sign-in?next=%2Faccount',
    });
  });
});

describe('failed sign-ins', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({
      failedAuthPerAddressPerMinute: 2,
      failedAuthPerKeyPerMinute: 3,
      trustProxy: 'loopback',
    });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('are limited per address and, from addresses that failed, per account; the owner keeps signing in', async () => {
    const person = await signIn(limited, 'limited-shop', ['repairer']);
    const form = async () => {
      const page = await request(limited.http).get('/sign-in');
      const cookie = `kierto_form=${setCookies(page).get('kierto_form') ?? ''}`;
      return { cookie, token: /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '' };
    };
    const attempt = async (address: string, password: string) => {
      const { cookie, token } = await form();
      return request(limited.http)
        .post('/sign-in')
        .set('Cookie', cookie)
        .set('X-Forwarded-For', address)
        .type('form')
        .send({ _csrf: token, email: person.email, password });
    };
    // One address: two failures, then refused whatever it sends, the right password too.
    for (let i = 0; i < 2; i += 1) expect((await attempt('203.0.113.1', 'wrong password here')).status).toBe(401);
    const blocked = await attempt('203.0.113.1', person.password);
    expect({ status: blocked.status, code: pageCode(blocked) }).toEqual({
      status: 429,
      code: 'AUTHENTICATION_RATE_LIMITED',
    });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(setCookies(blocked).has('kierto_session')).toBe(false);
    // Another address that failed once finds the account held back (3 failures per account) …
    expect((await attempt('203.0.113.2', 'wrong password here')).status).toBe(401);
    expect(pageCode(await attempt('203.0.113.2', person.password))).toBe('AUTHENTICATION_RATE_LIMITED');
    // … while the owner, from an address that has not failed, signs in.
    const owner = await attempt('203.0.113.3', person.password);
    expect(owner.status).toBe(303);
    expect(setCookies(owner).has('kierto_session')).toBe(true);
  });
});

describe('page routes', () => {
  it('send a browser without a session to the sign-in page, and back afterwards', async () => {
    const redirected = await request(app.http).get('/admin/users?organisation=x');
    expect({ status: redirected.status, location: redirected.headers['location'] }).toEqual({
      status: 303,
      location: '/sign-in?next=%2Fadmin%2Fusers%3Forganisation%3Dx',
    });
    const page = await request(app.http).get(redirected.headers['location'] ?? '');
    expect(page.text).toContain('name="next" value="/admin/users?organisation=x"');
  });

  it('answer a person whose roles do not allow the page with a 403 page, not JSON', async () => {
    const repairer = await signIn(app, 'page-shop', ['repairer']);
    const refused = await request(app.http).get('/admin/users?lang=en').set('Cookie', repairer.cookie);
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toMatch(/^text\/html/);
    expect(pageCode(refused)).toBe('FORBIDDEN');
    expect(refused.text).toContain('Your roles do not allow this page.');
    const forged = await request(app.http)
      .post('/admin/users/invitations')
      .set('Cookie', repairer.cookie)
      .type('form')
      .send({ _csrf: 'forged', email: 'x@y.test', displayName: 'X', roles: 'repairer' });
    expect({ status: forged.status, code: pageCode(forged) }).toEqual({ status: 403, code: 'CSRF_TOKEN_INVALID' });
  });

  it('answer an API key as before: JSON', async () => {
    const answer = await app.as('page-keys', 'repairer').get('/admin/users');
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
  });
});

describe('the user admin page', () => {
  let admin: SignedInPerson;
  beforeAll(async () => {
    admin = await signIn(app, 'users-admin', ['admin']);
    await app.access.createOrganisation({
      id: 'users-shop',
      name: 'Users Shop',
      roles: ['repairer', 'refurbisher'],
      createdAt: new Date().toISOString(),
    });
  });

  const post = (path: string, fields: Record<string, string | readonly string[]>, as: SignedInPerson = admin) =>
    request(app.http)
      .post(path)
      .set('Cookie', as.cookie)
      .type('form')
      .send({ _csrf: as.csrfToken, ...fields });

  async function invite(email: string): Promise<string> {
    const invited = await post('/admin/users/invitations', {
      organisation: 'users-shop',
      email,
      displayName: 'Riikka Repairer',
      roles: ['repairer', 'refurbisher'],
    });
    expect(invited.status).toBe(201);
    const link = /id="invitation-link" href="([^"]+)"/.exec(invited.text)?.[1];
    if (link === undefined) throw new Error('no invitation link on the page');
    return new URL(link).pathname;
  }

  it('invites a person, who sets a password through the link once and is signed in', async () => {
    const path = await invite('riikka@users-shop.test');
    expect(path).toMatch(/^\/invitations\/[A-Za-z0-9_-]{43}$/);
    const listed = await request(app.http).get('/admin/users?organisation=users-shop').set('Cookie', admin.cookie);
    expect(listed.text).toContain('riikka@users-shop.test');
    expect(listed.text).toContain('invited, no password yet');
    // The link is shown once: the list does not hold it.
    expect(listed.text).not.toContain(path);

    const page = await request(app.http).get(path);
    expect(page.status).toBe(200);
    const form = {
      cookie: `kierto_form=${setCookies(page).get('kierto_form') ?? ''}`,
      token: /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '',
    };
    const send = (fields: Record<string, string>) =>
      request(app.http)
        .post(path)
        .set('Cookie', form.cookie)
        .type('form')
        .send({ _csrf: form.token, ...fields });
    for (const [fields, status, code] of [
      [{ password: 'short', repeat: 'short' }, 400, 'PASSWORD_TOO_SHORT'],
      [{ password: 'riikka@users-shop.test', repeat: 'riikka@users-shop.test' }, 400, 'PASSWORD_IS_EMAIL'],
      [{ password: 'a long enough password', repeat: 'another long password' }, 400, 'PASSWORDS_DIFFER'],
      [{ password: '', repeat: '' }, 400, 'FIELD_REQUIRED'],
    ] as const) {
      const refused = await send(fields);
      expect({ status: refused.status, code: pageCode(refused) }).toEqual({ status, code });
    }
    const noToken = await request(app.http)
      .post(path)
      .set('Cookie', form.cookie)
      .type('form')
      .send({ password: 'a long enough password', repeat: 'a long enough password' });
    expect({ status: noToken.status, code: pageCode(noToken) }).toEqual({ status: 403, code: 'CSRF_TOKEN_MISSING' });
    const user = await app.access.findUserByEmail('riikka@users-shop.test');
    expect(user?.passwordHash).toBeNull();

    const accepted = await send({ password: 'a long enough password', repeat: 'a long enough password' });
    expect({ status: accepted.status, location: accepted.headers['location'] }).toEqual({
      status: 303,
      location: '/account',
    });
    const session = `kierto_session=${setCookies(accepted).get('kierto_session') ?? ''}`;
    const account = await request(app.http).get('/account').set('Cookie', session);
    expect(account.text).toContain('repairer, refurbisher');
    const stored = await app.access.findUserByEmail('riikka@users-shop.test');
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);

    const again = await request(app.http).get(path);
    expect({ status: again.status, code: pageCode(again) }).toEqual({ status: 410, code: 'INVITATION_USED' });
    const unknown = await request(app.http).get(`/invitations/${'x'.repeat(43)}`);
    expect({ status: unknown.status, code: pageCode(unknown) }).toEqual({ status: 404, code: 'INVITATION_INVALID' });
  });

  it('lets a link be used in a browser where someone is signed in: that person is signed out, the invited one in', async () => {
    const path = await invite('same-browser@users-shop.test');
    const other = await signIn(app, 'users-admin', ['admin']);
    const page = await request(app.http).get(path).set('Cookie', other.cookie);
    // The form carries the session's token, which the guard checks.
    expect(page.text).toContain(`name="_csrf" value="${other.csrfToken}"`);
    const accepted = await request(app.http)
      .post(path)
      .set('Cookie', other.cookie)
      .type('form')
      .send({ _csrf: other.csrfToken, password: 'a long enough password', repeat: 'a long enough password' });
    expect({ status: accepted.status, location: accepted.headers['location'] }).toEqual({
      status: 303,
      location: '/account',
    });
    expect(await app.access.getSession(hashToken(other.sessionId))).toBeNull();
    const session = `kierto_session=${setCookies(accepted).get('kierto_session') ?? ''}`;
    expect((await request(app.http).get('/account').set('Cookie', session)).text).toContain(
      'same-browser@users-shop.test',
    );
  });

  it('gives someone who has not used their link a new one, and nobody else', async () => {
    const first = await invite('late@users-shop.test');
    const user = await app.access.findUserByEmail('late@users-shop.test');
    const again = await post(`/admin/users/${user?.id ?? ''}/invitation`, { organisation: 'users-shop' });
    expect(again.status).toBe(201);
    const second = new URL(/id="invitation-link" href="([^"]+)"/.exec(again.text)?.[1] ?? 'http://x/').pathname;
    expect(second).toMatch(/^\/invitations\/[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
    for (const path of [first, second]) expect((await request(app.http).get(path)).status).toBe(200);
    const member = await signIn(app, 'users-shop', ['repairer']);
    for (const [userId, organisation] of [
      [member.userId, 'users-shop'],
      [user?.id ?? '', 'users-admin'],
      ['u0000000000000000', 'users-shop'],
    ] as const) {
      const refused = await post(`/admin/users/${userId}/invitation`, { organisation });
      expect({ status: refused.status, code: pageCode(refused) }).toEqual({ status: 404, code: 'USER_NOT_FOUND' });
    }
    const noToken = await request(app.http)
      .post(`/admin/users/${user?.id ?? ''}/invitation`)
      .set('Cookie', admin.cookie)
      .type('form')
      .send({ organisation: 'users-shop' });
    expect({ status: noToken.status, code: pageCode(noToken) }).toEqual({ status: 403, code: 'CSRF_TOKEN_MISSING' });
  });

  it('refuses an invitation with a bad address, roles the organisation lacks, or an address in use, and creates nobody', async () => {
    const before = await app.access.listUsers('users-shop');
    for (const [fields, status, code] of [
      [{ email: 'not-an-address', displayName: 'A', roles: 'repairer' }, 400, 'INVALID_EMAIL'],
      [{ email: 'a@users-shop.test', displayName: '', roles: 'repairer' }, 400, 'FIELD_REQUIRED'],
      [{ email: 'a@users-shop.test', displayName: 'A', roles: 'admin' }, 400, 'ROLE_NOT_HELD'],
      [{ email: 'a@users-shop.test', displayName: 'A', roles: ['repairer', 'recycler'] }, 400, 'ROLE_NOT_HELD'],
      [{ email: 'a@users-shop.test', displayName: 'A' }, 400, 'ROLE_NOT_HELD'],
      [{ email: admin.email, displayName: 'A', roles: 'repairer' }, 409, 'USER_EXISTS'],
    ] as const) {
      const refused = await post('/admin/users/invitations', { organisation: 'users-shop', ...fields });
      expect({ code, status: refused.status, shown: pageCode(refused) }).toEqual({ code, status, shown: code });
    }
    expect(await app.access.listUsers('users-shop')).toEqual(before);
    const missing = await post('/admin/users/invitations', {
      organisation: 'no-such-organisation',
      email: 'b@x.test',
      displayName: 'B',
      roles: 'repairer',
    });
    expect({ status: missing.status, code: pageCode(missing) }).toEqual({
      status: 404,
      code: 'ORGANISATION_NOT_FOUND',
    });
  });

  it('removes a person: their sessions end at once, and their invitation link stops working', async () => {
    const member = await signIn(app, 'users-shop', ['repairer']);
    expect((await request(app.http).get('/account').set('Cookie', member.cookie)).status).toBe(200);
    const pending = await invite('pending@users-shop.test');
    const pendingUser = await app.access.findUserByEmail('pending@users-shop.test');

    const noToken = await request(app.http)
      .post(`/admin/users/${member.userId}/removal`)
      .set('Cookie', admin.cookie)
      .type('form')
      .send({ organisation: 'users-shop' });
    expect({ status: noToken.status, code: pageCode(noToken) }).toEqual({ status: 403, code: 'CSRF_TOKEN_MISSING' });
    expect((await app.access.getUser(member.userId))?.removedAt).toBeNull();

    const removed = await post(`/admin/users/${member.userId}/removal`, { organisation: 'users-shop' });
    expect(removed.status).toBe(200);
    expect(removed.text).toContain(`${member.email} was removed and signed out.`);
    expect(await app.access.getSession(hashToken(member.sessionId))).toBeNull();
    const after = await request(app.http).get('/organisations').set('Cookie', member.cookie);
    expect({ status: after.status, code: after.body.error?.code }).toEqual({
      status: 401,
      code: 'MISSING_CREDENTIALS',
    });

    expect((await post(`/admin/users/${pendingUser?.id ?? ''}/removal`, { organisation: 'users-shop' })).status).toBe(
      200,
    );
    expect(pageCode(await request(app.http).get(pending))).toBe('INVITATION_INVALID');

    const again = await post(`/admin/users/${member.userId}/removal`, { organisation: 'users-shop' });
    expect({ status: again.status, code: pageCode(again) }).toEqual({ status: 404, code: 'USER_NOT_FOUND' });
    const self = await post(`/admin/users/${admin.userId}/removal`, { organisation: 'users-admin' });
    expect({ status: self.status, code: pageCode(self) }).toEqual({ status: 409, code: 'CANNOT_REMOVE_SELF' });
    // A user of another organisation is not found through this one.
    const elsewhere = await signIn(app, 'users-elsewhere', ['repairer']);
    const wrongOrganisation = await post(`/admin/users/${elsewhere.userId}/removal`, { organisation: 'users-shop' });
    expect(wrongOrganisation.status).toBe(404);
    expect((await app.access.getUser(elsewhere.userId))?.removedAt).toBeNull();
  });
});

describe('the quick start', () => {
  it('gives the local admin a person account whose invitation link is in a 0600 file until the password is set', async () => {
    const fresh = await startTestApp();
    const dir = mkdtempSync(join(tmpdir(), 'kierto-local-person-'));
    const file = join(dir, 'sign-in.url');
    try {
      expect(await ensureLocalAdmin(fresh.access, dir)).not.toBeNull();
      const base = 'http://127.0.0.1:3000';
      expect(await ensureLocalAdminPerson(fresh.access, dir, base)).toEqual({ file, email: 'admin@localhost' });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const link = readFileSync(file, 'utf8').trim();
      expect(link).toMatch(/^http:\/\/127\.0\.0\.1:3000\/invitations\/[A-Za-z0-9_-]{43}$/);
      // A second start keeps the link that still works.
      await ensureLocalAdminPerson(fresh.access, dir, base);
      expect(readFileSync(file, 'utf8').trim()).toBe(link);
      // After it expired, a start writes a new one.
      const weekLater = new Date(Date.now() + 8 * 86_400_000);
      await ensureLocalAdminPerson(fresh.access, dir, base, weekLater);
      const renewed = readFileSync(file, 'utf8').trim();
      expect(renewed).not.toBe(link);

      const path = new URL(renewed).pathname;
      const page = await request(fresh.http).get(path);
      expect(page.status).toBe(200);
      expect(page.text).toContain('value="admin@localhost"');
      const cookie = `kierto_form=${setCookies(page).get('kierto_form') ?? ''}`;
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
      const accepted = await request(fresh.http)
        .post(path)
        .set('Cookie', cookie)
        .type('form')
        .send({ _csrf: token, password: 'my own local password', repeat: 'my own local password' });
      expect(accepted.status).toBe(303);
      const session = `kierto_session=${setCookies(accepted).get('kierto_session') ?? ''}`;
      const users = await request(fresh.http).get('/admin/users').set('Cookie', session);
      expect(users.status).toBe(200);
      expect(users.text).toContain('admin@localhost');
      // Once the password is set, the next start deletes the file.
      expect(await ensureLocalAdminPerson(fresh.access, dir, base)).toBeNull();
      expect(existsSync(file)).toBe(false);
    } finally {
      await fresh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeIfPostgres('people on PostgreSQL, with two API instances', () => {
  const schema = createTestSchema('kierto_people');
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    const shared = {
      databaseUrl: postgres.url,
      databaseSchema: schema,
      failedAuthPerAddressPerMinute: 2,
      failedAuthPerKeyPerMinute: 100,
      trustProxy: 'loopback',
    };
    first = await startTestApp(shared);
    second = await startTestApp(shared);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await dropTestSchema(schema);
  });

  async function signInAt(instance: TestApp, email: string, password: string, address: string) {
    const page = await request(instance.http).get('/sign-in');
    const cookie = `kierto_form=${setCookies(page).get('kierto_form') ?? ''}`;
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    return request(instance.http)
      .post('/sign-in')
      .set('Cookie', cookie)
      .set('X-Forwarded-For', address)
      .type('form')
      .send({ _csrf: token, email, password });
  }

  it('share sessions, removals and the failed sign-in limits', async () => {
    const user = await createPerson(first, 'pg-shop', ['repairer'], { email: 'pg@shop.test' });
    const signedIn = await signInAt(first, 'pg@shop.test', 'correct horse battery staple', '198.51.100.1');
    expect(signedIn.status).toBe(303);
    const session = `kierto_session=${setCookies(signedIn).get('kierto_session') ?? ''}`;
    expect((await request(second.http).get('/account').set('Cookie', session)).status).toBe(200);

    // Failures at one instance hold the address back at the other, within one window of the
    // database's clock.
    await earlyEnoughInAMinute(postgres.url);
    for (let i = 0; i < 2; i += 1) {
      expect((await signInAt(first, 'pg@shop.test', 'wrong password here', '198.51.100.2')).status).toBe(401);
    }
    const limited = await signInAt(second, 'pg@shop.test', 'correct horse battery staple', '198.51.100.2');
    expect({ status: limited.status, code: pageCode(limited) }).toEqual({
      status: 429,
      code: 'AUTHENTICATION_RATE_LIMITED',
    });

    // Removed through one instance, refused at the other at once.
    expect(await second.access.removeUser('pg-shop', user.id, new Date().toISOString())).not.toBeNull();
    const after = await request(first.http).get('/account').set('Cookie', session);
    expect({ status: after.status, location: after.headers['location'] }).toEqual({
      status: 303,
      location: '/sign-in?next=%2Faccount',
    });
  });
});

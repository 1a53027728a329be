import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Provider from 'oidc-provider';
import request from 'supertest';
import { createPerson, pageCode, setCookies } from '../support/people.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * OpenID Connect sign-in (docs/access.md "People", ADR 0025) end to end against an in-process
 * OpenID provider (`oidc-provider` with its development login pages, driven over HTTP here as a
 * browser would): authorization code with PKCE, state and nonce; the verified e-mail address names
 * a user of the organisation, or makes one in the allowed domain; every refusal opens no session.
 */

const KIERTO = 'http://kierto.test';
const ORGANISATION = 'oidc-shop';

/** The provider's people: login name → claims. */
const ACCOUNTS: Readonly<Record<string, Record<string, unknown>>> = {
  alice: { email: 'Alice@oidc-shop.test', email_verified: true, name: 'Alice Known' },
  dave: { email: 'dave@oidc-shop.test', email_verified: true, name: 'Dave New' },
  bob: { email: 'bob@elsewhere.test', email_verified: true, name: 'Bob Outsider' },
  carol: { email: 'carol@oidc-shop.test', email_verified: false, name: 'Carol Unverified' },
  eve: { email: 'eve@other-shop.test', email_verified: true, name: 'Eve Elsewhere' },
};

let app: TestApp;
let identityServer: Server;
let issuer = '';

beforeAll(async () => {
  identityServer = createServer();
  await new Promise<void>((resolve) => identityServer.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(identityServer.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'kierto',
        client_secret: 'kierto-client-secret',
        redirect_uris: [`${KIERTO}/sign-in/oidc/${ORGANISATION}/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['a test key for the provider cookies'] },
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    findAccount: (_context, id) => {
      const claims = ACCOUNTS[id];
      return claims === undefined ? undefined : { accountId: id, claims: () => ({ sub: id, ...claims }) };
    },
  });
  identityServer.on('request', provider.callback());
  app = await startTestApp({ publicUrl: KIERTO });
  await createPerson(app, ORGANISATION, ['repairer', 'refurbisher'], { email: 'alice@oidc-shop.test' });
  await createPerson(app, 'other-shop', ['repairer'], { email: 'eve@other-shop.test' });
  const configured = await app
    .as('oidc-admin', 'admin')
    .put(`/organisations/${ORGANISATION}/oidc`)
    .send({
      issuer,
      clientId: 'kierto',
      clientSecret: 'kierto-client-secret',
      emailDomain: 'oidc-shop.test',
      roles: ['repairer'],
    });
  expect(configured.status).toBe(200);
});
afterAll(async () => {
  await app?.close();
  await new Promise<void>((resolve) => identityServer.close(() => resolve()));
});

/** Starts a sign-in at Kierto: the provider's authorization URL and the pending sign-in's cookie. */
async function start(next?: string): Promise<{ authorize: URL; cookie: string }> {
  const started = await request(app.http)
    .get(`/sign-in/oidc/${ORGANISATION}`)
    .query(next === undefined ? {} : { next });
  expect(started.status).toBe(303);
  const pending = setCookies(started).get('kierto_oidc');
  if (pending === undefined) throw new Error('no pending sign-in cookie');
  return { authorize: new URL(started.headers['location'] ?? ''), cookie: `kierto_oidc=${pending}` };
}

/**
 * What a browser does at the provider: follows its redirects with its cookies, signs in on the
 * development login page as `login`, confirms the consent page, and stops at the redirect back to
 * Kierto, whose path and query it answers.
 */
async function atProvider(authorize: URL, login: string): Promise<string> {
  const jar = new Map<string, string>();
  let url = authorize.href;
  let form: URLSearchParams | null = null;
  for (let hop = 0; hop < 20; hop += 1) {
    if (url.startsWith(KIERTO)) return url.slice(KIERTO.length);
    const answer = await fetch(url, {
      method: form === null ? 'GET' : 'POST',
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(form === null ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(form === null ? {} : { body: form.toString() }),
    });
    for (const line of answer.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    const location = answer.headers.get('location');
    if (answer.status >= 300 && answer.status < 400 && location !== null) {
      url = new URL(location, url).href;
      form = null;
      continue;
    }
    const page = await answer.text();
    const action = /action="([^"]+)"/.exec(page)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
    if (action === undefined || prompt === undefined) {
      throw new Error(`unexpected answer ${answer.status} from the provider: ${page.slice(0, 300)}`);
    }
    url = new URL(action, url).href;
    form = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt });
  }
  throw new Error('too many hops at the provider');
}

async function signInAs(login: string, next?: string): Promise<request.Response> {
  const { authorize, cookie } = await start(next);
  const back = await atProvider(authorize, login);
  return request(app.http).get(back).set('Cookie', cookie);
}

describe('the admin API of an organisation’s identity provider', () => {
  it('keeps the client secret to itself', async () => {
    const shown = await app.as('oidc-admin', 'admin').get(`/organisations/${ORGANISATION}/oidc`);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({
      organisationId: ORGANISATION,
      issuer,
      clientId: 'kierto',
      emailDomain: 'oidc-shop.test',
      roles: ['repairer'],
      updatedAt: expect.any(String),
    });
    expect(JSON.stringify(shown.body)).not.toContain('kierto-client-secret');
  });

  it('refuses roles the organisation lacks, a plain-http issuer elsewhere than loopback, and non-admins', async () => {
    const admin = app.as('oidc-admin', 'admin');
    const body = { issuer, clientId: 'kierto', clientSecret: 's' };
    const roles = await admin.put(`/organisations/${ORGANISATION}/oidc`).send({ ...body, roles: ['recycler'] });
    expect({ status: roles.status, code: roles.body.error?.code, field: roles.body.error?.fields?.[0]?.field }).toEqual(
      {
        status: 400,
        code: 'ROLE_NOT_HELD',
        field: 'roles',
      },
    );
    const http = await admin.put(`/organisations/${ORGANISATION}/oidc`).send({ ...body, issuer: 'http://idp.example' });
    expect({ status: http.status, field: http.body.error?.fields?.[0]?.field }).toEqual({
      status: 400,
      field: 'issuer',
    });
    const missing = await admin.put('/organisations/nobody/oidc').send(body);
    expect({ status: missing.status, code: missing.body.error?.code }).toEqual({
      status: 404,
      code: 'ORGANISATION_NOT_FOUND',
    });
    const repairer = await app.as(ORGANISATION, 'repairer').put(`/organisations/${ORGANISATION}/oidc`).send(body);
    expect(repairer.status).toBe(403);
    expect((await admin.get(`/organisations/${ORGANISATION}/oidc`)).body.roles).toEqual(['repairer']);
  });
});

describe('signing in through the organisation’s identity provider', () => {
  it('is offered on the sign-in page', async () => {
    const page = await request(app.http).get('/sign-in?lang=en&next=%2Fdesk');
    expect(page.text).toContain(
      `href="/sign-in/oidc/${ORGANISATION}?lang=en&amp;next=%2Fdesk">Sign in through Test ${ORGANISATION}&#39;s own sign-in service`,
    );
  });

  it('sends the browser with state, nonce and an S256 PKCE challenge', async () => {
    const { authorize, cookie } = await start();
    expect(authorize.origin).toBe(issuer);
    const parameters = Object.fromEntries(authorize.searchParams);
    expect(parameters).toMatchObject({
      client_id: 'kierto',
      response_type: 'code',
      redirect_uri: `${KIERTO}/sign-in/oidc/${ORGANISATION}/callback`,
      code_challenge_method: 'S256',
      scope: 'openid email profile',
    });
    expect(parameters['state']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parameters['nonce']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parameters['code_challenge']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The verifier stays with the browser's cookie, never in the URL.
    expect(cookie).not.toContain(parameters['code_challenge'] ?? '');
  });

  it('signs a known user in, with their own roles, and sends them where they were going', async () => {
    const back = await signInAs('alice', '/account?lang=en');
    expect({ status: back.status, location: back.headers['location'] }).toEqual({
      status: 303,
      location: '/account?lang=en',
    });
    expect(setCookies(back).get('kierto_oidc')).toBe('');
    const session = `kierto_session=${setCookies(back).get('kierto_session') ?? ''}`;
    const account = await request(app.http).get('/account?lang=en').set('Cookie', session);
    expect(account.status).toBe(200);
    expect(account.text).toContain('alice@oidc-shop.test');
    expect(account.text).toContain('repairer, refurbisher');
  });

  it('makes a user of a verified address in the allowed domain at the first sign-in, with the configured roles', async () => {
    expect(await app.access.findUserByEmail('dave@oidc-shop.test')).toBeNull();
    const back = await signInAs('dave');
    expect({ status: back.status, location: back.headers['location'] }).toEqual({ status: 303, location: '/account' });
    expect(await app.access.findUserByEmail('dave@oidc-shop.test')).toMatchObject({
      organisationId: ORGANISATION,
      displayName: 'Dave New',
      roles: ['repairer'],
      passwordHash: null,
    });
    // The second time, the same user.
    expect((await signInAs('dave')).status).toBe(303);
    expect(
      (await app.access.listUsers(ORGANISATION)).filter((user) => user.email === 'dave@oidc-shop.test'),
    ).toHaveLength(1);
  });

  it('refuses an address outside the domain, one of another organisation, and an unverified one, opening no session', async () => {
    const usersBefore = await app.access.listUsers(ORGANISATION);
    for (const [login, code] of [
      ['bob', 'OIDC_USER_NOT_ALLOWED'],
      ['eve', 'OIDC_USER_NOT_ALLOWED'],
      ['carol', 'OIDC_EMAIL_UNVERIFIED'],
    ] as const) {
      const refused = await signInAs(login);
      expect({ login, status: refused.status, code: pageCode(refused) }).toEqual({ login, status: 403, code });
      expect(setCookies(refused).has('kierto_session')).toBe(false);
    }
    expect(await app.access.listUsers(ORGANISATION)).toEqual(usersBefore);
  });

  it('refuses a callback without this browser’s pending sign-in, or with another one’s (state)', async () => {
    const { authorize } = await start();
    const back = await atProvider(authorize, 'alice');
    const missing = await request(app.http).get(back);
    expect({ status: missing.status, code: pageCode(missing) }).toEqual({ status: 400, code: 'OIDC_STATE_MISSING' });
    const other = await start();
    const swapped = await request(app.http).get(back).set('Cookie', other.cookie);
    expect({ status: swapped.status, code: pageCode(swapped) }).toEqual({ status: 400, code: 'OIDC_FAILED' });
    const forged = await request(app.http)
      .get(`/sign-in/oidc/${ORGANISATION}/callback?code=made-up&state=made-up&iss=${encodeURIComponent(issuer)}`)
      .set('Cookie', other.cookie);
    expect({ status: forged.status, code: pageCode(forged) }).toEqual({ status: 400, code: 'OIDC_FAILED' });
    for (const refused of [missing, swapped, forged]) expect(setCookies(refused).has('kierto_session')).toBe(false);
  });

  it('is not offered by an organisation without a provider, and ends when the admin removes it', async () => {
    const none = await request(app.http).get('/sign-in/oidc/other-shop');
    expect({ status: none.status, code: pageCode(none) }).toEqual({ status: 404, code: 'OIDC_NOT_CONFIGURED' });
    const removed = await app.as('oidc-admin', 'admin').delete(`/organisations/${ORGANISATION}/oidc`);
    expect(removed.status).toBe(204);
    const after = await request(app.http).get(`/sign-in/oidc/${ORGANISATION}`);
    expect({ status: after.status, code: pageCode(after) }).toEqual({ status: 404, code: 'OIDC_NOT_CONFIGURED' });
    const again = await app.as('oidc-admin', 'admin').delete(`/organisations/${ORGANISATION}/oidc`);
    expect({ status: again.status, code: again.body.error?.code }).toEqual({
      status: 404,
      code: 'OIDC_NOT_CONFIGURED',
    });
  });
});

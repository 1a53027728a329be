/**
 * Signed-in people for the tests of the workspace pages (ADR 0025). Other suites use this to act as
 * a person with given roles, without going through the sign-in form (test/api/people.e2e-spec.ts and
 * test/browser/sign-in.browser-spec.ts test the form itself):
 *
 *   const person = await signIn(app, 'repair-shop', ['repairer']);
 *   await request(app.http).get('/desk').set('Cookie', person.cookie);
 *   await request(app.http).post('/desk/…').set('Cookie', person.cookie).type('form').send({ _csrf: person.csrfToken, … });
 *   await request(app.http).post('/devices/…').set('Cookie', person.cookie).set('X-CSRF-Token', person.csrfToken).send({…});
 *
 *   await signInBrowser(context, baseUrl, person);   // Playwright: the context's pages are signed in
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { Response } from 'supertest';
import { hashPassword, hashToken, inviteUser, openSession, type Role, type UserRecord } from '#kierto/access';
import type { TestApp } from './test-app.js';

/** The password every person made here has; long enough for the sign-in rules. */
export const TEST_PASSWORD = 'correct horse battery staple';

export interface SignedInPerson {
  readonly userId: string;
  readonly organisationId: string;
  readonly email: string;
  readonly password: string;
  readonly displayName: string;
  /** `kierto_session=<id>`: the value of a Cookie header. */
  readonly cookie: string;
  /** The session's id as the cookie carries it. */
  readonly sessionId: string;
  /** Send as the form field `_csrf` or the header `X-CSRF-Token` with every unsafe request. */
  readonly csrfToken: string;
}

export interface PersonOptions {
  /** Default: `<random>@<organisation>.test`. */
  readonly email?: string;
  readonly displayName?: string;
}

let passwordHash: Promise<string> | null = null;
let counter = 0;

/**
 * A user of organisation `organisationId` with `roles` and the password TEST_PASSWORD. The
 * organisation is created with those roles when it does not exist; an existing one must hold them.
 */
export async function createPerson(
  app: TestApp,
  organisationId: string,
  roles: readonly Role[],
  options: PersonOptions = {},
): Promise<UserRecord> {
  const now = new Date();
  const existing = await app.access.getOrganisation(organisationId);
  if (existing === null) {
    await app.access.createOrganisation({
      id: organisationId,
      name: `Test ${organisationId}`,
      roles: [...roles],
      createdAt: now.toISOString(),
    });
  } else if (!roles.every((role) => existing.roles.includes(role))) {
    throw new Error(`test organisation ${organisationId} exists without ${roles.join(', ')}`);
  }
  counter += 1;
  const email = options.email ?? `person${counter}-${process.pid}@${organisationId}.test`;
  const { token } = await inviteUser(
    app.access,
    { organisationId, email, displayName: options.displayName ?? `Person ${counter}`, roles },
    now,
  );
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const hash = await passwordHash;
  // What the invitation page does, without its form.
  const user = await app.access.acceptInvitation(hashToken(token), hash, now.toISOString());
  if (user === null) throw new Error('the test invitation could not be accepted');
  return user;
}

/** A person (createPerson) with a live session: its cookie and CSRF token. */
export async function signIn(
  app: TestApp,
  organisationId: string,
  roles: readonly Role[],
  options: PersonOptions = {},
): Promise<SignedInPerson> {
  const user = await createPerson(app, organisationId, roles, options);
  return sessionFor(app, user);
}

/** A new session for an existing user (e.g. a second browser of the same person). */
export async function sessionFor(app: TestApp, user: UserRecord): Promise<SignedInPerson> {
  const { sessionId, record } = openSession(user.id, { maxAgeMinutes: 720, idleMinutes: 60 }, new Date());
  await app.access.addSession(record);
  return {
    userId: user.id,
    organisationId: user.organisationId,
    email: user.email,
    password: TEST_PASSWORD,
    displayName: user.displayName,
    cookie: `kierto_session=${sessionId}`,
    sessionId,
    csrfToken: record.csrfToken,
  };
}

/** Puts the person's session cookie into a Playwright context: its pages are then signed in. */
export async function signInBrowser(context: BrowserContext, baseUrl: string, person: SignedInPerson): Promise<void> {
  await context.addCookies([
    { name: 'kierto_session', value: person.sessionId, url: baseUrl, httpOnly: true, sameSite: 'Lax' },
  ]);
}

/** Signs a Playwright page in through the sign-in form (English), as a person would. */
export async function signInThroughForm(
  page: Page,
  baseUrl: string,
  person: Pick<SignedInPerson, 'email' | 'password'>,
  next = '/account',
): Promise<void> {
  await page.goto(`${baseUrl}/sign-in?lang=en&next=${encodeURIComponent(next)}`);
  await page.getByLabel('E-mail address').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await Promise.all([
    page.waitForURL((url) => url.pathname === next.split('?')[0]),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
}

/** The cookies a response sets, by name (value only). */
export function setCookies(response: Response): Map<string, string> {
  const header: unknown = response.headers['set-cookie'];
  const lines = Array.isArray(header) ? header.filter((line): line is string => typeof line === 'string') : [];
  return new Map(
    lines.map((line) => [line.split('=')[0] ?? '', (line.split(';')[0] ?? '').split('=').slice(1).join('=')]),
  );
}

/** The stable code a page shows for its error (`data-code`), or null. */
export function pageCode(response: Response): string | null {
  return /data-code="([A-Z_]+)"/.exec(response.text)?.[1] ?? null;
}

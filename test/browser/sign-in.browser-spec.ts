/**
 * Signing in through the pages in a real browser (Playwright driving Debian's Chromium): a person
 * fills in the sign-in form, lands in the workspace, and signs out; an admin invites a colleague,
 * who sets a password through the link. What the server answers is specified in
 * test/api/people.e2e-spec.ts; this file checks what only a browser can tell: that the cookies are
 * kept and sent (HttpOnly, SameSite, not Secure on http://127.0.0.1), that the forms post with their
 * CSRF fields under the workspace's Content-Security-Policy, and that axe-core finds no serious or
 * critical accessibility violation on the sign-in, invitation and admin pages.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { describeIfBrowser } from '../support/browser.js';
import { axeFindings, DESKTOP, PagesInChromium, PHONE, serious } from '../support/browser-pages.js';
import { signIn, signInBrowser, signInThroughForm, type SignedInPerson } from '../support/people.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** KIERTO_SCREENSHOTS=1 also prints each page's weight and axe-core's findings of every impact, for docs/pages.md. */
const REPORT = process.env['KIERTO_SCREENSHOTS'] === '1';

let app: TestApp;
let chromium: PagesInChromium;
let base = '';
let admin: SignedInPerson;

/**
 * Console errors and warnings (CSP violations land there) and uncaught errors of a page. Chromium
 * also logs every answer of 400 and above as "Failed to load resource": a refused sign-in is a 401
 * page on purpose, and the favicon is a 404; those are left out.
 */
function problemsOf(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    if (message.text().startsWith('Failed to load resource: the server responded with a status of')) return;
    problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}

describeIfBrowser('signing in, in Chromium', () => {
  beforeAll(async () => {
    app = await startTestApp();
    admin = await signIn(app, 'browser-admin', ['admin'], { email: 'admin@browser.test', displayName: 'Aino Admin' });
    chromium = await PagesInChromium.open(app);
    base = chromium.base;
  });
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
  });

  it('signs in through the form, shows the workspace, and signs out', async () => {
    const browserContext = await chromium.context(DESKTOP);
    const page = await browserContext.newPage();
    const problems = problemsOf(page);
    // A page behind sign-in sends the browser to the form, which brings it back afterwards.
    await page.goto(`${base}/admin/users?lang=en`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.getByLabel('E-mail address').fill(admin.email);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').innerText()).toBe('The e-mail address or the password is wrong.');
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Password').fill(admin.password);
    await Promise.all([
      page.waitForURL(`${base}/admin/users?lang=en`),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Users');
    expect(await page.getByText('Signed in as Aino Admin').isVisible()).toBe(true);
    expect(
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Users' }).isVisible(),
    ).toBe(true);
    const cookie = (await browserContext.cookies()).find((kept) => kept.name === 'kierto_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });

    await page.goto(`${base}/account?lang=en`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Your account');
    expect(await page.getByText('admin@browser.test').isVisible()).toBe(true);

    await Promise.all([page.waitForURL(`${base}/sign-in`), page.getByRole('button', { name: 'Sign out' }).click()]);
    expect((await browserContext.cookies()).some((kept) => kept.name === 'kierto_session')).toBe(false);
    await page.goto(`${base}/account`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(problems).toEqual([]);
  });

  it('lets an admin invite a colleague, who sets a password through the link and is signed in', async () => {
    const adminContext = await chromium.context(DESKTOP, { person: admin });
    const page = await adminContext.newPage();
    await page.goto(`${base}/admin/users?lang=en`);
    await page.getByLabel('Name').fill('Veera Colleague');
    await page.getByLabel('E-mail address').fill('veera@browser.test');
    await page.getByLabel('administrator').check();
    await page.getByRole('button', { name: 'Create invitation' }).click();
    const link = await page.locator('#invitation-link').getAttribute('href');
    expect(link).toMatch(/\/invitations\/[A-Za-z0-9_-]{43}$/);

    // The colleague opens the link on a phone, in another browser.
    const phone = await (await chromium.context(PHONE)).newPage();
    const problems = problemsOf(phone);
    await phone.goto(`${link ?? ''}?lang=en`);
    await phone.getByLabel('New password').fill('a sentence I will remember');
    await phone.getByLabel('Repeat the password').fill('a sentence I will remember');
    await Promise.all([
      phone.waitForURL(`${base}/account`),
      phone.getByRole('button', { name: 'Set password and sign in' }).click(),
    ]);
    expect(await phone.getByText('veera@browser.test').isVisible()).toBe(true);
    expect(problems).toEqual([]);

    // And signs in again later through the form.
    const later = await (await chromium.context(PHONE)).newPage();
    await signInThroughForm(later, base, { email: 'veera@browser.test', password: 'a sentence I will remember' });
    expect(await later.getByRole('heading', { level: 1 }).innerText()).toBe('Your account');
  });

  it.each([
    ['the sign-in page, en', '/sign-in?lang=en', false],
    ['the sign-in page, fi', '/sign-in?lang=fi', false],
    ['the sign-in page with an error', '/sign-in?lang=sv', false],
    ['the user admin page', '/admin/users?lang=en', true],
    ['the account page', '/account?lang=fi', true],
  ] as const)('gives axe-core no serious or critical violation on %s', async (name, path, signedIn) => {
    // axe-core is a script, which the pages' CSP forbids (rightly); this context alone lets it in.
    const browserContext = await chromium.context({ ...DESKTOP, bypassCSP: true });
    if (signedIn) await signInBrowser(browserContext, base, admin);
    const page = await browserContext.newPage();
    const answer = await page.goto(base + path);
    if (REPORT && answer !== null) {
      console.log(`${name}: body ${(await answer.request().sizes()).responseBodySize} B`);
    }
    if (name.endsWith('with an error')) {
      await page.getByLabel('E-postadress').fill('nobody@browser.test');
      await page.getByLabel('Lösenord').fill('wrong password');
      await page.getByRole('button', { name: 'Logga in' }).click();
      expect(await page.getByRole('alert').isVisible()).toBe(true);
    }
    const findings = await axeFindings(page);
    expect(serious(findings)).toEqual([]);
    if (REPORT) console.log(`axe-core on ${name}: ${JSON.stringify(findings)}`);
  });

  it('gives axe-core no serious or critical violation on the invitation page', async () => {
    const colleague = await signIn(app, 'browser-admin', ['admin']);
    // A fresh invitation for a new person, opened as that person would.
    const adminPage = await (await chromium.context(DESKTOP, { person: colleague })).newPage();
    await adminPage.goto(`${base}/admin/users?lang=en`);
    await adminPage.getByLabel('Name').fill('Axe Person');
    await adminPage.getByLabel('E-mail address').fill('axe@browser.test');
    await adminPage.getByLabel('administrator').check();
    await adminPage.getByRole('button', { name: 'Create invitation' }).click();
    const link = (await adminPage.locator('#invitation-link').getAttribute('href')) ?? '';
    const page = await (await chromium.context({ ...DESKTOP, bypassCSP: true })).newPage();
    await page.goto(`${link}?lang=sv`);
    const findings = await axeFindings(page);
    expect(serious(findings)).toEqual([]);
    if (REPORT) console.log(`axe-core on the invitation page, sv: ${JSON.stringify(findings)}`);
  });
});

/**
 * The producer organisation dashboard in a real browser (Playwright driving Debian's Chromium): a
 * person of the organisation opens it, follows a collection rate to the facts behind it and a fact
 * to the device's passport. The HTML and the figures are specified in test/api/dashboard.e2e-spec.ts;
 * this file checks what only a browser can tell: the charts and the stylesheet render under the
 * Content-Security-Policy without a console error, the filter form works without JavaScript, the
 * links lead where they say, and axe-core finds no serious or critical accessibility violation.
 *
 * KIERTO_SCREENSHOTS=1 also writes docs/screenshots/dashboard.png and prints the pages' weights and
 * axe-core's findings for docs/pages.md.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describeIfBrowser } from '../support/browser.js';
import {
  axeFindings,
  DESKTOP,
  ok,
  PagesInChromium,
  PHONE,
  SCREENSHOTS,
  serious,
  WRITE_ARTEFACTS,
} from '../support/browser-pages.js';
import { Lifecycle, productOf, type Recorded } from '../support/lifecycle.js';
import { signIn, type SignedInPerson } from '../support/people.js';
import { StatisticsReader } from '../support/statistics-reader.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const YEAR = 2022;
/**
 * The dashboard's budget (docs/pages.md): its tables have a fixed number of rows (five years, six
 * categories, twelve report rows), so its weight does not grow with the organisation's data.
 */
const DASHBOARD_BUDGET_BYTES = 48 * 1024;

/**
 * What a page did besides rendering: console errors and warnings (CSP violations land there), uncaught
 * errors, and every answer of 400 and above (the shared `watch` leaves those to the console).
 */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`${message.text()} (on ${page.url()})`);
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  return problems;
}

/** The browser globals the functions given to `page.evaluate` use (the project's TypeScript has no DOM library). */
interface InPage {
  readonly document: {
    readonly documentElement: { readonly scrollWidth: number };
    querySelector(selector: string): { getBoundingClientRect(): { width: number; height: number } } | null;
  };
  getComputedStyle(element: unknown): { readonly fontFamily: string };
}

let app: TestApp;
let chromium: PagesInChromium;
let base = '';
let person: SignedInPerson;

/** A desktop browser signed in as a person of po-north. */
async function signedIn(options: BrowserContextOptions = {}): Promise<Page> {
  const context = await chromium.context({ ...DESKTOP, ...options }, { person, answerFavicon: true });
  return context.newPage();
}

describeIfBrowser('the dashboard in Chromium', () => {
  beforeAll(async () => {
    app = await startTestApp();
    const kierto = new Lifecycle(app.api);
    const reader = new StatisticsReader(app.api);
    reader.track(await kierto.join('maker-a', 'po-north', '2018-01-01T00:00:00Z'));
    // Three years placed on the market, then some of it collected, resold after collection and recycled.
    const placed: Recorded[] = [];
    for (const year of [2019, 2020, 2021]) {
      for (const [index, category] of [1, 4, 6, 6].entries()) {
        const product = productOf({
          serialNumber: `A-${year}-${index}`,
          weeeCategory: category,
          weightKg: category === 6 ? 2.5 : category === 4 ? 18 : 45,
          manufacturer: 'maker-a',
        });
        placed.push(
          reader.track(
            await kierto.place(
              `${year}-05-0${index + 1}T10:00:00Z`,
              'maker-a',
              'FI',
              product,
              index < 3 ? 'household' : 'non-household',
            ),
          ),
        );
      }
    }
    const [fridge, washer, phone] = placed;
    for (const device of [fridge, washer, phone])
      reader.track(await kierto.collect(device?.id ?? '', '2022-02-01T10:00:00Z', 'FI'));
    reader.track(await kierto.resell(phone?.id ?? '', '2022-03-01T10:00:00Z'));
    for (const [device, weightKg] of [
      [fridge, 45],
      [washer, 18],
    ] as const) {
      reader.track(
        await kierto.recycle(device?.id ?? '', '2022-04-01T10:00:00Z', 'FI', weightKg, [
          { material: 'metals', massKg: weightKg * 0.7, fate: 'recycled' },
          { material: 'plastics', massKg: weightKg * 0.15, fate: 'energy-recovery' },
          { material: 'residue', massKg: weightKg * 0.15, fate: 'disposal' },
        ]),
      );
    }
    // The browser cannot pass minPosition on every link: wait here until the statistics have everything.
    await reader.get('report', { year: YEAR }, 'ProducerOrganisationReport');
    await app.api.get(`/passports/${phone?.id ?? ''}`).query({ minPosition: reader.head });
    person = await signIn(app, 'po-north', ['producer-organisation'], { displayName: 'Riikka Raportoija' });
    chromium = await PagesInChromium.open(app);
    base = chromium.base;
  });
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
  });

  it('leads from a collection rate to its facts and from a fact to the device’s passport, without a console error', async () => {
    const page = await signedIn({ extraHTTPHeaders: { 'Accept-Language': 'en' } });
    const problems = watch(page);
    const response = ok(await page.goto(`${base}/dashboard?year=${YEAR}`));
    expect(response.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('WEEE figures');
    expect(await page.getByText('Riikka Raportoija').isVisible()).toBe(true);

    // The charts render as images with names, at a size (the SVG has no stylesheet of its own).
    const chart = page.getByRole('img', {
      name: `Collection rate ${YEAR - 4}–${YEAR} against the target in force, per year`,
    });
    expect(await chart.isVisible()).toBe(true);
    const box = await chart.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(300);
    expect(
      await page
        .getByRole('img', { name: `Recovery and recycling rates per category in ${YEAR} against the Annex V targets` })
        .isVisible(),
    ).toBe(true);

    // The collection rate of the year: its row is the table's last.
    const rateCell = page.locator('#table-collection-rates tbody tr:last-child td').nth(5);
    const rate = rateCell.getByRole('link');
    const shown = await rate.innerText();
    expect(shown).toMatch(/^\d+\.\d$/);
    await rate.click();
    await page.waitForURL(`${base}/dashboard/facts?year=${YEAR}&measure=COL`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Facts: collected, ${YEAR}`);
    const devices = page.locator('#facts tbody tr td:nth-child(3) a');
    expect(await devices.count()).toBe(3);

    const first = devices.first();
    const deviceId = await first.innerText();
    await first.click();
    await page.waitForURL(`${base}/passports/${encodeURIComponent(deviceId)}`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(/^Product passport/);
    expect(
      await page
        .getByText(deviceId.split(':').at(-1) ?? deviceId, { exact: true })
        .first()
        .isVisible(),
    ).toBe(true);
    expect(problems).toEqual([]);
  });

  it('filters through the GET form without JavaScript', async () => {
    const page = await signedIn({ javaScriptEnabled: false, extraHTTPHeaders: { 'Accept-Language': 'fi' } });
    const problems = watch(page);
    ok(await page.goto(`${base}/dashboard?year=${YEAR}`));
    await page.getByLabel('SER-luokka', { exact: true }).selectOption('6');
    await page.getByRole('button', { name: 'Näytä luvut' }).click();
    await page.waitForURL(/category=6/);
    expect(new URL(page.url()).searchParams.get('category')).toBe('6');
    expect(await page.locator('#table-report tbody tr').count()).toBe(3);
    // A bad value: the field says what is wrong, the page is a 400.
    await page.getByLabel('Vuosi', { exact: true }).fill('20x2');
    const [refused] = await Promise.all([
      page.waitForResponse(/\/dashboard\?/),
      page.getByRole('button', { name: 'Näytä luvut' }).click(),
    ]);
    expect(refused.status()).toBe(400);
    expect(await page.getByText('Anna vuosi väliltä 1900–2100.').first().isVisible()).toBe(true);
    // The one problem is the refused form's own answer: Chromium notes its status, the watch its response.
    expect(problems.filter((problem) => !problem.includes('status of 400') && !problem.startsWith('400 '))).toEqual([]);
  });

  it('fits a phone: the page does not scroll sideways, the wide tables scroll in their own box', async () => {
    const page = await signedIn(PHONE);
    ok(await page.goto(`${base}/dashboard?year=${YEAR}&lang=fi`));
    const widths = await page.evaluate(() => {
      const inPage = globalThis as unknown as InPage;
      return {
        page: inPage.document.documentElement.scrollWidth,
        chart: inPage.document.querySelector('figure svg')?.getBoundingClientRect().width ?? 0,
        report: inPage.document.querySelector('#table-report')?.getBoundingClientRect().width ?? 0,
      };
    });
    expect(widths.page).toBeLessThanOrEqual(390);
    expect(widths.chart).toBeGreaterThan(300);
    expect(widths.chart).toBeLessThanOrEqual(390);
    // Wider than the phone, yet the page is not: the report scrolls inside its box.
    expect(widths.report).toBeGreaterThan(390);
  });

  it.each([
    ['the dashboard', `/dashboard?year=${YEAR}&lang=en`],
    ['the dashboard, fi', `/dashboard?year=${YEAR}&lang=fi`],
    ['the facts page', `/dashboard/facts?year=${YEAR}&measure=COL&lang=en`],
    ['a refused filter', `/dashboard?year=${YEAR}&country=XX&lang=en`],
  ])('gives axe-core no serious or critical violation on %s', async (_, path) => {
    // axe-core is a script: this context alone bypasses the CSP, which allows only this origin's scripts.
    const page = await signedIn({ bypassCSP: true });
    const response = ok(await page.goto(base + path));
    const findings = await axeFindings(page);
    expect(serious(findings)).toEqual([]);
    const sizes = await response.request().sizes();
    if (path.startsWith('/dashboard?')) expect(sizes.responseBodySize).toBeLessThanOrEqual(DASHBOARD_BUDGET_BYTES);
    if (WRITE_ARTEFACTS) {
      console.log(
        `${path}: status ${response.status()}, body ${sizes.responseBodySize} B, headers ${sizes.responseHeadersSize} B`,
      );
      console.log(`axe-core on ${path}: ${JSON.stringify(findings)}`);
    }
  });

  (WRITE_ARTEFACTS ? it : it.skip)('writes the screenshot for the docs (KIERTO_SCREENSHOTS=1)', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const page = await signedIn({ javaScriptEnabled: false });
    ok(await page.goto(`${base}/dashboard?year=${YEAR}&lang=en`));
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true });
    const facts = await signedIn({ javaScriptEnabled: false });
    ok(await facts.goto(`${base}/dashboard/facts?year=${YEAR}&measure=COL&lang=en`));
    await facts.screenshot({ path: join(SCREENSHOTS, 'dashboard-facts.png') });
  });
});

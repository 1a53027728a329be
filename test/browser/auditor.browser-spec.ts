/**
 * The auditor's pages in a real browser (Playwright driving Debian's Chromium): what an auditor does
 * with them. The HTML itself is specified in test/api/auditor-pages.e2e-spec.ts; this file checks what
 * only a browser can tell: the stylesheet and the slider's script run under the workspace CSP, the
 * as-of form changes the passport shown to the earlier state, the slider's script names the event it
 * points at, a tampered event is visibly MISMATCH, and axe-core finds no serious or critical violation.
 * The browser is an auditor signed in with a session cookie (test/support/people.ts), as people are.
 *
 * KIERTO_SCREENSHOTS=1 also writes docs/screenshots/auditor.png and prints the page weights and
 * axe-core's findings for docs/pages.md.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { describeIfBrowser } from '../support/browser.js';
import {
  axeFindings,
  DESKTOP,
  ok,
  PagesInChromium,
  PHONE,
  SCREENSHOTS,
  serious,
  watch,
  WRITE_ARTEFACTS,
} from '../support/browser-pages.js';
import { signIn, type SignedInPerson } from '../support/people.js';
import { example, LAPTOP_ID, startTestApp, type TestApp } from '../support/test-app.js';

const DEVICE_PAGE = `/auditor/devices/${LAPTOP_ID}`;

/** The few browser globals the functions given to `page.evaluate` use (the project has no DOM types). */
interface InPage {
  readonly document: { readonly body: object; readonly documentElement: { readonly scrollWidth: number } };
  readonly innerWidth: number;
  getComputedStyle(element: object): { readonly fontFamily: string; readonly color: string };
}

let app: TestApp;
let dataDir: string;
let chromium: PagesInChromium;
let base = '';
let person: SignedInPerson;
/** When the collection was recorded; the wipe was recorded at least one whole second later. */
let collectedAt = '';

/** A desktop browser in English, the auditor signed in. */
async function auditor(options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return chromium.context(
    { ...DESKTOP, extraHTTPHeaders: { 'Accept-Language': 'en' }, ...options },
    { person, answerFavicon: true },
  );
}

async function styled(page: Page): Promise<{ font: string; color: string }> {
  return page.evaluate(() => {
    const inPage = globalThis as unknown as InPage;
    const style = inPage.getComputedStyle(inPage.document.body);
    return { font: style.fontFamily, color: style.color };
  });
}

/** Waits (asserting nothing about time) until the clock is past the whole second after `instant`. */
async function pastTheSecondAfter(instant: string): Promise<void> {
  const next = Math.floor(Date.parse(instant) / 1000) * 1000 + 1000;
  while (Date.now() <= next) await new Promise((resolve) => setTimeout(resolve, 20));
}

describeIfBrowser('the auditor pages in Chromium', () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kierto-auditor-browser-'));
    app = await startTestApp({ dataDir });
    const post = async (path: string, body: string): Promise<string> => {
      const response = await app.api.post(path).send(example(body));
      expect(response.status).toBe(201);
      return response.body.events.at(-1).recordedAt as string;
    };
    await post('/devices', 'place-laptop-on-market');
    collectedAt = await post(`/devices/${LAPTOP_ID}/collections`, 'collect-laptop');
    // The form takes whole seconds: the wipe must be recorded in a later second than the collection.
    await pastTheSecondAfter(collectedAt);
    await post(`/devices/${LAPTOP_ID}/data-wipes`, 'wipe-laptop');
    await post(`/devices/${LAPTOP_ID}/resales`, 'resell-laptop');
    person = await signIn(app, 'browser-authority', ['auditor'], { displayName: 'Aino Auditor' });
    chromium = await PagesInChromium.open(app);
    base = chromium.base;
  });
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens a device from /auditor by GTIN and serial and shows its timeline, every event verified, styled, nothing refused', async () => {
    const page = await (await auditor()).newPage();
    const watched = watch(page);
    ok(await page.goto(`${base}/auditor`));
    expect(await page.getByText('Signed in as Aino Auditor').isVisible()).toBe(true);
    expect(await page.getByText('Intact: all 4 events verified.').isVisible()).toBe(true);
    await page.getByLabel('GTIN').fill('09506000134352');
    await page.getByLabel('Serial number').fill('LAP-0001');
    await page.getByRole('button', { name: 'Show its history' }).click();
    await page.waitForURL(base + DEVICE_PAGE);

    const heading = await page.getByRole('heading', { level: 1 }).innerText();
    expect(heading).toMatch(/^Device history\s+Kestävä K14 Laptop$/);
    const events = page.locator('ol.timeline > li');
    expect(await events.count()).toBe(4);
    for (let index = 0; index < 4; index += 1) {
      expect(await events.nth(index).locator('.verdict').innerText()).toBe('✓ Verified');
    }
    expect(await page.getByText('All 4 events of this device verified against the chain.').isVisible()).toBe(true);
    expect(await styled(page)).toEqual({ font: expect.stringContaining('system-ui'), color: 'rgb(27, 27, 27)' });
    // The slider's script came from this origin and ran; nothing was refused by the CSP.
    expect(watched.requests).toContain(`${base}/auditor/as-of-slider.js`);
    expect(watched.problems).toEqual([]);
  });

  it('changes the as-of date and sees the earlier state: handed in for collection, two of four events', async () => {
    const page = await (await auditor()).newPage();
    ok(await page.goto(base + DEVICE_PAGE));
    const result = page.locator('#as-of-result');
    expect(await result.innerText()).toContain('4 of 4 events counted.');
    expect(await result.innerText()).toContain('In use');

    // The whole second after the collection, in the reporting time zone (UTC in the test app).
    const asOf = new Date(Math.floor(Date.parse(collectedAt) / 1000) * 1000 + 1000).toISOString().slice(0, 19);
    await page.getByLabel('Recorded at or before').fill(asOf);
    await page.getByRole('button', { name: 'Show' }).first().click();
    await page.waitForURL((url) => url.searchParams.get('asOf') === asOf);
    const earlier = await page.locator('#as-of-result').innerText();
    expect(earlier).toContain('2 of 4 events counted.');
    expect(earlier).toContain('Handed in for collection');
    expect(earlier).toContain('First life: never resold');
    expect(await page.getByLabel('Recorded at or before').inputValue()).toBe(asOf);
  });

  it('moves the slider: the script names the event it points at, and Show gives the passport after it', async () => {
    const page = await (await auditor()).newPage();
    const watched = watch(page);
    ok(await page.goto(base + DEVICE_PAGE));
    const slider = page.getByLabel('Or after the event');
    const named = page.locator('#event-value');
    expect(await named.innerText()).toMatch(/^r3: Resold, /);
    await slider.focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    // Named by the script while the slider moves, before anything is sent.
    expect(await named.innerText()).toMatch(/^r1: Handed in for collection, /);
    expect(await slider.getAttribute('aria-valuetext')).toMatch(/^r1: Handed in for collection, /);
    expect(page.url()).toBe(base + DEVICE_PAGE);
    await page.getByRole('button', { name: 'Show' }).nth(1).click();
    await page.waitForURL((url) => url.searchParams.get('event') === '1');
    const result = await page.locator('#as-of-result').innerText();
    expect(result).toContain('After event r1 (Handed in for collection)');
    expect(result).toContain('2 of 4 events counted.');
    expect(watched.problems).toEqual([]);
  });

  it('stays usable without JavaScript: the slider form still gives the passport after the chosen event', async () => {
    const page = await (await auditor({ javaScriptEnabled: false })).newPage();
    ok(await page.goto(`${base}${DEVICE_PAGE}?event=0`));
    expect(await page.locator('#as-of-result').innerText()).toContain('After event r0 (Placed on the market)');
    expect(await page.locator('#event-value').innerText()).toMatch(/^r0: Placed on the market, /);
  });

  it('answers a bad as-of date with the 400 page and the field error next to the field', async () => {
    const page = await (await auditor()).newPage();
    const response = ok(await page.goto(`${base}${DEVICE_PAGE}?asOf=2026-02-30T12:00`));
    expect(response.status()).toBe(400);
    const field = page.getByLabel('Recorded at or before');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#asOf-error').innerText()).toContain('Not a date and time');
  });

  it('fits a phone: no page is wider than a 390 px screen (hashes wrap)', async () => {
    const page = await (await auditor(PHONE)).newPage();
    for (const path of ['/auditor', DEVICE_PAGE]) {
      ok(await page.goto(base + path));
      const widths = await page.evaluate(() => {
        const { document, innerWidth } = globalThis as unknown as InPage;
        return { document: document.documentElement.scrollWidth, viewport: innerWidth };
      });
      expect({ path, wider: widths.document > widths.viewport }).toEqual({ path, wider: false });
    }
  });

  it.each([
    ['/auditor', '/auditor'],
    ['the device page', DEVICE_PAGE],
    ['the device page as of an event', `${DEVICE_PAGE}?event=1`],
    ['the 400 page of a bad date', `${DEVICE_PAGE}?asOf=nonsense`],
    ['the 404 page', '/auditor/devices/gtin:09506000134352:NOPE-1'],
  ])('gives axe-core no serious or critical violation on %s', async (_, path) => {
    // axe-core is an inline script, which the CSP forbids (rightly); this context alone lets it in.
    const page = await (await auditor({ bypassCSP: true })).newPage();
    ok(await page.goto(base + path));
    const findings = await axeFindings(page);
    expect(serious(findings)).toEqual([]);
    if (WRITE_ARTEFACTS) console.log(`axe-core on ${path}: ${JSON.stringify(findings)}`);
  });

  it('weighs the pages as Chromium counts them (printed with KIERTO_SCREENSHOTS=1)', async () => {
    const weights: string[] = [];
    for (const path of ['/auditor', DEVICE_PAGE, '/auditor/as-of-slider.js']) {
      // A new browser each time: the script is cacheable, and a cached answer has no transfer size.
      const page = await (await auditor()).newPage();
      const sizes = await ok(await page.goto(base + path))
        .request()
        .sizes();
      expect(sizes.responseBodySize).toBeGreaterThan(0);
      weights.push(`${path}: body ${sizes.responseBodySize} B, headers ${sizes.responseHeadersSize} B`);
    }
    if (WRITE_ARTEFACTS) console.log(`Transferred, as Chromium counts it:\n${weights.join('\n')}`);
  });

  it('shows an event edited in the database as MISMATCH on the timeline and the break on /auditor', async () => {
    const db = new Database(join(dataDir, 'kierto.sqlite'));
    try {
      // The wipe's recorder changed behind Kierto's back (test/audit/tamper-suite.ts does the same).
      db.prepare('UPDATE events SET actor_organisation_id = ? WHERE global_position = ?').run('org-impostor', 3);
    } finally {
      db.close();
    }
    const page = await (await auditor()).newPage();
    ok(await page.goto(base + DEVICE_PAGE));
    const wipe = page.locator('ol.timeline > li').nth(2);
    expect(await wipe.locator('.verdict').innerText()).toBe('✗ MISMATCH');
    expect(await wipe.innerText()).toContain(
      'Its stored hash is not the hash of its content: it was edited after it was stored.',
    );
    expect(await page.locator('ol.timeline > li').nth(1).locator('.verdict').innerText()).toBe('✓ Verified');
    expect(await page.getByText('1 of 4 events of this device do NOT verify').isVisible()).toBe(true);
    if (WRITE_ARTEFACTS) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await wipe.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, 'auditor.png'), fullPage: true });
    }

    ok(await page.goto(`${base}/auditor`));
    expect(await page.getByText('BROKEN at position 3: the stored history was changed.').isVisible()).toBe(true);
    await page.getByRole('link', { name: LAPTOP_ID }).click();
    await page.waitForURL(base + DEVICE_PAGE);
  });
});

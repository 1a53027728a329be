/**
 * What the browser suites (test/browser/) share: the app served on a port with one Chromium, the
 * screens they open pages on, the watch on a page's console, axe-core run in a page, and the
 * KIERTO_SCREENSHOTS switch. Each suite keeps what it alone asserts.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import axe from 'axe-core';
import type { Browser, BrowserContext, BrowserContextOptions, Page, Response } from 'playwright-core';
import { launchChromium } from './browser.js';
import { signInBrowser, type SignedInPerson } from './people.js';
import type { TestApp } from './test-app.js';

export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 900 } };
/** A phone's screen in CSS pixels, with touch. */
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** KIERTO_SCREENSHOTS=1: the suites also write docs/screenshots/ and print weights and axe-core's findings for docs/pages.md. */
export const WRITE_ARTEFACTS = process.env['KIERTO_SCREENSHOTS'] === '1';
export const SCREENSHOTS = join(process.cwd(), 'docs', 'screenshots');

/** What a context is opened with besides Playwright's options. */
export interface ContextSetUp {
  /** Signed in as this person (their session cookie). */
  readonly person?: SignedInPerson;
  /**
   * /favicon.ico answered 204: Chromium asks for it on its own, Kierto has none, and that 404 is not the
   * page's doing. Off where a suite's watch already accounts for it.
   */
  readonly answerFavicon?: boolean;
}

/** The app served on 127.0.0.1 and a Chromium for one suite; `close` closes every context opened and the browser. */
export class PagesInChromium {
  private readonly contexts: BrowserContext[] = [];

  private constructor(
    readonly base: string,
    private readonly browser: Browser,
  ) {}

  /** Listens on a free port of 127.0.0.1 and launches Chromium. The app stays the caller's to close. */
  static async open(app: TestApp): Promise<PagesInChromium> {
    await new Promise<void>((resolve) => app.http.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(app.http.address() as AddressInfo).port}`;
    return new PagesInChromium(base, await launchChromium());
  }

  async context(options: BrowserContextOptions = {}, setUp: ContextSetUp = {}): Promise<BrowserContext> {
    const created = await this.browser.newContext(options);
    this.contexts.push(created);
    if (setUp.answerFavicon === true) await created.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
    if (setUp.person !== undefined) await signInBrowser(created, this.base, setUp.person);
    return created;
  }

  async close(): Promise<void> {
    for (const created of this.contexts) await created.close();
    await this.browser.close();
  }
}

/** The response of a navigation, which Playwright types as possibly none. */
export function ok(response: Response | null): Response {
  if (response === null) throw new Error('the navigation got no response');
  return response;
}

/** What a page did besides rendering: every console error or warning (CSP violations land there) and uncaught error. */
export interface Watched {
  readonly problems: string[];
  readonly requests: string[];
}

export function watch(page: Page): Watched {
  const watched: Watched = { problems: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') watched.problems.push(message.text());
  });
  page.on('pageerror', (error) => watched.problems.push(error.message));
  page.on('request', (sent) => watched.requests.push(sent.url()));
  return watched;
}

/** One axe-core finding, as reported. */
export interface Finding {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: number;
}

/** axe-core as the page sees it (the project's TypeScript has no DOM library). */
interface WithAxe {
  readonly axe: typeof axe;
}

/** axe-core run in the page over the whole document. Needs JavaScript and a context that bypasses the CSP. */
export async function axeFindings(page: Page): Promise<Finding[]> {
  await page.addScriptTag({ content: axe.source });
  return page.evaluate(async () => {
    const results = await (globalThis as unknown as WithAxe).axe.run({ resultTypes: ['violations'] });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      nodes: violation.nodes.length,
    }));
  });
}

/** The findings the suites refuse: serious and critical ones. */
export function serious(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.impact === 'serious' || finding.impact === 'critical');
}

/**
 * Chromium for the browser tests (test/browser/). Playwright drives Debian's Chromium, never a
 * downloaded one (no download works in CI's closed network, and a second browser per machine is
 * waste). Like the PostgreSQL suites (libs/event-store/src/testing/postgres.ts):
 * - Chromium present: `describeIfBrowser` is `describe`;
 * - missing and KIERTO_REQUIRE_BROWSER=1 (CI, which installs it): importing this module throws, so
 *   the browser suites fail with the reason;
 * - missing otherwise: `describeIfBrowser` is `describe.skip`, with a console warning that says how to
 *   enable the suites.
 */
import { existsSync } from 'node:fs';
import { describe } from '@jest/globals';
import { chromium, type Browser } from 'playwright-core';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Where Chromium is: KIERTO_CHROMIUM, else Debian's. */
export const chromiumPath: string = process.env['KIERTO_CHROMIUM'] ?? DEFAULT_CHROMIUM;

export const browserAvailable: boolean = existsSync(chromiumPath);

if (!browserAvailable) {
  const where = `Chromium is not at ${chromiumPath}`;
  if (process.env['KIERTO_REQUIRE_BROWSER'] === '1') {
    throw new Error(`${where}, and KIERTO_REQUIRE_BROWSER=1 requires it. Install it (apt-get install chromium).`);
  }
  console.warn(
    `${where}: browser suites are SKIPPED. Install Chromium (Debian: apt-get install chromium) or point ` +
      `KIERTO_CHROMIUM at one, and set KIERTO_REQUIRE_BROWSER=1 to make this a failure.`,
  );
}

/** `describe` when Chromium is installed, `describe.skip` otherwise. */
export const describeIfBrowser: (name: string, fn: () => void) => void = browserAvailable ? describe : describe.skip;

/**
 * Headless Chromium with its background services off: without them it opens connections of its own
 * (updates, sync, field trials), which a closed network refuses and which have no place in a test.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

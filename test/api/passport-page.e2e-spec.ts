import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { example, LAPTOP_ID, startTestApp, type TestApp } from '../support/test-app.js';

/** What Chromium and Firefox send when a person opens a link or scans a QR code. */
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const HOSTILE_MODEL = '<script>alert("x")</script>';
const HOSTILE_ID = 'gtin:04012345000009:EVIL-1';

let app: TestApp;
let position = 0;

/** The visible text of a page: tags dropped, entities decoded, white space collapsed. */
function textOf(page: string): string {
  return page
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

async function post(path: string, body: Record<string, unknown>): Promise<void> {
  const response = await app.api.post(path).send(body);
  expect(response.status).toBe(201);
  position = Math.max(position, response.body.events.at(-1).globalPosition as number);
}

const page = (path: string, headers: Record<string, string> = { Accept: BROWSER }): request.Test => {
  const test = request(app.http).get(path).query({ minPosition: position });
  for (const [name, value] of Object.entries(headers)) test.set(name, value);
  return test;
};

beforeAll(async () => {
  app = await startTestApp();
  // The README's laptop: placed on the market, handed in, wiped, sold again.
  await post('/devices', example('place-laptop-on-market'));
  await post(`/devices/${LAPTOP_ID}/collections`, example('collect-laptop'));
  await post(`/devices/${LAPTOP_ID}/data-wipes`, example('wipe-laptop'));
  await post(`/devices/${LAPTOP_ID}/resales`, example('resell-laptop'));
  // A device whose producer typed markup into its names, handed in and not wiped.
  const laptop = example('place-laptop-on-market');
  await post('/devices', {
    ...laptop,
    product: {
      ...(laptop['product'] as Record<string, unknown>),
      gtin: '04012345000009',
      serialNumber: 'EVIL-1',
      brand: 'Quote\'s & "Co"',
      model: HOSTILE_MODEL,
    },
  });
  await post(`/devices/${HOSTILE_ID}/collections`, example('collect-laptop'));
});
afterAll(async () => {
  await app.close();
});

describe('content negotiation on GET /passports/{deviceId}', () => {
  it.each([
    ['no Accept', undefined],
    ['*/*', '*/*'],
    ['application/json', 'application/json'],
    ['JSON preferred over HTML', 'application/json, text/html;q=0.5'],
    ['a tie, JSON listed first', 'application/json, text/html'],
    ['a type neither of the two', 'image/png'],
  ])('answers JSON for %s', async (_, accept) => {
    const response = await page(`/passports/${LAPTOP_ID}`, accept === undefined ? {} : { Accept: accept });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body.deviceId).toBe(LAPTOP_ID);
    expect(response.headers['vary']).toMatch(/\bAccept\b/);
    expect(response.headers['vary']).toMatch(/\bAccept-Language\b/);
  });

  it.each([
    ['a browser', BROWSER],
    ['text/html alone', 'text/html'],
    ['HTML preferred over JSON', 'application/json;q=0.5, text/html'],
    ['a tie, HTML listed first', 'text/html, application/json'],
  ])('answers the page to %s', async (_, accept) => {
    const response = await page(`/passports/${LAPTOP_ID}`, { Accept: accept });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['vary']).toMatch(/\bAccept\b/);
    expect(response.headers['vary']).toMatch(/\bAccept-Language\b/);
    expect(response.text).toMatch(/^<!doctype html>/);
  });

  it('allows the page its one stylesheet by hash and nothing else: no script, no inline style attribute', async () => {
    const response = await page(`/passports/${LAPTOP_ID}`);
    const styles = [...response.text.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => match[1] ?? '');
    expect(styles).toHaveLength(1);
    const hash = createHash('sha256')
      .update(styles[0] ?? '', 'utf8')
      .digest('base64');
    expect(response.headers['content-security-policy']).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(response.text).not.toMatch(/<script/i);
    expect(response.text).not.toMatch(/\son[a-z]+=/i);
    expect(response.text).not.toMatch(/\sstyle=/i);
    expect(response.text).not.toMatch(/javascript:/i);
  });

  it('gives each representation its own ETag, and a revalidation of the page answers 304', async () => {
    const json = await page(`/passports/${LAPTOP_ID}`, {});
    const english = await page(`/passports/${LAPTOP_ID}`, { Accept: BROWSER, 'Accept-Language': 'en' });
    const finnish = await page(`/passports/${LAPTOP_ID}`, { Accept: BROWSER, 'Accept-Language': 'fi' });
    const etags = [json, english, finnish].map((response) => response.headers['etag']);
    expect(new Set(etags).size).toBe(3);
    const again = await page(`/passports/${LAPTOP_ID}`, {
      Accept: BROWSER,
      'Accept-Language': 'fi',
      'If-None-Match': String(finnish.headers['etag']),
    });
    expect(again.status).toBe(304);
  });

  it('keeps ?lang out of the JSON answer instead of refusing it', async () => {
    const response = await page(`/passports/${LAPTOP_ID}?lang=fi`, {});
    expect(response.status).toBe(200);
    expect(response.body.deviceId).toBe(LAPTOP_ID);
  });
});

describe('the GS1 Digital Link behind the QR code', () => {
  const link = `/01/09506000134352/21/LAP-0001`;

  it('answers a scanning phone the page, in the language it asks for, with the Link header to the linkset', async () => {
    const response = await page(link, { Accept: BROWSER, 'Accept-Language': 'sv-FI,sv;q=0.9' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.text).toMatch(/^<!doctype html>/);
    expect(response.text).toMatch(/<html lang="sv"/);
    expect(response.headers['link']).toMatch(/rel="linkset"/);
  });

  it('answers a program the same JSON passport as /passports/{deviceId}', async () => {
    const [resolved, direct] = await Promise.all([page(link, {}), page(`/passports/${LAPTOP_ID}`, {})]);
    expect(resolved.status).toBe(200);
    expect(resolved.body).toEqual(direct.body);
    expect(resolved.headers['etag']).toBe(direct.headers['etag']);
  });

  it('answers a browser the HTML 404 page for an item Kierto does not know', async () => {
    const response = await page('/01/09506000134352/21/NOPE-1', { Accept: BROWSER });
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
  });
});

describe('languages', () => {
  it.each([
    ['fi', { 'Accept-Language': 'fi' }, 'Tuotepassi'],
    ['fi', { 'Accept-Language': 'fi-FI,fi;q=0.9,en;q=0.5' }, 'Tuotepassi'],
    ['sv', { 'Accept-Language': 'sv-FI' }, 'Produktpass'],
    ['en', { 'Accept-Language': 'en-US' }, 'Product passport'],
    ['en', {}, 'Product passport'],
    ['en', { 'Accept-Language': 'de-DE' }, 'Product passport'],
  ])('answers %s for %j', async (language, headers, title) => {
    const response = await page(`/passports/${LAPTOP_ID}`, { Accept: BROWSER, ...headers });
    expect(response.text).toContain(`<html lang="${language}">`);
    expect(response.headers['content-language']).toBe(language);
    expect(response.text).toContain(`<h1><small>${title}</small>`);
  });

  it('lets ?lang override Accept-Language, and falls back to it for a language Kierto does not have', async () => {
    const swedish = await page(`/passports/${LAPTOP_ID}?lang=sv`, { Accept: BROWSER, 'Accept-Language': 'fi' });
    expect(swedish.text).toContain('<html lang="sv">');
    const unknown = await page(`/passports/${LAPTOP_ID}?lang=de`, { Accept: BROWSER, 'Accept-Language': 'fi' });
    expect(unknown.status).toBe(200);
    expect(unknown.text).toContain('<html lang="fi">');
    const nothing = await page(`/passports/${LAPTOP_ID}?lang=`, { Accept: BROWSER });
    expect(nothing.text).toContain('<html lang="en">');
  });

  it('offers a switch to the three languages, marking the current one', async () => {
    const response = await page(`/passports/${LAPTOP_ID}?lang=fi`);
    const links = [
      ...response.text.matchAll(/<a href="\?lang=(\w+)" hreflang="\w+" lang="\w+"( aria-current="page")?>/g),
    ];
    expect(links.map((link) => [link[1], link[2] !== undefined])).toEqual([
      ['fi', true],
      ['sv', false],
      ['en', false],
    ]);
  });
});

describe('what the page says', () => {
  it("tells a buyer that the previous owner's data was erased before the sale, and verified", async () => {
    const response = await page(`/passports/${LAPTOP_ID}`);
    expect(textOf(response.text)).toContain(
      "The previous owner's data was erased on 10 June 2026, before it was sold on 20 June 2026; the erasure was verified.",
    );
    const finnish = await page(`/passports/${LAPTOP_ID}?lang=fi`);
    expect(textOf(finnish.text)).toContain(
      'Edellisen omistajan tiedot poistettiin 10. kesäkuuta 2026, ennen kuin laite myytiin 20. kesäkuuta 2026; poisto on varmennettu.',
    );
  });

  it('says plainly when a device was not erased since it was handed in', async () => {
    const response = await page(`/passports/${HOSTILE_ID}`);
    expect(textOf(response.text)).toContain(
      'Not erased since it was handed in on 2 June 2026: earlier data may still be on it.',
    );
    const swedish = await page(`/passports/${HOSTILE_ID}?lang=sv`);
    expect(textOf(swedish.text)).toContain('Inte raderad sedan enheten lämnades in 2 juni 2026');
  });

  it('shows identity, status, lives, repair information, materials and carbon footprint', async () => {
    const text = textOf((await page(`/passports/${LAPTOP_ID}`)).text);
    for (const expected of [
      'Kestävä K14 Laptop',
      'Example Devices Oy',
      '09506000134352',
      'LAP-0001',
      'In use since 20 June 2026',
      'Life 2: resold once',
      'Repairability class B',
      'Spare parts available until 31 December 2032',
      'aluminium 0.45 kg 60 %',
      'cobalt (battery) 0.02 kg 10 % yes',
      'Manufacturing: 210 kg CO₂e',
      'lithium-ion battery, battery bay',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('shows the history as a timeline in order, each entry with its machine-readable time', async () => {
    const response = await page(`/passports/${LAPTOP_ID}`);
    const timeline = /<ol class="timeline">([\s\S]*?)<\/ol>/.exec(response.text)?.[1] ?? '';
    const entries = [...timeline.matchAll(/<li><time datetime="([^"]+)">[^<]+<\/time> ([^<]+)<\/li>/g)].map((match) => [
      match[1],
      match[2],
    ]);
    expect(entries).toEqual([
      ['2026-01-15T09:00:00Z', 'Placed on the market'],
      ['2026-06-02T14:30:00Z', 'Handed in for collection'],
      ['2026-06-10T08:15:00Z', 'Data erased'],
      ['2026-06-20T11:00:00Z', 'Resold'],
    ]);
  });

  it('renders markup in a device description as inert text', async () => {
    const response = await page(`/passports/${HOSTILE_ID}`);
    expect(response.status).toBe(200);
    expect(response.text).not.toContain(HOSTILE_MODEL);
    expect(response.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(response.text).toContain('Quote&#39;s &amp; &quot;Co&quot;');
    expect(textOf(response.text)).toContain(`Quote's & "Co" ${HOSTILE_MODEL}`);
    expect(response.text).not.toMatch(/<script/i);
  });

  it('is an accessible document: language, landmarks, one h1, labelled sections', async () => {
    const { text } = await page(`/passports/${LAPTOP_ID}`);
    expect(text).toMatch(/<html lang="en">/);
    expect(text).toMatch(/<meta name="viewport" content="width=device-width,initial-scale=1">/);
    for (const landmark of ['<header>', '<main>', '<footer>', '<nav aria-label="Language">'])
      expect(text).toContain(landmark);
    expect(text.match(/<h1>/g)).toHaveLength(1);
    const sections = [...text.matchAll(/<section aria-labelledby="([^"]+)"><h2 id="([^"]+)">/g)];
    expect(sections.length).toBeGreaterThanOrEqual(7);
    for (const section of sections) expect(section[1]).toBe(section[2]);
  });
});

describe('a device Kierto does not know', () => {
  const unknown = 'gtin:09506000134352:NOBODY';

  it('answers a 404 page to a browser, in its language', async () => {
    const response = await page(`/passports/${unknown}`, { Accept: BROWSER, 'Accept-Language': 'fi' });
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.text).toContain('<html lang="fi">');
    expect(response.text).toContain('<h1>Passia ei löytynyt</h1>');
    expect(textOf(response.text)).toContain(unknown);
    expect(response.text).not.toMatch(/<script/i);
  });

  it('answers the JSON error to a program', async () => {
    const response = await page(`/passports/${unknown}`, {});
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('DEVICE_NOT_FOUND');
  });

  it('answers a malformed id with the JSON error, whoever asks', async () => {
    const response = await page('/passports/not-an-id');
    expect(response.status).toBe(400);
    expect(response.body.error.fields).toEqual([
      expect.objectContaining({ field: 'deviceId', code: 'INVALID_DEVICE_ID' }),
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import QRCode from 'qrcode';
import request from 'supertest';
import { deviceIdOf } from '#kierto/domain';
import { productOf } from '../support/lifecycle.js';
import { bytes, pdfPageCount, pdfTexts } from '../support/pdf.js';
import { decodePng } from '../support/png.js';
import { example, LAPTOP_ID, startTestApp, type TestApp } from '../support/test-app.js';

const PUBLIC_URL = 'https://dpp.example.org/kierto';
const LAPTOP_LINK = `${PUBLIC_URL}/01/09506000134352/21/LAP-0001`;
const OTHER_ID = deviceIdOf({ manufacturer: 'Kierto Acceptance Oy', serialNumber: 'NO-GTIN-7' });
const OTHER_LINK = `${PUBLIC_URL}/passports/${OTHER_ID}`;
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

let app: TestApp;
let position = 0;

async function post(path: string, body: Record<string, unknown>): Promise<void> {
  const response = await app.api.post(path).send(body);
  expect(response.status).toBe(201);
  position = Math.max(position, response.body.events.at(-1).globalPosition as number);
}

/** The dark modules of the symbol `qrcode` makes for `text` at error correction M, as "row,column". */
function expectedModules(text: string): { size: number; dark: Set<string> } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const dark = new Set<string>();
  for (let row = 0; row < modules.size; row += 1)
    for (let column = 0; column < modules.size; column += 1)
      if (modules.get(row, column) === 1) dark.add(`${row},${column}`);
  return { size: modules.size, dark };
}

/** The dark modules an SVG of ours draws: its path's row runs, less the quiet zone. */
function svgModules(svg: string): { side: number; dark: Set<string> } {
  const side = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  const d = /<path fill="#000" d="([^"]+)"\/>/.exec(svg)?.[1] ?? '';
  const dark = new Set<string>();
  for (const run of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    const [column, row, length] = [Number(run[1]), Number(run[2]), Number(run[3])];
    for (let i = 0; i < length; i += 1) dark.add(`${row - 4},${column - 4 + i}`);
  }
  return { side, dark };
}

beforeAll(async () => {
  app = await startTestApp({ publicUrl: PUBLIC_URL });
  await post('/devices', example('place-laptop-on-market'));
  await post('/devices', {
    occurredAt: '2026-02-01T10:00:00Z',
    producerId: 'producer-b',
    country: 'SE',
    market: 'household',
    product: productOf({ serialNumber: 'NO-GTIN-7', weeeCategory: 5, weightKg: 2 }),
  });
});
afterAll(async () => {
  await app.close();
});

describe('absolute links under KIERTO_PUBLIC_URL', () => {
  it("makes the passport's digitalLink absolute, and the page links its QR code absolutely", async () => {
    const json = await request(app.http).get(`/passports/${LAPTOP_ID}`).query({ minPosition: position });
    expect(json.body.digitalLink).toBe(LAPTOP_LINK);
    const page = await request(app.http).get(`/passports/${LAPTOP_ID}`).set('Accept', BROWSER);
    expect(page.text).toContain(`<a href="${PUBLIC_URL}/passports/${LAPTOP_ID}/qr.svg">QR code</a>`);
  });
});

describe('QR codes: GET /passports/{deviceId}/qr.svg and /qr.png, public', () => {
  it.each([
    [LAPTOP_ID, LAPTOP_LINK],
    [OTHER_ID, OTHER_LINK],
  ])('draws the SVG of %s from the symbol of its link, with a 4-module quiet zone', async (id, link) => {
    const response = await bytes(request(app.http).get(`/passports/${id}/qr.svg`).query({ minPosition: position }));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    const svg = (response.body as Buffer).toString('utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" [^>]*>[\s\S]*<\/svg>\n$/);
    expect(svg).toContain(`<title>${link}</title>`);
    const expected = expectedModules(link);
    const drawn = svgModules(svg);
    expect(drawn.side).toBe(expected.size + 8);
    expect([...drawn.dark].sort()).toEqual([...expected.dark].sort());
    expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(response.headers['cache-control']).toBe('public, max-age=86400');
  });

  it('answers a PNG whose modules, read back pixel by pixel, are the symbol of the Digital Link', async () => {
    const response = await bytes(request(app.http).get(`/passports/${LAPTOP_ID}/qr.png`));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    const bitmap = decodePng(response.body as Buffer);
    const expected = expectedModules(LAPTOP_LINK);
    const scale = 8;
    expect([bitmap.width, bitmap.height]).toEqual([(expected.size + 8) * scale, (expected.size + 8) * scale]);
    const read = new Set<string>();
    let darkInQuietZone = 0;
    for (let row = -4; row < expected.size + 4; row += 1)
      for (let column = -4; column < expected.size + 4; column += 1) {
        const dark = bitmap.grey((column + 4) * scale + scale / 2, (row + 4) * scale + scale / 2) < 128;
        const inside = row >= 0 && column >= 0 && row < expected.size && column < expected.size;
        if (dark && inside) read.add(`${row},${column}`);
        if (dark && !inside) darkInQuietZone += 1;
      }
    expect(darkInQuietZone).toBe(0);
    expect([...read].sort()).toEqual([...expected.dark].sort());
  });

  it('answers DEVICE_NOT_FOUND for a device Kierto does not know, INVALID_DEVICE_ID for a malformed id', async () => {
    const unknown = await request(app.http).get('/passports/gtin:09506000134352:NOBODY/qr.svg');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('DEVICE_NOT_FOUND');
    const malformed = await request(app.http).get('/passports/not-an-id/qr.png');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.fields).toEqual([
      expect.objectContaining({ field: 'deviceId', code: 'INVALID_DEVICE_ID' }),
    ]);
  });
});

describe('without KIERTO_PUBLIC_URL', () => {
  let local: TestApp;
  beforeAll(async () => {
    local = await startTestApp();
    const response = await local.api.post('/devices').send(example('place-laptop-on-market'));
    expect(response.status).toBe(201);
    position = Math.max(position, response.body.events.at(-1).globalPosition as number);
  });
  afterAll(async () => {
    await local.close();
  });

  it('keeps digitalLink relative, and the QR code takes the origin the request came to', async () => {
    const json = await request(local.http).get(`/passports/${LAPTOP_ID}`).query({ minPosition: 1 });
    expect(json.body.digitalLink).toBe('/01/09506000134352/21/LAP-0001');
    const svg = await bytes(request(local.http).get(`/passports/${LAPTOP_ID}/qr.svg`).set('Host', 'kierto.local:3000'));
    expect((svg.body as Buffer).toString('utf8')).toContain(
      '<title>http://kierto.local:3000/01/09506000134352/21/LAP-0001</title>',
    );
    expect(svg.headers['vary']).toMatch(/\bHost\b/);
  });
});

describe('label sheets: POST /labels', () => {
  const producer = () => app.as('producer-fi-0042', 'producer');
  const print = (client: ReturnType<typeof producer>, deviceIds: unknown) =>
    bytes(client.post('/labels').send({ deviceIds, minPosition: position }));
  const errorOf = (body: unknown): { code: string; fields?: { field: string; code: string }[] } =>
    (
      JSON.parse((body as Buffer).toString('utf8')) as {
        error: { code: string; fields?: { field: string; code: string }[] };
      }
    ).error;

  it("prints a producer's own device: one A4 page with its GTIN, serial and link", async () => {
    const response = await print(producer(), [LAPTOP_ID]);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const pdf = response.body as Buffer;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfPageCount(pdf)).toBe(1);
    const texts = pdfTexts(pdf);
    expect(texts).toEqual(expect.arrayContaining(['Kestävä K14 Laptop', 'GTIN 09506000134352', 'S/N LAP-0001']));
    expect(texts.join('')).toContain(LAPTOP_LINK);
  });

  it.each([
    [1, 1],
    [24, 1],
    [25, 2],
    [49, 3],
  ])('puts %i labels on %i pages (3 × 8 per A4)', async (count, pages) => {
    const response = await print(
      producer(),
      Array.from({ length: count }, () => LAPTOP_ID),
    );
    expect(response.status).toBe(200);
    expect(pdfPageCount(response.body as Buffer)).toBe(pages);
    expect(pdfTexts(response.body as Buffer).filter((text) => text === 'S/N LAP-0001')).toHaveLength(count);
  });

  it('lets a refurbisher print any device, a label without GTIN carrying its passport URL', async () => {
    const response = await print(app.as('test-refurbisher', 'refurbisher'), [LAPTOP_ID, OTHER_ID]);
    expect(response.status).toBe(200);
    const texts = pdfTexts(response.body as Buffer);
    expect(texts.join('')).toContain(OTHER_LINK);
    expect(texts.filter((text) => text.startsWith('GTIN '))).toEqual(['GTIN 09506000134352']);
  });

  it.each([
    ['none', [], 'TOO_FEW'],
    ['more than 240', Array.from({ length: 241 }, () => LAPTOP_ID), 'TOO_MANY'],
  ])('refuses %s with VALIDATION_FAILED on deviceIds', async (_, ids, code) => {
    const response = await print(producer(), ids);
    expect(response.status).toBe(400);
    expect(errorOf(response.body)).toEqual(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        fields: [expect.objectContaining({ field: 'deviceIds', code })],
      }),
    );
  });

  it('refuses a body without deviceIds, or with ids that are not strings', async () => {
    for (const deviceIds of [undefined, 'gtin:09506000134352:LAP-0001', [42]]) {
      const response = await print(producer(), deviceIds);
      expect(response.status).toBe(400);
      expect(errorOf(response.body).code).toBe('VALIDATION_FAILED');
    }
  });

  it('names each malformed id by its index', async () => {
    const response = await print(producer(), [LAPTOP_ID, 'not-an-id']);
    expect(response.status).toBe(400);
    expect(errorOf(response.body)).toEqual(
      expect.objectContaining({
        code: 'INVALID_DEVICE_ID',
        fields: [expect.objectContaining({ field: 'deviceIds[1]', code: 'INVALID_DEVICE_ID' })],
      }),
    );
  });

  it('names each unknown device by its index', async () => {
    const response = await print(producer(), ['gtin:09506000134352:NOBODY', LAPTOP_ID, 'mfr:Nobody:1']);
    expect(response.status).toBe(404);
    expect(errorOf(response.body)).toEqual(
      expect.objectContaining({
        code: 'DEVICE_NOT_FOUND',
        fields: [
          expect.objectContaining({ field: 'deviceIds[0]', code: 'DEVICE_NOT_FOUND' }),
          expect.objectContaining({ field: 'deviceIds[2]', code: 'DEVICE_NOT_FOUND' }),
        ],
      }),
    );
  });

  it("refuses a producer another producer's device, naming it", async () => {
    const response = await print(producer(), [LAPTOP_ID, OTHER_ID]);
    expect(response.status).toBe(403);
    expect(errorOf(response.body)).toEqual(
      expect.objectContaining({
        code: 'FORBIDDEN',
        fields: [expect.objectContaining({ field: 'deviceIds[1]', code: 'FORBIDDEN' })],
      }),
    );
  });

  it('refuses roles without labels:print, and callers without a key', async () => {
    const collector = await print(app.as('test-collector', 'collector'), [LAPTOP_ID]);
    expect(collector.status).toBe(403);
    expect(errorOf(collector.body).code).toBe('FORBIDDEN');
    const anonymous = await request(app.http)
      .post('/labels')
      .send({ deviceIds: [LAPTOP_ID] });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('MISSING_CREDENTIALS');
  });
});

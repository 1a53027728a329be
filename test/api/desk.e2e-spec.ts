/**
 * The repairer and refurbisher desk (docs/pages.md, "The desk") through the real app: finding a
 * device by identifiers or by the link in its QR code, and each form (collection, data wipe, repair,
 * resale). A form that is accepted records exactly one event, which the passport then shows; a
 * form that is refused answers the API's status and, field by field, the API's codes and messages
 * for the same body sent as JSON, shows the form again with what was typed, and records nothing.
 * A role without the command's permission is refused (403) and records nothing.
 *
 * Authenticated with API keys (Authorization: Bearer), as the API's tests are: the page routes take
 * the same credentials. The last block does the same as a signed-in person (session cookie), whose
 * forms carry the session's CSRF token and are refused without it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Response } from 'supertest';
import { all, parse, type Element } from '../support/html.js';
import { signIn, type SignedInPerson } from '../support/people.js';
import { example, startTestApp, storeSnapshot, type Client, type TestApp } from '../support/test-app.js';

let app: TestApp;
let repairer: Client;
let refurbisher: Client;
let collector: Client;

const GTIN = '09506000134352';

interface ShownError {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

const byFieldAndCode = (a: ShownError, b: ShownError): number =>
  `${a.field} ${a.code}`.localeCompare(`${b.field} ${b.code}`);

/** The errors in a page's summary, as the API names them. */
function summaryErrors(page: Element): ShownError[] {
  return all(page, '#error-summary li')
    .map((item) => ({
      field: item.getAttribute('data-field') ?? '',
      code: item.getAttribute('data-code') ?? '',
      message: item.querySelector('a')?.textContent ?? '',
    }))
    .sort(byFieldAndCode);
}

/** The API's answer to the same request as a list of field errors (an error of the whole request: field ''). */
function apiErrors(response: Response): ShownError[] {
  const error = response.body.error as { code: string; message: string; fields?: ShownError[] };
  const fields = error.fields ?? [{ field: '', code: error.code, message: error.message }];
  return fields.map(({ field, code, message }) => ({ field, code, message })).sort(byFieldAndCode);
}

/** A laptop of its own per test, placed on the market (and collected when asked). */
async function laptop(serial: string, collected = false): Promise<string> {
  const body = example('place-laptop-on-market');
  const placed = await app.api
    .post('/devices')
    .send({ ...body, product: { ...(body['product'] as object), serialNumber: serial } });
  expect(placed.status).toBe(201);
  const deviceId = placed.body.deviceId as string;
  if (collected) {
    const collection = await app.api.post(`/devices/${deviceId}/collections`).send(example('collect-laptop'));
    expect(collection.status).toBe(201);
  }
  return deviceId;
}

/** A timeline line's event name: its text after the date, before the detail. */
function eventName(item: Element): string {
  const date = item.querySelector('time')?.textContent ?? '';
  return (item.textContent ?? '').slice(date.length).split(':')[0] ?? '';
}

const deskPath = (deviceId: string): string => `/desk/devices/${encodeURIComponent(deviceId)}`;

/** Posts a form as a browser does (urlencoded) and checks its refusal against the API's for `json`. */
async function expectRefusedLikeTheApi(options: {
  client: Client;
  deviceId: string;
  segment: string;
  form: Record<string, string>;
  json: Record<string, unknown>;
  status: number;
}): Promise<Element> {
  const { client, deviceId, segment, form, json, status } = options;
  const before = await storeSnapshot(app);
  const desk = await client
    .post(`${deskPath(deviceId)}/${segment}`)
    .type('form')
    .send(form);
  expect(desk.status).toBe(status);
  expect(desk.headers['content-type']).toMatch(/^text\/html/);
  const api = await client.post(`/devices/${deviceId}/${segment}`).send(json);
  expect(api.status).toBe(status);
  const page = parse(desk.text);
  expect(summaryErrors(page)).toEqual(apiErrors(api));
  // Neither recorded anything.
  expect(await storeSnapshot(app)).toEqual(before);
  return page;
}

async function passportOf(deviceId: string): Promise<Record<string, unknown>> {
  const head = await app.store.headPosition();
  const response = await request(app.http)
    .get(`/passports/${deviceId}`)
    .query({ minPosition: head, view: 'repairer' })
    .set('Authorization', `Bearer ${await app.tokenOf('test-repairer', 'repairer')}`);
  expect(response.status).toBe(200);
  return response.body as Record<string, unknown>;
}

/** Posts a form that must be accepted: one event appended, 303 to the device page that confirms it. */
async function expectRecorded(
  client: Client,
  deviceId: string,
  segment: string,
  form: Record<string, string>,
  type: string,
): Promise<Element> {
  const head = await app.store.headPosition();
  const response = await client
    .post(`${deskPath(deviceId)}/${segment}`)
    .type('form')
    .send(form);
  expect(response.status).toBe(303);
  expect(response.headers['location']).toBe(`${deskPath(deviceId)}?recorded=${type}`);
  expect(await app.store.headPosition()).toBe(head + 1);
  const events = await app.store.readStream(deviceId);
  expect(events.at(-1)?.type).toBe(type);
  const confirmed = await client.get(response.headers['location'] as string);
  expect(confirmed.status).toBe(200);
  const page = parse(confirmed.text);
  expect(page.querySelector('#recorded')?.textContent).toMatch(/^Recorded: /);
  return page;
}

const REPAIR_FORM = {
  occurredAt: '2026-07-01T10:00:00Z',
  problem: 'Does not charge',
  actions: 'Opened the case\nReplaced the charging port',
  'partsReplaced[0].name': 'USB-C port',
  'partsReplaced[0].partNumber': 'K14-USB-01',
  'partsReplaced[0].condition': 'new',
  'partsReplaced[1].name': '',
  'partsReplaced[1].partNumber': '',
  'partsReplaced[1].condition': '',
  outcome: 'fixed',
  barrier: '',
  labourMinutes: '45',
  'cost.amount': '',
  'cost.currency': '',
} as const;

const REPAIR_JSON = {
  occurredAt: '2026-07-01T10:00:00Z',
  problem: 'Does not charge',
  actions: ['Opened the case', 'Replaced the charging port'],
  partsReplaced: [{ name: 'USB-C port', partNumber: 'K14-USB-01', condition: 'new' }],
  outcome: 'fixed',
  labourMinutes: 45,
};

const WIPE_FORM = {
  occurredAt: '2026-06-10T08:15:00Z',
  standard: 'NIST SP 800-88',
  method: 'purge',
  technique: 'crypto-erase',
  'tool.name': 'nwipe',
  'tool.version': '0.37',
  'media[0].type': 'nvme',
  'media[0].serialNumber': 'NVME-7731',
  'media[0].capacityGb': '512',
  'media[0].result': 'passed',
  'verification.method': 'full',
  'verification.verified': 'yes',
  result: 'passed',
  certificateId: 'WIPE-2026-000917',
} as const;

const RESALE_FORM = {
  occurredAt: '2026-06-20T11:00:00Z',
  channel: 'shop',
  buyerType: 'consumer',
  country: 'FI',
  'price.amount': '329',
  'price.currency': 'EUR',
  warrantyMonths: '12',
} as const;

const COLLECTION_FORM = {
  occurredAt: '2026-06-02T14:30:00Z',
  collectionPointId: 'helsinki-recycling-centre-3',
  channel: 'reuse-centre',
  source: 'household',
  country: 'FI',
  condition: 'repairable',
  measuredWeightKg: '1.38',
  onBehalfOf: '',
} as const;

beforeAll(async () => {
  app = await startTestApp();
  repairer = app.as('test-repairer', 'repairer');
  refurbisher = app.as('test-refurbisher', 'refurbisher');
  collector = app.as('test-collector', 'collector');
  // The organisations and keys exist before any test compares the store's snapshots.
  await app.tokenOf('test-repairer', 'repairer');
  await app.tokenOf('test-refurbisher', 'refurbisher');
  await app.tokenOf('test-collector', 'collector');
});

afterAll(async () => {
  await app?.close();
});

describe('finding a device', () => {
  let deviceId: string;
  beforeAll(async () => {
    deviceId = await laptop('FIND-1');
  });

  it('shows the lookup with both forms and the camera script, in the workspace frame', async () => {
    const response = await repairer.get('/desk?lang=fi');
    expect(response.status).toBe(200);
    expect(response.headers['content-security-policy']).toMatch(/script-src 'self'/);
    const page = parse(response.text);
    expect(page.querySelector('html')?.getAttribute('lang')).toBe('fi');
    expect(page.querySelector('h1')?.textContent).toBe('Etsi laite');
    expect(page.querySelector('#find-ids-gtin')?.getAttribute('name')).toBe('gtin');
    expect(page.querySelector('#find-link-link')?.getAttribute('name')).toBe('link');
    expect(page.querySelector('script')?.getAttribute('src')).toBe('/desk/scan.js');
    // The camera button is the script's to show: without it the page is complete.
    expect(page.querySelector('#scan')?.getAttribute('hidden')).not.toBeNull();
  });

  it.each([
    ['GTIN and serial number', `gtin=${GTIN}&serialNumber=FIND-1`],
    ['a GTIN-13 and serial number', `gtin=${GTIN.slice(1)}&serialNumber=FIND-1`],
    ['the Digital Link in its QR code', `link=${encodeURIComponent(`https://kierto.example/01/${GTIN}/21/FIND-1`)}`],
    ['a Digital Link path', `link=${encodeURIComponent(`/01/${GTIN}/21/FIND-1`)}`],
    ['a passport URL', `link=${encodeURIComponent(`https://kierto.example/passports/gtin:${GTIN}:FIND-1`)}`],
  ])('finds it by %s: 303 to its page, keeping the language', async (_, query) => {
    const response = await repairer.get(`/desk?${query}&lang=sv`);
    expect(response.status).toBe(303);
    expect(response.headers['location']).toBe(`${deskPath(deviceId)}?lang=sv`);
  });

  it('finds a device first seen at collection by the issuer and local id of its label, as GET /devices does', async () => {
    const collected = await app.api.post('/devices/local:espoo~20reuse~20centre:CAGE7-0042/collections').send({
      ...example('collect-laptop'),
      product: { weeeCategory: 5, weightKg: 1.8, localId: { issuer: 'Espoo reuse centre', value: 'CAGE7-0042' } },
    });
    expect(collected.status).toBe(201);
    const deviceId = collected.body.deviceId as string;
    const query = `issuer=${encodeURIComponent('Espoo Reuse Centre')}&localId=CAGE7-0042`;
    const api = await repairer.get(`/devices?${query}`);
    expect(api.body.deviceId).toBe(deviceId);
    const response = await repairer.get(`/desk?${query}`);
    expect(response.status).toBe(303);
    expect(response.headers['location']).toBe(deskPath(deviceId));
    const page = parse((await repairer.get(deskPath(deviceId))).text);
    expect(all(page, 'dd').map((item) => item.textContent)).toContain('CAGE7-0042 (Espoo reuse centre)');
  });

  it('answers an unknown device as GET /devices does: 404 DEVICE_NOT_FOUND, the typed values kept', async () => {
    const response = await repairer.get(`/desk?gtin=${GTIN}&serialNumber=NOPE-1`);
    expect(response.status).toBe(404);
    const api = await repairer.get(`/devices?gtin=${GTIN}&serialNumber=NOPE-1`);
    const page = parse(response.text);
    expect(summaryErrors(page)).toEqual(apiErrors(api));
    expect(page.querySelector('#find-ids-serialNumber')?.getAttribute('value')).toBe('NOPE-1');
  });

  it('shows a bad GTIN at its control, with the API’s code and message', async () => {
    const response = await repairer.get('/desk?gtin=09506000134353&serialNumber=A');
    expect(response.status).toBe(400);
    const api = await repairer.get('/devices?gtin=09506000134353&serialNumber=A');
    expect(api.status).toBe(400);
    const page = parse(response.text);
    expect(summaryErrors(page)).toEqual(apiErrors(api));
    const gtin = page.querySelector('#find-ids-gtin');
    expect(gtin?.getAttribute('aria-invalid')).toBe('true');
    expect(gtin?.getAttribute('aria-describedby')).toBe('find-ids-gtin-error');
    expect(page.querySelector('#error-summary a')?.getAttribute('href')).toBe('#find-ids-gtin');
  });

  it('refuses a serial number alone: the API’s INVALID_IDENTIFIER, at the GTIN control', async () => {
    const response = await repairer.get('/desk?serialNumber=FIND-1');
    expect(response.status).toBe(400);
    const api = await repairer.get('/devices?serialNumber=FIND-1');
    const page = parse(response.text);
    expect(summaryErrors(page).map(({ code, message }) => ({ code, message }))).toEqual(
      apiErrors(api).map(({ code, message }) => ({ code, message })),
    );
    expect(page.querySelector('#find-ids-gtin')?.getAttribute('aria-invalid')).toBe('true');
  });

  it('shows a malformed Digital Link at the link control with the resolver’s code', async () => {
    const link = `https://kierto.example/01/${GTIN}/21/AB%23C`;
    const response = await repairer.get(`/desk?link=${encodeURIComponent(link)}`);
    expect(response.status).toBe(400);
    const resolver = await request(app.http).get(`/01/${GTIN}/21/AB%23C`);
    expect(resolver.status).toBe(400);
    const page = parse(response.text);
    const shown = summaryErrors(page);
    expect(shown.map(({ code, message }) => ({ code, message }))).toEqual(
      apiErrors(resolver).map(({ code, message }) => ({ code, message })),
    );
    // The resolver names the AI at fault (21); the desk, the control that holds the link.
    expect(apiErrors(resolver).map((error) => error.field)).toEqual(['21']);
    expect(shown.map((error) => error.field)).toEqual(['link']);
    expect(page.querySelector('#find-link-link')?.getAttribute('aria-invalid')).toBe('true');
    expect(page.querySelector('#find-link-link')?.getAttribute('value')).toBe(link);
  });

  it.each([
    ['not a link', 'http://[', 'INVALID_DIGITAL_LINK'],
    ['a passport URL with a malformed id', 'https://kierto.example/passports/nonsense', 'INVALID_DEVICE_ID'],
    ['a link to no device', 'https://kierto.example/about', 'DIGITAL_LINK_MISSING_PRIMARY_KEY'],
  ])('shows %s at the link control', async (_, link, code) => {
    const response = await repairer.get(`/desk?link=${encodeURIComponent(link)}`);
    expect(response.status).toBe(400);
    const page = parse(response.text);
    expect(summaryErrors(page).map((error) => ({ field: error.field, code: error.code }))).toEqual([
      { field: 'link', code },
    ]);
    expect(page.querySelector('#find-link-link')?.getAttribute('aria-invalid')).toBe('true');
  });

  it('serves the camera script to anyone, as a script', async () => {
    const response = await request(app.http).get('/desk/scan.js');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/javascript/);
    expect(response.text).toContain('BarcodeDetector');
  });

  it('sends a browser without credentials to the sign-in page, and records nothing it posts', async () => {
    const before = await storeSnapshot(app);
    const page = await request(app.http).get('/desk?gtin=1');
    expect(page.status).toBe(303);
    expect(page.headers['location']).toBe(`/sign-in?next=${encodeURIComponent('/desk?gtin=1')}`);
    const post = await request(app.http)
      .post(`${deskPath(deviceId)}/repairs`)
      .type('form')
      .send(REPAIR_FORM);
    expect(post.status).toBe(303);
    expect(post.headers['location']).toBe(`/sign-in?next=${encodeURIComponent(`${deskPath(deviceId)}/repairs`)}`);
    expect(await storeSnapshot(app)).toEqual(before);
  });
});

describe('the device page', () => {
  it('shows state, history and only the forms the roles allow', async () => {
    const deviceId = await laptop('PAGE-1', true);
    const asRepairer = parse((await repairer.get(deskPath(deviceId))).text);
    expect(asRepairer.querySelector('h1')?.textContent).toBe('Kestävä K14 LaptopDevice');
    expect(all(asRepairer, 'ol.timeline li').map((item) => item.textContent)).toEqual([
      expect.stringContaining('Placed on the market'),
      expect.stringContaining('Handed in for collection: repairable, helsinki-recycling-centre-3'),
    ]);
    expect(all(asRepairer, 'form[method=post]').map((form) => form.getAttribute('action'))).toEqual([
      `${deskPath(deviceId)}/repairs`,
    ]);
    const asRefurbisher = parse((await refurbisher.get(deskPath(deviceId))).text);
    expect(all(asRefurbisher, 'form[method=post]').map((form) => form.getAttribute('action'))).toEqual([
      `${deskPath(deviceId)}/data-wipes`,
      `${deskPath(deviceId)}/resales`,
    ]);
    // An API key needs no CSRF token: the forms carry none (a session's carry `_csrf`).
    expect(asRefurbisher.querySelector('input[name=_csrf]')).toBeNull();
    const asAuditor = parse((await app.as('test-auditor', 'auditor').get(deskPath(deviceId))).text);
    expect(all(asAuditor, 'form[method=post]')).toEqual([]);
  });

  it('sends a GET of a form’s address (a reload, the language switch of a refused form) to the device page', async () => {
    const deviceId = await laptop('PAGE-2');
    const response = await repairer.get(`${deskPath(deviceId)}/repairs?lang=fi`);
    expect(response.status).toBe(303);
    expect(response.headers['location']).toBe(`${deskPath(deviceId)}?lang=fi`);
    const other = await repairer.get(`${deskPath(deviceId)}/elsewhere`);
    expect(other.status).toBe(404);
  });

  it('answers an unknown device with the lookup and 404, a malformed id with 400', async () => {
    const unknown = await repairer.get(deskPath(`gtin:${GTIN}:NOPE-2`));
    expect(unknown.status).toBe(404);
    expect(summaryErrors(parse(unknown.text)).map((error) => error.code)).toEqual(['DEVICE_NOT_FOUND']);
    const malformed = await repairer.get('/desk/devices/nonsense');
    expect(malformed.status).toBe(400);
    expect(summaryErrors(parse(malformed.text)).map((error) => error.code)).toEqual(['INVALID_DEVICE_ID']);
  });
});

describe('the repair form', () => {
  it('records one repair, which the page and the passport then show', async () => {
    const deviceId = await laptop('REPAIR-1', true);
    const page = await expectRecorded(repairer, deviceId, 'repairs', REPAIR_FORM, 'DeviceRepaired');
    expect(all(page, 'ol.timeline li').at(-1)?.textContent).toContain('Fixed. Does not charge');
    const stored = (await app.store.readStream(deviceId)).at(-1);
    const { occurredAt, ...data } = REPAIR_JSON;
    expect(stored?.occurredAt).toBe(occurredAt);
    expect(stored?.data).toEqual(data);
    expect(stored?.actor).toMatchObject({ organisationId: 'test-repairer', role: 'repairer' });
    const passport = await passportOf(deviceId);
    const repairs = (passport['repair'] as { history: { problem: string; outcome: string }[] }).history;
    expect(repairs.map(({ problem, outcome }) => ({ problem, outcome }))).toEqual([
      { problem: 'Does not charge', outcome: 'fixed' },
    ]);
  });

  it('records a form sent twice once (its Idempotency-Key): the second answer says so', async () => {
    const deviceId = await laptop('REPAIR-2', true);
    const form = { ...REPAIR_FORM, _idempotency: 'form-key-repair-2' };
    await expectRecorded(repairer, deviceId, 'repairs', form, 'DeviceRepaired');
    const head = await app.store.headPosition();
    const again = await repairer
      .post(`${deskPath(deviceId)}/repairs`)
      .type('form')
      .send(form);
    expect(again.status).toBe(303);
    expect(again.headers['location']).toBe(`${deskPath(deviceId)}?recorded=DeviceRepaired&replayed=1`);
    expect(await app.store.headPosition()).toBe(head);
  });

  it('refuses an end of life without its barrier, like the API, keeping what was typed', async () => {
    const deviceId = await laptop('REPAIR-3', true);
    const page = await expectRefusedLikeTheApi({
      client: repairer,
      deviceId,
      segment: 'repairs',
      form: { ...REPAIR_FORM, outcome: 'end-of-life', _idempotency: 'form-key-repair-3' },
      json: { ...REPAIR_JSON, outcome: 'end-of-life' },
      status: 400,
    });
    expect(summaryErrors(page).map(({ field, code }) => ({ field, code }))).toEqual([
      { field: 'barrier', code: 'REQUIRED' },
    ]);
    const barrier = page.querySelector('#repairs-barrier');
    expect(barrier?.getAttribute('aria-invalid')).toBe('true');
    expect(barrier?.getAttribute('aria-describedby')).toBe('repairs-barrier-error');
    expect(page.querySelector('#repairs-barrier-error')?.textContent).toBe('barrier is required');
    expect(page.querySelector('#error-summary a')?.getAttribute('href')).toBe('#repairs-barrier');
    // What was typed is still there, and the form keeps its key.
    expect(page.querySelector('#repairs-problem')?.textContent).toBe('Does not charge');
    expect(page.querySelector('#repairs-actions')?.textContent).toBe('Opened the case\nReplaced the charging port');
    expect(page.querySelector('#repairs-partsReplaced-0-name')?.getAttribute('value')).toBe('USB-C port');
    expect(page.querySelector('#repairs-outcome option[selected]')?.getAttribute('value')).toBe('end-of-life');
    expect(page.querySelector('input[name=_idempotency]')?.getAttribute('value')).toBe('form-key-repair-3');
    // Fixed with the barrier named, the same form is then recorded.
    await expectRecorded(
      repairer,
      deviceId,
      'repairs',
      {
        ...REPAIR_FORM,
        outcome: 'end-of-life',
        barrier: 'spare-parts-not-available',
        _idempotency: 'form-key-repair-3',
      },
      'DeviceRepaired',
    );
  });

  it('refuses text where numbers go, a part without its name and a bad currency, each at its control', async () => {
    const deviceId = await laptop('REPAIR-4', true);
    const page = await expectRefusedLikeTheApi({
      client: repairer,
      deviceId,
      segment: 'repairs',
      form: {
        ...REPAIR_FORM,
        labourMinutes: 'an hour',
        'partsReplaced[0].name': '',
        'cost.amount': '12.50',
        'cost.currency': 'euro',
      },
      json: {
        ...REPAIR_JSON,
        labourMinutes: 'an hour',
        partsReplaced: [{ partNumber: 'K14-USB-01', condition: 'new' }],
        cost: { amount: 12.5, currency: 'euro' },
      },
      status: 400,
    });
    expect(summaryErrors(page).map(({ field, code }) => ({ field, code }))).toEqual([
      { field: 'cost.currency', code: 'INVALID_VALUE' },
      { field: 'labourMinutes', code: 'INVALID_TYPE' },
      { field: 'partsReplaced[0].name', code: 'REQUIRED' },
    ]);
    for (const id of ['repairs-labourMinutes', 'repairs-partsReplaced-0-name', 'repairs-cost-currency']) {
      expect({ id, invalid: page.querySelector(`#${id}`)?.getAttribute('aria-invalid') }).toEqual({
        id,
        invalid: 'true',
      });
    }
    expect(page.querySelector('#repairs-labourMinutes')?.getAttribute('value')).toBe('an hour');
  });

  it('refuses a time in the future by the domain’s rule (422), like the API', async () => {
    const deviceId = await laptop('REPAIR-5', true);
    const page = await expectRefusedLikeTheApi({
      client: repairer,
      deviceId,
      segment: 'repairs',
      form: { ...REPAIR_FORM, occurredAt: '2099-01-01T00:00:00Z' },
      json: { ...REPAIR_JSON, occurredAt: '2099-01-01T00:00:00Z' },
      status: 422,
    });
    expect(page.querySelector('#repairs-occurredAt')?.getAttribute('value')).toBe('2099-01-01T00:00:00Z');
    expect(page.querySelector('#repairs-occurredAt')?.getAttribute('aria-invalid')).toBe('true');
  });

  it('refuses a repair of a device that is not in Kierto: 404 and the lookup, nothing recorded', async () => {
    const before = await storeSnapshot(app);
    const response = await repairer
      .post(`${deskPath(`gtin:${GTIN}:NOPE-3`)}/repairs`)
      .type('form')
      .send(REPAIR_FORM);
    const api = await repairer.post(`/devices/gtin:${GTIN}:NOPE-3/repairs`).send(REPAIR_JSON);
    expect({ desk: response.status, api: api.status }).toEqual({ desk: api.status, api: api.status });
    expect(summaryErrors(parse(response.text))).toEqual(apiErrors(api));
    expect(await storeSnapshot(app)).toEqual(before);
  });

  it('refuses a NUL character in a field with the API’s INVALID_CHARACTER, at its control', async () => {
    const deviceId = await laptop('REPAIR-7', true);
    const page = await expectRefusedLikeTheApi({
      client: repairer,
      deviceId,
      segment: 'repairs',
      form: { ...REPAIR_FORM, problem: 'Does not\u0000charge' },
      json: { ...REPAIR_JSON, problem: 'Does not\u0000charge' },
      status: 400,
    });
    expect(summaryErrors(page).map(({ field, code }) => ({ field, code }))).toEqual([
      { field: 'problem', code: 'INVALID_CHARACTER' },
    ]);
    expect(page.querySelector('#repairs-problem')?.getAttribute('aria-invalid')).toBe('true');
  });

  it('refuses bytes that are not UTF-8 with the API’s INVALID_UTF8, naming the control', async () => {
    const deviceId = await laptop('REPAIR-8', true);
    const before = await storeSnapshot(app);
    const fields = new URLSearchParams({ ...REPAIR_FORM }).toString().replace(/problem=[^&]*/, 'problem=Broken%FF%FE');
    const desk = await repairer
      .post(`${deskPath(deviceId)}/repairs`)
      .type('form')
      .send(fields);
    expect(desk.status).toBe(400);
    const api = await repairer
      .post(`/devices/${deviceId}/repairs`)
      .set('Content-Type', 'application/json')
      // The bytes as they are: supertest would otherwise serialise a Buffer as JSON.
      .serialize((data: unknown) => data as string)
      .send(Buffer.concat([Buffer.from('{"problem":"Broken'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]));
    expect(api.status).toBe(400);
    const shown = summaryErrors(parse(desk.text));
    expect(shown.map(({ code, message }) => ({ code, message }))).toEqual(
      apiErrors(api).map(({ code, message }) => ({ code, message })),
    );
    // The API names the body (it cannot know the field); the form knows the control.
    expect(shown.map((error) => error.field)).toEqual(['problem']);
    expect(await storeSnapshot(app)).toEqual(before);
  });

  it('refuses a hand-made form key as the API refuses such an Idempotency-Key', async () => {
    const deviceId = await laptop('REPAIR-9', true);
    const before = await storeSnapshot(app);
    const desk = await repairer
      .post(`${deskPath(deviceId)}/repairs`)
      .type('form')
      .send({ ...REPAIR_FORM, _idempotency: 'has spaces in it' });
    expect(desk.status).toBe(400);
    const api = await repairer
      .post(`/devices/${deviceId}/repairs`)
      .set('Idempotency-Key', 'has spaces in it')
      .send(REPAIR_JSON);
    expect(api.status).toBe(400);
    expect(summaryErrors(parse(desk.text)).map(({ code, message }) => ({ code, message }))).toEqual(
      apiErrors(api).map(({ code, message }) => ({ code, message })),
    );
    expect(await storeSnapshot(app)).toEqual(before);
  });

  it('refuses a malformed device id as the API does: 400 INVALID_DEVICE_ID on the lookup, nothing recorded', async () => {
    const before = await storeSnapshot(app);
    const desk = await repairer.post('/desk/devices/nonsense/repairs').type('form').send(REPAIR_FORM);
    const api = await repairer.post('/devices/nonsense/repairs').send(REPAIR_JSON);
    expect({ desk: desk.status, api: api.status }).toEqual({ desk: 400, api: 400 });
    expect(summaryErrors(parse(desk.text))).toEqual(apiErrors(api));
    expect(await storeSnapshot(app)).toEqual(before);
  });

  it('refuses a role without device:repair: 403, nothing recorded', async () => {
    const deviceId = await laptop('REPAIR-6', true);
    const before = await storeSnapshot(app);
    const response = await refurbisher
      .post(`${deskPath(deviceId)}/repairs`)
      .type('form')
      .send(REPAIR_FORM);
    expect(response.status).toBe(403);
    // A program with a key gets the API's JSON refusal (a person, the guard's page: below).
    expect(response.body.error?.code).toBe('FORBIDDEN');
    expect(await storeSnapshot(app)).toEqual(before);
  });
});

describe('the collection form', () => {
  it('records one collection', async () => {
    const deviceId = await laptop('COLLECT-1');
    await expectRecorded(collector, deviceId, 'collections', COLLECTION_FORM, 'DeviceCollected');
    const stored = (await app.store.readStream(deviceId)).at(-1);
    const { occurredAt: _occurredAt, ...data } = example('collect-laptop');
    expect(stored?.data).toEqual(data);
  });

  it('refuses a second collection by the lifecycle rule: 422, like the API', async () => {
    const deviceId = await laptop('COLLECT-2', true);
    await expectRefusedLikeTheApi({
      client: collector,
      deviceId,
      segment: 'collections',
      form: { ...COLLECTION_FORM, occurredAt: '2026-06-03T10:00:00Z' },
      json: { ...example('collect-laptop'), occurredAt: '2026-06-03T10:00:00Z' },
      status: 422,
    });
  });

  it('refuses an unknown country and a weight of zero, like the API', async () => {
    const deviceId = await laptop('COLLECT-3');
    const page = await expectRefusedLikeTheApi({
      client: collector,
      deviceId,
      segment: 'collections',
      form: { ...COLLECTION_FORM, country: 'XX', measuredWeightKg: '0', channel: '' },
      json: { ...example('collect-laptop'), country: 'XX', measuredWeightKg: 0, channel: undefined },
      status: 400,
    });
    expect(summaryErrors(page).map(({ field, code }) => ({ field, code }))).toEqual([
      { field: 'channel', code: 'REQUIRED' },
      { field: 'country', code: 'INVALID_VALUE' },
      { field: 'measuredWeightKg', code: 'OUT_OF_RANGE' },
    ]);
  });

  it('refuses a role without device:collect: 403, nothing recorded', async () => {
    const deviceId = await laptop('COLLECT-4');
    const before = await storeSnapshot(app);
    const response = await repairer
      .post(`${deskPath(deviceId)}/collections`)
      .type('form')
      .send(COLLECTION_FORM);
    expect(response.status).toBe(403);
    expect(await storeSnapshot(app)).toEqual(before);
  });
});

describe('the data wipe and resale forms', () => {
  it('refuse the resale of a data-bearing device before a passing wipe (422), then record wipe and resale', async () => {
    const deviceId = await laptop('RESELL-1', true);
    await expectRefusedLikeTheApi({
      client: refurbisher,
      deviceId,
      segment: 'resales',
      form: RESALE_FORM,
      json: example('resell-laptop'),
      status: 422,
    });
    await expectRecorded(refurbisher, deviceId, 'data-wipes', WIPE_FORM, 'DeviceDataWiped');
    const { occurredAt: _wiped, ...wipe } = example('wipe-laptop');
    expect((await app.store.readStream(deviceId)).at(-1)?.data).toEqual(wipe);
    const page = await expectRecorded(refurbisher, deviceId, 'resales', RESALE_FORM, 'DeviceResold');
    const { occurredAt: _sold, ...resale } = example('resell-laptop');
    expect((await app.store.readStream(deviceId)).at(-1)?.data).toEqual(resale);
    expect(all(page, 'ol.timeline li').map(eventName)).toEqual([
      'Placed on the market',
      'Handed in for collection',
      'Data erased',
      'Resold',
    ]);
    const passport = await passportOf(deviceId);
    expect(passport['lives']).toBe(2);
  });

  it('refuses a wipe with no storage medium, a capacity of 0 and an unknown answer to verified, like the API', async () => {
    const deviceId = await laptop('WIPE-2', true);
    const page = await expectRefusedLikeTheApi({
      client: refurbisher,
      deviceId,
      segment: 'data-wipes',
      form: {
        ...WIPE_FORM,
        'media[0].type': '',
        'media[0].serialNumber': '',
        'media[0].capacityGb': '',
        'media[0].result': '',
        'verification.verified': 'maybe',
      },
      json: { ...example('wipe-laptop'), media: [], verification: { method: 'full', verified: 'maybe' } },
      status: 400,
    });
    expect(summaryErrors(page).map(({ field, code }) => ({ field, code }))).toEqual([
      { field: 'media', code: 'TOO_FEW' },
      { field: 'verification.verified', code: 'INVALID_TYPE' },
    ]);
    // A list's own error is shown at its first control.
    expect(page.querySelector('#data-wipes-media-0-type')?.getAttribute('aria-invalid')).toBe('true');
    const second = await expectRefusedLikeTheApi({
      client: refurbisher,
      deviceId,
      segment: 'data-wipes',
      form: { ...WIPE_FORM, 'media[0].capacityGb': '0' },
      json: {
        ...example('wipe-laptop'),
        media: [{ type: 'nvme', serialNumber: 'NVME-7731', capacityGb: 0, result: 'passed' }],
      },
      status: 400,
    });
    expect(second.querySelector('#data-wipes-media-0-capacityGb')?.getAttribute('aria-invalid')).toBe('true');
  });

  it('refuse a role without device:wipe or device:resell: 403, nothing recorded', async () => {
    const deviceId = await laptop('WIPE-3', true);
    const before = await storeSnapshot(app);
    for (const [segment, form] of [
      ['data-wipes', WIPE_FORM],
      ['resales', RESALE_FORM],
    ] as const) {
      const response = await repairer
        .post(`${deskPath(deviceId)}/${segment}`)
        .type('form')
        .send(form);
      expect({ segment, status: response.status }).toEqual({ segment, status: 403 });
    }
    expect(await storeSnapshot(app)).toEqual(before);
  });
});

describe('as a signed-in person', () => {
  let person: SignedInPerson;
  beforeAll(async () => {
    person = await signIn(app, 'repair-cafe', ['repairer'], { displayName: 'Aino Korjaaja' });
  });

  it('shows the forms with the session’s CSRF token, and records a repair sent with it as the person', async () => {
    const deviceId = await laptop('SESSION-1', true);
    const shown = await request(app.http).get(deskPath(deviceId)).set('Cookie', person.cookie);
    expect(shown.status).toBe(200);
    const page = parse(shown.text);
    expect(page.querySelector('form[method=post] input[name=_csrf]')?.getAttribute('value')).toBe(person.csrfToken);
    expect(page.querySelector('header')?.textContent).toContain('Aino Korjaaja');
    const head = await app.store.headPosition();
    const response = await request(app.http)
      .post(`${deskPath(deviceId)}/repairs`)
      .set('Cookie', person.cookie)
      .type('form')
      .send({ ...REPAIR_FORM, _csrf: person.csrfToken });
    expect(response.status).toBe(303);
    expect(response.headers['location']).toBe(`${deskPath(deviceId)}?recorded=DeviceRepaired`);
    expect(await app.store.headPosition()).toBe(head + 1);
    const stored = (await app.store.readStream(deviceId)).at(-1);
    expect(stored?.actor).toMatchObject({ organisationId: 'repair-cafe', role: 'repairer' });
  });

  it('shows a refused form again for the person, with the API’s errors and the token', async () => {
    const deviceId = await laptop('SESSION-2', true);
    const before = await storeSnapshot(app);
    const response = await request(app.http)
      .post(`${deskPath(deviceId)}/repairs`)
      .set('Cookie', person.cookie)
      .type('form')
      .send({ ...REPAIR_FORM, outcome: 'end-of-life', _csrf: person.csrfToken });
    expect(response.status).toBe(400);
    const page = parse(response.text);
    expect(summaryErrors(page).map(({ field, code }) => ({ field, code }))).toEqual([
      { field: 'barrier', code: 'REQUIRED' },
    ]);
    expect(page.querySelector('form[method=post] input[name=_csrf]')?.getAttribute('value')).toBe(person.csrfToken);
    expect(await storeSnapshot(app)).toEqual(before);
  });

  it('refuses a form without the CSRF token or with another one, and records nothing', async () => {
    const deviceId = await laptop('SESSION-3', true);
    const before = await storeSnapshot(app);
    for (const csrf of [undefined, 'not-the-token']) {
      const response = await request(app.http)
        .post(`${deskPath(deviceId)}/repairs`)
        .set('Cookie', person.cookie)
        .type('form')
        .send(csrf === undefined ? REPAIR_FORM : { ...REPAIR_FORM, _csrf: csrf });
      expect({ csrf, status: response.status }).toEqual({ csrf, status: 403 });
    }
    expect(await storeSnapshot(app)).toEqual(before);
  });

  it('refuses a person whose roles lack the command’s permission: 403, nothing recorded', async () => {
    const deviceId = await laptop('SESSION-4', true);
    const before = await storeSnapshot(app);
    const response = await request(app.http)
      .post(`${deskPath(deviceId)}/resales`)
      .set('Cookie', person.cookie)
      .type('form')
      .send({ ...RESALE_FORM, _csrf: person.csrfToken });
    expect(response.status).toBe(403);
    // The guard's refusal page for a person, with the API's code.
    expect(parse(response.text).querySelector('[data-code]')?.getAttribute('data-code')).toBe('FORBIDDEN');
    expect(await storeSnapshot(app)).toEqual(before);
  });
});

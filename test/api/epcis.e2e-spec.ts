import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FULL_GTIN, PLAIN_ID, recordInteropDevices, type InteropDevices } from '../support/interop-devices.js';
import { epcisErrors } from '../support/standards.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;
let devices: InteropDevices;
/** Every lifecycle event recorded: the store holds nothing else. */
let TOTAL: number;
beforeAll(async () => {
  app = await startTestApp();
  devices = await recordInteropDevices(app);
  TOTAL = Object.values(devices.events).reduce((sum, count) => sum + count, 0);
});
afterAll(async () => {
  await app.close();
});

interface EpcisEvent {
  type: string;
  eventID: string;
  eventTime: string;
  epcList: string[];
  action: string;
  bizStep: string;
  disposition?: string;
  [extension: string]: unknown;
}

const LAPTOP_EPC = 'https://id.gs1.org/01/09506000134352/21/LAP-0001';
const FULL_EPC = `https://id.gs1.org/01/${FULL_GTIN}/21/FULL%2F0001`;
const PLAIN_EPC = `urn:kierto:device:${PLAIN_ID}`;

/** GET /epcis/events as an auditor; asserts 200 and a valid EPCISQueryDocument. */
async function query(
  params: Record<string, string | string[]>,
): Promise<{ events: EpcisEvent[]; link: string | undefined }> {
  const response = await app.api.get('/epcis/events').query(params);
  expect({ status: response.status, error: response.body.error }).toEqual({ status: 200, error: undefined });
  expect(epcisErrors(response.body)).toEqual([]);
  expect(response.body.type).toBe('EPCISQueryDocument');
  return {
    events: response.body.epcisBody.queryResults.resultsBody.eventList as EpcisEvent[],
    link: response.headers['link'],
  };
}

describe('GET /epcis/events', () => {
  it('answers every lifecycle event as an ObjectEvent, in an EPCISQueryDocument that validates against the EPCIS 2.0 schema', async () => {
    const response = await app.api.get('/epcis/events').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/ld\+json/);
    expect(response.headers['gs1-epcis-version']).toBe('2.0.0');
    expect(epcisErrors(response.body)).toEqual([]);
    const events = response.body.epcisBody.queryResults.resultsBody.eventList as EpcisEvent[];
    expect(events).toHaveLength(TOTAL);
    expect(response.body['@context']).toEqual([
      'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      { kierto: 'https://kierto.org/epcis/' },
    ]);
    expect(new Set(events.map((event) => event.eventID)).size).toBe(TOTAL);
    for (const event of events) expect(event.eventID).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
  });

  it('maps each event type onto CBV 2.0 and the kierto: namespace', async () => {
    const { events } = await query({ MATCH_anyEPC: FULL_EPC });
    expect(events.map((event) => [event['kierto:eventType'], event.action, event.bizStep, event.disposition])).toEqual([
      ['DevicePlacedOnMarket', 'ADD', 'commissioning', 'active'],
      ['DeviceCollected', 'OBSERVE', 'collecting', 'returned'],
      ['DeviceRepaired', 'OBSERVE', 'repairing', 'damaged'],
      ['DeviceDataWiped', 'OBSERVE', 'https://kierto.org/epcis/BizStep-sanitising', undefined],
      ['DeviceRecycled', 'DELETE', 'destroying', 'destroyed'],
    ]);
    const [placed, , repaired, wiped, recycled] = events;
    expect(placed?.['ilmd']).toMatchObject({ 'kierto:weeeCategory': 6, 'kierto:model': 'K2 Tablet' });
    expect(placed?.eventTime).toBe('2025-02-01T08:00:00+02:00');
    expect(placed?.['eventTimeZoneOffset']).toBe('+02:00');
    expect(repaired?.['kierto:repair']).toMatchObject({ outcome: 'end-of-life', barrier: 'spare-parts-not-available' });
    expect(wiped?.['kierto:dataSanitisation']).toMatchObject({
      standard: 'IEEE 2883',
      method: 'destruct',
      technique: 'shred',
    });
    expect(recycled?.['kierto:recycling']).toMatchObject({
      outputs: expect.arrayContaining([{ material: 'residue', massKg: 0.05, fate: 'disposal' }]),
    });
  });

  it('gives readers of whole histories the full detail: actors, prices, certificates, media', async () => {
    const { events } = await query({ MATCH_anyEPC: [FULL_EPC, LAPTOP_EPC] });
    const text = JSON.stringify(events);
    for (const shown of [
      'producer-fi-0042',
      'CERT-FULL-1',
      'EMMC-9',
      'recycler-fi-7',
      'WIPE-2026-000917',
      '"amount":329',
    ]) {
      expect({ shown, found: text.includes(shown) }).toEqual({ shown, found: true });
    }
  });

  it('selects devices by MATCH_anyEPC: Digital Link URIs on any host, or the Kierto URN; repeated or |-separated', async () => {
    const one = await query({ MATCH_anyEPC: PLAIN_EPC });
    expect(one.events.map((event) => event.epcList)).toEqual([[PLAIN_EPC]]);
    const byOwnHost = await query({ MATCH_anyEPC: 'https://dpp.example.org/kierto/01/09506000134352/21/LAP-0001' });
    expect(byOwnHost.events.map((event) => event.epcList[0])).toEqual(Array(4).fill(LAPTOP_EPC));
    const piped = await query({ MATCH_anyEPC: `${LAPTOP_EPC}|${PLAIN_EPC}` });
    const repeated = await query({ MATCH_anyEPC: [LAPTOP_EPC, PLAIN_EPC] });
    expect(piped.events).toHaveLength(5);
    expect(repeated.events).toEqual(piped.events);
  });

  it('filters by GE_eventTime (inclusive), LT_eventTime (exclusive), EQ_bizStep and eventType', async () => {
    const march = await query({ GE_eventTime: '2026-03-05T10:00:00Z', LT_eventTime: '2026-03-10T12:00:00Z' });
    expect(march.events.map((event) => event.eventTime)).toEqual(['2026-03-05T10:00:00Z', '2026-03-06T09:00:00Z']);
    const repairs = await query({ EQ_bizStep: 'repairing', eventType: 'ObjectEvent' });
    expect(repairs.events.map((event) => event.epcList[0])).toEqual([FULL_EPC]);
    const byUri = await query({ EQ_bizStep: 'https://ref.gs1.org/cbv/BizStep-repairing' });
    expect(byUri.events).toEqual(repairs.events);
    const wipes = await query({ EQ_bizStep: 'https://kierto.org/epcis/BizStep-sanitising' });
    expect(wipes.events.map((event) => event.epcList[0])).toEqual([LAPTOP_EPC, FULL_EPC]);
  });

  it('pages with perPage and Link rel="next" until the last page, which has no link', async () => {
    const all = (await query({})).events;
    const paged: EpcisEvent[] = [];
    let next: string | undefined = '/epcis/events?perPage=3';
    let pages = 0;
    while (next !== undefined) {
      const response = await app.api.get(next);
      expect(response.status).toBe(200);
      expect(epcisErrors(response.body)).toEqual([]);
      paged.push(...(response.body.epcisBody.queryResults.resultsBody.eventList as EpcisEvent[]));
      const link = response.headers['link'];
      next = link === undefined ? undefined : /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
      if (link !== undefined) expect(next).toMatch(/perPage=3&nextPageToken=\d+$/);
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(TOTAL / 3));
    expect(paged).toEqual(all);
  });

  it('keeps the filters in the next link', async () => {
    const first = await query({ MATCH_anyEPC: FULL_EPC, perPage: '2' });
    expect(first.events).toHaveLength(2);
    const next = /^<([^>]+)>/.exec(first.link ?? '')?.[1] ?? '';
    const second = await app.api.get(next).expect(200);
    const events = second.body.epcisBody.queryResults.resultsBody.eventList as EpcisEvent[];
    expect(events.map((event) => event['kierto:eventType'])).toEqual(['DeviceRepaired', 'DeviceDataWiped']);
  });
});

describe('GET /epcis/export', () => {
  it('answers the same events as a capture-compatible EPCISDocument', async () => {
    const response = await app.api.get('/epcis/export').query({ MATCH_anyEPC: LAPTOP_EPC }).expect(200);
    expect(epcisErrors(response.body)).toEqual([]);
    expect(response.body).toMatchObject({ type: 'EPCISDocument', schemaVersion: '2.0' });
    const { events } = await query({ MATCH_anyEPC: LAPTOP_EPC });
    expect(response.body.epcisBody.eventList).toEqual(events);
  });
});

describe('who may read EPCIS events', () => {
  it('refuses without a key (401) and a role without device:read-history (403)', async () => {
    const anonymous = await request(app.http).get('/epcis/events');
    expect({ status: anonymous.status, code: anonymous.body.error?.code }).toEqual({
      status: 401,
      code: 'MISSING_CREDENTIALS',
    });
    for (const path of ['/epcis/events', '/epcis/export']) {
      const producer = await app.as('producer-fi-0042', 'producer').get(path);
      expect({ path, status: producer.status, code: producer.body.error?.code }).toEqual({
        path,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    const admin = await app.as('test-admin', 'admin').get('/epcis/events');
    expect(admin.status).toBe(200);
  });
});

describe('refused queries', () => {
  it.each([
    [{ foo: 'bar' }, 400, 'VALIDATION_FAILED', 'foo', 'UNKNOWN_FIELD'],
    [{ eventType: 'AggregationEvent' }, 400, 'VALIDATION_FAILED', 'eventType', 'INVALID_VALUE'],
    [
      { MATCH_anyEPC: 'urn:epc:id:sgtin:0614141.107346.2017' },
      400,
      'VALIDATION_FAILED',
      'MATCH_anyEPC',
      'INVALID_VALUE',
    ],
    [
      { MATCH_anyEPC: 'https://id.gs1.org/01/09506000134353/21/X' },
      400,
      'VALIDATION_FAILED',
      'MATCH_anyEPC',
      'INVALID_VALUE',
    ],
    [{ GE_eventTime: '2026-03-05' }, 400, 'VALIDATION_FAILED', 'GE_eventTime', 'INVALID_FORMAT'],
    [{ LT_eventTime: '2026-02-30T00:00:00Z' }, 400, 'VALIDATION_FAILED', 'LT_eventTime', 'INVALID_FORMAT'],
    [
      { GE_eventTime: ['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'] },
      400,
      'VALIDATION_FAILED',
      'GE_eventTime',
      'INVALID_VALUE',
    ],
    [{ perPage: '0' }, 400, 'VALIDATION_FAILED', 'perPage', 'OUT_OF_RANGE'],
    [{ perPage: '1001' }, 400, 'VALIDATION_FAILED', 'perPage', 'OUT_OF_RANGE'],
    [{ perPage: '2.5' }, 400, 'VALIDATION_FAILED', 'perPage', 'OUT_OF_RANGE'],
    [{ EQ_bizStep: '|' }, 400, 'VALIDATION_FAILED', 'EQ_bizStep', 'INVALID_VALUE'],
    [{ nextPageToken: 'abc' }, 400, 'INVALID_PAGE_TOKEN', 'nextPageToken', 'INVALID_PAGE_TOKEN'],
  ])('%j → %i %s (%s)', async (params, status, code, field, fieldCode) => {
    const response = await app.api.get('/epcis/events').query(params);
    expect({
      status: response.status,
      code: response.body.error?.code,
      field: response.body.error?.fields?.[0]?.field,
      fieldCode: response.body.error?.fields?.[0]?.code,
    }).toEqual({ status, code, field, fieldCode });
  });
});

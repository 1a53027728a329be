import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { importJWK, jwtVerify, type JWK } from 'jose';
import request from 'supertest';
import { isDeviceEventType } from '#kierto/domain';
import type { DidDocument } from '#kierto/interop';
import { datasetLines } from '../../bench/dataset.js';
import { epcisErrors, untpDppErrors, untpDteErrors } from '../support/standards.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The standard formats of the bench dataset's devices (bench/dataset.ts): every category, devices
 * first seen at collection, wipes, repairs, resales, recycling. Every credential and every EPCIS page
 * is validated against the published schema, every signature checked with jose.
 */
const BENCH_DEVICES = 40;

let app: TestApp;
let position: number;
/** Each device's number of lifecycle events, from the store itself. */
const eventsOf = new Map<string, number>();

beforeAll(async () => {
  app = await startTestApp({ publicUrl: 'https://dpp.example.org' });
  const lines = [...datasetLines(BENCH_DEVICES, 11)].map((line) => JSON.stringify(line)).join('\n');
  const imported = await app
    .as('bench-admin', 'admin')
    .post('/imports')
    .set('Content-Type', 'application/x-ndjson')
    .send(lines);
  expect({ status: imported.status, refused: imported.body.summary?.refused }).toEqual({ status: 200, refused: 0 });
  position = await app.store.headPosition();
  for (const event of await app.store.readAll(0, position)) {
    if (isDeviceEventType(event.type)) eventsOf.set(event.streamId, (eventsOf.get(event.streamId) ?? 0) + 1);
  }
});
afterAll(async () => {
  await app.close();
});

describe('the bench dataset in the standard formats', () => {
  it('gives every device a DPP and a DTE credential that validate and verify with jose', async () => {
    expect(eventsOf.size).toBe(BENCH_DEVICES);
    const did = (await request(app.http).get('/.well-known/did.json').expect(200)).body as DidDocument;
    const method = did.verificationMethod[0];
    if (method === undefined) throw new Error('no key in the DID document');
    const key = await importJWK(method.publicKeyJwk as unknown as JWK, 'EdDSA');
    for (const [deviceId, count] of eventsOf) {
      for (const [path, errorsOf] of [
        [`/passports/${deviceId}/credential?minPosition=${position}`, untpDppErrors],
        [`/passports/${deviceId}/traceability-events/credential`, untpDteErrors],
      ] as const) {
        const jws = (await request(app.http).get(path).set('Accept', 'application/vc+jwt').expect(200)).text;
        const { payload } = await jwtVerify(jws, key, { algorithms: ['EdDSA'] });
        expect({ path, errors: errorsOf(payload) }).toEqual({ path, errors: [] });
      }
      const dte = (
        await request(app.http)
          .get(`/passports/${deviceId}/traceability-events/credential`)
          .set('Accept', 'application/json')
      ).body;
      expect({ deviceId, events: dte.credentialSubject.length }).toEqual({ deviceId, events: count });
    }
  });

  it('answers every lifecycle event through EPCIS pages that each validate', async () => {
    let next: string | undefined = '/epcis/events?perPage=50';
    let events = 0;
    while (next !== undefined) {
      const response: request.Response = await app.api.get(next).expect(200);
      expect(epcisErrors(response.body)).toEqual([]);
      events += (response.body.epcisBody.queryResults.resultsBody.eventList as unknown[]).length;
      const link: string | undefined = response.headers['link'];
      next = link === undefined ? undefined : /^<([^>]+)>/.exec(link)?.[1];
    }
    expect(events).toBe([...eventsOf.values()].reduce((sum, count) => sum + count, 0));
    const exported = await app.api.get('/epcis/export?perPage=1000').expect(200);
    expect(epcisErrors(exported.body)).toEqual([]);
    expect(exported.body.epcisBody.eventList).toHaveLength(events);
  });
});

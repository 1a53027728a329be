import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { compactVerify, importJWK, jwtVerify, type JWK } from 'jose';
import request from 'supertest';
import { generateSigningKeyPair } from '#kierto/audit';
import { verifyCredentialJws, type DidDocument } from '#kierto/interop';
import { FULL_GTIN, FULL_ID, PLAIN_ID, recordInteropDevices, type InteropDevices } from '../support/interop-devices.js';
import { untpDppErrors, untpDteErrors } from '../support/standards.js';
import { LAPTOP_ID, startTestApp, type TestApp } from '../support/test-app.js';

// A port and a path, so that the did:web rules for both are exercised.
const PUBLIC_URL = 'https://dpp.example.org:8443/kierto';
const DID = 'did:web:dpp.example.org%3A8443:kierto';

let app: TestApp;
let dataDir: string;
let devices: InteropDevices;
let did: DidDocument;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kierto-credentials-'));
  app = await startTestApp({ publicUrl: PUBLIC_URL, dataDir });
  devices = await recordInteropDevices(app);
  did = (await request(app.http).get('/.well-known/did.json').expect(200)).body as DidDocument;
});
afterAll(async () => {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const ALL = [LAPTOP_ID, FULL_ID, PLAIN_ID];

const credentialOf = (deviceId: string, accept: string) =>
  request(app.http)
    .get(`/passports/${deviceId}/credential`)
    .query({ minPosition: devices.position })
    .set('Accept', accept);

/** The DID document's key, imported by jose: the independent verifier. */
async function joseKey(kid: string) {
  const method = did.verificationMethod.find((candidate) => candidate.id === kid);
  if (method === undefined) throw new Error(`no verification method ${kid}`);
  return importJWK(method.publicKeyJwk as unknown as JWK, 'EdDSA');
}

describe('the signing key of the deployment', () => {
  it('is made on first use under KIERTO_DATA_DIR with mode 0600', () => {
    const mode = statSync(join(dataDir, 'signing-key.pem')).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it('is the key of KIERTO_SIGNING_KEY_FILE when that is set', async () => {
    const keys = generateSigningKeyPair();
    const file = join(dataDir, 'configured.pem');
    writeFileSync(file, keys.privateKeyPem, { mode: 0o600 });
    const other = await startTestApp({ publicUrl: PUBLIC_URL, signingKeyFile: file });
    try {
      const document = (await request(other.http).get('/.well-known/did.json').expect(200)).body as DidDocument;
      expect(document.verificationMethod.map((method) => method.id)).toEqual([`${DID}#${keys.keyId}`]);
    } finally {
      await other.close();
    }
  });
});

describe('the DID document', () => {
  it('is the did:web of KIERTO_PUBLIC_URL with the Ed25519 key as a JsonWebKey assertion method', async () => {
    const response = await request(app.http).get('/.well-known/did.json').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/did\+json/);
    expect(did.id).toBe(DID);
    expect(did.verificationMethod).toEqual([
      {
        id: expect.stringMatching(/^did:web:dpp\.example\.org%3A8443:kierto#[0-9a-f]{16}$/),
        type: 'JsonWebKey',
        controller: DID,
        publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
      },
    ]);
    expect(did.assertionMethod).toEqual([did.verificationMethod[0]?.id]);
  });

  it('is also at /did.json, where a did:web with a path resolves', async () => {
    const response = await request(app.http).get('/did.json').expect(200);
    expect(response.body).toEqual(did);
  });
});

describe('GET /passports/{deviceId}/credential', () => {
  it.each(ALL)('%s: the unsigned credential validates against the UNTP DPP 0.6.0 schema', async (deviceId) => {
    const response = await credentialOf(deviceId, 'application/json').expect(200);
    expect(untpDppErrors(response.body)).toEqual([]);
    expect(response.body.issuer).toEqual({
      type: ['CredentialIssuer'],
      id: DID,
      name: 'Kierto at dpp.example.org:8443',
    });
    expect(response.body.credentialSubject.granularityLevel).toBe('item');
  });

  it.each(ALL)('%s: the signed credential verifies with jose against the DID document', async (deviceId) => {
    const response = await credentialOf(deviceId, 'application/vc+jwt').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/vc\+jwt/);
    const jws = response.text;
    const header = JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid: string };
    const { payload, protectedHeader } = await jwtVerify(jws, await joseKey(header.kid), { algorithms: ['EdDSA'] });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: did.verificationMethod[0]?.id, typ: 'vc+jwt', cty: 'vc' });
    const unsigned = (await credentialOf(deviceId, 'application/json').expect(200)).body;
    expect(payload).toEqual(unsigned);
    expect(untpDppErrors(payload)).toEqual([]);
  });

  it('is the signed credential by default (no Accept, or */*)', async () => {
    const response = await request(app.http).get(`/passports/${LAPTOP_ID}/credential`).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/vc\+jwt/);
    expect(response.text.split('.')).toHaveLength(3);
  });

  it('fails verification when one byte of the payload changes', async () => {
    const jws = (await credentialOf(LAPTOP_ID, 'application/vc+jwt').expect(200)).text;
    const [header = '', payload = '', signature = ''] = jws.split('.');
    // One byte of the signed JSON: the model "K14 Laptop" becomes "K15 Laptop", still valid JSON.
    const bytes = Buffer.from(payload, 'base64url');
    const at = bytes.indexOf('K14 Laptop') + 2;
    expect(bytes[at]).toBe('4'.charCodeAt(0));
    bytes[at] = '5'.charCodeAt(0);
    const tampered = `${header}.${bytes.toString('base64url')}.${signature}`;
    const kid = did.verificationMethod[0]?.id ?? '';
    await expect(compactVerify(tampered, await joseKey(kid))).rejects.toThrow(/signature verification failed/);
    expect(verifyCredentialJws(tampered, did)).toEqual({ ok: false, reason: expect.stringContaining('signature') });
    expect(verifyCredentialJws(jws, did)).toMatchObject({ ok: true });
  });

  it('maps the passport: Digital Link id, materials, circularity, emissions, sanitisation claims, lifecycle links', async () => {
    const subject = (await credentialOf(FULL_ID, 'application/json').expect(200)).body.credentialSubject;
    expect(subject.product).toMatchObject({
      id: `https://id.gs1.org/01/${FULL_GTIN}/21/FULL%2F0001`,
      name: 'Kestävä K2 Tablet',
      serialNumber: 'FULL/0001',
      idScheme: { id: 'https://id.gs1.org/01/' },
      productCategory: [{ code: '6', name: 'Small IT and telecommunication equipment' }],
      dimensions: { weight: { value: 0.6, unit: 'KGM' } },
    });
    expect(subject.materialsProvenance).toEqual([
      expect.objectContaining({ name: 'glass', massFraction: 0.333333, recycledMassFraction: 0, hazardous: false }),
      expect.objectContaining({ name: 'lithium (battery)', recycledMassFraction: 0.25, criticalRawMaterial: true }),
      expect.objectContaining({
        name: 'lead',
        hazardous: true,
        casNumber: '7439-92-1',
        mass: { type: ['Measure'], value: 0.001, unit: 'KGM' },
      }),
    ]);
    expect(subject.emissionsScorecard).toMatchObject({
      carbonFootprint: 85.5,
      declaredUnit: 'EA',
      operationalScope: 'CradleToGate',
    });
    expect(subject.circularityScorecard).toMatchObject({
      repairInformation: { linkURL: 'https://example.com/k2/repair' },
    });
    expect(subject.conformityClaim).toEqual([
      expect.objectContaining({
        conformance: true,
        conformityTopic: 'social.rights',
        referenceStandard: expect.objectContaining({ name: 'IEEE 2883' }),
      }),
    ]);
    const links = subject.traceabilityInformation[0].traceabilityEvent as { linkURL: string; linkName: string }[];
    expect(links.map((link) => link.linkName.split(' ')[0])).toEqual([
      'DevicePlacedOnMarket',
      'DeviceCollected',
      'DeviceRepaired',
      'DeviceDataWiped',
      'DeviceRecycled',
    ]);
    expect(links[0]?.linkURL).toBe(`${PUBLIC_URL}/passports/${FULL_ID}/traceability-events/credential#0`);
  });

  it('gives a manufacturer + serial device its Kierto URN and leaves out what is unknown', async () => {
    const subject = (await credentialOf(PLAIN_ID, 'application/json').expect(200)).body.credentialSubject;
    expect(subject.product.id).toBe(`urn:kierto:device:${PLAIN_ID}`);
    expect(subject.emissionsScorecard).toBeUndefined();
    expect(subject.conformityClaim).toBeUndefined();
    expect(subject.materialsProvenance).toEqual([]);
  });

  it('carries the public view only: no actors, prices, certificates or media serials', async () => {
    for (const deviceId of ALL) {
      const text = JSON.stringify((await credentialOf(deviceId, 'application/json').expect(200)).body);
      for (const hidden of [
        'producer-fi-0042',
        'WIPE-2026-000917',
        'NVME-7731',
        'CERT-FULL-1',
        'recycler-fi-7',
        'test-refurbisher',
        'disassembly',
      ]) {
        expect({ deviceId, hidden, found: text.includes(hidden) }).toEqual({ deviceId, hidden, found: false });
      }
    }
  });

  it('is the same credential for the same passport revision', async () => {
    const first = (await credentialOf(LAPTOP_ID, 'application/vc+jwt').expect(200)).text;
    const second = (await credentialOf(LAPTOP_ID, 'application/vc+jwt').expect(200)).text;
    expect(second).toBe(first);
  });
});

describe('GET /passports/{deviceId}/traceability-events/credential', () => {
  const dteOf = (deviceId: string, accept: string) =>
    request(app.http).get(`/passports/${deviceId}/traceability-events/credential`).set('Accept', accept);

  it.each(ALL)(
    '%s: validates against the UNTP DTE 0.6.0 schema, one ObjectEvent per lifecycle event',
    async (deviceId) => {
      const body = (await dteOf(deviceId, 'application/json').expect(200)).body;
      expect(untpDteErrors(body)).toEqual([]);
      expect(body.credentialSubject).toHaveLength(devices.events[deviceId] ?? -1);
      expect(body.issuer.id).toBe(DID);
    },
  );

  it('verifies with jose, and carries the public detail only', async () => {
    const jws = (await dteOf(FULL_ID, 'application/vc+jwt').expect(200)).text;
    const { payload } = await jwtVerify(jws, await joseKey(did.verificationMethod[0]?.id ?? ''), {
      algorithms: ['EdDSA'],
    });
    expect(untpDteErrors(payload)).toEqual([]);
    const text = JSON.stringify(payload);
    for (const hidden of [
      'CERT-FULL-1',
      'EMMC-9',
      'recycler-fi-7',
      'producer-fi-0042',
      'espoo-repair-shop-1',
      'CB-2',
    ]) {
      expect({ hidden, found: text.includes(hidden) }).toEqual({ hidden, found: false });
    }
    const events = payload['credentialSubject'] as { bizStep: string; disposition?: string; action: string }[];
    expect(events.map((event) => [event.action, event.bizStep, event.disposition])).toEqual([
      ['add', 'https://ref.gs1.org/cbv/BizStep-commissioning', 'https://ref.gs1.org/cbv/Disp-active'],
      ['observe', 'https://ref.gs1.org/cbv/BizStep-collecting', 'https://ref.gs1.org/cbv/Disp-returned'],
      ['observe', 'https://ref.gs1.org/cbv/BizStep-repairing', 'https://ref.gs1.org/cbv/Disp-damaged'],
      ['observe', 'https://kierto.org/epcis/BizStep-sanitising', undefined],
      ['delete', 'https://ref.gs1.org/cbv/BizStep-destroying', 'https://ref.gs1.org/cbv/Disp-destroyed'],
    ]);
  });
});

describe('refusals', () => {
  it('answers 404 DEVICE_NOT_FOUND for a device without a passport or events', async () => {
    for (const path of [
      '/passports/mfr:nobody:X1/credential',
      '/passports/mfr:nobody:X1/traceability-events/credential',
    ]) {
      const response = await request(app.http).get(path);
      expect({ path, status: response.status, code: response.body.error?.code }).toEqual({
        path,
        status: 404,
        code: 'DEVICE_NOT_FOUND',
      });
    }
  });

  it('answers 400 INVALID_DEVICE_ID for a malformed id', async () => {
    for (const path of ['/passports/not-an-id/credential', '/passports/not-an-id/traceability-events/credential']) {
      const response = await request(app.http).get(path);
      expect({
        path,
        status: response.status,
        code: response.body.error?.code,
        field: response.body.error?.fields?.[0]?.field,
      }).toEqual({
        path,
        status: 400,
        code: 'INVALID_DEVICE_ID',
        field: 'deviceId',
      });
    }
  });

  it('answers 406 NOT_ACCEPTABLE for an Accept it cannot serve', async () => {
    const response = await request(app.http).get(`/passports/${LAPTOP_ID}/credential`).set('Accept', 'text/csv');
    expect({
      status: response.status,
      code: response.body.error?.code,
      field: response.body.error?.fields?.[0]?.field,
    }).toEqual({
      status: 406,
      code: 'NOT_ACCEPTABLE',
      field: 'Accept',
    });
  });

  it('answers 400 VALIDATION_FAILED for an unknown query parameter', async () => {
    const response = await request(app.http).get(`/passports/${LAPTOP_ID}/credential?view=authority`);
    expect({
      status: response.status,
      code: response.body.error?.code,
      field: response.body.error?.fields?.[0]?.field,
    }).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'view',
    });
  });

  it('answers 503 PUBLIC_URL_NOT_CONFIGURED without KIERTO_PUBLIC_URL: there is no issuer', async () => {
    const bare = await startTestApp();
    try {
      await bare.api.post('/devices').send((await import('../support/test-app.js')).example('place-laptop-on-market'));
      for (const path of [
        '/.well-known/did.json',
        `/passports/${LAPTOP_ID}/credential`,
        `/passports/${LAPTOP_ID}/traceability-events/credential`,
      ]) {
        const response = await request(bare.http).get(path);
        expect({ path, status: response.status, code: response.body.error?.code }).toEqual({
          path,
          status: 503,
          code: 'PUBLIC_URL_NOT_CONFIGURED',
        });
      }
    } finally {
      await bare.close();
    }
  });
});

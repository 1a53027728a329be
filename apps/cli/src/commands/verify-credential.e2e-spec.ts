import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { generateSigningKeyPair, readPrivateKey } from '#kierto/audit';
import { didDocument, publicJwkOf, signCredential } from '#kierto/interop';
import { createPrivateKey } from 'node:crypto';
import { example, LAPTOP_ID, startTestApp } from '../../../../test/support/test-app.js';
import { cli } from './testing/audit-cli.js';

const PUBLIC_URL = 'https://dpp.example.org';
const dir = mkdtempSync(join(tmpdir(), 'kierto-verify-credential-'));
const file = (name: string): string => join(dir, name);
const env = {};

beforeAll(async () => {
  const dataDir = join(dir, 'data');
  const app = await startTestApp({ publicUrl: PUBLIC_URL, dataDir });
  try {
    const placed = await app.api.post('/devices').send(example('place-laptop-on-market')).expect(201);
    const minPosition = placed.body.events[0].globalPosition as number;
    const get = (path: string, accept: string) => request(app.http).get(path).set('Accept', accept);
    writeFileSync(
      file('did.json'),
      JSON.stringify((await get('/.well-known/did.json', 'application/json').expect(200)).body),
    );
    writeFileSync(
      file('dpp.jwt'),
      (await get(`/passports/${LAPTOP_ID}/credential?minPosition=${minPosition}`, 'application/vc+jwt').expect(200))
        .text,
    );
    writeFileSync(
      file('dpp.json'),
      JSON.stringify(
        (await get(`/passports/${LAPTOP_ID}/credential?minPosition=${minPosition}`, 'application/json')).body,
      ),
    );
    writeFileSync(
      file('dte.jwt'),
      (await get(`/passports/${LAPTOP_ID}/traceability-events/credential`, 'application/vc+jwt').expect(200)).text,
    );
  } finally {
    await app.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The deployment's own key (made under its data folder): signs what the tests tamper with. */
const deploymentKey = () => readPrivateKey(readFileSync(join(dir, 'data', 'signing-key.pem'), 'utf8'), 'key');

describe('kierto verify-credential', () => {
  it('verifies a DPP and a DTE credential offline against the DID document, exit 0', async () => {
    for (const [name, kind] of [
      ['dpp.jwt', 'DigitalProductPassport'],
      ['dte.jwt', 'DigitalTraceabilityEvent'],
    ] as const) {
      const run = await cli(['verify-credential', file(name), '--did-document', file('did.json')], env);
      expect({ name, code: run.code, err: run.err }).toEqual({ name, code: 0, err: '' });
      expect(run.out).toMatch(
        new RegExp(
          `^verified: ${kind} urn:uuid:[0-9a-f-]{36} issued by did:web:dpp\\.example\\.org, signed by did:web:dpp\\.example\\.org#[0-9a-f]{16}, valid against the UNTP 0\\.6\\.0 schema$`,
        ),
      );
    }
  });

  it('fails, exit 1, when one byte of the signed credential changed', async () => {
    const [header = '', payload = '', signature = ''] = readFileSync(file('dpp.jwt'), 'utf8').split('.');
    const bytes = Buffer.from(payload, 'base64url');
    const at = bytes.indexOf('K14 Laptop') + 2;
    bytes[at] = '5'.charCodeAt(0);
    writeFileSync(file('tampered.jwt'), `${header}.${bytes.toString('base64url')}.${signature}`);
    const run = await cli(['verify-credential', file('tampered.jwt'), '--did-document', file('did.json')], env);
    expect({ code: run.code, out: run.out }).toEqual({
      code: 1,
      out: expect.stringMatching(/^FAILED: the signature does not verify with did:web:/),
    });
  });

  it('fails against the DID document of another key', async () => {
    const other = generateSigningKeyPair();
    const kid = JSON.parse(readFileSync(file('did.json'), 'utf8')).verificationMethod[0].id as string;
    const document = didDocument(
      'did:web:dpp.example.org',
      kid.split('#')[1] ?? '',
      publicJwkOf(createPrivateKey(other.privateKeyPem)),
    );
    writeFileSync(file('other-did.json'), JSON.stringify(document));
    const run = await cli(['verify-credential', file('dpp.jwt'), '--did-document', file('other-did.json')], env);
    expect({ code: run.code, out: run.out }).toEqual({
      code: 1,
      out: expect.stringMatching(/^FAILED: the signature does not verify/),
    });
  });

  it('fails a well-signed credential that breaks its UNTP schema, naming the field', async () => {
    const credential = JSON.parse(readFileSync(file('dpp.json'), 'utf8'));
    delete credential.issuer.name;
    const kid = JSON.parse(readFileSync(file('did.json'), 'utf8')).verificationMethod[0].id as string;
    writeFileSync(file('broken.jwt'), signCredential(credential, deploymentKey(), kid));
    const run = await cli(['verify-credential', file('broken.jwt'), '--did-document', file('did.json')], env);
    expect(run.code).toBe(1);
    expect(run.out).toContain('FAILED: the signature verifies, but the credential breaks its UNTP 0.6.0 schema:');
    expect(run.out).toContain("/issuer: must have required property 'name'");
  });

  it('explains unusable inputs: usage (exit 2), missing or malformed files (exit 1)', async () => {
    writeFileSync(file('not-json.json'), 'nope');
    const cases: Array<{ args: string[]; code: number; err: RegExp }> = [
      { args: ['verify-credential'], code: 2, err: /the credential file is required/ },
      { args: ['verify-credential', file('dpp.jwt'), '--bogus'], code: 2, err: /unknown option --bogus/ },
      {
        args: ['verify-credential', file('missing.jwt'), '--did-document', file('did.json')],
        code: 1,
        err: /cannot read credential .*missing\.jwt: no such file/,
      },
      {
        args: ['verify-credential', file('dpp.jwt'), '--did-document', file('not-json.json')],
        code: 1,
        err: /DID document .*not-json\.json is not JSON/,
      },
      {
        args: ['verify-credential', file('dpp.jwt'), '--did-document', file('did.json'), '--schemas', dir],
        code: 1,
        err: /cannot read schema/,
      },
    ];
    for (const { args, code, err } of cases) {
      const run = await cli(args, env);
      expect({ args, code: run.code }).toEqual({ args, code });
      expect(run.err).toMatch(err);
    }
    const notJws = await cli(['verify-credential', file('dpp.json'), '--did-document', file('did.json')], env);
    expect({ code: notJws.code, out: notJws.out }).toEqual({
      code: 1,
      out: 'FAILED: not a compact JWS (header.payload.signature)',
    });
  });

  it('prints its usage with --help and is listed by kierto help', async () => {
    const help = await cli(['verify-credential', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.out).toContain('usage: kierto verify-credential <credential.jwt> [--did-document <did.json>]');
    expect((await cli(['help'], env)).out).toMatch(/verify-credential\s+check a UNTP credential/);
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  didDocument,
  publicJwkOf,
  signCertificate,
  verificationMethodId,
  type SanitisationCertificate,
} from '#kierto/interop';
import { cli } from './testing/audit-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kierto-verify-certificate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string): string => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};

const did = 'did:web:dpp.example.org';
const deployment = generateKeyPairSync('ed25519').privateKey;
const stranger = generateKeyPairSync('ed25519').privateKey;
const didJson = file('did.json', JSON.stringify(didDocument(did, 'k1', publicJwkOf(deployment))));
const certificate: SanitisationCertificate = {
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential', 'DataSanitisationCertificate'],
  id: 'urn:kierto:sanitisation-certificate:test',
  issuer: did,
  validFrom: '2026-12-01T00:00:00.000Z',
  credentialSubject: {
    scope: {
      kind: 'erasure-report',
      reportId: 'sha256-00',
      importedBy: 'centre',
      importedAt: '2026-12-01T00:00:00Z',
      unmatchedMedia: [],
    },
    wipes: [],
    allErasedAndVerified: false,
    erasedOn: null,
  },
};
const kid = verificationMethodId(did, 'k1');

describe('kierto verify-certificate', () => {
  it('verifies a certificate signed with the DID document’s key (exit 0), naming what it covers', async () => {
    const path = file('good.json', JSON.stringify(signCertificate(certificate, deployment, kid)));
    const run = await cli(['verify-certificate', path, '--did-document', didJson], {});
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toBe(
      `verified: urn:kierto:sanitisation-certificate:test for erasure report sha256-00, issued by ${did}, signed by ${kid}; NOT every device erased and verified`,
    );
  });

  it('fails (exit 1) on a certificate signed with another key, or a file that is not one', async () => {
    const forged = file('forged.json', JSON.stringify(signCertificate(certificate, stranger, kid)));
    expect(await cli(['verify-certificate', forged, '--did-document', didJson], {})).toMatchObject({
      code: 1,
      out: `FAILED: the signature does not verify with ${kid}`,
    });
    expect(await cli(['verify-certificate', file('text.json', 'hello'), '--did-document', didJson], {})).toMatchObject({
      code: 1,
      out: 'FAILED: the file is not JSON',
    });
    expect(
      await cli(['verify-certificate', file('other.json', '{"a":1}'), '--did-document', didJson], {}),
    ).toMatchObject({
      code: 1,
      out: 'FAILED: not a signed certificate: {certificate, proof: {jws}} expected',
    });
  });

  it('answers usage errors with exit 2', async () => {
    expect((await cli(['verify-certificate'], {})).code).toBe(2);
    expect((await cli(['verify-certificate', 'a.json', 'b.json'], {})).code).toBe(2);
    expect((await cli(['verify-certificate', 'a.json', '--did'], {})).code).toBe(2);
  });
});

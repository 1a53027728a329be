import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { didDocument, publicJwkOf, verificationMethodId } from '#kierto/interop';
import { parseBlanccoXml } from './blancco.js';
import {
  certificateSummary,
  signCertificate,
  verifySignedCertificate,
  type CertifiedWipe,
  type SanitisationCertificate,
} from './certificate.js';
import { parseErasureCsv } from './csv-report.js';
import { parseNwipeLog } from './nwipe.js';
import { combinedWipe, ErasureReportError, reportIdOf, type ErasedMedium } from './report.js';
import { parseXml } from './xml.js';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'erasure');
const fixture = (name: string): string => new TextDecoder().decode(readFileSync(join(FIXTURES, name)));

function refusal(run: () => unknown): ErasureReportError {
  try {
    run();
  } catch (error) {
    if (error instanceof ErasureReportError) return error;
    throw error;
  }
  throw new Error('expected an ErasureReportError');
}

describe('nwipe log (real logs of nwipe 0.33 on a loop device)', () => {
  it('reads a verified zero fill: tool, method, capacity, times; the loop device serial is garbage, so none', () => {
    const report = parseNwipeLog(fixture('nwipe-0.33-loop-zero-verified.log'), '+02:00');
    expect(report.tool).toEqual({ name: 'nwipe', version: '0.33' });
    expect(report.media).toEqual([
      {
        index: 0,
        make: null,
        model: 'Loopback device',
        serialNumber: null,
        capacityGb: 0.008,
        type: 'other',
        method: 'clear',
        technique: 'overwrite',
        methodName: 'Fill With Zeros',
        verification: 'full',
        verified: true,
        result: 'passed',
        startedAt: '2026-12-06T22:59:11+02:00',
        finishedAt: '2026-12-06T22:59:13+02:00',
        host: null,
      },
    ]);
  });

  it('reads a failed verification as a failed, unverified medium', () => {
    const [medium] = parseNwipeLog(fixture('nwipe-0.33-loop-verify-zero-failed.log')).media;
    expect(medium).toMatchObject({
      methodName: 'Verify Zeros (0x00)',
      result: 'failed',
      verified: false,
      serialNumber: null,
    });
  });

  it('reads the model and serial of a Found line whose model holds commas', () => {
    const log = [
      '[2026/12/01 10:00:00]  notice:   banner   = nwipe 0.34',
      '[2026/12/01 10:00:00]  notice:   method   = DoD Short',
      '[2026/12/01 10:00:00]  notice:   verify   = 0 (off)',
      '[2026/12/01 10:00:00]  notice: Found /dev/sda, ATA , WDC, WD10EZEX-08W, 1000 GB, S/N=WD-WCC6Y1234567',
      '********************************* Drive Status *********************************',
      '       sda | Erased |  150 MB/s | 01:50:00 | WDC, WD10EZEX-08W/WD-WCC6Y1234567',
      '[2026/12/01 11:50:00]    info: Nwipe successfully completed.',
    ].join('\n');
    const [medium] = parseNwipeLog(log).media;
    expect(medium).toMatchObject({
      model: 'WDC, WD10EZEX-08W',
      serialNumber: 'WD-WCC6Y1234567',
      capacityGb: 1000,
      verification: 'none',
      verified: false,
      result: 'passed',
    });
  });

  it('refuses text that is not an nwipe log, and a log without drives', () => {
    expect(refusal(() => parseNwipeLog('hello')).code).toBe('NWIPE_NOT_A_LOG');
    const noDrives =
      '[2026/12/01 10:00:00]  notice:   banner   = nwipe 0.34\n[2026/12/01 10:00:00]  notice:   method   = DoD Short';
    expect(refusal(() => parseNwipeLog(noDrives)).code).toBe('REPORT_HAS_NO_MEDIA');
    const oddSize = fixture('nwipe-0.33-loop-zero-verified.log').replace('  8 MB, S/N=', ' eight, S/N=');
    expect(refusal(() => parseNwipeLog(oddSize))).toMatchObject({ code: 'INVALID_REPORT_VALUE', field: '/dev/loop0' });
  });
});

describe('Blancco-style XML', () => {
  it('reads the tool, report id, host computer and each drive', () => {
    const report = parseBlanccoXml(fixture('blancco-style-two-drives.xml'));
    expect(report.tool).toEqual({ name: 'Blancco Drive Eraser', version: '7.11.0' });
    expect(report.toolReportId).toBe('BX-2026-000417');
    expect(
      report.media.map((medium) => [medium.serialNumber, medium.method, medium.technique, medium.verification]),
    ).toEqual([
      ['S4DXNF0M812345', 'purge', 'block-erase', 'full'],
      ['WX41A87E3321', 'clear', 'overwrite', 'sampling'],
    ]);
    expect(report.media[0]).toMatchObject({
      make: 'Samsung',
      type: 'nvme',
      capacityGb: 256.060514304,
      host: { deviceId: null, manufacturer: 'Lenovo', serialNumber: 'PF1KQ2ZX' },
    });
  });

  it('refuses a DOCTYPE (XXE), unknown entities and malformed XML', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><root>&x;</root>';
    expect(refusal(() => parseBlanccoXml(xxe)).code).toBe('XML_DTD_REFUSED');
    expect(refusal(() => parseXml('<root>&nbsp;</root>')).code).toBe('XML_INVALID');
    expect(refusal(() => parseXml('<root><a></root>')).code).toBe('XML_INVALID');
    expect(refusal(() => parseXml('<root/><root/>')).code).toBe('XML_INVALID');
    expect(refusal(() => parseXml('<root>text</root> after')).code).toBe('XML_INVALID');
  });

  it('reads entities, CDATA and attributes strictly', () => {
    const root = parseXml(`<r a='1' b="&lt;2&#x3e;"><![CDATA[<x>]]>&amp;</r>`);
    expect(root).toEqual({ name: 'r', attributes: { a: '1', b: '<2>' }, children: [], text: '<x>&' });
  });

  it('refuses a report without software, and a bad verification', () => {
    expect(refusal(() => parseBlanccoXml('<root/>')).code).toBe('REPORT_NAMES_NO_TOOL');
    const bad = fixture('blancco-style-two-drives.xml').replace('>Full<', '>Thorough<');
    const noCapacity = fixture('blancco-style-two-drives.xml').replace('>256060514304<', '><');
    expect(refusal(() => parseBlanccoXml(noCapacity))).toMatchObject({
      code: 'INVALID_REPORT_VALUE',
      field: 'erasure[0].target.capacity',
    });
    expect(refusal(() => parseBlanccoXml(bad))).toMatchObject({
      code: 'INVALID_REPORT_VALUE',
      field: 'erasure[0].verification',
    });
  });
});

describe('generic erasure CSV', () => {
  it('reads one medium per row', () => {
    const report = parseErasureCsv(fixture('generic-erasure.csv'));
    expect(report.tool).toEqual({ name: 'ShredOS', version: '2024.02.2' });
    expect(report.media[0]).toMatchObject({
      serialNumber: 'S4DXNF0M812345',
      method: 'purge',
      technique: 'crypto-erase',
      verified: true,
    });
  });

  it('refuses unknown and missing columns, bad values and mixed tools, naming line and column', () => {
    expect(refusal(() => parseErasureCsv('tool,colour\n'))).toMatchObject({
      code: 'CSV_UNKNOWN_COLUMN',
      field: 'colour',
    });
    expect(refusal(() => parseErasureCsv('tool\nx\n'))).toMatchObject({
      code: 'CSV_MISSING_COLUMN',
      field: 'tool_version',
    });
    const header = 'tool,tool_version,drive_serial,capacity_gb,method,verification,result\n';
    expect(refusal(() => parseErasureCsv(`${header}t,1,S1,256,wipe,full,passed\n`))).toMatchObject({
      code: 'INVALID_REPORT_VALUE',
      field: 'line 2: method',
    });
    expect(
      refusal(() => parseErasureCsv(`${header}t,1,S1,256,clear,full,passed\nu,1,S2,256,clear,full,passed\n`)),
    ).toMatchObject({
      code: 'CSV_MIXED_TOOLS',
      field: 'line 3: tool',
    });
    expect(refusal(() => parseErasureCsv(header)).code).toBe('REPORT_HAS_NO_MEDIA');
    expect(refusal(() => parseErasureCsv(`${header}t,1,S1,,clear,full,passed\n`))).toMatchObject({
      code: 'INVALID_REPORT_VALUE',
      field: 'line 2: capacity_gb',
    });
  });
});

describe('one wipe per device from its media', () => {
  const medium = (overrides: Partial<ErasedMedium>): ErasedMedium => ({
    ...parseErasureCsv(fixture('generic-erasure.csv')).media[0]!,
    ...overrides,
  });

  it('claims the weakest method and verification, and passes only when every medium passed verified', () => {
    expect(
      combinedWipe([
        medium({ method: 'purge' }),
        medium({ method: 'clear', technique: 'overwrite', verification: 'sampling' }),
      ]),
    ).toEqual({
      method: 'clear',
      technique: 'overwrite',
      verification: { method: 'sampling', verified: true },
      result: 'passed',
    });
    expect(combinedWipe([medium({}), medium({ result: 'failed', verified: false })]).result).toBe('failed');
  });

  it('names a report by its bytes', () => {
    expect(reportIdOf(Buffer.from('a'))).toBe(reportIdOf(Buffer.from('a')));
    expect(reportIdOf(Buffer.from('a'))).not.toBe(reportIdOf(Buffer.from('b')));
  });
});

describe('signed certificate', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const did = 'did:web:kierto.example';
  const kid = verificationMethodId(did, 'k1');
  const document = didDocument(did, 'k1', publicJwkOf(privateKey));
  const wipe: CertifiedWipe = {
    eventId: 'e1',
    deviceId: 'mfr:lenovo:PF1',
    occurredAt: '2026-11-30T08:14:51.000Z',
    recordedAt: '2026-12-01T08:00:00.000Z',
    recordedBy: 'reuse-centre',
    standard: 'NIST SP 800-88',
    method: 'purge',
    technique: 'block-erase',
    tool: { name: 'Blancco Drive Eraser', version: '7.11.0' },
    verification: { method: 'full', verified: true },
    result: 'passed',
    evidence: 'erasure-report:sha256-00',
    media: [{ make: 'Samsung', model: 'M', serialNumber: 'S4', type: 'nvme', capacityGb: 256, result: 'passed' }],
  };
  const certificate: SanitisationCertificate = {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiableCredential', 'DataSanitisationCertificate'],
    id: 'urn:test',
    issuer: did,
    validFrom: '2026-12-01T00:00:00Z',
    credentialSubject: {
      scope: {
        kind: 'device',
        deviceId: wipe.deviceId,
        manufacturer: 'Lenovo',
        brand: null,
        model: null,
        serialNumber: 'PF1',
      },
      wipes: [wipe],
      ...certificateSummary([wipe]),
    },
  };
  const file = JSON.stringify(signCertificate(certificate, privateKey, kid), null, 2);

  it('verifies offline against the DID document, and fails after any one changed byte of content', () => {
    expect(verifySignedCertificate(file, document)).toMatchObject({ ok: true, kid });
    const changed = file.replace('"S4"', '"S5"');
    expect(changed).not.toBe(file);
    expect(verifySignedCertificate(changed, document)).toEqual({
      ok: false,
      reason: 'the certificate shown differs from the one signed',
    });
    const jwsAt = file.indexOf('"jws": "') + 20;
    const flipped = `${file.slice(0, jwsAt)}${file[jwsAt] === 'A' ? 'B' : 'A'}${file.slice(jwsAt + 1)}`;
    expect(verifySignedCertificate(flipped, document).ok).toBe(false);
  });

  it('says whether everything was erased and verified, and when', () => {
    expect(certificateSummary([wipe])).toEqual({ allErasedAndVerified: true, erasedOn: '2026-11-30' });
    expect(
      certificateSummary([wipe, { ...wipe, occurredAt: '2026-12-01T00:00:00Z', result: 'failed' }])
        .allErasedAndVerified,
    ).toBe(false);
    expect(certificateSummary([])).toEqual({ allErasedAndVerified: false, erasedOn: null });
  });
});

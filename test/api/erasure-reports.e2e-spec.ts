import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { cli } from '../../apps/cli/src/commands/testing/audit-cli.js';
import { Lifecycle, idOf, productOf } from '../support/lifecycle.js';
import { onEachStore, type StoreSuite } from '../support/on-each-store.js';
import { bytes } from '../support/pdf.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

const PUBLIC_URL = 'https://dpp.example.org';
const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'erasure');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const dir = mkdtempSync(join(tmpdir(), 'kierto-erasure-'));

/** The laptop the Blancco-style report names (system manufacturer + serial). */
const LENOVO = productOf({
  manufacturer: 'Lenovo',
  serialNumber: 'PF1KQ2ZX',
  weeeCategory: 6,
  weightKg: 1.6,
  hasDataStorage: true,
});
/** A laptop whose drive nwipe could not read a serial of: a person names it. */
const DELL = productOf({
  manufacturer: 'Dell',
  serialNumber: 'DL-7H2K9',
  weeeCategory: 6,
  weightKg: 1.9,
  hasDataStorage: true,
});
const LENOVO_ID = idOf(LENOVO);
const DELL_ID = idOf(DELL);

let app: TestApp;
let centre: Client;

function post(path: string, type: string, body: Buffer | string): request.Test {
  return centre.post(path).set('Content-Type', type).send(body);
}

/** The same suite on the embedded store and, when a server is reachable, on PostgreSQL (the erasure store's and the events'). */
const erasureSuite: StoreSuite = (label, describeOn, config, cleanUp) => {
  describeOn(label, () => {
    beforeAll(async () => {
      rmSync(join(dir, 'data'), { recursive: true, force: true });
      app = await startTestApp({ publicUrl: PUBLIC_URL, dataDir: join(dir, 'data'), ...config() });
      centre = app.as('reuse-centre', 'collector', 'refurbisher');
      const life = new Lifecycle(centre);
      await life.collectNew(LENOVO, '2026-11-02T08:00:00Z', 'FI');
      await life.collectNew(DELL, '2026-11-02T08:05:00Z', 'FI');
    });
    afterAll(async () => {
      await app.close();
      await cleanUp();
    });

    describe('POST /erasure-reports', () => {
      let blanccoReportId = '';

      it('imports a Blancco-style XML report: both drives of the named laptop become one wipe on it', async () => {
        const response = await post(
          '/erasure-reports',
          'application/xml',
          fixture('blancco-style-two-drives.xml'),
        ).expect(201);
        blanccoReportId = response.body.reportId;
        expect(response.body).toMatchObject({
          replayed: false,
          format: 'blancco-xml',
          tool: { name: 'Blancco Drive Eraser', version: '7.11.0' },
          toolReportId: 'BX-2026-000417',
        });
        expect(
          response.body.media.map((medium: { serialNumber: string; deviceId: string }) => [
            medium.serialNumber,
            medium.deviceId,
          ]),
        ).toEqual([
          ['S4DXNF0M812345', LENOVO_ID],
          ['WX41A87E3321', LENOVO_ID],
        ]);
        const events = (await app.api.get(`/devices/${encodeURIComponent(LENOVO_ID)}/events`).expect(200)).body.events;
        const wipes = events.filter((event: { type: string }) => event.type === 'DeviceDataWiped');
        expect(wipes).toHaveLength(1);
        expect(wipes[0].eventId).toBe(response.body.media[0].eventId);
        expect(wipes[0].actor.organisationId).toBe('reuse-centre');
        expect(wipes[0].data).toMatchObject({
          method: 'clear', // the weaker of the two drives' (purge, clear)
          verification: { method: 'sampling', verified: true },
          result: 'passed',
          certificateId: `erasure-report:${blanccoReportId}`,
          media: [
            { type: 'nvme', serialNumber: 'S4DXNF0M812345', result: 'passed' },
            { type: 'hdd', serialNumber: 'WX41A87E3321', result: 'passed' },
          ],
        });
        // The last drive's end time, as the report wrote it.
        expect(wipes[0].occurredAt).toBe('2026-11-30T10:02:13+02:00');
      });

      it('imports nothing twice: the same report again answers 200 with the same events', async () => {
        const again = await post('/erasure-reports', 'text/xml', fixture('blancco-style-two-drives.xml')).expect(200);
        expect(again.body).toMatchObject({ reportId: blanccoReportId, replayed: true });
        const events = (await app.api.get(`/devices/${encodeURIComponent(LENOVO_ID)}/events`).expect(200)).body.events;
        expect(events.filter((event: { type: string }) => event.type === 'DeviceDataWiped')).toHaveLength(1);
      });

      it('matches a later report by drive serial alone (the drive register), and queues a drive it does not know', async () => {
        const response = await post('/erasure-reports', 'text/csv', fixture('generic-erasure.csv')).expect(201);
        const [known, unknown] = response.body.media;
        expect(known).toMatchObject({ serialNumber: 'S4DXNF0M812345', deviceId: LENOVO_ID, unmatched: null });
        expect(unknown).toMatchObject({ serialNumber: '50026B7782AB01', deviceId: null, eventId: null });
        expect(unknown.unmatched.reason).toMatch(/^NO_MATCH: drive 50026B7782AB01/);
      });

      it('queues the drive of a real nwipe log (the loop device has no readable serial), and a person resolves it', async () => {
        const response = await post(
          '/erasure-reports',
          'text/plain',
          fixture('nwipe-0.33-loop-zero-verified.log'),
        ).expect(201);
        expect(response.body).toMatchObject({ format: 'nwipe', tool: { name: 'nwipe', version: '0.33' } });
        const [medium] = response.body.media;
        expect(medium).toMatchObject({ serialNumber: null, model: 'Loopback device', deviceId: null });

        const queue = (await centre.get('/erasure-reports/unmatched').expect(200)).body.items;
        expect(queue.map((item: { id: string }) => item.id)).toContain(medium.unmatched.id);
        const otherCentre = app.as('other-centre', 'refurbisher');
        expect((await otherCentre.get('/erasure-reports/unmatched').expect(200)).body.items).toEqual([]);

        const resolved = await centre
          .post(`/erasure-reports/unmatched/${medium.unmatched.id}/resolution`)
          .send({ deviceId: DELL_ID })
          .expect(201);
        expect(resolved.body).toMatchObject({ deviceId: DELL_ID, replayed: false });
        const events = (await app.api.get(`/devices/${encodeURIComponent(DELL_ID)}/events`).expect(200)).body.events;
        const wipe = events.find((event: { type: string }) => event.type === 'DeviceDataWiped');
        expect(wipe.data).toMatchObject({
          tool: { name: 'nwipe', version: '0.33' },
          method: 'clear',
          technique: 'overwrite',
          verification: { method: 'full', verified: true },
          media: [{ type: 'other', serialNumber: 'unreadable', capacityGb: 0.008, result: 'passed' }],
          result: 'passed',
        });
        expect(
          (await centre.get('/erasure-reports/unmatched').expect(200)).body.items.map(
            (item: { id: string }) => item.id,
          ),
        ).not.toContain(medium.unmatched.id);
        // The same resolution again changes nothing; another device is a conflict.
        const again = await centre
          .post(`/erasure-reports/unmatched/${medium.unmatched.id}/resolution`)
          .send({ deviceId: DELL_ID })
          .expect(201);
        expect(again.body).toMatchObject({ eventId: resolved.body.eventId, replayed: true });
        const conflict = await centre
          .post(`/erasure-reports/unmatched/${medium.unmatched.id}/resolution`)
          .send({ deviceId: LENOVO_ID })
          .expect(409);
        expect(conflict.body.error.code).toBe('ALREADY_RESOLVED');
      });

      it('records a failed nwipe verification as a failed wipe on the device the queue names', async () => {
        const response = await post(
          '/erasure-reports',
          'text/plain',
          fixture('nwipe-0.33-loop-verify-zero-failed.log'),
        ).expect(201);
        const id = response.body.media[0].unmatched.id as string;
        await centre.post(`/erasure-reports/unmatched/${id}/resolution`).send({ deviceId: LENOVO_ID }).expect(201);
        const events = (await app.api.get(`/devices/${encodeURIComponent(LENOVO_ID)}/events`).expect(200)).body.events;
        expect(events.at(-1).data).toMatchObject({
          result: 'failed',
          verification: { method: 'full', verified: false },
        });
      });

      describe('refusals', () => {
        it.each([
          ['an unknown media type', 'application/pdf', 'x', 415, 'UNSUPPORTED_MEDIA_TYPE', undefined],
          ['JSON', 'application/json', '{}', 415, 'UNSUPPORTED_MEDIA_TYPE', undefined],
          ['text that is not an nwipe log', 'text/plain', 'hello', 400, 'NWIPE_NOT_A_LOG', '(body)'],
          [
            'XML with a DOCTYPE (XXE)',
            'application/xml',
            '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
            400,
            'XML_DTD_REFUSED',
            '(body)',
          ],
          ['malformed XML', 'application/xml', '<root><a></root>', 400, 'XML_INVALID', '(body)'],
          ['XML naming no tool', 'application/xml', '<root/>', 400, 'REPORT_NAMES_NO_TOOL', 'software'],
          ['a CSV with an unknown column', 'text/csv', 'tool,colour\n', 400, 'CSV_UNKNOWN_COLUMN', 'colour'],
          [
            'a CSV with a bad value',
            'text/csv',
            'tool,tool_version,drive_serial,capacity_gb,method,verification,result\nt,1,S,1,wipe,full,passed\n',
            400,
            'INVALID_REPORT_VALUE',
            'line 2: method',
          ],
          ['a CSV with an unclosed quote', 'text/csv', 'tool,"x\n', 400, 'CSV_UNCLOSED_QUOTE', '(body)'],
        ])('%s (%s)', async (_name, type, body, status, code, field) => {
          const head = await app.store.headPosition();
          const queue = (await centre.get('/erasure-reports/unmatched').expect(200)).body.items;
          const response = await post('/erasure-reports', type, body).expect(status);
          expect(response.body.error.code).toBe(code);
          if (field !== undefined)
            expect(response.body.error.fields).toEqual([expect.objectContaining({ field, code })]);
          // A refused report records nothing: no event, nothing queued.
          expect(await app.store.headPosition()).toBe(head);
          expect((await centre.get('/erasure-reports/unmatched').expect(200)).body.items).toEqual(queue);
        });

        it('refuses an empty report, invalid UTF-8 XML and a bad utcOffset', async () => {
          expect((await post('/erasure-reports', 'text/plain', '').expect(400)).body.error.code).toBe('REPORT_EMPTY');
          const latin1 = Buffer.from([0x3c, 0x72, 0x3e, 0xe9, 0x3c, 0x2f, 0x72, 0x3e]);
          expect((await post('/erasure-reports', 'application/xml', latin1).expect(400)).body.error.code).toBe(
            'INVALID_UTF8',
          );
          const offset = await post(
            '/erasure-reports?utcOffset=CET',
            'text/plain',
            fixture('nwipe-0.33-loop-zero-verified.log'),
          ).expect(400);
          expect(offset.body.error.fields[0].field).toBe('utcOffset');
        });

        it('queues the media of a report naming a device Kierto does not know, with the refusal as the reason', async () => {
          const csv =
            'tool,tool_version,device_manufacturer,device_serial,drive_serial,capacity_gb,method,verification,result\n' +
            'ShredOS,1,Acer,NOT-COLLECTED,SER-404,128,clear,full,passed\n';
          const response = await post('/erasure-reports', 'text/csv', csv).expect(201);
          expect(response.body.media[0].unmatched.reason).toMatch(/^DEVICE_NOT_FOUND/);
        });

        it('answers 403 to a role that does not wipe, 404 to a medium not in the queue, 400 to a bad device id', async () => {
          const collector = app.as('collector-only', 'collector');
          expect(
            (await collector.post('/erasure-reports').set('Content-Type', 'text/csv').send('x').expect(403)).body.error
              .code,
          ).toBe('FORBIDDEN');
          expect((await collector.get('/erasure-reports/unmatched').expect(403)).body.error.code).toBe('FORBIDDEN');
          const missing = await centre
            .post('/erasure-reports/unmatched/nope/resolution')
            .send({ deviceId: DELL_ID })
            .expect(404);
          expect(missing.body.error.code).toBe('UNMATCHED_MEDIUM_NOT_FOUND');
          const bad = await centre
            .post('/erasure-reports/unmatched/nope/resolution')
            .send({ deviceId: 'laptop' })
            .expect(400);
          expect(bad.body.error).toMatchObject({
            code: 'INVALID_DEVICE_ID',
            fields: [expect.objectContaining({ field: 'deviceId' })],
          });
          const unknownField = await centre
            .post('/erasure-reports/unmatched/nope/resolution')
            .send({ deviceId: DELL_ID, note: 1 })
            .expect(400);
          expect(unknownField.body.error.code).toBe('VALIDATION_FAILED');
          expect((await centre.get('/erasure-reports/sha256-00').expect(404)).body.error.code).toBe('REPORT_NOT_FOUND');
        });
      });
    });

    describe('data sanitisation certificates', () => {
      it("a device's certificate verifies offline with kierto verify-certificate, and fails after one changed byte", async () => {
        const certificate = await centre
          .get(`/devices/${encodeURIComponent(LENOVO_ID)}/sanitisation-certificate`)
          .expect(200);
        expect(certificate.body.certificate).toMatchObject({
          type: ['VerifiableCredential', 'DataSanitisationCertificate'],
          issuer: 'did:web:dpp.example.org',
          credentialSubject: {
            scope: { kind: 'device', deviceId: LENOVO_ID, manufacturer: 'Lenovo', serialNumber: 'PF1KQ2ZX' },
          },
        });
        const first = certificate.body.certificate.credentialSubject.wipes[0];
        expect(first.media[0]).toMatchObject({ make: 'Samsung', model: 'MZ-VLB256B', serialNumber: 'S4DXNF0M812345' });
        // The failed nwipe verification is the Lenovo's latest wipe: not everything is erased and verified.
        expect(certificate.body.certificate.credentialSubject.allErasedAndVerified).toBe(false);

        const did = (await request(app.http).get('/.well-known/did.json').expect(200)).body;
        writeFileSync(join(dir, 'did.json'), JSON.stringify(did));
        const file = join(dir, 'certificate.json');
        writeFileSync(file, certificate.text);
        const ok = await cli(['verify-certificate', file, '--did-document', join(dir, 'did.json')], {});
        expect(ok).toMatchObject({ code: 0, err: '' });
        expect(ok.out).toMatch(
          new RegExp(`^verified: urn:kierto:sanitisation-certificate:\\w+ for device ${LENOVO_ID}`),
        );

        const at = certificate.text.indexOf('S4DXNF0M812345');
        writeFileSync(file, `${certificate.text.slice(0, at)}X${certificate.text.slice(at + 1)}`);
        const tampered = await cli(['verify-certificate', file, '--did-document', join(dir, 'did.json')], {});
        expect(tampered).toMatchObject({ code: 1, out: 'FAILED: the certificate shown differs from the one signed' });
      });

      it('the Dell, wiped once and verified: data erased on the day of the nwipe run; the PDF on Accept: application/pdf', async () => {
        const path = `/devices/${encodeURIComponent(DELL_ID)}/sanitisation-certificate`;
        const json = await centre.get(path).expect(200);
        expect(json.body.certificate.credentialSubject).toMatchObject({
          allErasedAndVerified: true,
          erasedOn: '2026-12-06',
        });
        const pdf = await bytes(centre.get(path).set('Accept', 'application/pdf')).expect(200);
        expect(pdf.headers['content-type']).toBe('application/pdf');
        expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      });

      it('the repairer and authority views of the passport link to the certificate; the public view does not', async () => {
        const events = (await app.api.get(`/devices/${encodeURIComponent(LENOVO_ID)}/events`).expect(200)).body.events;
        const minPosition = events.at(-1).globalPosition as number;
        const path = `/passports/${encodeURIComponent(LENOVO_ID)}?minPosition=${minPosition}`;
        const link = `</devices/${encodeURIComponent(LENOVO_ID)}/sanitisation-certificate>; rel="related"`;
        const repairer = await centre.get(path).expect(200);
        expect(repairer.headers['kierto-passport-view']).toBe('repairer');
        expect(repairer.headers['link']).toContain(link);
        const authority = await app.api.get(`${path}&view=authority`).expect(200);
        expect(authority.headers['link']).toContain(link);
        const anonymous = await request(app.http).get(path).set('Accept', 'application/json').expect(200);
        expect(anonymous.headers['link'] ?? '').not.toContain('sanitisation-certificate');
        // The public view says when the data was erased and whether it was verified, never the media.
        expect(anonymous.body.dataSanitisation.records[0]).toMatchObject({
          occurredAt: '2026-11-30T10:02:13+02:00',
          verification: { verified: true },
        });
        expect(anonymous.body.dataSanitisation.records[0].media).toBeUndefined();
      });

      it("a report's certificate (the batch) covers its wipes and lists what still waits", async () => {
        const csv = await post('/erasure-reports', 'text/csv', fixture('generic-erasure.csv')).expect(200);
        const batch = await centre.get(csv.body.certificate).expect(200);
        const subject = batch.body.certificate.credentialSubject;
        expect(subject.scope).toMatchObject({
          kind: 'erasure-report',
          reportId: csv.body.reportId,
          importedBy: 'reuse-centre',
        });
        expect(subject.wipes.map((wipe: { deviceId: string }) => wipe.deviceId)).toEqual([LENOVO_ID]);
        expect(subject.scope.unmatchedMedia).toEqual([expect.objectContaining({ serialNumber: '50026B7782AB01' })]);
      });

      it('refuses: no wipe recorded, an unknown device, a role without the repairer view, no public URL', async () => {
        const life = new Lifecycle(centre);
        const unwiped = productOf({
          manufacturer: 'HP',
          serialNumber: 'HP-1',
          weeeCategory: 6,
          weightKg: 2,
          hasDataStorage: true,
        });
        await life.collectNew(unwiped, '2026-11-03T08:00:00Z', 'FI');
        const none = await centre
          .get(`/devices/${encodeURIComponent(idOf(unwiped))}/sanitisation-certificate`)
          .expect(404);
        expect(none.body.error.code).toBe('NO_WIPE_RECORDED');
        const unknown = await centre.get('/devices/mfr:HP:NOPE/sanitisation-certificate').expect(404);
        expect(unknown.body.error.code).toBe('DEVICE_NOT_FOUND');
        const collector = app.as('collector-only', 'collector');
        await collector.get(`/devices/${encodeURIComponent(LENOVO_ID)}/sanitisation-certificate`).expect(403);

        const bare = await startTestApp();
        try {
          const response = await bare
            .as('r', 'refurbisher')
            .get(`/devices/${encodeURIComponent(LENOVO_ID)}/sanitisation-certificate`)
            .expect(503);
          expect(response.body.error.code).toBe('PUBLIC_URL_NOT_CONFIGURED');
        } finally {
          await bare.close();
        }
      });
    });
  });
};

onEachStore('kierto_api_erasure', erasureSuite);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

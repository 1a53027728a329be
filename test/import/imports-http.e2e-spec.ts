import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { datasetLines, type ImportLine } from '../../bench/dataset.js';
import type { ImportResponse } from '../../apps/api/src/import/imports.controller.js';
import { parseToken } from '#kierto/access';
import { deviceIdOf } from '#kierto/domain';
import { startTestApp, type TestApp } from '../support/test-app.js';

const MANUFACTURER = 'Import Test Oy';

/** POST /imports on the real application: streaming, the error report, and per-line permissions. */
describe('POST /imports', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  const ndjson = (lines: readonly (ImportLine | string)[]): string =>
    lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n');
  const post = (client: ReturnType<TestApp['as']>, body: string) =>
    client.post('/imports').set('Content-Type', 'application/x-ndjson').send(body);
  /** A placement line of the synthetic dataset, for another producer and serial number. */
  const placement = (producerId: string, serialNumber: string): ImportLine => {
    const template = [...datasetLines(1, 3)].find((line) => line.type === 'DevicePlacedOnMarket');
    const data = template?.data as { product: Record<string, unknown> };
    return {
      type: 'DevicePlacedOnMarket',
      occurredAt: '2025-02-01T00:00:00Z',
      data: { ...data, producerId, product: { ...data.product, manufacturer: MANUFACTURER, serialNumber } },
    };
  };

  it('streams the NDJSON body, answers the summary and the error rows, and records an admin as admin', async () => {
    const lines = [...datasetLines(10, 5)].map((line) => JSON.stringify(line));
    const response = await post(app.as('registry', 'admin'), [lines[0], '{oops', ...lines.slice(1)].join('\n'));
    expect(response.status).toBe(200);
    const answer = response.body as ImportResponse;
    expect(answer.summary).toMatchObject({
      lines: lines.length + 1,
      imported: lines.length,
      duplicates: 0,
      refused: 1,
    });
    expect(answer.errors).toEqual([
      { line: 2, deviceId: null, code: 'INVALID_JSON', field: '', message: expect.any(String) },
    ]);
    expect(answer.errorsTruncated).toBe(false);
    const [first] = await app.store.readAll(0, 1);
    const keyId = parseToken(await app.tokenOf('registry', 'admin'))?.keyId;
    expect(first?.actor).toEqual({ organisationId: 'registry', role: 'admin', keyId });
  });

  it('checks each line like its command: a collector imports collections, not placements', async () => {
    await post(app.as('maker-c', 'producer'), ndjson([placement('maker-c', 'C-1')])).expect(200);
    const head = await app.store.headPosition();
    const collection: ImportLine = {
      type: 'DeviceCollected',
      deviceId: deviceIdOf({ manufacturer: MANUFACTURER, serialNumber: 'C-1' }),
      occurredAt: '2025-06-01T00:00:00Z',
      data: {
        collectionPointId: 'point-9',
        channel: 'municipal',
        source: 'household',
        country: 'FI',
        condition: 'broken',
      },
    };
    const response = await post(
      app.as('sorting-centre', 'collector'),
      ndjson([placement('maker-c', 'C-2'), collection]),
    );
    expect(response.status).toBe(200);
    expect(response.body.summary).toMatchObject({ lines: 2, imported: 1, refused: 1 });
    expect(response.body.errors).toEqual([
      {
        line: 1,
        deviceId: deviceIdOf({ manufacturer: MANUFACTURER, serialNumber: 'C-2' }),
        code: 'FORBIDDEN',
        field: 'data.producerId',
        message: expect.stringContaining('sorting-centre'),
      },
    ]);
    const appended = await app.store.readAll(head, 10);
    expect(appended.map((event) => [event.type, event.actor.organisationId, event.actor.role])).toEqual([
      ['DeviceCollected', 'sorting-centre', 'collector'],
    ]);
  });

  it("lets a producer organisation import its members' placements, and nobody else's", async () => {
    await app
      .as('scheme', 'producer-organisation')
      .post('/producers/maker-m/memberships')
      .send({ organisationId: 'scheme', occurredAt: '2024-01-01T00:00:00Z' })
      .expect(201);
    const response = await post(
      app.as('scheme', 'producer-organisation'),
      ndjson([placement('maker-m', 'M-1'), placement('maker-n', 'N-1')]),
    );
    expect(response.body.summary).toMatchObject({ imported: 1, refused: 1 });
    expect(response.body.errors).toEqual([
      expect.objectContaining({ line: 2, code: 'FORBIDDEN', field: 'data.producerId' }),
    ]);
  });

  it('refuses callers without the import permission or a key, and bodies that are not NDJSON, appending nothing', async () => {
    const body = ndjson([...datasetLines(2, 11)]);
    const head = await app.store.headPosition();
    const auditor = await post(app.as('inspector', 'auditor'), body);
    expect({ status: auditor.status, code: auditor.body.error?.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const anonymous = await request(app.http).post('/imports').set('Content-Type', 'application/x-ndjson').send(body);
    expect({ status: anonymous.status, code: anonymous.body.error?.code }).toEqual({
      status: 401,
      code: 'MISSING_CREDENTIALS',
    });
    const json = await app.as('registry', 'admin').post('/imports').set('Content-Type', 'application/json').send('{}');
    expect({ status: json.status, code: json.body.error?.code }).toEqual({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    expect(await app.store.headPosition()).toBe(head);
  });
});

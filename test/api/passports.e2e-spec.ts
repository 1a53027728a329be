import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { hashEvent } from '#kierto/event-store';
import { validateDocument } from '#kierto/schemas';
import { Lifecycle, type Body, type Recorded } from '../support/lifecycle.js';
import { example, LAPTOP_ID, startTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;
let kierto: Lifecycle;
beforeAll(async () => {
  app = await startTestApp();
  kierto = new Lifecycle(app.api);
});
afterAll(async () => {
  await app.close();
});

function expectValidPassport(body: unknown): void {
  const validation = validateDocument('Passport', body);
  expect(validation.ok ? [] : validation.errors).toEqual([]);
}

describe('the passport of a device that lived two lives', () => {
  let last: Recorded;

  beforeAll(async () => {
    const post = async (path: string, body: Body): Promise<Recorded> => {
      const response = await app.api.post(path).send(body);
      expect(response.status).toBe(201);
      const event = response.body.events.at(-1);
      return { id: response.body.deviceId, position: event.globalPosition, recordedAt: event.recordedAt };
    };
    const device = `/devices/${LAPTOP_ID}`;
    await post('/devices', example('place-laptop-on-market'));
    await post(`${device}/collections`, example('collect-laptop'));
    await post(`${device}/repairs`, {
      occurredAt: '2026-06-03T10:00:00Z',
      problem: 'Battery swollen',
      actions: ['Replaced the battery'],
      partsReplaced: [{ name: 'battery 57 Wh', partNumber: 'BAT-57', condition: 'new' }],
      outcome: 'fixed',
      labourMinutes: 40,
      cost: { amount: 89, currency: 'EUR' },
    });
    await post(`${device}/data-wipes`, example('wipe-laptop'));
    last = await post(`${device}/resales`, example('resell-laptop'));
  });

  describe('views by role (docs/passport.md)', () => {
    const get = (client: { get(path: string): request.Test } | null, query: Record<string, string | number> = {}) =>
      (client === null
        ? request(app.http).get(`/passports/${LAPTOP_ID}`)
        : client.get(`/passports/${LAPTOP_ID}`)
      ).query({
        minPosition: last.position,
        ...query,
      });

    it('answers the public view without a key: no actors, prices, internal ids or certificates', async () => {
      const response = await get(null);
      expect({ status: response.status, view: response.headers['kierto-passport-view'] }).toEqual({
        status: 200,
        view: 'public',
      });
      expect(response.headers['etag']).toBe('"4-public"');
      expect(response.headers['vary']).toContain('Authorization');
      const validation = validateDocument('PassportPublic', response.body);
      expect(validation.ok ? [] : validation.errors).toEqual([]);
      const text = JSON.stringify(response.body);
      for (const hidden of [
        'producer-fi-0042',
        'test-refurbisher',
        'test-collector',
        'test-repairer',
        'WIPE-2026-000917',
        'NVME-7731',
        '"cost"',
        '"eventId"',
        '"hash"',
        '"revision"',
        '"recordedBy"',
      ]) {
        expect(text).not.toContain(hidden);
      }
      expect(response.body).toMatchObject({ deviceId: LAPTOP_ID, lives: 2, status: { lifecycle: 'in-use' } });
    });

    it('gives repairers and refurbishers the repairer view, recyclers the recycler view, auditors everything', async () => {
      const views = {
        repairer: await get(app.as('shop', 'repairer')),
        refurbisher: await get(app.as('refurb', 'refurbisher')),
        recycler: await get(app.as('smelter', 'recycler')),
        collector: await get(app.as('collector-x', 'collector')),
        auditor: await get(app.as('authority', 'auditor')),
      };
      expect(
        Object.fromEntries(
          Object.entries(views).map(([role, response]) => [role, response.headers['kierto-passport-view']]),
        ),
      ).toEqual({
        repairer: 'repairer',
        refurbisher: 'repairer',
        recycler: 'recycler',
        collector: 'public',
        auditor: 'authority',
      });
      for (const [document, response] of [
        ['PassportRepairer', views.repairer],
        ['PassportRecycler', views.recycler],
        ['Passport', views.auditor],
      ] as const) {
        const validation = validateDocument(document, response.body);
        expect(validation.ok ? [] : validation.errors).toEqual([]);
      }
      expect(JSON.stringify(views.repairer.body)).toContain('WIPE-2026-000917');
      expect(JSON.stringify(views.repairer.body)).not.toContain('"cost"');
      expect(views.auditor.body.repair.history[0].cost).toEqual({ amount: 89, currency: 'EUR' });
    });

    it('answers a narrower view on request, and refuses a richer one: 403 with a key, 401 without', async () => {
      const narrower = await get(app.as('authority', 'auditor'), { view: 'public' });
      expect({ status: narrower.status, view: narrower.headers['kierto-passport-view'] }).toEqual({
        status: 200,
        view: 'public',
      });
      const richer = await get(app.as('shop', 'repairer'), { view: 'authority' });
      expect({ status: richer.status, code: richer.body.error?.code, fields: richer.body.error?.fields }).toEqual({
        status: 403,
        code: 'FORBIDDEN',
        fields: [expect.objectContaining({ field: 'view' })],
      });
      const anonymous = await get(null, { view: 'repairer' });
      expect({ status: anonymous.status, code: anonymous.body.error?.code }).toEqual({
        status: 401,
        code: 'MISSING_CREDENTIALS',
      });
      const unknown = await get(null, { view: 'everything' });
      expect({ status: unknown.status, field: unknown.body.error?.fields?.[0]?.field }).toEqual({
        status: 400,
        field: 'view',
      });
    });
  });

  it('is served by device id, once the passports reach the position of the last command', async () => {
    const response = await app.api.get(`/passports/${LAPTOP_ID}`).query({ minPosition: last.position });
    expect(response.status).toBe(200);
    expect(response.headers['etag']).toBe('"4-authority"');
    expect(Number(response.headers['kierto-projection-checkpoint'])).toBeGreaterThanOrEqual(last.position);
    expectValidPassport(response.body);
    const passport = response.body;
    expect(passport).toMatchObject({
      deviceId: LAPTOP_ID,
      digitalLink: '/01/09506000134352/21/LAP-0001',
      revision: 4,
      globalPosition: last.position,
      identity: {
        manufacturer: 'Example Devices Oy',
        brand: 'Kestävä',
        model: 'K14 Laptop',
        gtin: '09506000134352',
        serialNumber: 'LAP-0001',
      },
      product: {
        weeeCategory: 2,
        weeeCategoryName: expect.stringContaining('Screens'),
        weightKg: 1.4,
        hasDataStorage: true,
        warrantyMonths: 24,
      },
      status: {
        lifecycle: 'in-use',
        holder: { kind: 'buyer', buyerType: 'consumer', since: example('resell-laptop')['occurredAt'] },
        lastRecordedBy: { organisationId: 'test-refurbisher', role: 'refurbisher', eventType: 'DeviceResold' },
      },
      lives: 2,
      placedOnMarket: { producerId: 'producer-fi-0042', country: 'FI', market: 'household' },
      repair: {
        information: { repairManualUrl: 'https://example.com/k14/repair', repairabilityClass: 'B' },
        history: [
          {
            problem: 'Battery swollen',
            outcome: 'fixed',
            barrier: null,
            ords: { repairStatus: 'Fixed', repairBarrier: null },
            partsReplaced: [{ name: 'battery 57 Wh', partNumber: 'BAT-57', condition: 'new' }],
            cost: { amount: 89, currency: 'EUR' },
          },
        ],
      },
      dataSanitisation: {
        dataBearing: true,
        // The resale is a handover: the next holder's data is not wiped yet.
        wipedSinceHandover: false,
        records: [{ result: 'passed', certificateId: example('wipe-laptop')['certificateId'] }],
      },
      materials: {
        criticalRawMaterials: [{ name: 'cobalt (battery)', massKg: 0.02 }],
        criticalRawMaterialsKg: 0.02,
        recycledContentKg: 0.272,
        hazardousSubstances: [{ name: 'lithium-ion battery', casNumber: null, massKg: null, location: 'battery bay' }],
      },
      carbonFootprint: { manufacturingKgCo2e: 210 },
      endOfLife: { recycling: null },
    });
  });

  it('carries the event history with the hashes of the log, which recompute', async () => {
    const passport = (await app.api.get(`/passports/${LAPTOP_ID}`).query({ minPosition: last.position })).body;
    const stored = (await app.api.get(`/devices/${LAPTOP_ID}/events`)).body.events;
    expect(passport.history.map((entry: Body) => entry['type'])).toEqual([
      'DevicePlacedOnMarket',
      'DeviceCollected',
      'DeviceRepaired',
      'DeviceDataWiped',
      'DeviceResold',
    ]);
    passport.history.forEach((entry: Body, index: number) => {
      const event = stored[index];
      expect(entry).toEqual({
        type: event.type,
        occurredAt: event.occurredAt,
        recordedAt: event.recordedAt,
        globalPosition: event.globalPosition,
        streamRevision: event.streamRevision,
        eventId: event.eventId,
        recordedBy: { organisationId: event.actor.organisationId, role: event.actor.role },
        hash: event.hash,
        prevHash: event.prevHash,
      });
      const { hash, ...unhashed } = event;
      expect(hashEvent(unhashed)).toBe(hash);
    });
  });

  it('is served by GS1 Digital Link path, with the GTIN in any of its lengths and the serial URL-encoded', async () => {
    const byId = (await app.api.get(`/passports/${LAPTOP_ID}`)).body;
    for (const path of ['/01/09506000134352/21/LAP-0001', '/01/9506000134352/21/LAP%2D0001']) {
      const response = await app.api.get(path);
      expect(response.status).toBe(200);
      expect(response.body).toEqual(byId);
    }
  });

  it('follows the device to the recycler: outputs, holder and final status', async () => {
    const phone = {
      manufacturer: 'Nordic Handsets Oy',
      brand: 'Nordic',
      model: 'N5',
      gtin: '6430012345679',
      serialNumber: 'SN42/7',
      weeeCategory: 6,
      weightKg: 0.19,
      yearOfManufacture: 2021,
      hasDataStorage: true,
      materials: [],
      hazardousSubstances: [],
      repairInformation: {},
    };
    const collected = await kierto.collectNew(phone, '2026-03-01T10:00:00Z', 'FI');
    await kierto.repair(collected.id, '2026-03-02T10:00:00Z', 'end-of-life');
    const recycled = await kierto.recycle(collected.id, '2026-03-05T10:00:00Z', 'EE', 0.19, [
      { material: 'copper', massKg: 0.02, fate: 'recycled' },
      { material: 'plastics', massKg: 0.05, fate: 'energy-recovery' },
    ]);
    const response = await app.api
      .get(`/01/06430012345679/21/${encodeURIComponent('SN42/7')}`)
      .query({ minPosition: recycled.position });
    expect(response.status).toBe(200);
    expectValidPassport(response.body);
    expect(response.body).toMatchObject({
      digitalLink: '/01/06430012345679/21/SN42%2F7',
      placedOnMarket: null,
      lives: 1,
      status: { lifecycle: 'recycled', holder: { kind: 'recycler', buyerType: null } },
      repair: {
        history: [
          { outcome: 'end-of-life', ords: { repairStatus: 'End of life', repairBarrier: 'Spare parts not available' } },
        ],
      },
      endOfLife: {
        recycling: {
          treatmentCountry: 'EE',
          weightKg: 0.19,
          outputs: [{ material: 'copper' }, { material: 'plastics' }],
        },
      },
      carbonFootprint: { manufacturingKgCo2e: null },
    });
  });
});

describe('passport errors', () => {
  it('answers 404 for a device Kierto does not know', async () => {
    const response = await app.api.get('/passports/gtin:09506000134352:NOPE');
    expect(response.status).toBe(404);
    expect(response.body.error).toMatchObject({ code: 'DEVICE_NOT_FOUND', status: 404 });
    expect((await app.api.get('/01/09506000134352/21/NOPE')).status).toBe(404);
  });

  it('refuses a malformed device id, GTIN or serial with 400 and the field', async () => {
    const cases: [string, string, string][] = [
      ['/passports/not-an-id', 'INVALID_DEVICE_ID', 'deviceId'],
      // A Digital Link's fields are its AIs (docs/digital-link.md): 01 the GTIN, 21 the serial.
      ['/01/09506000134353/21/LAP-0001', 'INVALID_GTIN', '01'],
      ['/01/12345/21/LAP-0001', 'INVALID_GTIN', '01'],
      [`/01/09506000134352/21/${'x'.repeat(21)}`, 'INVALID_SERIAL_NUMBER', '21'],
      [`/passports/${LAPTOP_ID}?minPosition=soon`, 'VALIDATION_FAILED', 'minPosition'],
      [`/passports/${LAPTOP_ID}?view=everything`, 'VALIDATION_FAILED', 'view'],
      [`/passports/${LAPTOP_ID}?colour=red`, 'VALIDATION_FAILED', 'colour'],
    ];
    for (const [path, code, field] of cases) {
      const response = await app.api.get(path);
      expect({
        path,
        status: response.status,
        code: response.body.error.code,
        fields: response.body.error.fields,
      }).toEqual({
        path,
        status: 400,
        code,
        fields: [expect.objectContaining({ field })],
      });
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Lifecycle, idOf, productOf, type Body, type Recorded } from '../support/lifecycle.js';
import { bytes, pdfTexts } from '../support/pdf.js';
import { StatisticsReader } from '../support/statistics-reader.js';
import { onEachStore, type StoreSuite } from '../support/on-each-store.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

/**
 * Lots and handovers (docs/adr/0026-lots-and-handovers.md, docs/intake.md "Receiving a pallet"): a
 * city hands a pallet of laptops to a reuse centre, which accepts it with the weighbridge's mass; a
 * second pallet is rejected; a recycling point collects a cage of small appliances by weight.
 */
let app: TestApp;
let city: Client;
let centre: Client;
let outsider: Client;
let head = 0;

const laptop = (serial: string, weightKg: number): Body =>
  productOf({ manufacturer: 'Lenovo', serialNumber: serial, weeeCategory: 6, weightKg, hasDataStorage: true });
const [L1, L2, L3, STRAY] = [laptop('LOT-1', 1.6), laptop('LOT-2', 1.6), laptop('LOT-3', 2.1), laptop('LOT-9', 1.4)];
const ids = { l1: idOf(L1), l2: idOf(L2), l3: idOf(L3), stray: idOf(STRAY) };

const track = (response: { body: { events?: { globalPosition: number }[] } }): void => {
  const last = response.body.events?.at(-1);
  if (last !== undefined) head = Math.max(head, last.globalPosition);
};

async function post(client: Client, path: string, body: Body): Promise<Body> {
  const response = await client.post(path).send(body);
  expect({ path, status: response.status, error: response.body.error }).toEqual({
    path,
    status: 201,
    error: undefined,
  });
  track(response);
  return response.body as Body;
}

/** The request is refused with this status, code and field, and the store holds exactly what it held before. */
async function refused(
  client: Client,
  path: string,
  body: Body,
  status: number,
  code: string,
  field?: string,
): Promise<void> {
  const before = await app.store.headPosition();
  const response = await client.post(path).send(body);
  expect({ status: response.status, code: response.body.error?.code }).toEqual({ status, code });
  if (field !== undefined) expect(response.body.error.fields?.[0]?.field).toBe(field);
  expect(await app.store.headPosition()).toBe(before);
}

/**
 * The city opens a pallet on 2 October, puts the devices on it and offers it to the centre; `lot` and
 * `handover` are the optional fields of the opening and of the offer.
 */
async function offerPallet(
  lotId: string,
  deviceIds: string[],
  handoverId: string,
  lot: Body = {},
  handover: Body = {},
): Promise<void> {
  await post(city, '/lots', {
    occurredAt: '2026-10-02T08:00:00Z',
    lotId,
    organisationId: 'org-city',
    kind: 'pallet',
    ...lot,
  });
  await post(city, `/lots/${lotId}/devices`, { occurredAt: '2026-10-02T08:10:00Z', deviceIds });
  await post(city, `/lots/${lotId}/handovers`, {
    occurredAt: '2026-10-02T09:00:00Z',
    handoverId,
    toOrganisationId: 'org-centre',
    ...handover,
  });
}

const pdfOf = async (client: Client, path: string): Promise<string> => {
  const response = await bytes(client.get(path)).expect(200);
  expect(response.headers['content-type']).toBe('application/pdf');
  return pdfTexts(response.body as Buffer).join('\n');
};

const passportOf = async (deviceId: string): Promise<Body> =>
  (
    await app.api
      .get(`/passports/${encodeURIComponent(deviceId)}`)
      .query({ minPosition: head })
      .expect(200)
  ).body as Body;

const stockIds = async (client: Client, query: Record<string, string | number> = {}): Promise<string[]> =>
  (
    (
      await client
        .get('/devices')
        .query({ minPosition: head, ...query })
        .expect(200)
    ).body.items as { deviceId: string }[]
  ).map((item) => item.deviceId);

const lotsSuite: StoreSuite = (label, describeOn, config, cleanUp) => {
  describeOn(label, () => {
    beforeAll(async () => {
      head = 0;
      app = await startTestApp(config());
      city = app.as('org-city', 'collector');
      centre = app.as('org-centre', 'collector', 'refurbisher');
      outsider = app.as('org-outsider', 'collector');
      const collector = new Lifecycle(city);
      for (const [product, at] of [
        [L1, '2026-10-01T08:00:00Z'],
        [L2, '2026-10-01T08:05:00Z'],
        [L3, '2026-10-01T08:10:00Z'],
      ] as const) {
        head = Math.max(head, (await collector.collectNew(product, at, 'FI')).position);
      }
      head = Math.max(head, (await new Lifecycle(outsider).collectNew(STRAY, '2026-10-01T09:00:00Z', 'FI')).position);
      await offerPallet('PAL-1', [ids.l1, ids.l2], 'DN-1', { label: 'Laptops, floor 3' }, { note: 'Pallet 1 of 2' });
      await offerPallet('PAL-2', [ids.l3], 'DN-2');
    });
    afterAll(async () => {
      await app.close();
      await cleanUp();
    });

    describe('a handover the receiver accepts', () => {
      let accepted: Body;
      beforeAll(async () => {
        accepted = await post(centre, '/lots/PAL-1/acceptances', {
          occurredAt: '2026-10-02T14:00:00Z',
          handoverId: 'DN-1',
          receivedMassKg: 3.45,
          weighbridgeTicket: 'WB-2026-118',
        });
      });

      it('records the acceptance on the lot and DeviceHandedOver on each device, in one append', () => {
        const events = accepted['events'] as { type: string; globalPosition: number }[];
        expect(events.map((event) => event.type)).toEqual([
          'LotHandoverAccepted',
          'DeviceHandedOver',
          'DeviceHandedOver',
        ]);
        const positions = events.map((event) => event.globalPosition);
        expect(positions).toEqual([positions[0], positions[0]! + 1, positions[0]! + 2]);
      });

      it('the passports of its devices show the new holder; the device history says how', async () => {
        for (const deviceId of [ids.l1, ids.l2]) {
          const passport = await passportOf(deviceId);
          expect(passport['status']).toMatchObject({
            lifecycle: 'collected',
            since: '2026-10-02T14:00:00Z',
            holder: { kind: 'collector', organisationId: 'org-centre', since: '2026-10-02T14:00:00Z', buyerType: null },
            lastRecordedBy: { organisationId: 'org-centre', eventType: 'DeviceHandedOver' },
          });
          const history = passport['history'] as { type: string }[];
          expect(history.map((entry) => entry.type)).toEqual(['DeviceCollected', 'DeviceHandedOver']);
        }
      });

      it("moves the devices to the receiver's stock, which filters by lot; the sender no longer lists them", async () => {
        expect(await stockIds(centre, { lot: 'PAL-1' })).toEqual([ids.l1, ids.l2]);
        expect(await stockIds(centre)).toEqual([ids.l1, ids.l2]);
        expect(await stockIds(city)).toEqual([ids.l3]);
        expect(await stockIds(city, { lot: 'PAL-1' })).toEqual([]);
      });

      it('shows the lot held by the receiver, with the weighbridge difference against the unit weights', async () => {
        const lot = (await centre.get('/lots/PAL-1').expect(200)).body as Body;
        expect(lot).toMatchObject({
          lotId: 'PAL-1',
          kind: 'pallet',
          label: 'Laptops, floor 3',
          holder: 'org-centre',
          openedBy: 'org-city',
          tracking: 'units',
          bulk: null,
          unitWeightTotalKg: 3.2,
        });
        expect(lot['handovers']).toEqual([
          {
            handoverId: 'DN-1',
            lotId: 'PAL-1',
            fromOrganisationId: 'org-city',
            toOrganisationId: 'org-centre',
            status: 'accepted',
            offeredAt: '2026-10-02T09:00:00Z',
            note: 'Pallet 1 of 2',
            deviceIds: [ids.l1, ids.l2],
            answeredAt: '2026-10-02T14:00:00Z',
            receivedMassKg: 3.45,
            weighbridgeTicket: 'WB-2026-118',
            rejectionReason: null,
            weighbridge: {
              expectedKg: 3.2,
              receivedKg: 3.45,
              differenceKg: 0.25,
              differencePercent: 7.8,
              unitsWithoutWeight: 0,
            },
          },
        ]);
        const handover = (await city.get('/lots/PAL-1/handovers/DN-1').expect(200)).body as Body;
        expect(handover['weighbridge']).toMatchObject({ differenceKg: 0.25 });
      });

      it('prints the delivery note: parties, devices with serials and weights, the receipt and the difference', async () => {
        const text = await pdfOf(city, '/lots/PAL-1/handovers/DN-1/delivery-note.pdf');
        expect(text).toContain('Delivery note DN-1');
        expect(text).toContain('From: org-city');
        expect(text).toContain('To: org-centre');
        expect(text).toContain('serial LOT-1, 1.6 kg');
        expect(text).toContain('received 3.45 kg, weighbridge ticket WB-2026-118');
        expect(text).toContain('Expected 3.2 kg, difference 0.25 kg (7.8 %)');
      });

      it('refuses a second answer, by anyone, and records nothing', async () => {
        const body = { occurredAt: '2026-10-02T15:00:00Z', handoverId: 'DN-1', receivedMassKg: 3.45 };
        await refused(centre, '/lots/PAL-1/acceptances', body, 409, 'HANDOVER_ALREADY_ACCEPTED');
        await refused(
          centre,
          '/lots/PAL-1/rejections',
          { ...body, receivedMassKg: undefined, reason: 'Second thoughts' },
          409,
          'HANDOVER_ALREADY_ACCEPTED',
        );
      });

      it('lets the former holder neither add to the lot nor hand it on', async () => {
        await refused(
          city,
          '/lots/PAL-1/devices',
          { occurredAt: '2026-10-03T08:00:00Z', deviceIds: [ids.l3] },
          403,
          'NOT_LOT_HOLDER',
        );
        await refused(
          city,
          '/lots/PAL-1/handovers',
          { occurredAt: '2026-10-03T08:00:00Z', handoverId: 'DN-3', toOrganisationId: 'org-outsider' },
          403,
          'NOT_LOT_HOLDER',
        );
      });
    });

    describe('a handover the receiver rejects', () => {
      let lotBefore: Body;
      let passportBefore: Body;
      beforeAll(async () => {
        lotBefore = (await city.get('/lots/PAL-2').expect(200)).body as Body;
        passportBefore = await passportOf(ids.l3);
        await post(centre, '/lots/PAL-2/rejections', {
          occurredAt: '2026-10-02T15:00:00Z',
          handoverId: 'DN-2',
          reason: 'Two laptops were announced, one arrived',
        });
      });

      it('changes nothing of the devices: same passport, same holder, same stock', async () => {
        expect(await passportOf(ids.l3)).toEqual(passportBefore);
        expect(((await passportOf(ids.l3))['status'] as Body)['holder']).toMatchObject({ organisationId: 'org-city' });
        expect(await stockIds(city, { lot: 'PAL-2' })).toEqual([ids.l3]);
        expect(await stockIds(centre, { lot: 'PAL-2' })).toEqual([]);
        expect((await app.store.readStream(ids.l3)).map((event) => event.type)).toEqual(['DeviceCollected']);
      });

      it('its delivery note says so; the one offered again waits for the receipt', async () => {
        expect(await pdfOf(city, '/lots/PAL-2/handovers/DN-2/delivery-note.pdf')).toContain(
          'Rejected on 2026-10-02T15:00:00Z: Two laptops were announced, one arrived',
        );
      });

      it('the lot stays with the sender; the handover shows the reason, no weighbridge', async () => {
        const lot = (await city.get('/lots/PAL-2').expect(200)).body as Body;
        expect(lot['holder']).toBe('org-city');
        expect(lot['holder']).toBe(lotBefore['holder']);
        expect(lot['handovers']).toMatchObject([
          {
            handoverId: 'DN-2',
            status: 'rejected',
            rejectionReason: 'Two laptops were announced, one arrived',
            weighbridge: null,
          },
        ]);
      });

      it('cannot be accepted afterwards; the sender may offer the lot again under a new id', async () => {
        await refused(
          centre,
          '/lots/PAL-2/acceptances',
          { occurredAt: '2026-10-02T16:00:00Z', handoverId: 'DN-2', receivedMassKg: 2.1 },
          409,
          'HANDOVER_ALREADY_REJECTED',
        );
        await refused(
          city,
          '/lots/PAL-2/handovers',
          { occurredAt: '2026-10-03T08:00:00Z', handoverId: 'DN-2', toOrganisationId: 'org-centre' },
          409,
          'HANDOVER_ID_TAKEN',
          'handoverId',
        );
        await post(city, '/lots/PAL-2/handovers', {
          occurredAt: '2026-10-03T08:00:00Z',
          handoverId: 'DN-2b',
          toOrganisationId: 'org-centre',
        });
        expect(await pdfOf(centre, '/lots/PAL-2/handovers/DN-2b/delivery-note.pdf')).toContain(
          'Waiting for the receiver: received mass ______ kg, weighbridge ticket ____________',
        );
      });
    });

    describe('refusals: each leaves the store as it was', () => {
      beforeAll(async () => {
        await post(outsider, '/lots', {
          occurredAt: '2026-10-04T08:00:00Z',
          lotId: 'CAGE-9',
          organisationId: 'org-outsider',
          kind: 'cage',
        });
      });

      it('answering: only the receiver, a handover that exists, a lot that exists', async () => {
        const body = { occurredAt: '2026-10-04T08:00:00Z', handoverId: 'DN-2b', receivedMassKg: 2.1 };
        await refused(city, '/lots/PAL-2/acceptances', body, 403, 'NOT_HANDOVER_RECEIVER');
        await refused(outsider, '/lots/PAL-2/acceptances', body, 403, 'NOT_HANDOVER_RECEIVER');
        await refused(
          outsider,
          '/lots/PAL-2/rejections',
          { occurredAt: body.occurredAt, handoverId: 'DN-2b', reason: 'x' },
          403,
          'NOT_HANDOVER_RECEIVER',
        );
        await refused(centre, '/lots/PAL-2/acceptances', { ...body, handoverId: 'DN-77' }, 404, 'HANDOVER_NOT_FOUND');
        await refused(centre, '/lots/PAL-404/acceptances', body, 404, 'LOT_NOT_FOUND');
      });

      it('offering: one handover at a time, never to the holder itself', async () => {
        await refused(
          city,
          '/lots/PAL-2/handovers',
          { occurredAt: '2026-10-04T08:00:00Z', handoverId: 'DN-4', toOrganisationId: 'org-outsider' },
          409,
          'HANDOVER_PENDING',
        );
        await refused(
          outsider,
          '/lots/CAGE-9/handovers',
          { occurredAt: '2026-10-04T09:00:00Z', handoverId: 'DN-5', toOrganisationId: 'org-outsider' },
          400,
          'HANDOVER_TO_HOLDER',
          'toOrganisationId',
        );
        await refused(
          outsider,
          '/lots/CAGE-9/handovers',
          { occurredAt: '2026-10-04T09:00:00Z', handoverId: 'DN-5', toOrganisationId: 'org-city' },
          422,
          'LOT_EMPTY',
        );
      });

      it('adding: only devices the holder holds and that exist, each once', async () => {
        const at = '2026-10-04T09:00:00Z';
        await refused(
          outsider,
          '/lots/CAGE-9/devices',
          { occurredAt: at, deviceIds: [ids.l3] },
          422,
          'DEVICE_NOT_HELD_BY_LOT_HOLDER',
          'deviceIds[0]',
        );
        await refused(
          outsider,
          '/lots/CAGE-9/devices',
          { occurredAt: at, deviceIds: ['mfr:nobody:1'] },
          404,
          'DEVICE_NOT_FOUND',
        );
        await refused(
          outsider,
          '/lots/CAGE-9/devices',
          { occurredAt: at, deviceIds: [ids.stray, ids.stray] },
          400,
          'DUPLICATE_DEVICE',
          'deviceIds[1]',
        );
        await refused(
          outsider,
          '/lots/CAGE-9/devices',
          { occurredAt: '2026-10-03T09:00:00Z', deviceIds: [ids.stray] },
          422,
          'OCCURRED_BEFORE_PREVIOUS_EVENT',
          'occurredAt',
        );
      });

      it('opening: a new id, in its own name, with a valid body; a role that makes no lots', async () => {
        const at = '2026-10-04T09:00:00Z';
        await refused(
          outsider,
          '/lots',
          { occurredAt: at, lotId: 'CAGE-9', organisationId: 'org-outsider', kind: 'cage' },
          409,
          'LOT_ALREADY_EXISTS',
        );
        await refused(
          outsider,
          '/lots',
          { occurredAt: at, lotId: 'CAGE-10', organisationId: 'org-city', kind: 'cage' },
          403,
          'NOT_LOT_HOLDER',
          'organisationId',
        );
        await refused(
          outsider,
          '/lots',
          { occurredAt: at, lotId: 'no spaces', organisationId: 'org-outsider', kind: 'cage' },
          400,
          'VALIDATION_FAILED',
          'lotId',
        );
        await refused(
          outsider,
          '/lots',
          { occurredAt: at, lotId: 'CAGE-10', organisationId: 'org-outsider', kind: 'sack' },
          400,
          'VALIDATION_FAILED',
          'kind',
        );
        await refused(
          app.as('org-scheme', 'producer-organisation'),
          '/lots',
          { occurredAt: at, lotId: 'CAGE-11', organisationId: 'org-scheme', kind: 'cage' },
          403,
          'FORBIDDEN',
        );
      });

      it('bad input: a missing or non-positive mass, a lot id that is not one', async () => {
        const at = '2026-10-04T09:00:00Z';
        await refused(
          centre,
          '/lots/PAL-2/acceptances',
          { occurredAt: at, handoverId: 'DN-2b' },
          400,
          'VALIDATION_FAILED',
          'receivedMassKg',
        );
        await refused(
          centre,
          '/lots/PAL-2/acceptances',
          { occurredAt: at, handoverId: 'DN-2b', receivedMassKg: 0 },
          400,
          'VALIDATION_FAILED',
          'receivedMassKg',
        );
        await refused(
          centre,
          '/lots/PAL%202/acceptances',
          { occurredAt: at, handoverId: 'DN-2b', receivedMassKg: 2 },
          400,
          'INVALID_LOT_ID',
          'lotId',
        );
      });

      it('a DeviceHandedOver import line: refused to a collector (it is recorded by accepting a lot), nothing appended', async () => {
        const before = await app.store.headPosition();
        const line = {
          type: 'DeviceHandedOver',
          deviceId: ids.stray,
          occurredAt: '2026-10-05T08:00:00Z',
          data: {
            lotId: 'CAGE-9',
            handoverId: 'X-1',
            fromOrganisationId: 'org-outsider',
            toOrganisationId: 'org-city',
          },
        };
        const response = await outsider
          .post('/imports')
          .set('Content-Type', 'application/x-ndjson')
          .send(`${JSON.stringify(line)}\n`)
          .expect(200);
        expect(response.body.errors).toMatchObject([{ line: 1, code: 'FORBIDDEN' }]);
        expect(await app.store.headPosition()).toBe(before);
      });

      it('reading: a lot is not there for an organisation it does not concern; a bad lot filter is a 400', async () => {
        expect((await outsider.get('/lots/PAL-1').expect(404)).body.error.code).toBe('LOT_NOT_FOUND');
        expect((await centre.get('/lots/PAL-1/handovers/DN-9').expect(404)).body.error.code).toBe('HANDOVER_NOT_FOUND');
        expect((await app.api.get('/lots/PAL-1').expect(200)).body.holder).toBe('org-centre');
        expect((await centre.get('/devices').query({ lot: 'a b' }).expect(400)).body.error.code).toBeDefined();
      });
    });

    describe('bulk WEEE collected by weight', () => {
      const reader = (): StatisticsReader => new StatisticsReader(app.api);
      let statistics: StatisticsReader;
      const rateOf = async (query: Record<string, string | number>): Promise<Body> =>
        statistics.get('collection-rate', { year: 2026, country: 'FI', category: 5, ...query }, 'CollectionRate');
      let before: Body;
      let beforeOther: Body;
      let bulk: Recorded;

      beforeAll(async () => {
        statistics = reader();
        const kierto = new Lifecycle(app.api);
        statistics.track(await kierto.join('lot-producer', 'org-serty', '2020-01-01T00:00:00Z'));
        for (const [year, serial] of [
          [2023, 'B-23'],
          [2024, 'B-24'],
          [2025, 'B-25'],
        ] as const) {
          statistics.track(
            await kierto.place(
              `${year}-03-01T08:00:00Z`,
              'lot-producer',
              'FI',
              productOf({ serialNumber: serial, weeeCategory: 5, weightKg: 100 }),
            ),
          );
        }
        const device = productOf({ serialNumber: 'B-25', weeeCategory: 5, weightKg: 100 });
        statistics.track(await kierto.collect(idOf(device), '2026-06-01T08:00:00Z', 'FI'));
        before = await rateOf({ organisationId: 'org-serty' });
        beforeOther = await rateOf({ category: 6 });
        const response = await post(app.as('org-point', 'collector'), '/lots/bulk-collections', {
          occurredAt: '2026-11-10T08:00:00Z',
          lotId: 'CAGE-SHA-7',
          organisationId: 'org-point',
          kind: 'cage',
          weeeCategory: 5,
          massKg: 412.5,
          collectionPointId: 'point-7',
          channel: 'municipal',
          source: 'household',
          country: 'FI',
          onBehalfOf: 'org-serty',
          weighbridgeTicket: 'WB-7',
        });
        const events = response['events'] as { globalPosition: number; recordedAt: string }[];
        bulk = { id: 'CAGE-SHA-7', position: events[0]!.globalPosition, recordedAt: events[0]!.recordedAt };
        statistics.track(bulk);
      });

      it('changes the collected mass of its category and organisation by exactly its mass, and the rate with it', async () => {
        const after = await rateOf({ organisationId: 'org-serty' });
        const collected = (document: Body) => document['collected'] as { kg: number; units: number };
        expect(collected(before).kg).toBe(100);
        expect(collected(after).kg).toBe(collected(before).kg + 412.5);
        expect(collected(after).units).toBe(collected(before).units);
        const average = (after['averagePlacedOnMarket'] as { kg: number }).kg;
        expect(average).toBe(100);
        expect((after['rate'] as { percent: number }).percent).toBeCloseTo((100 * 512.5) / 100, 10);
      });

      it('counts nowhere else: not in another category, not for another organisation', async () => {
        expect(await rateOf({ category: 6 })).toMatchObject({ collected: beforeOther['collected'] as Body });
        expect(await rateOf({ organisationId: 'org-elker' })).toMatchObject({ collected: { kg: 0 } });
      });

      it('is a bulk lot with its weighed mass; units cannot be added to it', async () => {
        const point = app.as('org-point', 'collector');
        const lot = (await point.get('/lots/CAGE-SHA-7').expect(200)).body as Body;
        expect(lot).toMatchObject({
          tracking: 'bulk',
          devices: [],
          bulk: {
            weeeCategory: 5,
            massKg: 412.5,
            collectionPointId: 'point-7',
            country: 'FI',
            onBehalfOf: 'org-serty',
            weighbridgeTicket: 'WB-7',
          },
        });
        await refused(
          point,
          '/lots/CAGE-SHA-7/devices',
          { occurredAt: '2026-11-11T08:00:00Z', deviceIds: [ids.stray] },
          422,
          'LOT_IS_BULK',
          'deviceIds',
        );
      });

      it('a bulk lot handed on is reconciled against its collected mass, and counts in COL only once', async () => {
        const point = app.as('org-point', 'collector');
        await post(point, '/lots/CAGE-SHA-7/handovers', {
          occurredAt: '2026-11-12T08:00:00Z',
          handoverId: 'DN-SHA-1',
          toOrganisationId: 'org-plant',
        });
        const plant = app.as('org-plant', 'recycler');
        const acceptance = {
          occurredAt: '2026-11-13T08:00:00Z',
          handoverId: 'DN-SHA-1',
          receivedMassKg: 409,
        };
        const accept = () =>
          plant.post('/lots/CAGE-SHA-7/acceptances').set('Idempotency-Key', 'accept-sha-1').send(acceptance);
        const first = await accept();
        expect(first.status).toBe(201);
        track(first);
        // A retry of the same request answers as the first time and records nothing more.
        const before = await app.store.headPosition();
        const retry = await accept();
        expect({ status: retry.status, replayed: retry.headers['idempotent-replayed'] }).toEqual({
          status: 201,
          replayed: 'true',
        });
        expect(retry.body.events).toEqual(first.body.events);
        expect(await app.store.headPosition()).toBe(before);
        statistics.head = head;
        const lot = (await point.get('/lots/CAGE-SHA-7').expect(200)).body as Body;
        expect(lot['holder']).toBe('org-plant');
        expect((lot['handovers'] as Body[])[0]?.['weighbridge']).toEqual({
          expectedKg: 412.5,
          receivedKg: 409,
          differenceKg: -3.5,
          differencePercent: -0.8,
          unitsWithoutWeight: 0,
        });
        expect((await rateOf({ organisationId: 'org-serty' }))['collected']).toMatchObject({ kg: 512.5 });
      });

      it('refuses a collection by a role that does not collect, and one without a mass', async () => {
        const body = {
          occurredAt: '2026-11-10T08:00:00Z',
          lotId: 'CAGE-SHA-8',
          organisationId: 'org-centre',
          kind: 'cage',
          weeeCategory: 5,
          collectionPointId: 'point-7',
          channel: 'municipal',
          source: 'household',
          country: 'FI',
        };
        await refused(centre, '/lots/bulk-collections', body, 400, 'VALIDATION_FAILED', 'massKg');
        await refused(
          app.as('org-plant', 'recycler'),
          '/lots/bulk-collections',
          { ...body, massKg: 10 },
          403,
          'FORBIDDEN',
        );
      });
    });
  });
};

onEachStore('kierto_api_lots', lotsSuite);

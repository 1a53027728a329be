import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Lifecycle, idOf, productOf, type Body } from '../support/lifecycle.js';
import { onEachStore, type StoreSuite } from '../support/on-each-store.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

/** GET /devices without identifiers: the stock of the calling organisation (docs/intake.md, "Stock"). */
let app: TestApp;
let centre: Client;
let position = 0;

const laptop = (serial: string, hasDataStorage = true): Body =>
  productOf({ manufacturer: 'Lenovo', serialNumber: serial, weeeCategory: 6, weightKg: 1.6, hasDataStorage });
const fridge = productOf({ manufacturer: 'Electrolux', serialNumber: 'FR-1', weeeCategory: 1, weightKg: 40 });
const [L1, L2, L3, L4] = ['ST-1', 'ST-2', 'ST-3', 'ST-4'].map((serial) => laptop(serial, serial !== 'ST-4'));
const ids = { l1: idOf(L1!), l2: idOf(L2!), l3: idOf(L3!), l4: idOf(L4!), fridge: idOf(fridge) };

/** The same suite on the embedded store and, when a server is reachable, on PostgreSQL (the stock's SQL is shared). */
const stockSuite: StoreSuite = (label, describeOn, config, cleanUp) => {
  describeOn(label, () => {
    beforeAll(async () => {
      app = await startTestApp(config());
      centre = app.as('stock-centre', 'collector', 'refurbisher');
      const life = new Lifecycle(centre);
      const other = new Lifecycle(app.as('other-collector', 'collector'));
      await life.collectNew(L1!, '2026-10-01T08:00:00Z', 'FI');
      await life.collectNew(L2!, '2026-10-15T08:00:00Z', 'FI');
      await life.collectNew(fridge, '2026-10-20T08:00:00+03:00', 'FI');
      await life.collectNew(L4!, '2026-11-01T08:00:00Z', 'FI');
      await other.collectNew(L3!, '2026-10-02T08:00:00Z', 'FI');
      await life.wipe(ids.l2, '2026-11-02T08:00:00Z');
      // Resold: it leaves the centre's stock.
      position = (await life.resell(ids.l4, '2026-11-03T08:00:00Z')).position;
    });
    afterAll(async () => {
      await app.close();
      await cleanUp();
    });

    const stock = (query: Record<string, string | number> = {}) =>
      centre.get('/devices').query({ minPosition: position, ...query });

    describe('GET /devices without identifiers: the stock', () => {
      it('lists what the organisation holds, in the order received: not another organisation’s, not what it sold', async () => {
        const response = await stock().expect(200);
        expect(response.body.holder).toBe('stock-centre');
        expect(response.body.items.map((item: { deviceId: string }) => item.deviceId)).toEqual([
          ids.l1,
          ids.l2,
          ids.fridge,
        ]);
        expect(response.body.items[1]).toEqual({
          deviceId: ids.l2,
          holder: 'stock-centre',
          status: 'collected',
          weeeCategory: 6,
          receivedAt: '2026-10-15T08:00:00Z',
          wipe: 'passed',
          wipedAt: '2026-11-02T08:00:00Z',
          manufacturer: 'Lenovo',
          brand: 'Acceptance',
          model: 'Category 6 unit',
          serialNumber: 'ST-2',
        });
        expect(response.body.nextCursor).toBeNull();
        expect(response.body.basis.checkpoint).toBeGreaterThanOrEqual(position);
      });

      it('filters by status, category, received dates and wipe state', async () => {
        const idsOf = async (query: Record<string, string | number>): Promise<string[]> =>
          ((await stock(query).expect(200)).body.items as { deviceId: string }[]).map((item) => item.deviceId);
        expect(await idsOf({ category: 1 })).toEqual([ids.fridge]);
        expect(await idsOf({ status: 'collected', wipe: 'passed' })).toEqual([ids.l2]);
        expect(await idsOf({ wipe: 'not-wiped' })).toEqual([ids.l1, ids.fridge]);
        expect(await idsOf({ status: 'in-use' })).toEqual([]);
        // Dates are UTC days; the fridge arrived 05:00 UTC on the 20th.
        expect(await idsOf({ receivedFrom: '2026-10-15', receivedBefore: '2026-10-20' })).toEqual([ids.l2]);
        expect(await idsOf({ receivedFrom: '2026-10-20T05:00:00Z' })).toEqual([ids.fridge]);
      });

      it('pages with a cursor and a Link to the next page, without repeating or skipping a device', async () => {
        const first = await stock({ limit: 2 }).expect(200);
        expect(first.body.items).toHaveLength(2);
        expect(first.body.nextCursor).toEqual(expect.any(String));
        expect(first.headers['link']).toContain(`cursor=${first.body.nextCursor}`);
        expect(first.headers['link']).toContain('rel="next"');
        const second = await stock({ limit: 2, cursor: first.body.nextCursor }).expect(200);
        expect(second.body.nextCursor).toBeNull();
        expect(second.headers['link']).toBeUndefined();
        expect([...first.body.items, ...second.body.items].map((item: { deviceId: string }) => item.deviceId)).toEqual([
          ids.l1,
          ids.l2,
          ids.fridge,
        ]);
      });

      it('answers text/csv when asked, one row per device', async () => {
        const response = await stock({ wipe: 'passed' }).set('Accept', 'text/csv').expect(200);
        expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(response.text).toBe(
          'device_id,status,weee_category,received_at,wipe,wiped_at,manufacturer,brand,model,serial_number\r\n' +
            `${ids.l2},collected,6,2026-10-15T08:00:00Z,passed,2026-11-02T08:00:00Z,Lenovo,Acceptance,Category 6 unit,ST-2\r\n`,
        );
      });

      it('still finds one device by its identifiers, exactly as before', async () => {
        const found = await centre.get('/devices').query({ manufacturer: 'Lenovo', serialNumber: 'ST-1' }).expect(200);
        expect(found.body.deviceId).toBe(ids.l1);
        const missing = await centre
          .get('/devices')
          .query({ manufacturer: 'Lenovo', serialNumber: 'NOPE' })
          .expect(404);
        expect(missing.body.error.code).toBe('DEVICE_NOT_FOUND');
      });

      it.each([
        [
          'a stock filter beside identifiers',
          { manufacturer: 'Lenovo', serialNumber: 'ST-1', status: 'collected' },
          'STOCK_FILTER_WITH_LOOKUP',
          'status',
        ],
        ['a cursor it did not give out', { cursor: 'bm9wZQ' }, 'INVALID_CURSOR', 'cursor'],
        ['a limit of 0', { limit: 0 }, 'VALIDATION_FAILED', 'limit'],
        ['a limit above 1000', { limit: 1001 }, 'VALIDATION_FAILED', 'limit'],
        ['an unknown status', { status: 'lost' }, 'VALIDATION_FAILED', 'status'],
        ['an unknown wipe state', { wipe: 'maybe' }, 'VALIDATION_FAILED', 'wipe'],
        ['a category outside 1–6', { category: 7 }, 'VALIDATION_FAILED', 'category'],
        [
          'a received date without a zone',
          { receivedFrom: '2026-10-01T08:00:00' },
          'VALIDATION_FAILED',
          'receivedFrom',
        ],
        ['an unknown parameter', { colour: 'red' }, 'VALIDATION_FAILED', 'colour'],
      ])('refuses %s', async (_name, query, code, field) => {
        const response = await centre.get('/devices').query(query).expect(400);
        expect(response.body.error.code).toBe(code);
        expect(response.body.error.fields).toEqual([expect.objectContaining({ field })]);
      });
    });
  });
};

onEachStore('kierto_api_stock', stockSuite);

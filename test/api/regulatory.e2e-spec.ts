/**
 * Regulatory rules (docs/statistics.md) through the real HTTP API: recovery includes preparing for re-use, countries are assigned
 * ISO codes (Eurostat's EL and UK normalised), treatment abroad is placed by EU/EEA membership on the
 * day, and an import says which position to wait for. Each scenario uses its own country and year.
 *
 * The recovery figure is a HAND-WORKED case, not a published one: no per-category national figure of
 * Eurostat's env_waselee with preparing for re-use could be found and checked within this work, so
 * the numbers below are the worked example of docs/statistics.md scaled to household fridges.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DocumentName } from '#kierto/schemas';
import { Lifecycle, productOf, type Body, type Recorded } from '../support/lifecycle.js';
import { StatisticsReader } from '../support/statistics-reader.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;
let kierto: Lifecycle;
let reader: StatisticsReader;

beforeAll(async () => {
  app = await startTestApp();
  kierto = new Lifecycle(app.api);
  reader = new StatisticsReader(app.api);
});
afterAll(async () => {
  await app.close();
});

const track = (recorded: Recorded): Recorded => reader.track(recorded);
const statistics = (path: string, query: Record<string, string | number>, document: DocumentName): Promise<Body> =>
  reader.get(path, query, document);

describe('recovery includes preparing for re-use (hand-worked case, LV 2024, category 1)', () => {
  /*
   * 20 fridges of 50 kg collected: COL = 1 000 kg. 2 resold after collection: PfR = 100 kg. 16
   * recycled, each 50 kg into 43.75 kg recycled + 6.25 kg energy recovery: RCY = 700 kg, ER = 100 kg.
   * 2 still waiting for treatment.
   *   recovery                        = (100 + 700 + 100) / 1 000 = 90 %   (Kierto said 80 % before)
   *   prepared for re-use + recycled  = (100 + 700) / 1 000       = 80 %
   */
  beforeAll(async () => {
    const fridges = Array.from({ length: 20 }, (_, n) =>
      productOf({ serialNumber: `LV-FRIDGE-${n}`, weeeCategory: 1, weightKg: 50 }),
    );
    const collected = await Promise.all(
      fridges.map((fridge) => kierto.collectNew(fridge, '2024-02-01T10:00:00Z', 'LV').then(track)),
    );
    const outputs = [
      { material: 'steel, copper, aluminium', massKg: 43.75, fate: 'recycled' },
      { material: 'insulation foam', massKg: 6.25, fate: 'energy-recovery' },
    ];
    await Promise.all(
      collected.map((device, n) =>
        n < 2
          ? kierto.resell(device.id, '2024-03-01T10:00:00Z', 'LV').then(track)
          : n < 18
            ? kierto.recycle(device.id, '2024-04-01T10:00:00Z', 'LV', 50, outputs).then(track)
            : Promise.resolve(device),
      ),
    );
  });

  it('gives 90 % recovery and 80 % prepared for re-use + recycled', async () => {
    const document = await statistics('recovery-rates', { year: 2024, country: 'LV', category: 1 }, 'RecoveryRates');
    expect((document['categories'] as Body[])[0]).toMatchObject({
      collected: { kg: 1000, units: 20 },
      preparedForReuse: { kg: 100, units: 2 },
      recycled: { kg: 700 },
      recovered: { kg: 900, tonnes: '0.900' },
      rates: [
        { kind: 'recovery', rate: { percent: 90, display: '90.0' }, target: 85, met: true },
        { kind: 'prepared-for-re-use-and-recycling', rate: { percent: 80, display: '80.0' }, target: 80, met: true },
      ],
    });
  });

  it('reports the quantities nested, the prepared-for-re-use fridges treated in the country of collection', async () => {
    const report = await statistics('report', { year: 2024, country: 'LV' }, 'ProducerOrganisationReport');
    expect(report['totals']).toMatchObject({
      collected: { kg: 1000, units: 20 },
      preparedForReuse: { kg: 100, units: 2 },
      recycled: { kg: 700 },
      energyRecovery: { kg: 100 },
      treatedSameCountry: { kg: 900, units: 18 },
      treatedOtherEu: { kg: 0 },
      treatedOutsideEu: { kg: 0 },
    });
    const csv = await app.api
      .get('/statistics/recovery-rates')
      .query({ year: 2024, country: 'LV', category: 1, format: 'csv', minPosition: reader.head });
    expect(csv.text.split('\r\n')[1]).toMatch(
      /^2024,1,Temperature exchange equipment,1\.000,0\.100,0\.700,0\.900,recovery,/,
    );
  });

  it('lists the recovered facts: whole fridges prepared for re-use and output fractions', async () => {
    const page = await statistics(
      'facts',
      { year: 2024, country: 'LV', measure: 'RCV', limit: 1000 },
      'StatisticsFacts',
    );
    const items = page['items'] as { kg: number; units: number }[];
    expect(items).toHaveLength(2 + 16);
    expect(items.reduce((sum, fact) => sum + fact.kg, 0)).toBe(900);
  });
});

describe('countries: assigned ISO codes, Eurostat aliases normalised at the edge', () => {
  it('records EL as GR and UK as GB, and reads the figures of either spelling', async () => {
    const product = productOf({ serialNumber: 'EL-1', weeeCategory: 5, weightKg: 3 });
    const placed = track(await kierto.place('2023-05-01T10:00:00Z', 'producer-gr', 'EL', product));
    track(await kierto.collect(placed.id, '2023-06-01T10:00:00Z', 'EL'));
    track(
      await kierto.recycle(placed.id, '2023-07-01T10:00:00Z', 'UK', 3, [
        { material: 'plastics', massKg: 2, fate: 'recycled' },
      ]),
    );
    const events = await app.store.readStream(placed.id);
    expect(
      events.map(
        (event) =>
          (event.data as { country?: string; treatmentCountry?: string }).country ??
          (event.data as { treatmentCountry?: string }).treatmentCountry,
      ),
    ).toEqual(['GR', 'GR', 'GB']);
    const byIso = await statistics('report', { year: 2023, country: 'GR' }, 'ProducerOrganisationReport');
    const byAlias = await statistics('report', { year: 2023, country: 'EL' }, 'ProducerOrganisationReport');
    expect(byAlias['totals']).toEqual(byIso['totals']);
    expect(byIso['filters']).toMatchObject({ country: 'GR' });
    expect(byAlias['filters']).toMatchObject({ country: 'GR' });
    // Treated in the United Kingdom after 31 Jan 2020: outside the EU.
    expect(byIso['totals']).toMatchObject({
      placedOnMarket: { kg: 3 },
      collected: { kg: 3 },
      treatedOutsideEu: { kg: 3, units: 1 },
    });
  });

  it.each([
    [
      '/devices',
      'country',
      {
        occurredAt: '2023-05-01T10:00:00Z',
        producerId: 'p',
        country: 'XX',
        market: 'household',
        product: productOf({ serialNumber: 'XX-1', weeeCategory: 5, weightKg: 1 }),
      },
    ],
    [
      '/devices',
      'country',
      {
        occurredAt: '2023-05-01T10:00:00Z',
        producerId: 'p',
        country: 'XK',
        market: 'household',
        product: productOf({ serialNumber: 'XK-1', weeeCategory: 5, weightKg: 1 }),
      },
    ],
    [
      '/devices',
      'country',
      {
        occurredAt: '2023-05-01T10:00:00Z',
        producerId: 'p',
        country: 'gr',
        market: 'household',
        product: productOf({ serialNumber: 'gr-1', weeeCategory: 5, weightKg: 1 }),
      },
    ],
  ])('refuses an unassigned code in %s with a 400 naming %s, appending nothing', async (path, field, body) => {
    const before = await app.store.headPosition();
    const response = await app.api.post(path).send(body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [
        expect.objectContaining({
          field,
          code: 'INVALID_VALUE',
          message: expect.stringContaining('ISO 3166-1 alpha-2'),
        }),
      ],
    });
    expect(await app.store.headPosition()).toBe(before);
  });

  it('refuses an unassigned treatment country of a recycling with a 400 naming treatmentCountry', async () => {
    const product = productOf({ serialNumber: 'XX-RCY', weeeCategory: 5, weightKg: 2 });
    const collected = track(await kierto.collectNew(product, '2023-06-01T10:00:00Z', 'FI'));
    const response = await app.api
      .post(`/devices/${collected.id}/recycling`)
      .send({ occurredAt: '2023-07-01T10:00:00Z', facilityId: 'r', treatmentCountry: 'XX', weightKg: 2, outputs: [] });
    expect(response.status).toBe(400);
    expect(response.body.error.fields).toEqual([
      expect.objectContaining({ field: 'treatmentCountry', code: 'INVALID_VALUE' }),
    ]);
  });

  it('refuses an unassigned country in the statistics query with a 400 naming country', async () => {
    for (const country of ['XX', 'gr', 'GRC']) {
      const response = await app.api.get('/statistics/report').query({ year: 2023, country });
      expect({ country, status: response.status }).toEqual({ country, status: 400 });
      expect(response.body.error.fields).toEqual([expect.objectContaining({ field: 'country' })]);
    }
  });
});

describe('treatment abroad by membership on the day of treatment', () => {
  async function treatedIn(
    serial: string,
    collectionCountry: string,
    treatmentCountry: string,
    day: string,
  ): Promise<void> {
    const product = productOf({ serialNumber: serial, weeeCategory: 4, weightKg: 40 });
    const collected = track(await kierto.collectNew(product, `${day}T08:00:00Z`, collectionCountry));
    track(
      await kierto.recycle(collected.id, `${day}T12:00:00Z`, treatmentCountry, 40, [
        { material: 'steel', massKg: 30, fate: 'recycled' },
      ]),
    );
  }
  const treated = async (year: number, country: string): Promise<Body> =>
    (await statistics('report', { year, country }, 'ProducerOrganisationReport'))['totals'] as Body;

  beforeAll(async () => {
    await treatedIn('IE-GB-2019', 'IE', 'GB', '2019-10-01');
    await treatedIn('IE-GB-2021', 'IE', 'GB', '2021-10-01');
    await treatedIn('SI-HR-2012', 'SI', 'HR', '2012-10-01');
    await treatedIn('SI-HR-2014', 'SI', 'HR', '2014-10-01');
    await treatedIn('DK-NO-2021', 'DK', 'NO', '2021-10-01');
  });

  it('the United Kingdom: another member state in 2019, outside the EU in 2021', async () => {
    expect(await treated(2019, 'IE')).toMatchObject({ treatedOtherEu: { kg: 40 }, treatedOutsideEu: { kg: 0 } });
    expect(await treated(2021, 'IE')).toMatchObject({ treatedOtherEu: { kg: 0 }, treatedOutsideEu: { kg: 40 } });
  });

  it('Croatia: outside the EU in 2012, another member state in 2014', async () => {
    expect(await treated(2012, 'SI')).toMatchObject({ treatedOtherEu: { kg: 0 }, treatedOutsideEu: { kg: 40 } });
    expect(await treated(2014, 'SI')).toMatchObject({ treatedOtherEu: { kg: 40 }, treatedOutsideEu: { kg: 0 } });
  });

  it('Norway (EEA) counts as another member state', async () => {
    expect(await treated(2021, 'DK')).toMatchObject({ treatedOtherEu: { kg: 40 }, treatedOutsideEu: { kg: 0 } });
  });
});

describe('reading your own import', () => {
  const placement = (serialNumber: string, country: string): string =>
    JSON.stringify({
      type: 'DevicePlacedOnMarket',
      occurredAt: '2022-03-01T00:00:00Z',
      data: {
        producerId: 'maker-pt',
        country,
        market: 'household',
        product: productOf({ serialNumber, weeeCategory: 6, weightKg: 0.5 }),
      },
    });

  it('POST /imports answers the last position appended; a producer organisation reads figures computed up to it', async () => {
    const scheme = app.as('scheme-pt', 'producer-organisation');
    await scheme
      .post('/producers/maker-pt/memberships')
      .send({ organisationId: 'scheme-pt', occurredAt: '2021-01-01T00:00:00Z' })
      .expect(201);
    const body = [placement('PT-1', 'PT'), placement('PT-2', 'PT'), placement('PT-3', 'EL')].join('\n');
    const response = await scheme.post('/imports').set('Content-Type', 'application/x-ndjson').send(body);
    expect(response.status).toBe(200);
    const lastPosition = response.body.summary.lastPosition as number;
    expect(lastPosition).toBe(await app.store.headPosition());
    // The imported line that said EL is stored as GR.
    const [last] = await app.store.readAll(lastPosition - 1, 1);
    expect(last?.data).toMatchObject({ country: 'GR' });

    const figures = await scheme.get('/statistics/report').query({ year: 2022, minPosition: lastPosition });
    expect(figures.status).toBe(200);
    expect(figures.body.basis.checkpoint).toBeGreaterThanOrEqual(lastPosition);
    expect(figures.headers['kierto-checkpoint']).toBe(String(figures.body.basis.checkpoint));
    expect(figures.body.totals).toMatchObject({ placedOnMarket: { kg: 1.5, units: 3 } });

    const csv = await scheme.get('/statistics/collection-rate').query({ year: 2022, format: 'csv' });
    expect(csv.status).toBe(200);
    expect(Number(csv.headers['kierto-checkpoint'])).toBeGreaterThanOrEqual(lastPosition);

    // The same lines again append nothing: no position to wait for.
    const again = await scheme.post('/imports').set('Content-Type', 'application/x-ndjson').send(body);
    expect(again.body.summary).toMatchObject({ imported: 0, duplicates: 3, lastPosition: null });
  });
});

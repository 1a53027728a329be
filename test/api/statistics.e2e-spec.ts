/**
 * The WEEE statistics through the real HTTP API (docs/statistics.md). Each scenario records its
 * devices in its own country, so the scenarios share one application without seeing each other.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { validateDocument, type DocumentName } from '#kierto/schemas';
import { Lifecycle, productOf, type Body, type Recorded } from '../support/lifecycle.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;
let kierto: Lifecycle;
/** The global position of the last event recorded so far: queries wait for it with ?minPosition=. */
let head = 0;

beforeAll(async () => {
  app = await startTestApp();
  kierto = new Lifecycle(app.api);
});
afterAll(async () => {
  await app.close();
});

const track = (recorded: Recorded): Recorded => {
  head = Math.max(head, recorded.position);
  return recorded;
};

/** Runs the commands in small concurrent batches (fast, without flooding the store), in order of the list. */
async function inBatches(calls: readonly (() => Promise<Recorded>)[], size = 8): Promise<Recorded[]> {
  const results: Recorded[] = [];
  for (let start = 0; start < calls.length; start += size) {
    results.push(...(await Promise.all(calls.slice(start, start + size).map((call) => call()))));
  }
  return results.map(track);
}

async function statistics(path: string, query: Record<string, string | number>, document: DocumentName): Promise<Body> {
  const response = await app.api.get(`/statistics/${path}`).query({ minPosition: head, ...query });
  expect({ status: response.status, error: response.body.error }).toEqual({ status: 200, error: undefined });
  const validation = validateDocument(document, response.body);
  expect(validation.ok ? [] : validation.errors).toEqual([]);
  return response.body as Body;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Finland 2018 as published, at 1:1000: each published tonne is one kilogram here. A device weighs at
 * most 10 t and its category's plausible limit (docs/limits.md), so the national totals cannot be a
 * handful of devices, and tens of thousands of them would make a slow test of a ratio that does not
 * depend on scale: COL 66 683 kg over the average of POM 2015–2017 (118 011, 122 608, 124 294 kg)
 * is the published 54.8 %, to every digit.
 */
describe('the collection rate: Finland 2018, as published (weee-rules.md), at 1:1000', () => {
  const POM_KG: Record<number, number> = { 2015: 118_011, 2016: 122_608, 2017: 124_294 };
  /** A year's placings: category 1 units of up to 3 000 kg for 40 % of the weight, category 4 units of up to 10 000 kg for the rest. */
  const CATEGORY_SPLIT = [
    { category: 1, share: 0.4, unitKg: 3_000 },
    { category: 4, share: 0.6, unitKg: 10_000 },
  ];
  /** Splits `totalKg` into units of at most `unitKg`, the last one taking the remainder. */
  const units = (totalKg: number, unitKg: number): number[] => {
    const full = Math.floor(totalKg / unitKg);
    const rest = totalKg - full * unitKg;
    return [...Array<number>(full).fill(unitKg), ...(rest > 0 ? [rest] : [])];
  };
  const unitsPlaced: Record<number, number> = {};
  const placed: Recorded[] = [];

  beforeAll(async () => {
    const calls = Object.entries(POM_KG).flatMap(([year, totalKg]) => {
      const firstKg = Math.round(totalKg * (CATEGORY_SPLIT[0]?.share ?? 0));
      const weights = CATEGORY_SPLIT.flatMap(({ category, unitKg }, part) =>
        units(part === 0 ? firstKg : totalKg - firstKg, unitKg).map((weightKg) => ({ category, weightKg })),
      );
      unitsPlaced[Number(year)] = weights.length;
      return weights.map(
        ({ category, weightKg }, index) =>
          () =>
            kierto.place(
              `${year}-${String((index % 12) + 1).padStart(2, '0')}-15T12:00:00Z`,
              `producer-fi-${index % 3}`,
              'FI',
              productOf({ serialNumber: `FI-${year}-${index}`, weeeCategory: category, weightKg }),
              index % 2 === 0 ? 'household' : 'non-household',
            ),
      );
    });
    placed.push(...(await inBatches(calls)));
    // COL 2018 = 66 683 kg: six devices of 2015 weighed at collection, and one device new to Kierto.
    // The category 4 units of 2015 follow its 16 category 1 units.
    const category4 = placed.slice(16, unitsPlaced[2015]);
    const measured = [10_000, 10_000, 9_500, 9_000, 9_500, 9_683];
    await inBatches([
      ...measured.map(
        (kg, index) => () =>
          kierto.collect(category4[index]?.id ?? '', '2018-05-02T08:00:00Z', 'FI', { measuredWeightKg: kg }),
      ),
      () =>
        kierto.collectNew(
          productOf({ serialNumber: 'FI-ORPHAN', weeeCategory: 4, weightKg: 9_000 }),
          '2018-11-30T16:00:00Z',
          'FI',
          {
            source: 'non-household',
          },
        ),
    ]);
  });

  it('is 54.8 %: COL 2018 = 66 683 over the average of POM 2015–2017 = 121 637.667', async () => {
    const document = await statistics('collection-rate', { year: 2018, country: 'FI' }, 'CollectionRate');
    expect(document).toMatchObject({
      year: 2018,
      computable: true,
      reason: null,
      missingYears: [],
      collected: { kg: 66_683, tonnes: '66.683', units: 7 },
      placedOnMarket: [
        { year: 2015, kg: 118_011, tonnes: '118.011', units: unitsPlaced[2015], facts: unitsPlaced[2015] },
        { year: 2016, kg: 122_608, tonnes: '122.608', units: unitsPlaced[2016] },
        { year: 2017, kg: 124_294, tonnes: '124.294', units: unitsPlaced[2017] },
      ],
      averagePlacedOnMarket: { tonnes: '121.638' },
      rate: { display: '54.8' },
      target: { percent: 45 },
      targetNote: null,
      met: true,
    });
    const rate = document['rate'] as { percent: number };
    expect(rate.percent).toBeCloseTo((100 * 66_683) / ((118_011 + 122_608 + 124_294) / 3), 10);
    expect((document['averagePlacedOnMarket'] as { kg: number }).kg).toBeCloseTo(121_637.667, 2);
  });

  it('is served as CSV too, by ?format=csv or Accept: text/csv', async () => {
    const byFormat = await app.api
      .get('/statistics/collection-rate')
      .query({ year: 2018, country: 'FI', format: 'csv' });
    expect(byFormat.status).toBe(200);
    expect(byFormat.headers['content-type']).toMatch(/^text\/csv/);
    const [header, row] = byFormat.text.trimEnd().split('\r\n');
    expect(header).toBe(
      'year,collected_t,pom_2015_t,pom_2016_t,pom_2017_t,average_pom_t,rate_percent,rate_display,target_percent,met,computable,reason,as_of,checkpoint',
    );
    expect(row).toMatch(/^2018,66\.683,118\.011,122\.608,124\.294,121\.638,54\.82\d+,54\.8,45,true,true,,,\d+$/);
    const byAccept = await app.api
      .get('/statistics/collection-rate')
      .query({ year: 2018, country: 'FI' })
      .set('Accept', 'text/csv');
    expect(byAccept.text).toBe(byFormat.text);
  });

  it('cannot be computed when a preceding year has no placed-on-market data, and says so instead of guessing', async () => {
    const document = await statistics('collection-rate', { year: 2017, country: 'FI' }, 'CollectionRate');
    expect(document).toMatchObject({
      computable: false,
      missingYears: [2014],
      rate: null,
      met: null,
      averagePlacedOnMarket: null,
    });
    expect(document['reason']).toMatch(/No placed-on-market data for 2014/);
  });

  it('has no target before 2016, and only an informative rate per category', async () => {
    const perCategory = await statistics(
      'collection-rate',
      { year: 2018, country: 'FI', category: 4 },
      'CollectionRate',
    );
    expect(perCategory).toMatchObject({ target: null, met: null, computable: true });
    expect(perCategory['targetNote']).toMatch(/all categories/);
  });

  it('lists the facts behind a cell, page by page', async () => {
    const pageSize = 10;
    const first = await statistics(
      'facts',
      { year: 2015, country: 'FI', measure: 'POM', limit: pageSize },
      'StatisticsFacts',
    );
    const items = first['items'] as { deviceId: string; kg: number; measure: string }[];
    expect(items).toHaveLength(pageSize);
    const all = [...items];
    let cursor = first['nextCursor'] as string | null;
    expect(cursor).toEqual(expect.any(String));
    while (cursor !== null) {
      const next = await statistics(
        'facts',
        { year: 2015, country: 'FI', measure: 'POM', limit: pageSize, cursor },
        'StatisticsFacts',
      );
      all.push(...(next['items'] as { deviceId: string; kg: number; measure: string }[]));
      cursor = next['nextCursor'] as string | null;
    }
    expect(all).toHaveLength(unitsPlaced[2015]!);
    expect(all.reduce((sum, fact) => sum + fact.kg, 0)).toBe(118_011);
    expect(new Set(all.map((fact) => fact.deviceId)).size).toBe(unitsPlaced[2015]);
  });
});

describe('Annex V rates of a category from recycling outputs (SE 2025)', () => {
  beforeAll(async () => {
    const fridges = [1, 2, 3, 4].map((n) =>
      productOf({ serialNumber: `SE-FRIDGE-${n}`, weeeCategory: 1, weightKg: 100 }),
    );
    const [first, second, third, fourth] = await inBatches(
      fridges.map((fridge) => () => kierto.collectNew(fridge, '2025-02-01T10:00:00Z', 'SE', { onBehalfOf: 'org-se' })),
    );
    const outputs = [
      { material: 'steel and copper', massKg: 80, fate: 'recycled' },
      { material: 'foam', massKg: 10, fate: 'energy-recovery' },
      { material: 'residue', massKg: 5, fate: 'disposal' },
    ];
    const lamp = productOf({ serialNumber: 'SE-LAMP-1', weeeCategory: 3, weightKg: 1 });
    await inBatches([
      () => kierto.resell(first?.id ?? '', '2025-03-01T10:00:00Z', 'SE'),
      () => kierto.recycle(second?.id ?? '', '2025-04-01T10:00:00Z', 'SE', 100, outputs),
      () => kierto.recycle(third?.id ?? '', '2025-04-01T11:00:00Z', 'SE', 100, outputs),
      () => kierto.recycle(fourth?.id ?? '', '2025-04-02T10:00:00Z', 'NO', 100, outputs),
      async () => {
        const collected = await kierto.collectNew(lamp, '2025-05-01T10:00:00Z', 'SE');
        return kierto.recycle(collected.id, '2025-05-02T10:00:00Z', 'SE', 1, [
          { material: 'glass', massKg: 0.85, fate: 'recycled' },
          { material: 'mercury residue', massKg: 0.1, fate: 'disposal' },
        ]);
      },
    ]);
  });

  it('computes recovery = (PfR + RCY + ER) / COL and prepared for re-use + recycled = (PfR + RCY) / COL against the targets', async () => {
    const document = await statistics('recovery-rates', { year: 2025, country: 'SE' }, 'RecoveryRates');
    const categories = document['categories'] as Body[];
    expect(categories).toHaveLength(6);
    expect(categories[0]).toMatchObject({
      category: 1,
      computable: true,
      collected: { kg: 400, units: 4 },
      preparedForReuse: { kg: 100, units: 1 },
      recycled: { kg: 240, units: 0, facts: 3 },
      // Recovery includes preparing for re-use: 100 kg resold after collection + 240 recycled + 30 energy recovery.
      recovered: { kg: 370 },
      rates: [
        { kind: 'recovery', formula: 'RCV / COL', rate: { percent: 92.5, display: '92.5' }, target: 85, met: true },
        {
          kind: 'prepared-for-re-use-and-recycling',
          formula: '(PfR + RCY) / COL',
          rate: { percent: 85, display: '85.0' },
          target: 80,
          met: true,
        },
      ],
    });
    expect(categories[2]).toMatchObject({
      category: 3,
      rates: [
        { kind: 'recovery', rate: { display: '85.0' }, target: null, met: null },
        { kind: 'recycling', formula: 'RCY / COL', rate: { percent: 85, display: '85.0' }, target: 80, met: true },
      ],
    });
    expect(categories[1]).toMatchObject({
      category: 2,
      computable: false,
      rates: [
        { rate: null, met: null },
        { rate: null, met: null },
      ],
    });
  });

  it('reports treatment in the country of collection, another EU state or outside the EU, and the organisation the collector named', async () => {
    const report = await statistics(
      'report',
      { year: 2025, country: 'SE', organisationId: 'org-se' },
      'ProducerOrganisationReport',
    );
    const rows = report['rows'] as Body[];
    expect(rows).toHaveLength(12);
    expect(rows[0]).toMatchObject({
      category: 1,
      market: 'household',
      collected: { tonnes: '0.400', units: 4 },
      preparedForReuse: { tonnes: '0.100' },
      recycled: { tonnes: '0.240' },
      energyRecovery: { tonnes: '0.030' },
      // The fridge prepared for re-use in Sweden is treated there; Norway applies the directive through the EEA.
      treatedSameCountry: { tonnes: '0.300', units: 3 },
      treatedOtherEu: { tonnes: '0.100', units: 1 },
      treatedOutsideEu: { tonnes: '0.000', units: 0 },
    });
    // The lamp was collected for no organisation: national figures only.
    expect(report['totals']).toMatchObject({ collected: { kg: 400 } });
    const national = await statistics('report', { year: 2025, country: 'SE' }, 'ProducerOrganisationReport');
    expect(national['totals']).toMatchObject({ collected: { kg: 401, tonnes: '0.401' }, recycled: { kg: 240.85 } });
  });
});

describe('re-use is not preparing for re-use (DK 2025)', () => {
  let reused: Recorded;
  let prepared: Recorded;

  beforeAll(async () => {
    const laptop = (n: number) =>
      productOf({
        serialNumber: `DK-LAPTOP-${n}`,
        weeeCategory: 2,
        weightKg: 2,
        hasDataStorage: true,
        yearOfManufacture: 2023,
      });
    reused = track(await kierto.place('2025-01-10T09:00:00Z', 'producer-dk', 'DK', laptop(1)));
    track(await kierto.wipe(reused.id, '2025-02-01T09:00:00Z'));
    track(await kierto.resell(reused.id, '2025-02-05T09:00:00Z', 'DK'));
    prepared = track(await kierto.place('2025-01-10T09:00:00Z', 'producer-dk', 'DK', laptop(2)));
    track(await kierto.collect(prepared.id, '2025-03-01T09:00:00Z', 'DK', { measuredWeightKg: 2.1 }));
    track(await kierto.wipe(prepared.id, '2025-03-02T09:00:00Z'));
    track(await kierto.resell(prepared.id, '2025-03-05T09:00:00Z', 'DK'));
  });

  const devicesOf = async (measure: string): Promise<string[]> => {
    const page = await statistics('facts', { year: 2025, country: 'DK', measure }, 'StatisticsFacts');
    return (page['items'] as { deviceId: string }[]).map((fact) => fact.deviceId);
  };

  it('counts a device resold from in-use as re-use only: never collected, never prepared for re-use', async () => {
    expect(await devicesOf('REUSE')).toEqual([reused.id]);
    expect(await devicesOf('COL')).not.toContain(reused.id);
    expect(await devicesOf('PFR')).not.toContain(reused.id);
  });

  it('counts a collected device wiped and resold as prepared for re-use, at its collection weight, and keeps it in COL', async () => {
    expect(await devicesOf('PFR')).toEqual([prepared.id]);
    expect(await devicesOf('COL')).toEqual([prepared.id]);
    const report = await statistics('report', { year: 2025, country: 'DK' }, 'ProducerOrganisationReport');
    expect(report['totals']).toMatchObject({
      placedOnMarket: { kg: 4, units: 2 },
      collected: { kg: 2.1, units: 1 },
      preparedForReuse: { kg: 2.1, units: 1 },
      reuse: { kg: 2, units: 1 },
    });
    const rates = await statistics('recovery-rates', { year: 2025, country: 'DK', category: 2 }, 'RecoveryRates');
    // Re-use is in no rate; preparing for re-use is recovery too: RCV / COL = (PfR + RCY) / COL = 2.1 / 2.1.
    expect((rates['categories'] as Body[])[0]).toMatchObject({
      rates: [{ rate: { percent: 100 } }, { rate: { percent: 100 } }],
    });
  });

  it('shows both resales of data-bearing devices with a passing wipe before them', async () => {
    const document = await statistics('indicators', { year: 2025, country: 'DK' }, 'DeviceIndicators');
    expect(
      (document['indicators'] as Body[]).find((indicator) => indicator['name'] === 'wiped-before-resale'),
    ).toMatchObject({
      numerator: 2,
      denominator: 2,
      value: 100,
      display: '100.0',
    });
  });
});

describe('producer organisation attribution follows membership at the time of each event (EE 2025)', () => {
  let a: Recorded;
  let b: Recorded;
  let asOfBeforeMemberships: string;

  beforeAll(async () => {
    a = track(
      await kierto.place(
        '2025-03-10T09:00:00Z',
        'producer-ee',
        'EE',
        productOf({ serialNumber: 'EE-A', weeeCategory: 5, weightKg: 3 }),
      ),
    );
    b = track(
      await kierto.place(
        '2025-09-10T09:00:00Z',
        'producer-ee',
        'EE',
        productOf({ serialNumber: 'EE-B', weeeCategory: 5, weightKg: 5 }),
      ),
    );
    const c = track(
      await kierto.place(
        '2025-04-01T09:00:00Z',
        'producer-ee-2',
        'EE',
        productOf({ serialNumber: 'EE-C', weeeCategory: 5, weightKg: 7 }),
      ),
    );
    asOfBeforeMemberships = c.recordedAt;
    await sleep(5);
    // Recorded after the devices, effective long before: attribution must still follow them.
    track(await kierto.join('producer-ee', 'org-alpha', '2024-01-01T00:00:00Z'));
    track(await kierto.leave('producer-ee', 'org-alpha', '2025-07-01T00:00:00+03:00'));
    track(await kierto.join('producer-ee', 'org-beta', '2025-07-01T00:00:00+03:00'));
    track(await kierto.collect(a.id, '2025-10-01T09:00:00Z', 'EE', { onBehalfOf: 'org-gamma' }));
    track(
      await kierto.collectNew(
        productOf({ serialNumber: 'EE-D', weeeCategory: 5, weightKg: 11 }),
        '2025-10-02T09:00:00Z',
        'EE',
      ),
    );
  });

  const totalsOf = async (query: Record<string, string | number>): Promise<Body> =>
    (await statistics('report', { year: 2025, country: 'EE', ...query }, 'ProducerOrganisationReport'))[
      'totals'
    ] as Body;

  it('attributes placing on market to the organisation the producer was in at that moment: the membership change mid-year moves it', async () => {
    expect(await totalsOf({ organisationId: 'org-alpha' })).toMatchObject({
      placedOnMarket: { kg: 3, units: 1 },
      collected: { kg: 0 },
    });
    expect(await totalsOf({ organisationId: 'org-beta' })).toMatchObject({
      placedOnMarket: { kg: 5, units: 1 },
      collected: { kg: 0 },
    });
    const facts = await statistics('facts', { year: 2025, country: 'EE', measure: 'POM' }, 'StatisticsFacts');
    expect((facts['items'] as Body[]).map((fact) => [fact['deviceId'], fact['organisationId']])).toEqual([
      [a.id, 'org-alpha'],
      [b.id, 'org-beta'],
      [expect.stringContaining('EE-C'), null],
    ]);
  });

  it("attributes a collection to the organisation the collector named, whatever the producer's membership", async () => {
    expect(await totalsOf({ organisationId: 'org-gamma' })).toMatchObject({
      placedOnMarket: { kg: 0 },
      collected: { kg: 3, units: 1 },
    });
  });

  it('counts devices of no known producer and no named organisation in the national totals only', async () => {
    expect(await totalsOf({})).toMatchObject({ placedOnMarket: { kg: 15, units: 3 }, collected: { kg: 14, units: 2 } });
  });

  it('as of a past moment, counts only events and memberships recorded by then', async () => {
    expect(await totalsOf({ asOf: asOfBeforeMemberships })).toMatchObject({
      placedOnMarket: { kg: 15 },
      collected: { kg: 0 },
    });
    expect(await totalsOf({ organisationId: 'org-alpha', asOf: asOfBeforeMemberships })).toMatchObject({
      placedOnMarket: { kg: 0 },
    });
    const document = await statistics(
      'report',
      { year: 2025, country: 'EE', asOf: asOfBeforeMemberships },
      'ProducerOrganisationReport',
    );
    expect(document['basis']).toMatchObject({ asOf: asOfBeforeMemberships, reportingTimeZone: 'UTC' });
  });

  it('gives the same figures as of now as without asOf', async () => {
    const now = new Date(Date.now() + 60_000).toISOString();
    for (const organisationId of ['org-alpha', 'org-beta', 'org-gamma']) {
      expect(await totalsOf({ organisationId, asOf: now })).toEqual(await totalsOf({ organisationId }));
    }
  });
});

describe('device-level indicators (LV 2025)', () => {
  beforeAll(async () => {
    const first = track(
      await kierto.place(
        '2025-01-05T09:00:00Z',
        'producer-lv',
        'LV',
        productOf({ serialNumber: 'LV-1', weeeCategory: 5, weightKg: 3, yearOfManufacture: 2020 }),
      ),
    );
    track(await kierto.repair(first.id, '2025-02-01T09:00:00Z', 'fixed'));
    track(await kierto.repair(first.id, '2025-03-01T09:00:00Z', 'end-of-life'));
    track(await kierto.collect(first.id, '2025-04-01T09:00:00Z', 'LV'));
    track(
      await kierto.recycle(first.id, '2025-05-01T09:00:00Z', 'LV', 3, [
        { material: 'metals', massKg: 2, fate: 'recycled' },
      ]),
    );
    const second = track(
      await kierto.place(
        '2025-01-06T09:00:00Z',
        'producer-lv',
        'LV',
        productOf({ serialNumber: 'LV-2', weeeCategory: 5, weightKg: 3, yearOfManufacture: 2022 }),
      ),
    );
    track(await kierto.collect(second.id, '2025-06-01T09:00:00Z', 'LV'));
  });

  it('gives repair success, lives and ages, with their numerators and denominators', async () => {
    const document = await statistics('indicators', { year: 2025, country: 'LV' }, 'DeviceIndicators');
    const byName = Object.fromEntries(
      (document['indicators'] as Body[]).map((indicator) => [indicator['name'], indicator]),
    );
    expect(byName['repair-success-rate']).toMatchObject({ numerator: 1, denominator: 2, value: 50, display: '50.0' });
    expect(byName['average-age-at-collection']).toMatchObject({
      numerator: 8,
      denominator: 2,
      value: 4,
      display: '4.00',
    });
    expect(byName['average-age-at-recycling']).toMatchObject({ numerator: 5, denominator: 1, value: 5 });
    expect(byName['average-lives-at-recycling']).toMatchObject({ numerator: 1, denominator: 1, value: 1 });
    expect(byName['wiped-before-resale']).toMatchObject({ denominator: 0, value: null, display: null });
    const csv = await app.api.get('/statistics/indicators').query({ year: 2025, country: 'LV', format: 'csv' });
    expect(csv.text.split('\r\n')[1]).toMatch(/^2025,repair-success-rate,percent,1,2,50,50\.0,/);
  });
});

describe('read your writes: ?minPosition=', () => {
  it('waits until the statistics include the position a command returned', async () => {
    const placed = track(
      await kierto.place(
        '2025-02-02T09:00:00Z',
        'producer-lt',
        'LT',
        productOf({ serialNumber: 'LT-1', weeeCategory: 6, weightKg: 0.2 }),
      ),
    );
    const response = await app.api
      .get('/statistics/facts')
      .query({ year: 2025, country: 'LT', minPosition: placed.position });
    expect(response.status).toBe(200);
    expect(response.body.items.map((fact: Body) => fact['globalPosition'])).toEqual([placed.position]);
    expect(response.body.basis.checkpoint).toBeGreaterThanOrEqual(placed.position);
  });
});

describe('bad query parameters', () => {
  it.each([
    ['no year', '/statistics/collection-rate', {}, 'year'],
    ['a year that is not a number', '/statistics/collection-rate', { year: 'last' }, 'year'],
    ['a year out of range', '/statistics/report', { year: 1800 }, 'year'],
    ['category 7', '/statistics/recovery-rates', { year: 2025, category: 7 }, 'category'],
    ['an unknown market', '/statistics/report', { year: 2025, market: 'both' }, 'market'],
    ['a lower-case country', '/statistics/report', { year: 2025, country: 'fi' }, 'country'],
    ['an asOf without a time zone', '/statistics/report', { year: 2025, asOf: '2025-01-01T00:00:00' }, 'asOf'],
    ['a negative minPosition', '/statistics/indicators', { year: 2025, minPosition: -1 }, 'minPosition'],
    ['an unknown measure', '/statistics/facts', { year: 2025, measure: 'SOLD' }, 'measure'],
    ['a page of 0 facts', '/statistics/facts', { year: 2025, limit: 0 }, 'limit'],
    ['an unknown parameter', '/statistics/collection-rate', { year: 2025, organisation: 'org-se' }, 'organisation'],
    ['an unknown format', '/statistics/collection-rate', { year: 2025, format: 'xlsx' }, 'format'],
  ])('refuses %s with 400 and the parameter as the field', async (_name, path, query, field) => {
    const response = await app.api.get(path).query(query);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.fields.map((each: { field: string }) => each.field)).toEqual([field]);
  });

  it('refuses an asOf on a day that does not exist', async () => {
    const response = await app.api.get('/statistics/report').query({ year: 2025, asOf: '2025-02-30T00:00:00Z' });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'INVALID_TIMESTAMP', fields: [{ field: 'asOf' }] });
  });

  it('refuses a cursor it did not give out', async () => {
    const response = await app.api.get('/statistics/facts').query({ year: 2025, cursor: 'bm90LWEtY3Vyc29y' });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'INVALID_CURSOR', fields: [{ field: 'cursor' }] });
  });

  it('refuses a minPosition beyond the last recorded event', async () => {
    const response = await app.api.get('/statistics/report').query({ year: 2025, minPosition: head + 1000 });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'POSITION_NOT_IN_STORE', fields: [{ field: 'minPosition' }] });
  });
});

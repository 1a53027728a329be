/**
 * WEEE generated and the Art. 7(1) alternative target through the real HTTP API
 * (docs/statistics.md "WEEE generated"). The application is configured, as an operator would with
 * KIERTO_WEEE_LIFESPANS, with the hand-worked lifespan of libs/domain/src/weee-generated.spec.ts for
 * every category (shape 2, scale 2 years), so the figures can be recomputed by hand and a complete
 * history is five years long instead of the defaults' thirty-odd:
 *   L(0…4) = 0.2211992, 0.4109214, 0.2624802, 0.0870836, 0.0163851; F(5) = 0.9980695.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { LifespanTable } from '#kierto/domain';
import { validateDocument } from '#kierto/schemas';
import { Lifecycle, productOf, type Body, type Recorded } from '../support/lifecycle.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const HAND = { shape: 2, scale: 2, source: 'hand-worked example (test)' };
const LIFESPANS: LifespanTable = { 1: HAND, 2: HAND, 3: HAND, 4: HAND, 5: HAND, 6: HAND };

let app: TestApp;
let kierto: Lifecycle;
let head = 0;
const track = (recorded: Recorded): Recorded => {
  head = Math.max(head, recorded.position);
  return recorded;
};

/**
 * Sweden, placed on the market by maker-se-a (category 4): 2018 500 kg, 2019 500 kg, 2020 1 000 kg,
 * 2021 2 × 1 000 kg, 2022 1 000 kg. By maker-se-b, every year 2018–2022, one unit of each other
 * category: 1 100 kg, 2 10 kg, 3 1 kg, 5 10 kg, 6 2 kg (123 kg a year).
 * Collected in 2022: the category 4 units of 2018 and 2019, 1 000 kg.
 */
const CATEGORY_4: readonly (readonly [number, number])[] = [
  [2018, 500],
  [2019, 500],
  [2020, 1000],
  [2021, 1000],
  [2021, 1000],
  [2022, 1000],
];
const OTHERS: readonly (readonly [number, number])[] = [
  [1, 100],
  [2, 10],
  [3, 1],
  [5, 10],
  [6, 2],
];

beforeAll(async () => {
  app = await startTestApp({ weeeLifespans: LIFESPANS });
  kierto = new Lifecycle(app.api);
  const category4: Recorded[] = [];
  for (const [index, [year, weightKg]] of CATEGORY_4.entries()) {
    const product = productOf({
      serialNumber: `SE-4-${year}-${index}`,
      weeeCategory: 4,
      weightKg,
      yearOfManufacture: year,
    });
    category4.push(track(await kierto.place(`${year}-06-01T12:00:00Z`, 'maker-se-a', 'SE', product)));
  }
  await Promise.all(
    [2018, 2019, 2020, 2021, 2022].flatMap((year) =>
      OTHERS.map(async ([category, weightKg]) => {
        const product = productOf({
          serialNumber: `SE-${category}-${year}`,
          weeeCategory: category,
          weightKg,
          yearOfManufacture: year,
        });
        track(await kierto.place(`${year}-03-01T12:00:00Z`, 'maker-se-b', 'SE', product, 'non-household'));
      }),
    ),
  );
  for (const device of category4.slice(0, 2)) track(await kierto.collect(device.id, '2022-09-01T08:00:00Z', 'SE'));
});
afterAll(async () => {
  await app.close();
});

async function weeeGenerated(query: Record<string, string | number>): Promise<Body> {
  const response = await app.api.get('/statistics/weee-generated').query({ minPosition: head, ...query });
  expect({ status: response.status, error: response.body.error }).toEqual({ status: 200, error: undefined });
  const validation = validateDocument('WeeeGenerated', response.body);
  expect(validation.ok ? [] : validation.errors).toEqual([]);
  return response.body as Body;
}

type Category = {
  category: number;
  weeeGenerated: { kg: number } | null;
  complete: boolean;
  missingYears: number[];
  coverage: number | null;
};

describe('GET /statistics/weee-generated', () => {
  it('recomputes the hand-worked example for category 4: 1 357.2566 kg in 2022, complete', async () => {
    // 500 × L(4) + 500 × L(3) + 1 000 × L(2) + 2 000 × L(1) + 1 000 × L(0)
    // = 8.19255 + 43.5418 + 262.4802 + 821.8428 + 221.1992 = 1 357.2566 kg.
    const document = await weeeGenerated({ year: 2022, country: 'SE', category: 4 });
    const [category] = document['categories'] as Category[];
    expect(category?.weeeGenerated?.kg).toBeCloseTo(1357.2566, 3);
    expect(category).toMatchObject({
      complete: true,
      missingYears: [],
      lifespan: HAND,
      horizonYears: 4,
      placedOnMarketFacts: 6,
    });
    expect(category?.coverage).toBeCloseTo(0.9980695, 6);
    // A category filter: the rates are for information, without the Article 7 targets.
    expect(document).toMatchObject({ targetMet: null, rateAgainstWeeeGenerated: { target: null } });
  });

  it('gives the national rate against WEEE generated beside the rate against average POM; either target meets Art. 7(1)', async () => {
    // WEEE generated 2022 = 1 357.2566 + 123 × F(5) = 1 357.2566 + 122.7625 = 1 480.0191 kg; COL 1 000 kg → 67.57 %, under 85 %.
    // Average POM 2019–2021 = (623 + 1 123 + 2 123) / 3 = 1 289.667 kg → 77.54 %, over 65 %: the target is met.
    const document = await weeeGenerated({ year: 2022, country: 'SE' });
    expect(document['total']).toMatchObject({ complete: true, reason: null });
    expect((document['total'] as { weeeGenerated: { kg: number } }).weeeGenerated.kg).toBeCloseTo(1480.0191, 3);
    expect(document['collected']).toMatchObject({ kg: 1000, units: 2 });
    const generated = document['rateAgainstWeeeGenerated'] as { rate: { percent: number; display: string } };
    expect(generated.rate.percent).toBeCloseTo((100 * 1000) / 1480.0191, 3);
    expect(document).toMatchObject({
      rateAgainstWeeeGenerated: { computable: true, rate: { display: '67.6' }, target: { percent: 85 }, met: false },
      rateAgainstAveragePlacedOnMarket: {
        computable: true,
        missingYears: [],
        rate: { display: '77.5' },
        target: { percent: 65 },
        met: true,
      },
      targetMet: true,
      targetNote: null,
    });
  });

  it('reports missing history instead of under-reporting: 2021 lacks 2017, so no rate against WEEE generated', async () => {
    const document = await weeeGenerated({ year: 2021, country: 'SE' });
    for (const category of document['categories'] as Category[]) {
      expect(category).toMatchObject({ complete: false, missingYears: [2017] });
      // Ages 0–3 are covered: F(4) = 1 − e^−4 = 0.9816844.
      expect(category.coverage).toBeCloseTo(0.9816844, 6);
    }
    expect(document['total']).toMatchObject({
      complete: false,
      reason: 'Incomplete for categories 1, 2, 3, 4, 5, 6: the total is a lower bound',
    });
    expect(document['rateAgainstWeeeGenerated']).toMatchObject({ computable: false, rate: null, met: null });
    // The average-POM alternative needs only 2018–2020, which are all there.
    expect(document['rateAgainstAveragePlacedOnMarket']).toMatchObject({ computable: true });
  });

  it('is served as CSV: a row per category and a total row with both rates', async () => {
    const response = await app.api
      .get('/statistics/weee-generated')
      .query({ year: 2022, country: 'SE', format: 'csv', minPosition: head });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['kierto-checkpoint']).toMatch(/^\d+$/);
    const [header, ...rows] = response.text.trimEnd().split('\r\n');
    expect(header).toBe(
      'year,category,category_name,shape,scale_years,lifespan_source,horizon_years,weee_generated_t,coverage,complete,missing_years,reason,' +
        'collected_t,rate_vs_weee_generated_percent,rate_vs_weee_generated_display,target_vs_weee_generated_percent,met_vs_weee_generated,' +
        'rate_vs_average_pom_percent,rate_vs_average_pom_display,target_vs_average_pom_percent,met_vs_average_pom,target_met,as_of,checkpoint',
    );
    expect(rows).toHaveLength(7);
    expect(rows[3]).toMatch(/^2022,4,Large equipment,2,2,hand-worked example \(test\),4,1\.357,0\.998\d+,true,,,/);
    expect(rows[6]).toMatch(
      /^2022,total,all categories,,,,,1\.480,,true,,,1\.000,67\.5\d+,67\.6,85,false,77\.5\d+,77\.5,65,true,true,,\d+$/,
    );
  });

  it('is read like the other statistics: a producer its own figures, 403 for another producer or a role without statistics:read, 401 without a key', async () => {
    const own = await app
      .as('maker-se-a', 'producer')
      .get('/statistics/weee-generated')
      .query({ year: 2022, country: 'SE', minPosition: head });
    expect(own.status).toBe(200);
    expect(own.body.filters).toMatchObject({ producerId: 'maker-se-a' });
    // Only maker-se-a's category 4 history: the other categories have none, so the total is incomplete.
    expect(own.body.total).toMatchObject({ complete: false });
    const other = await app
      .as('maker-se-a', 'producer')
      .get('/statistics/weee-generated')
      .query({ year: 2022, producerId: 'maker-se-b' });
    expect(other.status).toBe(403);
    expect(other.body.error).toMatchObject({ code: 'FORBIDDEN' });
    const collector = await app.as('collector-se', 'collector').get('/statistics/weee-generated').query({ year: 2022 });
    expect(collector.status).toBe(403);
    const anonymous = await request(app.http).get('/statistics/weee-generated').query({ year: 2022 });
    expect(anonymous.status).toBe(401);
  });

  it('refuses a malformed year like the other statistics routes', async () => {
    const response = await app.api.get('/statistics/weee-generated').query({ year: 'twenty' });
    expect(response.status).toBe(400);
  });
});

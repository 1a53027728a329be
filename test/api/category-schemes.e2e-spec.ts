/**
 * Both WEEE category schemes through the real HTTP API (docs/statistics.md "Category schemes and
 * reference periods", docs/adr/0015): an auditor replaying 2015 gets the Annex I tables of Annex V
 * Parts 1 and 2 (2015 is split at 15 Aug); 2018 gives an Annex I table for 1 Jan–14 Aug and an
 * Annex III table for 15 Aug–31 Dec. The Annex I category comes from the producer's annexICategory,
 * else the UNU-KEY, else lamps are lighting equipment, else the device is reported as unknown.
 * Each year uses its own country. The reporting time zone of the test app is UTC. The tables are
 * read from the pre-aggregated cells and, as of a moment, from the facts; on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import { validateDocument, type DocumentName } from '#kierto/schemas';
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

interface Period {
  readonly id: string;
  readonly scheme: string;
  readonly from: string;
  readonly to: string;
}
interface RateLine {
  readonly kind: string;
  readonly rate: { readonly percent: number } | null;
  readonly target: number | null;
  readonly met: boolean | null;
}
interface RatesTable {
  readonly period: Period;
  readonly categories: readonly {
    readonly category: number | null;
    readonly name: string;
    readonly collected: { readonly kg: number };
    readonly rates: readonly RateLine[];
  }[];
}
interface ReportTable {
  readonly period: Period;
  readonly rows: readonly {
    readonly category: number | null;
    readonly market: string;
    readonly collected: { readonly kg: number };
    readonly placedOnMarket: { readonly kg: number };
  }[];
  readonly totals: { readonly collected: { readonly kg: number }; readonly placedOnMarket: { readonly kg: number } };
}

/** Recycled into 80 % recycled and 10 % energy recovery of its weight. */
const outputs = (weightKg: number): Body[] => [
  { material: 'metals', massKg: weightKg * 0.8, fate: 'recycled' },
  { material: 'plastics', massKg: weightKg * 0.1, fate: 'energy-recovery' },
  { material: 'residue', massKg: weightKg * 0.1, fate: 'disposal' },
];

async function collectAndRecycle(
  product: Body,
  country: string,
  collectedAt: string,
  recycledAt: string,
): Promise<void> {
  const { id } = track(await kierto.collectNew(product, collectedAt, country));
  track(
    await kierto.recycle(id, recycledAt, country, Number(product['weightKg']), outputs(Number(product['weightKg']))),
  );
}

describe('2015 replayed: Annex I tables, Annex V Part 1 until 14 Aug and Part 2 from 15 Aug (EE)', () => {
  beforeAll(async () => {
    // A fridge whose producer gives Annex I category 1, placed and collected before 15 Aug.
    const fridge = { ...productOf({ serialNumber: 'EE15-FRIDGE', weeeCategory: 1, weightKg: 100 }), annexICategory: 1 };
    const { id } = track(await kierto.place('2015-01-10T10:00:00Z', 'producer-ee', 'EE', fridge));
    track(await kierto.collect(id, '2015-03-01T10:00:00Z', 'EE'));
    track(await kierto.recycle(id, '2015-04-01T10:00:00Z', 'EE', 100, outputs(100)));
    // A desktop PC known only by its UNU-KEY 0302 (Annex I 3, IT), collected after 15 Aug.
    await collectAndRecycle(
      { ...productOf({ serialNumber: 'EE15-PC', weeeCategory: 6, weightKg: 10 }), unuKey: '0302' },
      'EE',
      '2015-09-01T10:00:00Z',
      '2015-10-01T10:00:00Z',
    );
    // Small equipment with neither: its Annex I category is unknown, and it is reported so.
    await collectAndRecycle(
      productOf({ serialNumber: 'EE15-SMALL', weeeCategory: 5, weightKg: 2 }),
      'EE',
      '2015-09-02T10:00:00Z',
      '2015-10-02T10:00:00Z',
    );
  });

  it('gives one Annex I rates table per part of Annex V, each with its own targets', async () => {
    const document = await statistics('recovery-rates', { year: 2015, country: 'EE' }, 'RecoveryRates');
    const [part1, part2] = document['tables'] as RatesTable[];
    expect((document['tables'] as RatesTable[]).map((table) => table.period)).toEqual([
      expect.objectContaining({ id: 'annex-v-part-1', scheme: 'annex-i', from: '2015-01-01', to: '2015-08-14' }),
      expect.objectContaining({ id: 'annex-v-part-2', scheme: 'annex-i', from: '2015-08-15', to: '2015-12-31' }),
    ]);
    const category = (table: RatesTable | undefined, number: number | null) =>
      table?.categories.find((entry) => entry.category === number);
    expect(category(part1, 1)).toMatchObject({
      name: 'Large household appliances',
      collected: { kg: 100 },
      rates: [
        { kind: 'recovery', rate: { percent: 90 }, target: 80, met: true },
        { kind: 'recycling', rate: { percent: 80 }, target: 75, met: true },
      ],
    });
    expect(category(part2, 3)).toMatchObject({
      name: 'IT and telecommunications equipment',
      collected: { kg: 10 },
      rates: [
        { kind: 'recovery', rate: { percent: 90 }, target: 80, met: true },
        { kind: 'prepared-for-re-use-and-recycling', rate: { percent: 80 }, target: 70, met: true },
      ],
    });
    expect(category(part2, null)).toMatchObject({
      name: 'Annex I category unknown',
      collected: { kg: 2 },
      rates: [
        { kind: 'recovery', target: null, met: null },
        { kind: 'prepared-for-re-use-and-recycling', target: null, met: null },
      ],
    });
    expect(category(part2, 1)).toMatchObject({ collected: { kg: 0 }, rates: [{ rate: null }, { rate: null }] });
  });

  it('gives the 2015 report tables by Annex I category, household and other apart, and an unknown row', async () => {
    const document = await statistics('report', { year: 2015, country: 'EE' }, 'ProducerOrganisationReport');
    const [part1, part2] = document['tables'] as ReportTable[];
    const household = (table: ReportTable | undefined, category: number | null) =>
      table?.rows.find((row) => row.category === category && row.market === 'household');
    expect(part1?.rows).toHaveLength(22);
    expect(household(part1, 1)).toMatchObject({ placedOnMarket: { kg: 100 }, collected: { kg: 100 } });
    expect(household(part2, 3)).toMatchObject({ collected: { kg: 10 } });
    expect(household(part2, null)).toMatchObject({ collected: { kg: 2 } });
    expect(part1?.totals.collected.kg).toBe(100);
    expect(part2?.totals.collected.kg).toBe(12);
    expect((document['totals'] as ReportTable['totals']).collected.kg).toBe(112);
  });
});

describe('2018 replayed: Annex I until 14 Aug, Annex III from 15 Aug (LT)', () => {
  beforeAll(async () => {
    // Laptops by UNU-KEY 0303: Annex I 3 (IT), Annex III 2 (screens). One on each side of the boundary.
    const laptop = (serialNumber: string): Body => ({
      ...productOf({ serialNumber, weeeCategory: 2, weightKg: 2 }),
      unuKey: '0303',
    });
    await collectAndRecycle(laptop('LT18-BEFORE'), 'LT', '2018-08-14T20:00:00Z', '2018-08-14T23:59:59Z');
    await collectAndRecycle(laptop('LT18-AFTER'), 'LT', '2018-08-15T00:00:00Z', '2018-08-20T10:00:00Z');
    // A lamp without annexICategory or UNU-KEY before the boundary: lamps are lighting equipment (Annex I 5).
    await collectAndRecycle(
      productOf({ serialNumber: 'LT18-LAMP', weeeCategory: 3, weightKg: 0.5 }),
      'LT',
      '2018-05-01T10:00:00Z',
      '2018-05-02T10:00:00Z',
    );
  });

  it('splits the year at 15 Aug: an Annex I table with the Part 2 targets, an Annex III table with Part 3', async () => {
    const document = await statistics('recovery-rates', { year: 2018, country: 'LT' }, 'RecoveryRates');
    const tables = document['tables'] as RatesTable[];
    expect(tables.map((table) => table.period)).toEqual([
      expect.objectContaining({ id: 'annex-v-part-2', scheme: 'annex-i', from: '2018-01-01', to: '2018-08-14' }),
      expect.objectContaining({ id: 'annex-v-part-3', scheme: 'annex-iii', from: '2018-08-15', to: '2018-12-31' }),
    ]);
    const [annexI, annexIII] = tables;
    expect(annexI?.categories.map((entry) => entry.category)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, null]);
    expect(annexI?.categories.find((entry) => entry.category === 3)).toMatchObject({
      collected: { kg: 2 },
      rates: [
        { kind: 'recovery', target: 80 },
        { kind: 'prepared-for-re-use-and-recycling', target: 70 },
      ],
    });
    expect(annexI?.categories.find((entry) => entry.category === 5)).toMatchObject({
      name: 'Lighting equipment',
      collected: { kg: 0.5 },
      rates: [{ target: 75 }, { target: 55 }],
    });
    expect(annexIII?.categories.map((entry) => entry.category)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(annexIII?.categories.find((entry) => entry.category === 2)).toMatchObject({
      name: 'Screens, monitors and equipment containing screens > 100 cm²',
      collected: { kg: 2 },
      rates: [
        { kind: 'recovery', rate: { percent: 90 }, target: 80, met: true },
        { kind: 'prepared-for-re-use-and-recycling', rate: { percent: 80 }, target: 70, met: true },
      ],
    });
    // The whole-year rows stay as before: by Annex III category, no target for a year of two regimes.
    expect((document['categories'] as RatesTable['categories']).find((entry) => entry.category === 2)).toMatchObject({
      collected: { kg: 4 },
      rates: [{ target: null }, { target: null }],
    });
  });

  it('puts every kilogram in exactly one table, and the CSV names each row’s period', async () => {
    const document = await statistics('report', { year: 2018, country: 'LT' }, 'ProducerOrganisationReport');
    const [annexI, annexIII] = document['tables'] as ReportTable[];
    expect([annexI?.totals.collected.kg, annexIII?.totals.collected.kg]).toEqual([2.5, 2]);
    expect((document['totals'] as ReportTable['totals']).collected.kg).toBe(4.5);

    const csv = await app.api
      .get('/statistics/report')
      .query({ year: 2018, country: 'LT', format: 'csv', minPosition: reader.head });
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/,scheme,period,period_from,period_to$/);
    expect(lines).toContain(
      '2018,3,IT and telecommunications equipment,household,0.000,0.002,0.000,0.002,0.000,0.002,0.000,0.000,0.000,annex-i,annex-v-part-2,2018-01-01,2018-08-14',
    );
    expect(lines.filter((line) => line.endsWith(',annex-iii,annex-v-part-3,2018-08-15,2018-12-31'))).toHaveLength(13);
    expect(lines.some((line) => line.startsWith('2018,unknown,Annex I category unknown,household,'))).toBe(true);
  });
});

describe('as of a moment: the tables summed from the facts equal those from the pre-aggregated cells', () => {
  it.each([2015, 2018])('%i', async (year) => {
    const country = year === 2015 ? 'EE' : 'LT';
    const current = await statistics('report', { year, country }, 'ProducerOrganisationReport');
    const asOf = await statistics(
      'report',
      { year, country, asOf: new Date().toISOString() },
      'ProducerOrganisationReport',
    );
    expect(asOf['tables']).toEqual(current['tables']);
    expect((current['tables'] as ReportTable[]).length).toBe(2);
  });
});

describeIfPostgres('PostgreSQL: the 2018 split and the Annex I rows, current and as of now', () => {
  let pgApp: TestApp;
  let schema: string;
  let pgHead = 0;
  beforeAll(async () => {
    schema = createTestSchema();
    pgApp = await startTestApp({ databaseUrl: postgres.url, databaseSchema: schema });
    const lifecycle = new Lifecycle(pgApp.api);
    const laptop = (serialNumber: string): Body => ({
      ...productOf({ serialNumber, weeeCategory: 2, weightKg: 2 }),
      unuKey: '0303',
    });
    for (const [serial, at] of [
      ['PG18-BEFORE', '2018-08-14T20:00:00Z'],
      ['PG18-AFTER', '2018-08-15T00:00:00Z'],
    ] as const) {
      const { id } = await lifecycle.collectNew(laptop(serial), at, 'LT');
      pgHead = (await lifecycle.recycle(id, at, 'LT', 2, outputs(2))).position;
    }
    pgHead = (
      await lifecycle.collectNew(
        productOf({ serialNumber: 'PG18-UNKNOWN', weeeCategory: 4, weightKg: 30 }),
        '2018-02-01T10:00:00Z',
        'LT',
      )
    ).position;
  });
  afterAll(async () => {
    await pgApp.close();
    await dropTestSchema(schema);
  });

  it('reads the same tables from the cells and from the facts', async () => {
    const read = async (query: Record<string, string | number>) => {
      const response = await pgApp.api.get('/statistics/report').query({ minPosition: pgHead, year: 2018, ...query });
      expect(response.status).toBe(200);
      const validation = validateDocument('ProducerOrganisationReport', response.body);
      expect(validation.ok ? [] : validation.errors).toEqual([]);
      return response.body as { tables: ReportTable[] };
    };
    const current = await read({});
    expect(current.tables.map((table) => [table.period.id, table.totals.collected.kg])).toEqual([
      ['annex-v-part-2', 32],
      ['annex-v-part-3', 2],
    ]);
    const household = (category: number | null) =>
      current.tables[0]?.rows.find((row) => row.category === category && row.market === 'household');
    expect([household(3)?.collected.kg, household(null)?.collected.kg]).toEqual([2, 30]);
    expect((await read({ asOf: new Date().toISOString() })).tables).toEqual(current.tables);
  });
});

describe('the Annex I category and UNU-KEY in a product description', () => {
  it.each([
    ['annexICategory', { annexICategory: 11 }],
    ['annexICategory', { annexICategory: 0 }],
    ['unuKey', { unuKey: '9999' }],
    ['unuKey', { unuKey: '302' }],
  ])('refuses an unknown %s with 400 naming the field', async (field, extra) => {
    const product = {
      ...productOf({ serialNumber: `BAD-${field}-${JSON.stringify(extra)}`, weeeCategory: 6, weightKg: 1 }),
      ...extra,
    };
    const response = await app.api.post('/devices').send({
      occurredAt: '2016-01-01T10:00:00Z',
      producerId: 'producer-x',
      country: 'FI',
      market: 'household',
      product,
    });
    expect({ status: response.status, code: response.body.error?.code }).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    expect(response.body.error.fields).toEqual([
      expect.objectContaining({ field: `product.${field}`, code: 'INVALID_VALUE' }),
    ]);
  });
});

/**
 * The Annex V rates with devices prepared for re-use (docs/statistics.md): recovery includes preparing for
 * re-use, so RCV = PfR + RCY + ER. The facts come from the real projection; the sums from a small
 * in-memory stand-in for the read-model store, which only has to add facts up.
 */
import { describe, expect, it } from '@jest/globals';
import type { DeviceEvent } from '#kierto/domain';
import type { StoredEvent } from '#kierto/event-store';
import { collected, fridge, laptop, placedOnMarket, recycled, resold } from '#kierto/testing';
import type { StatisticsReadModel, SumsQuery, SumRow } from './read-model.js';
import { applyStatistics, type StatisticsDevice, type StatisticsFact } from './facts.js';
import { StatisticsQueries } from './queries.js';

let position = 0;
let devices = 0;

/** The facts of one device's history, at fresh global positions. */
function factsOf(events: readonly DeviceEvent[], timeZone = 'UTC'): StatisticsFact[] {
  devices += 1;
  const streamId = `device-${devices}`;
  let device: StatisticsDevice | null = null;
  const facts: StatisticsFact[] = [];
  events.forEach((event, revision) => {
    position += 1;
    const stored: StoredEvent = {
      eventId: `event-${position}`,
      type: event.type,
      schemaVersion: 1,
      occurredAt: event.occurredAt,
      actor: { organisationId: 'org', role: 'operator', keyId: 'key' },
      correlationId: 'correlation',
      causationId: null,
      data: JSON.parse(JSON.stringify(event.data)) as StoredEvent['data'],
      metadata: {},
      streamId,
      streamRevision: revision,
      globalPosition: position,
      recordedAt: '2026-01-01T00:00:00.000Z',
      hash: 'a'.repeat(64),
      prevHash: 'b'.repeat(64),
    };
    const applied = applyStatistics(device, stored, timeZone);
    device = applied.document;
    facts.push(...applied.facts);
  });
  return facts;
}

/** Sums facts by year, measure and the asked dimensions; filters other than the year are not needed here. */
function inMemoryStore(facts: readonly StatisticsFact[]): StatisticsReadModel {
  const sums = (query: SumsQuery): Promise<{ value: SumRow[]; checkpoint: number }> => {
    const rows = new Map<string, SumRow>();
    for (const fact of facts) {
      if (!query.years.includes(fact.year) || !query.measures.includes(fact.measure)) continue;
      const row: SumRow = {
        year: fact.year,
        measure: fact.measure,
        category: query.groupBy.includes('category') ? fact.category : null,
        market: query.groupBy.includes('market') ? fact.market : null,
        treatment: query.groupBy.includes('treatment') ? fact.treatment : null,
        period: query.groupBy.includes('period') ? fact.period : null,
        annexICategory: query.groupBy.includes('annexICategory') ? fact.annexICategory : null,
        massMg: fact.massMg,
        units: fact.units,
        value: fact.value ?? 0,
        facts: 1,
      };
      const key = [row.year, row.measure, row.category, row.market, row.treatment, row.period, row.annexICategory].join(
        '|',
      );
      const sum = rows.get(key);
      rows.set(
        key,
        sum === undefined
          ? row
          : { ...sum, massMg: sum.massMg + row.massMg, units: sum.units + row.units, facts: sum.facts + 1 },
      );
    }
    return Promise.resolve({ value: [...rows.values()], checkpoint: position });
  };
  // Only `sums` is read by the rate and report queries.
  return { sums } as unknown as StatisticsReadModel;
}

const request = {
  year: 2025,
  asOf: null,
  filters: { country: null, producerId: null, organisationId: null, category: null, market: null },
};

/**
 * The worked example of docs/statistics.md, category 4: 100 devices of 1 t collected (COL 100 t); 10 of them
 * resold after collection (PfR 10 t); 80 recycled, each into 875 kg recycled and 125 kg energy
 * recovery (RCY 70 t, ER 10 t); 10 still waiting. RCV = 10 + 70 + 10 = 90 t.
 */
function workedExample(): StatisticsFact[] {
  const facts: StatisticsFact[] = [];
  for (let n = 0; n < 100; n += 1) {
    const product = laptop({
      serialNumber: `LARGE-${n}`,
      weeeCategory: 4,
      weightKg: 1000,
      hasDataStorage: false,
      materials: [],
    });
    const history: DeviceEvent[] = [collected({ occurredAt: '2025-02-01T10:00:00Z', product, country: 'FI' })];
    if (n < 10) history.push(resold({ occurredAt: '2025-03-01T10:00:00Z' }));
    else if (n < 90) {
      history.push(
        recycled({
          occurredAt: '2025-04-01T10:00:00Z',
          treatmentCountry: 'FI',
          weightKg: 1000,
          outputs: [
            { material: 'steel, copper, plastics', massKg: 875, fate: 'recycled' },
            { material: 'mixed plastics', massKg: 125, fate: 'energy-recovery' },
          ],
        }),
      );
    }
    facts.push(...factsOf(history));
  }
  return facts;
}

describe('Annex V rates with preparing for re-use (the worked example)', () => {
  const queries = new StatisticsQueries(inMemoryStore(workedExample()), 'UTC');

  it('recovery rate is 90 % (PfR + RCY + ER) / COL, and prepared for re-use + recycled is 80 %', async () => {
    const document = await queries.recoveryRates(request);
    const large = document.categories.find((category) => category.category === 4);
    expect(large).toMatchObject({
      collected: { kg: 100_000, units: 100 },
      preparedForReuse: { kg: 10_000, units: 10 },
      recycled: { kg: 70_000 },
      recovered: { kg: 90_000 },
      rates: [
        { kind: 'recovery', rate: { percent: 90, display: '90.0' }, target: 85, met: true },
        { kind: 'prepared-for-re-use-and-recycling', rate: { percent: 80, display: '80.0' }, target: 80, met: true },
      ],
    });
  });

  it('reports every measure with PfR present: PfR treated in the country of collection, energy recovery apart', async () => {
    const report = await queries.report(request);
    expect(report.totals).toMatchObject({
      collected: { kg: 100_000, units: 100 },
      preparedForReuse: { kg: 10_000, units: 10 },
      recycled: { kg: 70_000, units: 0 },
      energyRecovery: { kg: 10_000, units: 0 },
      // 10 t prepared for re-use and 80 t recycled; the 10 t still waiting are not treated yet.
      treatedSameCountry: { kg: 90_000, units: 90 },
      treatedOtherEu: { kg: 0 },
      treatedOutsideEu: { kg: 0 },
      reuse: { kg: 0 },
    });
  });

  it('keeps the nesting in the figures: PfR ≤ PfR + RCY ≤ RCV ≤ TREATED ≤ COL', async () => {
    const rates = await queries.recoveryRates(request);
    const report = await queries.report(request);
    const large = rates.categories.find((category) => category.category === 4);
    if (large === undefined) throw new Error('category 4 is reported');
    const treated =
      report.totals.treatedSameCountry.kg + report.totals.treatedOtherEu.kg + report.totals.treatedOutsideEu.kg;
    const chain = [
      large.preparedForReuse.kg,
      large.preparedForReuse.kg + large.recycled.kg,
      large.recovered.kg,
      treated,
      large.collected.kg,
    ];
    expect(chain).toEqual([...chain].sort((a, b) => a - b));
  });

  it('PfR alone (no recycling yet) is already recovery', async () => {
    const onlyPrepared = factsOf([
      collected({
        occurredAt: '2025-02-01T10:00:00Z',
        product: laptop({ serialNumber: 'ONLY-PFR', weeeCategory: 2, weightKg: 2, materials: [] }),
      }),
      resold({ occurredAt: '2025-03-01T10:00:00Z' }),
    ]);
    const document = await new StatisticsQueries(inMemoryStore(onlyPrepared), 'UTC').recoveryRates(request);
    expect(document.categories.find((category) => category.category === 2)?.rates).toMatchObject([
      { kind: 'recovery', rate: { percent: 100 } },
      { kind: 'prepared-for-re-use-and-recycling', rate: { percent: 100 } },
    ]);
  });
});

/**
 * Both category schemes (docs/adr/0015): a reference year is reported per reference period, each in
 * its scheme with its targets, and every fact falls in exactly one period by its date in the
 * reporting time zone.
 */
describe('reference periods and the two category schemes', () => {
  /** A 100 kg unit collected at `collectedAt` and recycled the same day into 80 kg recycled and 10 kg energy recovery. */
  const collectedAndRecycled = (
    serialNumber: string,
    product: Partial<Parameters<typeof laptop>[0]>,
    collectedAt: string,
    timeZone = 'UTC',
  ): StatisticsFact[] =>
    factsOf(
      [
        collected({
          occurredAt: collectedAt,
          product: laptop({ serialNumber, weightKg: 100, materials: [], ...product }),
          country: 'FI',
        }),
        recycled({
          occurredAt: collectedAt,
          treatmentCountry: 'FI',
          weightKg: 100,
          outputs: [
            { material: 'metals', massKg: 80, fate: 'recycled' },
            { material: 'plastics', massKg: 10, fate: 'energy-recovery' },
            { material: 'residue', massKg: 10, fate: 'disposal' },
          ],
        }),
      ],
      timeZone,
    );
  const year = (value: number) => ({ ...request, year: value });

  it('a fact carries the period of its date in the reporting time zone, and the Annex I category or null', () => {
    const [utcCollection] = collectedAndRecycled('TZ-UTC', { unuKey: '0303' }, '2018-08-14T22:30:00Z');
    const [helsinkiCollection] = collectedAndRecycled('TZ-HEL', {}, '2018-08-14T22:30:00Z', 'Europe/Helsinki');
    expect(utcCollection).toMatchObject({ measure: 'COL', period: 'annex-v-part-2', annexICategory: 3 });
    // 22:30 UTC on 14 Aug is 01:30 on 15 Aug in Helsinki: Annex III already.
    expect(helsinkiCollection).toMatchObject({ measure: 'COL', period: 'annex-v-part-3', annexICategory: null });
  });

  it('the product decides the Annex I category once: placed with annexICategory, every later fact carries it', () => {
    const facts = factsOf([
      placedOnMarket({
        occurredAt: '2014-03-01T10:00:00Z',
        product: fridge({ serialNumber: 'PLACED-1', annexICategory: 10 }),
      }),
      collected({ occurredAt: '2016-03-01T10:00:00Z', country: 'FI' }),
    ]);
    expect(facts.map((fact) => [fact.measure, fact.period, fact.annexICategory])).toEqual([
      ['POM', 'annex-v-part-1', 10],
      ['COL', 'annex-v-part-2', 10],
      ['AGE_AT_COL', 'annex-v-part-2', 10],
    ]);
  });

  describe('2018: Annex I (Part 2) until 14 Aug, Annex III (Part 3) from 15 Aug', () => {
    const facts = [
      // 14 Aug: Annex I; the UNU-KEY 0303 (laptops) makes it category 3.
      ...collectedAndRecycled('Y2018-A', { unuKey: '0303' }, '2018-08-14T12:00:00Z'),
      // March: Annex I, a fridge without annexICategory or UNU-KEY: unknown, not guessed.
      ...collectedAndRecycled('Y2018-B', { weeeCategory: 1 }, '2018-03-01T12:00:00Z'),
      // 15 Aug 00:00 UTC: Annex III category 2.
      ...collectedAndRecycled('Y2018-C', { annexICategory: 3 }, '2018-08-15T00:00:00Z'),
    ];
    const queries = new StatisticsQueries(inMemoryStore(facts), 'UTC');

    it('gives an Annex I table for 1 Jan–14 Aug with the Part 2 targets and an Annex III table for 15 Aug–31 Dec', async () => {
      const document = await queries.recoveryRates(year(2018));
      expect(document.tables.map((table) => table.period)).toMatchObject([
        { id: 'annex-v-part-2', scheme: 'annex-i', from: '2018-01-01', to: '2018-08-14' },
        { id: 'annex-v-part-3', scheme: 'annex-iii', from: '2018-08-15', to: '2018-12-31' },
      ]);
      const [annexI, annexIII] = document.tables;
      expect(annexI?.categories.map((category) => category.category)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, null]);
      expect(annexI?.categories.find((category) => category.category === 3)).toMatchObject({
        collected: { kg: 100, units: 1 },
        rates: [
          { kind: 'recovery', rate: { percent: 90 }, target: 80, met: true },
          { kind: 'prepared-for-re-use-and-recycling', rate: { percent: 80 }, target: 70, met: true },
        ],
      });
      expect(annexI?.categories.find((category) => category.category === null)).toMatchObject({
        name: 'Annex I category unknown',
        collected: { kg: 100, units: 1 },
        rates: [
          { kind: 'recovery', rate: { percent: 90 }, target: null, met: null },
          { kind: 'prepared-for-re-use-and-recycling', rate: { percent: 80 }, target: null, met: null },
        ],
      });
      expect(annexI?.gasDischargeLamps).toMatchObject({ recyclingTarget: 80 });
      expect(annexIII?.categories.map((category) => category.category)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(annexIII?.categories.find((category) => category.category === 2)).toMatchObject({
        collected: { kg: 100, units: 1 },
        rates: [
          { kind: 'recovery', rate: { percent: 90 }, target: 80, met: true },
          { kind: 'prepared-for-re-use-and-recycling', rate: { percent: 80 }, target: 70, met: true },
        ],
      });
      expect(annexIII?.gasDischargeLamps).toBeNull();
    });

    it('counts each fact in exactly one table: the tables add up to the whole year', async () => {
      const report = await queries.report(year(2018));
      const [annexI, annexIII] = report.tables;
      expect(report.totals.collected.kg).toBe(300);
      expect(annexI?.totals.collected.kg).toBe(200);
      expect(annexIII?.totals.collected.kg).toBe(100);
      for (const column of ['placedOnMarket', 'collected', 'preparedForReuse', 'recycled', 'energyRecovery'] as const)
        expect((annexI?.totals[column].kg ?? NaN) + (annexIII?.totals[column].kg ?? NaN)).toBe(
          report.totals[column].kg,
        );
      const household = (category: number | null) =>
        annexI?.rows.find((row) => row.category === category && row.market === 'household');
      expect(household(3)).toMatchObject({
        categoryName: 'IT and telecommunications equipment',
        collected: { kg: 100 },
      });
      expect(household(null)).toMatchObject({ categoryName: 'Annex I category unknown', collected: { kg: 100 } });
      expect(household(1)).toMatchObject({ collected: { kg: 0, units: 0 } });
    });

    it('keeps the whole-year Annex III rows as before, without targets for 2018', async () => {
      const document = await queries.recoveryRates(year(2018));
      expect(document.categories.map((category) => category.category)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(document.categories.find((category) => category.category === 2)).toMatchObject({
        collected: { kg: 200 },
        rates: [{ target: null }, { target: null }],
      });
    });
  });

  describe('2015: Annex V Part 1 until 14 Aug, Part 2 from 15 Aug, both on the Annex I categories', () => {
    const facts = [
      ...collectedAndRecycled('Y2015-A', { annexICategory: 1, weeeCategory: 1 }, '2015-08-14T23:59:59Z'),
      ...collectedAndRecycled('Y2015-B', { annexICategory: 1, weeeCategory: 1 }, '2015-08-15T00:00:00Z'),
    ];
    const queries = new StatisticsQueries(inMemoryStore(facts), 'UTC');

    it('rates each part against its own targets: recovered/recycled 80/75, then recovered/PfR+recycled 85/80', async () => {
      const document = await queries.recoveryRates(year(2015));
      const [part1, part2] = document.tables;
      expect(part1?.period).toMatchObject({ id: 'annex-v-part-1', scheme: 'annex-i', to: '2015-08-14' });
      expect(part1?.categories.find((category) => category.category === 1)?.rates).toMatchObject([
        { kind: 'recovery', rate: { percent: 90 }, target: 80, met: true },
        { kind: 'recycling', formula: 'RCY / COL', rate: { percent: 80 }, target: 75, met: true },
      ]);
      expect(part2?.period).toMatchObject({ id: 'annex-v-part-2', scheme: 'annex-i', from: '2015-08-15' });
      expect(part2?.categories.find((category) => category.category === 1)?.rates).toMatchObject([
        { kind: 'recovery', rate: { percent: 90 }, target: 85, met: true },
        { kind: 'prepared-for-re-use-and-recycling', rate: { percent: 80 }, target: 80, met: true },
      ]);
    });
  });

  it('2019 has one Annex III table with the Part 3 targets, the same figures as the whole-year rows', async () => {
    const queries = new StatisticsQueries(
      inMemoryStore(collectedAndRecycled('Y2019', { weeeCategory: 4 }, '2019-06-01T12:00:00Z')),
      'UTC',
    );
    const document = await queries.recoveryRates(year(2019));
    expect(document.tables).toHaveLength(1);
    expect(document.tables[0]?.period).toMatchObject({ id: 'annex-v-part-3', from: '2019-01-01', to: '2019-12-31' });
    const { category: _table, ...inTable } = document.tables[0]?.categories[3] ?? {};
    const { category: _whole, ...wholeYear } = document.categories[3] ?? {};
    expect(inTable).toEqual(wholeYear);
    expect(wholeYear).toMatchObject({ rates: [{ target: 85 }, { target: 80 }] });
  });
});

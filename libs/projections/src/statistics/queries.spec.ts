/**
 * The Annex V rates with devices prepared for re-use (docs/statistics.md): recovery includes preparing for
 * re-use, so RCV = PfR + RCY + ER. The facts come from the real projection; the sums from a small
 * in-memory stand-in for the read-model store, which only has to add facts up.
 */
import { describe, expect, it } from '@jest/globals';
import type { DeviceEvent } from '#kierto/domain';
import type { StoredEvent } from '#kierto/event-store';
import { collected, laptop, recycled, resold } from '#kierto/testing';
import type { StatisticsReadModel, SumsQuery, SumRow } from './read-model.js';
import { applyStatistics, type StatisticsDevice, type StatisticsFact } from './facts.js';
import { StatisticsQueries } from './queries.js';

let position = 0;
let devices = 0;

/** The facts of one device's history, at fresh global positions. */
function factsOf(events: readonly DeviceEvent[]): StatisticsFact[] {
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
    const applied = applyStatistics(device, stored, 'UTC');
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
        massMg: fact.massMg,
        units: fact.units,
        value: fact.value ?? 0,
        facts: 1,
      };
      const key = [row.year, row.measure, row.category, row.market, row.treatment].join('|');
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

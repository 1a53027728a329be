import { describe, expect, it } from '@jest/globals';
import {
  DEVICE_COMMAND_OF,
  DEVICE_EVENT_TYPES,
  evolve,
  initialState,
  isRegistered,
  type DeviceEvent,
  type DeviceState,
} from '#kierto/domain';
import type { StoredEvent } from '#kierto/event-store';
import {
  collected,
  fridge,
  idOf,
  laptop,
  placedOnMarket,
  recycled,
  repaired,
  declaredEndOfLife,
  resold,
  wiped,
  wipeFailed,
} from '#kierto/testing';
import { randomHistories } from '../testing/scenario.js';
import { applyStatistics, statisticsProjection, type StatisticsDevice, type StatisticsFact } from './facts.js';

/** Domain events as the store would hand them over, at positions 1, 2, … */
function storedOf(events: readonly DeviceEvent[], streamId = idOf(laptop()), firstPosition = 1): StoredEvent[] {
  return events.map((event, index) => ({
    eventId: `event-${firstPosition + index}`,
    type: event.type,
    schemaVersion: 1,
    occurredAt: event.occurredAt,
    actor: { organisationId: 'org', role: 'operator', keyId: 'key' },
    correlationId: 'correlation',
    causationId: null,
    data: JSON.parse(JSON.stringify(event.data)) as StoredEvent['data'],
    metadata: {},
    streamId,
    streamRevision: index,
    globalPosition: firstPosition + index,
    recordedAt: `2026-01-01T00:00:0${index}.000Z`,
    hash: 'a'.repeat(64),
    prevHash: 'b'.repeat(64),
  }));
}

/** Folds the events, collecting every fact. */
function project(
  events: readonly DeviceEvent[],
  timeZone = 'UTC',
): { device: StatisticsDevice | null; facts: StatisticsFact[] } {
  let device: StatisticsDevice | null = null;
  const facts: StatisticsFact[] = [];
  for (const stored of storedOf(events)) {
    const applied = applyStatistics(device, stored, timeZone);
    device = applied.document;
    facts.push(...applied.facts);
  }
  return { device, facts };
}

const measuresOf = (facts: readonly StatisticsFact[]): string[] =>
  facts.map((fact) => `${fact.globalPosition}:${fact.measure}`);

describe('facts of placing on market', () => {
  it('count POM for the producer in the market country, at the product weight, in the year of occurredAt', () => {
    const { facts } = project([placedOnMarket({ occurredAt: '2024-01-15T09:00:00Z' })]);
    expect(facts).toEqual([
      expect.objectContaining({
        measure: 'POM',
        year: 2024,
        country: 'FI',
        producerId: 'producer-aalto-computing',
        onBehalfOf: null,
        attributedAt: Date.parse('2024-01-15T09:00:00Z'),
        category: 2,
        market: 'household',
        massMg: 1_400_000,
        units: 1,
        value: null,
        recordedAt: '2026-01-01T00:00:00.000Z',
      }),
    ]);
  });

  it('count in the calendar year of the reporting time zone', () => {
    const lateEvening = placedOnMarket({ occurredAt: '2025-12-31T22:30:00Z' });
    expect(project([lateEvening], 'UTC').facts[0]?.year).toBe(2025);
    expect(project([lateEvening], 'Europe/Helsinki').facts[0]?.year).toBe(2026);
  });
});

describe('facts of a collection', () => {
  it('count COL in the collection country at the measured weight, for the named organisation, with the age of the device', () => {
    const { facts } = project([
      placedOnMarket(),
      collected({ country: 'SE', source: 'non-household', measuredWeightKg: 1.38, onBehalfOf: 'org-serty' }),
    ]);
    expect(facts.slice(1)).toEqual([
      expect.objectContaining({
        measure: 'COL',
        country: 'SE',
        market: 'non-household',
        onBehalfOf: 'org-serty',
        massMg: 1_380_000,
        units: 1,
        producerId: 'producer-aalto-computing',
      }),
      expect.objectContaining({ measure: 'AGE_AT_COL', massMg: 0, units: 1, value: 2025 - 2023 }),
    ]);
  });

  it('count a device new to Kierto at its product weight, with no producer', () => {
    const { facts } = project([collected({ product: fridge() })]);
    expect(facts[0]).toMatchObject({ measure: 'COL', producerId: null, category: 1, massMg: 62_000_000 });
  });
});

describe('re-use is not preparing for re-use', () => {
  it('a device resold from in-use is re-use only: no COL, no PfR', () => {
    const { facts } = project([
      placedOnMarket(),
      wiped({ occurredAt: '2024-03-01T00:00:00Z' }),
      resold({ occurredAt: '2024-03-02T00:00:00Z', country: 'EE' }),
    ]);
    expect(measuresOf(facts)).toEqual(['1:POM', '3:REUSE', '3:DATA_RESALE', '3:DATA_RESALE_WIPED']);
    expect(facts[1]).toMatchObject({
      country: 'EE',
      onBehalfOf: null,
      attributedAt: Date.parse('2024-03-02T00:00:00Z'),
      massMg: 1_400_000,
    });
  });

  it('a collected device wiped and resold is prepared for re-use at its collection weight, attributed as its collection', () => {
    const { facts, device } = project([
      placedOnMarket(),
      collected({ measuredWeightKg: 1.5, onBehalfOf: 'org-elker' }),
      wiped(),
      resold(),
    ]);
    expect(measuresOf(facts)).toEqual([
      '1:POM',
      '2:COL',
      '2:AGE_AT_COL',
      '4:PFR',
      '4:TREATED',
      '4:RCV',
      '4:DATA_RESALE',
      '4:DATA_RESALE_WIPED',
    ]);
    expect(facts[3]).toMatchObject({
      massMg: 1_500_000,
      onBehalfOf: 'org-elker',
      attributedAt: Date.parse('2025-03-03T10:00:00Z'),
    });
    // Preparing for re-use is a recovery operation and so a treatment, where the device was collected.
    expect(facts.slice(3, 6).map((fact) => [fact.measure, fact.massMg, fact.units, fact.treatment])).toEqual([
      ['PFR', 1_500_000, 1, null],
      ['TREATED', 1_500_000, 1, 'same-country'],
      ['RCV', 1_500_000, 0, 'same-country'],
    ]);
    expect(device).toMatchObject({ status: 'in-use', lives: 2, collection: null });
  });

  it('a data-bearing device resold after a failed wipe counts as a resale without a passing wipe', () => {
    // Rule 4 refuses this command; the projection still reports what a log holds, e.g. from an import.
    const { facts } = project([placedOnMarket(), collected(), wipeFailed(), resold()]);
    expect(measuresOf(facts)).toContain('4:DATA_RESALE');
    expect(measuresOf(facts)).not.toContain('4:DATA_RESALE_WIPED');
  });
});

describe('facts of recycling', () => {
  it('count treated weight by location, recovered = recycled + energy recovery, and the end-of-life indicators', () => {
    const { facts } = project([placedOnMarket(), collected({ country: 'FI' }), recycled({ treatmentCountry: 'EE' })]);
    const recycling = facts.filter((fact) => fact.globalPosition === 3);
    expect(recycling.map((fact) => [fact.measure, fact.massMg, fact.units, fact.treatment, fact.value])).toEqual([
      ['TREATED', 1_400_000, 1, 'other-eu', null],
      ['RCV', 730_000, 0, 'other-eu', null],
      ['RCY', 450_000, 0, 'other-eu', null],
      ['ER', 280_000, 0, 'other-eu', null],
      ['AGE_AT_RCY', 0, 1, null, 2025 - 2023],
      ['LIVES_AT_RCY', 0, 1, null, 1],
    ]);
    expect(new Set(recycling.map((fact) => fact.country))).toEqual(new Set(['FI']));
  });

  it('has no RCV, RCY or ER facts when every output goes to disposal', () => {
    const { facts } = project([
      placedOnMarket(),
      collected(),
      recycled({ treatmentCountry: 'CH', outputs: [{ material: 'residue', massKg: 1, fate: 'disposal' }] }),
    ]);
    expect(measuresOf(facts.filter((fact) => fact.globalPosition === 3))).toEqual([
      '3:TREATED',
      '3:AGE_AT_RCY',
      '3:LIVES_AT_RCY',
    ]);
    expect(facts.find((fact) => fact.measure === 'TREATED')?.treatment).toBe('outside-eu');
  });

  it.each([
    ['GB', '2019-11-04T10:00:00Z', 'other-eu'],
    ['GB', '2021-03-04T10:00:00Z', 'outside-eu'],
    ['HR', '2012-11-04T10:00:00Z', 'outside-eu'],
    ['HR', '2014-03-04T10:00:00Z', 'other-eu'],
    ['NO', '2021-03-04T10:00:00Z', 'other-eu'],
  ] as const)(
    'places treatment in %s on %s as %s: membership on the day of treatment',
    (treatmentCountry, occurredAt, location) => {
      const { facts } = project([
        placedOnMarket({ occurredAt: '2010-01-15T09:00:00Z' }),
        collected({ occurredAt: '2010-06-01T09:00:00Z' }),
        recycled({ occurredAt, treatmentCountry }),
      ]);
      expect(facts.filter((fact) => fact.measure === 'TREATED').map((fact) => fact.treatment)).toEqual([location]);
    },
  );
});

describe('facts of repairs', () => {
  it('count every repair, and the fixed ones apart', () => {
    const { facts } = project([
      placedOnMarket(),
      repaired({ occurredAt: '2024-05-01T00:00:00Z' }),
      declaredEndOfLife({ occurredAt: '2024-06-01T00:00:00Z' }),
    ]);
    expect(measuresOf(facts)).toEqual(['1:POM', '2:REPAIR', '2:REPAIR_FIXED', '3:REPAIR']);
    expect(facts[1]).toMatchObject({ country: 'FI', attributedAt: Date.parse('2024-01-15T09:00:00Z') });
  });
});

describe('membership events', () => {
  it('become membership changes, no facts, no document', () => {
    const stored: StoredEvent = {
      ...(storedOf([placedOnMarket()])[0] as StoredEvent),
      type: 'ProducerJoinedOrganisation',
      streamId: 'producer:producer-aalto-computing',
      occurredAt: '2024-01-01T00:00:00+02:00',
      data: { organisationId: 'org-elker' },
    };
    expect(applyStatistics(null, stored, 'UTC')).toEqual({
      document: null,
      facts: [],
      memberships: [
        {
          kind: 'joined',
          producerId: 'producer-aalto-computing',
          organisationId: 'org-elker',
          effectiveAt: Date.parse('2023-12-31T22:00:00Z'),
          recordedAt: '2026-01-01T00:00:00.000Z',
          globalPosition: 1,
        },
      ],
    });
  });
});

describe('bulk WEEE collected by weight (a lot, ADR 0026)', () => {
  it('is one COL fact of exactly its mass, in its category and country, for its onBehalfOf; no units, no document', () => {
    const stored: StoredEvent = {
      ...(storedOf([placedOnMarket()])[0] as StoredEvent),
      type: 'BulkWeeeCollected',
      streamId: 'lot:CAGE-7',
      occurredAt: '2026-11-10T08:00:00Z',
      data: {
        lotId: 'CAGE-7',
        organisationId: 'org-point',
        kind: 'cage',
        weeeCategory: 5,
        massKg: 412.5,
        collectionPointId: 'point-7',
        channel: 'municipal',
        source: 'household',
        country: 'FI',
        onBehalfOf: 'org-serty',
      },
    };
    const applied = applyStatistics(null, stored, 'UTC');
    expect(applied.document).toBeNull();
    expect(applied.memberships).toEqual([]);
    expect(applied.facts).toEqual([
      expect.objectContaining({
        measure: 'COL',
        deviceId: 'lot:CAGE-7',
        category: 5,
        annexICategory: null,
        country: 'FI',
        market: 'household',
        producerId: null,
        onBehalfOf: 'org-serty',
        attributedAt: Date.parse('2026-11-10T08:00:00Z'),
        year: 2026,
        massMg: 412_500_000,
        units: 0,
      }),
    ]);
  });

  it('the other lot events and a device handed over with a lot give no fact', () => {
    const [placed] = storedOf([placedOnMarket()]);
    const offered = { ...(placed as StoredEvent), type: 'LotHandoverOffered', streamId: 'lot:CAGE-7', data: {} };
    expect(applyStatistics(null, offered, 'UTC').facts).toEqual([]);
    const { facts } = project([
      placedOnMarket(),
      {
        type: 'DeviceHandedOver',
        occurredAt: '2025-06-01T00:00:00Z',
        data: { lotId: 'P-1', handoverId: 'DN-1', fromOrganisationId: 'org', toOrganisationId: 'org-2' },
      },
    ]);
    expect(measuresOf(facts)).toEqual(['1:POM']);
  });
});

describe('replays', () => {
  it('change nothing: an event at or before the device position adds no fact', () => {
    const [placed, collection] = storedOf([placedOnMarket(), collected()]);
    const once = applyStatistics(null, placed as StoredEvent, 'UTC');
    const twice = applyStatistics(
      applyStatistics(once.document, collection as StoredEvent, 'UTC').document,
      placed as StoredEvent,
      'UTC',
    );
    expect(twice.facts).toEqual([]);
  });

  it('the projection version names the time zone, so changing it rebuilds the statistics', () => {
    expect(statisticsProjection({ timeZone: 'Europe/Helsinki' }).version).not.toBe(
      statisticsProjection({ timeZone: 'UTC' }).version,
    );
  });
});

/** The device histories of the random scenario, as the events its commands record. */
function randomDeviceHistories(devices: number, seed: number): DeviceEvent[][] {
  const byDevice = new Map<string, DeviceEvent[]>();
  for (const command of randomHistories(devices, seed)) {
    if (!('deviceId' in command)) continue;
    // A command the scenario made valid becomes the event of the same type and data (the domain's table).
    const type = DEVICE_EVENT_TYPES.find((each) => DEVICE_COMMAND_OF[each] === command.kind);
    const events = byDevice.get(command.deviceId) ?? [];
    events.push({ type, occurredAt: command.occurredAt, data: command.data } as DeviceEvent);
    byDevice.set(command.deviceId, events);
  }
  return [...byDevice.values()];
}

describe('the WEEE quantities nest: PfR ⊆ PfR + RCY ⊆ RCV ⊆ TREATED', () => {
  it('holds, and RCV = PfR + RCY + ER exactly, in every reporting cell of random histories', () => {
    const cells = new Map<string, Record<'PFR' | 'RCY' | 'ER' | 'RCV' | 'TREATED', number>>();
    let prepared = 0;
    for (const events of randomDeviceHistories(300, 11)) {
      for (const fact of project(events).facts) {
        if (
          fact.measure !== 'PFR' &&
          fact.measure !== 'RCY' &&
          fact.measure !== 'ER' &&
          fact.measure !== 'RCV' &&
          fact.measure !== 'TREATED'
        )
          continue;
        if (fact.measure === 'PFR') prepared += 1;
        const key = [fact.year, fact.country, fact.category, fact.market, fact.onBehalfOf, fact.producerId].join('|');
        const cell = cells.get(key) ?? { PFR: 0, RCY: 0, ER: 0, RCV: 0, TREATED: 0 };
        cell[fact.measure] += fact.massMg;
        cells.set(key, cell);
      }
    }
    // The scenario must exercise preparing for re-use, or the property says little.
    expect(prepared).toBeGreaterThan(5);
    for (const [key, cell] of cells) {
      const nested = cell.PFR <= cell.PFR + cell.RCY && cell.PFR + cell.RCY <= cell.RCV && cell.RCV <= cell.TREATED;
      expect({ key, nested, recoveredIsTheSum: cell.RCV === cell.PFR + cell.RCY + cell.ER }).toEqual({
        key,
        nested: true,
        recoveredIsTheSum: true,
      });
    }
  });
});

describe('the lifecycle the statistics remember', () => {
  it('agrees with the domain state on every device of random histories', () => {
    const histories = randomDeviceHistories(200, 3);
    expect(histories.length).toBe(200);
    for (const events of histories) {
      const domain: DeviceState = events.reduce(evolve, initialState());
      const { device } = project(events);
      if (!isRegistered(domain) || device === null) throw new Error('every history registers its device');
      expect({
        status: device.status,
        lives: device.lives,
        wiped: device.wipedSinceHandover,
        producerId: device.producerId,
        measuredMassMg: device.measuredMassMg,
      }).toEqual({
        status: domain.status,
        lives: domain.lives,
        wiped: domain.wipedSinceHandover,
        producerId: domain.producerId,
        measuredMassMg: domain.measuredWeightKg === null ? null : Math.round(domain.measuredWeightKg * 1_000_000),
      });
    }
  });
});

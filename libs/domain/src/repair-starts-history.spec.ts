import { describe, expect, it } from '@jest/globals';
import {
  DeciderSpecification,
  Times,
  collect,
  fixedRepairData,
  idOf,
  laptop,
  placedOnMarket,
  recordRecycling,
  recordRepair,
  recordResale,
} from '#kierto/testing';
import { decide } from './decide.js';
import type { RecordRepair } from './commands.js';
import type { DeviceRepairedData, RepairedProductDescription, RepairSourceRecord } from './events.js';
import { ErrorCodes } from './rules.js';
import { evolve, fold, initialState, isRegistered } from './state.js';

// ADR 0019: a repair café's record of an owner's device may start that device's history.
const given = DeciderSpecification.for({ decide, evolve, initialState });

/** What a repair café knows of a toaster: its category, perhaps a brand; no serial, no weight. */
const toaster: RepairedProductDescription = {
  weeeCategory: 5,
  brand: 'Cuisinart',
  localId: { issuer: 'Fixit Clinic', value: 'fixitclinic_1690' },
};
const toasterId = idOf(toaster);

const source: RepairSourceRecord = {
  standard: 'ORDS',
  version: '0.3',
  record: { id: 'fixitclinic_1690', repair_status: 'End of life', repair_barrier_if_end_of_life: '' },
};

/** A repair café repair: no parts list, no working time. */
/** The command as a repair café sends it: exactly this data (no fixture defaults merged in). */
const cafeCommand = (data: DeviceRepairedData, deviceId = toasterId): RecordRepair => ({
  kind: 'RecordRepair',
  deviceId,
  occurredAt: Times.command,
  now: Times.now,
  data,
});

const cafeRepair = (overrides: Partial<DeviceRepairedData> = {}): DeviceRepairedData => ({
  problem: 'Does not turn on',
  actions: [],
  partsReplaced: [],
  outcome: 'fixed',
  product: toaster,
  ...overrides,
});

describe('a repair that describes the product', () => {
  it('starts the history of a device Kierto did not know', () => {
    const data = cafeRepair();
    given([])
      .when(cafeCommand(data))
      .then([{ type: 'DeviceRepaired', occurredAt: Times.command, data }]);
  });

  it('leaves the device in use by its owner, with the partial description and no producer', () => {
    const state = fold([{ type: 'DeviceRepaired', occurredAt: Times.repaired, data: cafeRepair() }]);
    expect(isRegistered(state)).toBe(true);
    expect(state).toMatchObject({
      status: 'in-use',
      product: toaster,
      producerId: null,
      market: null,
      lives: 1,
      latestRepairOutcome: 'fixed',
      lastOccurredAt: Times.repaired,
    });
  });

  it('is refused when the description gives another device id', () => {
    given([])
      .when(cafeCommand(cafeRepair(), idOf(laptop())))
      .thenThrows({ code: ErrorCodes.deviceIdMismatch, field: 'product' });
  });

  it('is refused with an implausible weight, like any product description', () => {
    given([])
      .when(cafeCommand(cafeRepair({ product: { ...toaster, weightKg: 900 } })))
      .thenThrows({ code: ErrorCodes.implausibleWeight, field: 'product.weightKg' });
  });

  it('without a description leaves an unknown device not found', () => {
    given([])
      .when(cafeCommand(cafeRepair({ product: undefined })))
      .thenThrows({ code: ErrorCodes.deviceNotFound, kind: 'not-found' });
  });

  it('on a known device is checked against it and changes nothing of its description', () => {
    const known = placedOnMarket();
    const data = fixedRepairData({ product: laptop() });
    given([known])
      .when(recordRepair(data))
      .then([{ type: 'DeviceRepaired', occurredAt: Times.command, data }]);
    given([known])
      .when(recordRepair({ deviceId: idOf(laptop()), ...fixedRepairData({ product: toaster }) }))
      .thenThrows({ code: ErrorCodes.deviceIdMismatch });
  });
});

describe('a device first seen at a repair', () => {
  const startedAtCafe = { type: 'DeviceRepaired' as const, occurredAt: Times.repaired, data: cafeRepair() };

  it('can be collected as WEEE later', () => {
    const collection = collect({ deviceId: toasterId });
    given([startedAtCafe])
      .when(collection)
      .then([{ type: 'DeviceCollected', occurredAt: Times.command, data: collection.data }]);
  });

  it('needs a passing wipe before a resale, its data storage being unknown', () => {
    given([startedAtCafe])
      .when(recordResale({ deviceId: toasterId }))
      .thenThrows(ErrorCodes.wipeRequiredBeforeResale);
  });

  it('without a known weight is recycled against the weight the recycler received', () => {
    const collectedLater = {
      type: 'DeviceCollected' as const,
      occurredAt: Times.resold,
      data: {
        collectionPointId: 'cp-1',
        channel: 'municipal' as const,
        source: 'household' as const,
        country: 'FI',
        condition: 'broken' as const,
      },
    };
    const recycling = recordRecycling({
      deviceId: toasterId,
      weightKg: 2,
      outputs: [{ material: 'steel', massKg: 1.5, fate: 'recycled' }],
    });
    given([startedAtCafe, collectedLater])
      .when(recycling)
      .then([{ type: 'DeviceRecycled', occurredAt: Times.command, data: recycling.data }]);
    given([startedAtCafe, collectedLater])
      .when({
        ...recycling,
        data: { ...recycling.data, outputs: [{ material: 'steel', massKg: 2.5, fate: 'recycled' }] },
      })
      .thenThrows(ErrorCodes.recyclingOutputsExceedWeight);
  });
});

describe('the barrier of an end-of-life repair', () => {
  it('is required of Kierto’s own repairs', () => {
    given([placedOnMarket()])
      .when(recordRepair({ outcome: 'end-of-life' }))
      .thenThrows({ code: ErrorCodes.endOfLifeWithoutBarrier, field: 'barrier' });
  });

  it('may be missing from a transcribed ORDS record, whose standard makes it optional', () => {
    const data = cafeRepair({ outcome: 'end-of-life', source });
    given([])
      .when(cafeCommand(data))
      .then([{ type: 'DeviceRepaired', occurredAt: Times.command, data }]);
  });

  it('is still refused for any other outcome, transcribed or not', () => {
    given([])
      .when(cafeCommand(cafeRepair({ source, barrier: 'lack-of-equipment' })))
      .thenThrows(ErrorCodes.barrierWithoutEndOfLife);
  });
});

describe('an unknown repair outcome (ORDS "Unknown")', () => {
  it('is recorded, and does not block a resale like end-of-life does', () => {
    const data = cafeRepair({ outcome: 'unknown' });
    given([])
      .when(cafeCommand(data))
      .then([{ type: 'DeviceRepaired', occurredAt: Times.command, data }]);
    expect(fold([{ type: 'DeviceRepaired', occurredAt: Times.repaired, data }])).toMatchObject({
      latestRepairOutcome: 'unknown',
    });
  });
});

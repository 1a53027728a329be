import { describe, it } from '@jest/globals';
import {
  DeciderSpecification,
  Times,
  collect,
  collected,
  declaredEndOfLife,
  fridge,
  idOf,
  laptop,
  phone,
  placeOnMarket,
  placedOnMarket,
  recordEndOfLife,
  recordFailedWipe,
  recordRecycling,
  recordRepair,
  recordResale,
  recordWipe,
  recycled,
  repaired,
  resold,
  wipeFailed,
  wiped,
} from '#kierto/testing';
import { decide } from './decide.js';
import type { CollectedProductDescription } from './events.js';
import { ErrorCodes } from './rules.js';
import { evolve, initialState } from './state.js';

const given = DeciderSpecification.for({ decide, evolve, initialState });

/** What an accepted command's event looks like: it happened when the command says. */
const atCommandTime = { occurredAt: Times.command };

const laptopId = idOf(laptop());
const fridgeId = idOf(fridge());
const phoneId = idOf(phone());

/** Commands other than placing on market and collecting, for the rules that apply to all of them. */
const laterCommands = [
  ['record a wipe', recordWipe],
  ['record a repair', recordRepair],
  ['record a resale', recordResale],
  ['record a recycling', recordRecycling],
] as const;

describe('when unregistered', () => {
  describe('rule 1: a history starts with placing on market, or a collection carrying the product', () => {
    it('places a device on the market', () => {
      given([])
        .when(placeOnMarket())
        .then([placedOnMarket(atCommandTime)]);
    });

    it('collects a device never placed on market in Kierto when the collection carries its product', () => {
      given([])
        .when(collect({ product: phone(), deviceId: phoneId }))
        .then([collected({ ...atCommandTime, product: phone() })]);
    });

    it('refuses a collection without a product description', () => {
      given([])
        .when(collect())
        .thenThrows({ code: ErrorCodes.productDescriptionRequired, kind: 'rule', field: 'product' });
    });

    it.each(laterCommands)('refuses to %s for an unknown device', (_name, command) => {
      given([]).when(command()).thenThrows({ code: ErrorCodes.deviceNotFound, kind: 'not-found' });
    });
  });

  describe('a device first seen at collection carries only what the collector knows (ADR 0016)', () => {
    const cageItem = {
      weeeCategory: 5,
      weightKg: 2.4,
      localId: { issuer: 'Espoo reuse centre', value: 'CAGE7-0042' },
    } as const;
    const cageItemId = 'local:espoo~20reuse~20centre:CAGE7-0042';
    const resaleAfter = (product: CollectedProductDescription) =>
      given([collected({ product, occurredAt: Times.collected }), repaired({ occurredAt: Times.repaired })]);

    it('collects a unit described by category, weight and the label the collector gave it', () => {
      given([])
        .when(collect({ product: cageItem, deviceId: cageItemId }))
        .then([collected({ ...atCommandTime, product: cageItem })]);
    });

    it('identifies a unit by the GTIN and serial on its label alone, without manufacturer, model or year', () => {
      const labelled = { weeeCategory: 6, weightKg: 1.4, gtin: '09506000134352', serialNumber: 'LAP-0001' } as const;
      given([])
        .when(collect({ product: labelled, deviceId: 'gtin:09506000134352:LAP-0001' }))
        .then([collected({ ...atCommandTime, product: labelled })]);
    });

    it.each<[string, CollectedProductDescription]>([
      ['no identifier at all', { weeeCategory: 5, weightKg: 2.4 }],
      [
        'a GTIN without a serial (it names a model, not a unit)',
        { weeeCategory: 5, weightKg: 2.4, gtin: '09506000134352' },
      ],
      ['a serial without GTIN or manufacturer', { weeeCategory: 5, weightKg: 2.4, serialNumber: 'X1' }],
    ])('refuses a unit with %s', (_case, product) => {
      given([])
        .when(collect({ product, deviceId: cageItemId }))
        .thenThrows({ code: 'INVALID_IDENTIFIER', kind: 'invalid', field: 'product' });
    });

    it('refuses an implausible weight for the category as for any product', () => {
      given([])
        .when(collect({ product: { ...cageItem, weightKg: 2400 }, deviceId: cageItemId }))
        .thenThrows({ code: ErrorCodes.implausibleWeight, kind: 'rule', field: 'product.weightKg' });
    });

    it('treats unknown data storage as data-bearing: no resale before a passing wipe', () => {
      resaleAfter(cageItem)
        .when(recordResale({ deviceId: cageItemId }))
        .thenThrows({ code: ErrorCodes.wipeRequiredBeforeResale, kind: 'rule' });
    });

    it('resells a unit the collector declared without data storage, with no wipe', () => {
      resaleAfter({ ...cageItem, hasDataStorage: false })
        .when(recordResale({ deviceId: cageItemId }))
        .then([resold(atCommandTime)]);
    });
  });

  describe('rule 6: the device id is the one its identifiers give', () => {
    it('places a phone without GTIN under its manufacturer + serial id', () => {
      given([])
        .when(placeOnMarket({ product: phone() }))
        .then([placedOnMarket({ ...atCommandTime, product: phone() })]);
    });

    it('refuses placing on market under a device id that is not the product’s', () => {
      given([])
        .when(placeOnMarket({ product: phone(), deviceId: laptopId }))
        .thenThrows({ code: ErrorCodes.deviceIdMismatch, kind: 'invalid', field: 'product' });
    });

    it('refuses a collection that starts a history under a device id that is not the product’s', () => {
      given([])
        .when(collect({ product: fridge(), deviceId: laptopId }))
        .thenThrows({ code: ErrorCodes.deviceIdMismatch, kind: 'invalid', field: 'product' });
    });

    it('refuses a product whose GTIN has a wrong check digit', () => {
      given([])
        .when(placeOnMarket({ product: laptop({ gtin: '09506000134353' }), deviceId: laptopId }))
        .thenThrows({ code: 'INVALID_GTIN', kind: 'invalid', field: 'product.gtin' });
    });
  });

  describe('rule 5: time', () => {
    it('accepts an occurredAt up to five minutes ahead of the server clock', () => {
      given([])
        .when(placeOnMarket({ occurredAt: '2025-06-02T09:35:00Z', now: '2025-06-02T09:30:00Z' }))
        .then([placedOnMarket({ occurredAt: '2025-06-02T09:35:00Z' })]);
    });

    it('refuses an occurredAt more than five minutes ahead of the server clock', () => {
      given([])
        .when(placeOnMarket({ occurredAt: '2025-06-02T09:35:01Z', now: '2025-06-02T09:30:00Z' }))
        .thenThrows({ code: ErrorCodes.occurredInFuture, kind: 'rule', field: 'occurredAt' });
    });

    it('compares instants, not wall-clock text: 12:34+03:00 is 09:34Z', () => {
      given([])
        .when(placeOnMarket({ occurredAt: '2025-06-02T12:34:00+03:00', now: '2025-06-02T09:30:00Z' }))
        .then([placedOnMarket({ occurredAt: '2025-06-02T12:34:00+03:00' })]);
    });

    it.each([
      ['a date without a time', '2025-06-02'],
      ['a time without a zone', '2025-06-02T09:00:00'],
      ['a day that does not exist', '2025-02-30T10:00:00Z'],
      ['29 February of a common year', '2025-02-29T10:00:00Z'],
      ['hour 24', '2025-06-01T24:00:00Z'],
      ['a month that does not exist', '2025-13-01T10:00:00Z'],
      ['words', 'yesterday'],
    ])('refuses %s as occurredAt', (_name, occurredAt) => {
      given([])
        .when(placeOnMarket({ occurredAt }))
        .thenThrows({ code: ErrorCodes.invalidTimestamp, kind: 'invalid', field: 'occurredAt' });
    });

    it('accepts 29 February of a leap year', () => {
      given([])
        .when(placeOnMarket({ occurredAt: '2024-02-29T10:00:00Z' }))
        .then([placedOnMarket({ occurredAt: '2024-02-29T10:00:00Z' })]);
    });

    it('refuses a malformed server clock', () => {
      given([])
        .when(placeOnMarket({ now: '2025-06-02 09:30' }))
        .thenThrows({ code: ErrorCodes.invalidTimestamp, kind: 'invalid', field: 'now' });
    });
  });

  describe('rule 5: product weights', () => {
    it.each([0, -1.4, Number.NaN, Number.POSITIVE_INFINITY])('refuses a product weighing %p kg', (weightKg) => {
      given([])
        .when(placeOnMarket({ product: laptop({ weightKg }) }))
        .thenThrows({ code: ErrorCodes.nonPositiveWeight, kind: 'invalid', field: 'product.weightKg' });
    });

    it('refuses a material of zero mass', () => {
      const [first, ...rest] = laptop().materials;
      const product = laptop({ materials: [{ ...first!, massKg: 0 }, ...rest] });
      given([])
        .when(placeOnMarket({ product }))
        .thenThrows({ code: ErrorCodes.nonPositiveWeight, kind: 'invalid', field: 'product.materials[0].massKg' });
    });

    it('refuses materials heavier than the device', () => {
      given([])
        .when(placeOnMarket({ product: laptop({ weightKg: 0.9 }) }))
        .thenThrows({ code: ErrorCodes.materialsExceedWeight, kind: 'invalid', field: 'product.materials' });
    });

    it('accepts materials weighing exactly as much as the device', () => {
      const product = laptop({
        weightKg: 0.3,
        materials: [
          { name: 'copper', massKg: 0.1, criticalRawMaterial: true, recycledContentPercent: 0 },
          { name: 'plastics', massKg: 0.2, criticalRawMaterial: false, recycledContentPercent: 0 },
        ],
      });
      given([])
        .when(placeOnMarket({ product }))
        .then([placedOnMarket({ ...atCommandTime, product })]);
    });

    it('checks the product that a collection starting the history carries', () => {
      given([])
        .when(collect({ product: fridge({ weightKg: 0 }), deviceId: fridgeId }))
        .thenThrows({ code: ErrorCodes.nonPositiveWeight, field: 'product.weightKg' });
    });
  });
});

describe('when in use', () => {
  const history = [placedOnMarket({ producerId: 'producer-aalto-computing' })];

  describe('rules 1 and 6: placing on market happens once', () => {
    it('refuses the same device placed on market by another producer', () => {
      given(history)
        .when(placeOnMarket({ producerId: 'importer-nordic-distribution' }))
        .thenThrows({ code: ErrorCodes.deviceAlreadyRegistered, kind: 'conflict' });
    });

    it('refuses the same device placed on market again by the same producer', () => {
      given(history).when(placeOnMarket()).thenThrows({ code: ErrorCodes.deviceAlreadyRegistered, kind: 'conflict' });
    });

    it('refuses the same unit registered with its GTIN written as a GTIN-13', () => {
      const sameUnit = laptop({ gtin: '9506000134352' });
      given(history)
        .when(placeOnMarket({ product: sameUnit, producerId: 'importer-nordic-distribution' }))
        .thenThrows({ code: ErrorCodes.deviceAlreadyRegistered, kind: 'conflict' });
    });
  });

  describe('rule 2: collection and recycling', () => {
    it('collects the device', () => {
      given(history)
        .when(collect())
        .then([collected(atCommandTime)]);
    });

    it('collects the device with a collection that repeats its product description', () => {
      given(history)
        .when(collect({ product: laptop() }))
        .then([collected({ ...atCommandTime, product: laptop() })]);
    });

    it('refuses a collection whose product gives another device id', () => {
      given(history)
        .when(collect({ product: phone(), deviceId: laptopId }))
        .thenThrows({ code: ErrorCodes.deviceIdMismatch, kind: 'invalid', field: 'product' });
    });

    it('refuses recycling a device that was not collected', () => {
      given(history).when(recordRecycling()).thenThrows({ code: ErrorCodes.deviceNotCollected, kind: 'rule' });
    });
  });

  describe('rule 3: wipes and repairs', () => {
    it('records a wipe', () => {
      given(history)
        .when(recordWipe())
        .then([wiped(atCommandTime)]);
    });

    it('records a repair', () => {
      given(history)
        .when(recordRepair())
        .then([repaired(atCommandTime)]);
    });
  });

  describe('rule 4: resale', () => {
    it('refuses to resell a data-bearing device that has not been wiped since it was placed on market', () => {
      given(history).when(recordResale()).thenThrows({ code: ErrorCodes.wipeRequiredBeforeResale, kind: 'rule' });
    });

    it('resells a data-bearing device wiped since it was placed on market', () => {
      given([...history, wiped()])
        .when(recordResale())
        .then([resold(atCommandTime)]);
    });
  });

  describe('rule 5: time', () => {
    it('refuses an event that happened before the previous one', () => {
      given(history)
        .when(collect({ occurredAt: '2024-01-15T08:59:59Z' }))
        .thenThrows({ code: ErrorCodes.occurredBeforePreviousEvent, kind: 'rule', field: 'occurredAt' });
    });

    it('refuses an earlier instant even when its local wall-clock time reads later', () => {
      given(history)
        .when(collect({ occurredAt: '2024-01-15T10:30:00+02:00' }))
        .thenThrows({ code: ErrorCodes.occurredBeforePreviousEvent, field: 'occurredAt' });
    });

    it('accepts an event that happened at the same instant as the previous one', () => {
      given(history)
        .when(collect({ occurredAt: Times.placedOnMarket }))
        .then([collected({ occurredAt: Times.placedOnMarket })]);
    });

    it('refuses an event more than five minutes in the future', () => {
      given(history)
        .when(recordRepair({ occurredAt: '2025-06-02T09:40:00Z', now: '2025-06-02T09:30:00Z' }))
        .thenThrows({ code: ErrorCodes.occurredInFuture, field: 'occurredAt' });
    });

    it('refuses a malformed occurredAt', () => {
      given(history)
        .when(recordWipe({ occurredAt: '2025-04-31T10:00:00Z' }))
        .thenThrows({ code: ErrorCodes.invalidTimestamp, kind: 'invalid', field: 'occurredAt' });
    });
  });

  describe('rule 5: weight measured at collection', () => {
    it.each([0, -2])('refuses a measured weight of %p kg', (measuredWeightKg) => {
      given(history)
        .when(collect({ measuredWeightKg }))
        .thenThrows({ code: ErrorCodes.nonPositiveWeight, kind: 'invalid', field: 'measuredWeightKg' });
    });

    it('accepts a positive measured weight', () => {
      given(history)
        .when(collect({ measuredWeightKg: 1.38 }))
        .then([collected({ ...atCommandTime, measuredWeightKg: 1.38 })]);
    });
  });

  describe('wipe records are consistent', () => {
    it('records a failed wipe', () => {
      given(history)
        .when(recordFailedWipe())
        .then([wipeFailed(atCommandTime)]);
    });

    it('refuses a passing wipe in which a storage medium failed', () => {
      const media = [
        { type: 'nvme', serialNumber: 'S5H7NS0N123456', capacityGb: 512, result: 'passed' },
        { type: 'hdd', serialNumber: 'WD-WX41A12345', capacityGb: 1000, result: 'failed' },
      ] as const;
      given(history)
        .when(recordWipe({ media }))
        .thenThrows({ code: ErrorCodes.wipeResultInconsistent, kind: 'invalid', field: 'result' });
    });

    it('refuses a passing wipe whose verification did not succeed', () => {
      given(history)
        .when(recordWipe({ verification: { method: 'sampling', verified: false } }))
        .thenThrows({ code: ErrorCodes.wipeResultInconsistent, kind: 'invalid', field: 'result' });
    });
  });

  describe('repair barriers follow the ORDS outcome', () => {
    it('records an end-of-life repair that names its barrier', () => {
      given(history)
        .when(recordEndOfLife())
        .then([declaredEndOfLife(atCommandTime)]);
    });

    it('refuses an end-of-life repair without a barrier', () => {
      given(history)
        .when(recordEndOfLife({ barrier: undefined }))
        .thenThrows({ code: ErrorCodes.endOfLifeWithoutBarrier, kind: 'invalid', field: 'barrier' });
    });

    it.each(['fixed', 'repairable'] as const)('refuses a barrier on a %s outcome', (outcome) => {
      given(history)
        .when(recordRepair({ outcome, barrier: 'spare-parts-too-expensive' }))
        .thenThrows({ code: ErrorCodes.barrierWithoutEndOfLife, kind: 'invalid', field: 'barrier' });
    });
  });
});

describe('when collected', () => {
  const history = [placedOnMarket(), collected()];

  describe('rule 1: placing on market happens once, first', () => {
    it('refuses placing on market a device whose history a collection started', () => {
      given([collected({ product: laptop() })])
        .when(placeOnMarket())
        .thenThrows({ code: ErrorCodes.deviceAlreadyRegistered, kind: 'conflict' });
    });

    it('refuses placing on market a device collected after it was placed on market', () => {
      given(history).when(placeOnMarket()).thenThrows({ code: ErrorCodes.deviceAlreadyRegistered, kind: 'conflict' });
    });
  });

  describe('rule 2: collection and recycling', () => {
    it('refuses collecting the device twice', () => {
      given(history).when(collect()).thenThrows({ code: ErrorCodes.deviceNotInUse, kind: 'rule' });
    });

    it('recycles the device', () => {
      given(history)
        .when(recordRecycling())
        .then([recycled(atCommandTime)]);
    });

    it('recycles a device whose history a collection started', () => {
      given([collected({ product: fridge() })])
        .when(
          recordRecycling({
            deviceId: fridgeId,
            weightKg: 61.5,
            outputs: [{ material: 'steel', massKg: 34, fate: 'recycled' }],
          }),
        )
        .then([
          recycled({
            ...atCommandTime,
            weightKg: 61.5,
            outputs: [{ material: 'steel', massKg: 34, fate: 'recycled' }],
          }),
        ]);
    });
  });

  describe('rule 3: wipes and repairs', () => {
    it('records a wipe', () => {
      given(history)
        .when(recordWipe())
        .then([wiped(atCommandTime)]);
    });

    it('records a repair', () => {
      given(history)
        .when(recordRepair())
        .then([repaired(atCommandTime)]);
    });
  });

  describe('rule 4: no data-bearing device is resold without a passing wipe since its latest handover', () => {
    it('refuses to resell a laptop that was never wiped', () => {
      given(history).when(recordResale()).thenThrows({ code: ErrorCodes.wipeRequiredBeforeResale, kind: 'rule' });
    });

    it('refuses to resell a laptop whose only wipe failed', () => {
      given([...history, wipeFailed()])
        .when(recordResale())
        .thenThrows({ code: ErrorCodes.wipeRequiredBeforeResale, kind: 'rule' });
    });

    it('refuses to resell a laptop whose passing wipe was recorded before its latest collection', () => {
      const wipedWhileInUse = wiped({ occurredAt: '2024-11-20T14:00:00Z' });
      given([placedOnMarket(), wipedWhileInUse, collected()])
        .when(recordResale())
        .thenThrows({ code: ErrorCodes.wipeRequiredBeforeResale, kind: 'rule' });
    });

    it('resells a laptop with a passing wipe recorded after its collection', () => {
      given([...history, wiped()])
        .when(recordResale())
        .then([resold(atCommandTime)]);
    });

    it('resells a laptop whose passing wipe was followed by a failed attempt: the data is already gone', () => {
      given([...history, wiped(), wipeFailed({ occurredAt: '2025-03-04T11:00:00Z' })])
        .when(recordResale())
        .then([resold(atCommandTime)]);
    });

    it('refuses to resell an unwiped phone whose history a collection started', () => {
      given([collected({ product: phone() })])
        .when(recordResale({ deviceId: phoneId }))
        .thenThrows({ code: ErrorCodes.wipeRequiredBeforeResale, kind: 'rule' });
    });

    it('resells a wiped phone whose history a collection started', () => {
      given([collected({ product: phone() }), wiped()])
        .when(recordResale({ deviceId: phoneId }))
        .then([resold(atCommandTime)]);
    });

    it('resells a fridge, which stores no user data, without a wipe', () => {
      given([placedOnMarket({ product: fridge() }), collected()])
        .when(recordResale({ deviceId: fridgeId }))
        .then([resold(atCommandTime)]);
    });

    it('refuses to resell a device whose latest repair declared it end-of-life', () => {
      given([...history, wiped(), declaredEndOfLife()])
        .when(recordResale())
        .thenThrows({ code: ErrorCodes.endOfLifeNotResellable, kind: 'rule' });
    });

    it('refuses to resell an end-of-life fridge, though it needs no wipe', () => {
      given([placedOnMarket({ product: fridge() }), collected(), declaredEndOfLife()])
        .when(recordResale({ deviceId: fridgeId }))
        .thenThrows({ code: ErrorCodes.endOfLifeNotResellable, kind: 'rule' });
    });

    it('resells a device declared end-of-life when a later repair fixed it', () => {
      const fixedLater = repaired({ occurredAt: '2025-04-01T10:00:00Z' });
      given([...history, wiped(), declaredEndOfLife(), fixedLater])
        .when(recordResale())
        .then([resold(atCommandTime)]);
    });
  });

  describe('rule 5: recycling weights', () => {
    it.each([0, -1])('refuses a recycled weight of %p kg', (weightKg) => {
      given(history)
        .when(recordRecycling({ weightKg }))
        .thenThrows({ code: ErrorCodes.nonPositiveWeight, kind: 'invalid', field: 'weightKg' });
    });

    it('refuses an output of zero mass', () => {
      given(history)
        .when(recordRecycling({ outputs: [{ material: 'aluminium', massKg: 0, fate: 'recycled' }] }))
        .thenThrows({ code: ErrorCodes.nonPositiveWeight, kind: 'invalid', field: 'outputs[0].massKg' });
    });

    it('refuses outputs heavier than the weight received for treatment', () => {
      given(history)
        .when(recordRecycling({ weightKg: 1.2 }))
        .thenThrows({ code: ErrorCodes.recyclingOutputsExceedWeight, kind: 'rule', field: 'outputs' });
    });

    it('refuses outputs heavier than the device, whatever weight the recycler declares', () => {
      given(history)
        .when(recordRecycling({ weightKg: 3, outputs: [{ material: 'mixed scrap', massKg: 1.5, fate: 'recycled' }] }))
        .thenThrows({ code: ErrorCodes.recyclingOutputsExceedWeight, kind: 'rule', field: 'outputs' });
    });

    it('refuses outputs heavier than the weight measured at collection', () => {
      given([placedOnMarket(), collected({ measuredWeightKg: 1.1 })])
        .when(recordRecycling())
        .thenThrows({ code: ErrorCodes.recyclingOutputsExceedWeight, kind: 'rule', field: 'outputs' });
    });

    it('accepts outputs adding up to exactly the weight received, despite floating-point sums (0.1 + 0.2)', () => {
      const outputs = [
        { material: 'copper', massKg: 0.1, fate: 'recycled' },
        { material: 'plastics', massKg: 0.2, fate: 'energy-recovery' },
      ] as const;
      given(history)
        .when(recordRecycling({ weightKg: 0.3, outputs }))
        .then([recycled({ ...atCommandTime, weightKg: 0.3, outputs })]);
    });

    it('accepts outputs adding up to exactly the device’s weight', () => {
      const outputs = [{ material: 'mixed scrap', massKg: 1.4, fate: 'recycled' }] as const;
      given(history)
        .when(recordRecycling({ outputs }))
        .then([recycled({ ...atCommandTime, outputs })]);
    });
  });
});

describe('when in use again after a resale', () => {
  const history = [placedOnMarket(), collected(), wiped(), resold()];

  it('collects the device again', () => {
    given(history)
      .when(collect())
      .then([collected(atCommandTime)]);
  });

  it('refuses the next resale until the device is wiped again', () => {
    given(history).when(recordResale()).thenThrows({ code: ErrorCodes.wipeRequiredBeforeResale, kind: 'rule' });
  });

  it('resells the device again after a new passing wipe', () => {
    const wipedAgain = wiped({ occurredAt: '2025-05-01T10:00:00Z', certificateId: 'WIPE-2025-000777' });
    given([...history, wipedAgain])
      .when(recordResale())
      .then([resold(atCommandTime)]);
  });

  it('refuses recycling before the device is collected again', () => {
    given(history).when(recordRecycling()).thenThrows({ code: ErrorCodes.deviceNotCollected, kind: 'rule' });
  });
});

describe('when recycled', () => {
  const history = [placedOnMarket(), collected(), recycled()];

  it.each([['place it on the market', placeOnMarket], ['collect it', collect], ...laterCommands] as const)(
    'refuses to %s: its history is closed',
    (_name, command) => {
      given(history).when(command()).thenThrows({ code: ErrorCodes.deviceAlreadyRecycled, kind: 'rule' });
    },
  );
});

import { describe, expect, it } from '@jest/globals';
import {
  collect,
  collected,
  DeciderSpecification,
  fridge,
  laptop,
  phone,
  placedOnMarket,
  placeOnMarket,
  recordRecycling,
} from '#kierto/testing';
import { decide } from './decide.js';
import { MAX_MASS_KG, PLAUSIBLE_UNIT_WEIGHT_KG } from './limits.js';
import { ErrorCodes } from './rules.js';
import { evolve, initialState } from './state.js';

const given = DeciderSpecification.for({ decide, evolve, initialState });

describe('plausible unit weights per WEEE category (docs/limits.md)', () => {
  it('refuses the 16 015 695 kg device of the issue, whatever its category', () => {
    for (const weeeCategory of [1, 2, 3, 4, 5, 6] as const) {
      const product = fridge({ weeeCategory, weightKg: 16_015_695, materials: [] });
      given([])
        .when(placeOnMarket({ product }))
        .thenThrows({ code: ErrorCodes.implausibleWeight, kind: 'rule', field: 'product.weightKg' });
    }
  });

  it.each([
    [1, 3_000],
    [2, 500],
    [3, 10],
    [4, MAX_MASS_KG],
    [5, 100],
    [6, 50],
  ] as const)(
    'category %i: up to %i kg accepted, a gram more refused with a 422 that names the limit',
    (weeeCategory, limitKg) => {
      expect(PLAUSIBLE_UNIT_WEIGHT_KG[weeeCategory]).toBe(limitKg);
      const at = (weightKg: number) => placeOnMarket({ product: laptop({ weeeCategory, weightKg, materials: [] }) });
      expect(decide(at(limitKg), initialState())).toHaveLength(1);
      const error = given([])
        .when(at(limitKg + 0.001))
        .thenThrows({ code: 'WEIGHT_IMPLAUSIBLE', kind: 'rule', field: 'product.weightKg' });
      expect(error.message).toContain(
        `more than ${limitKg} kg, the plausible limit for one unit of WEEE category ${weeeCategory}`,
      );
    },
  );

  it('holds a collection that starts a history, and the weight measured at collection, to the category', () => {
    const product = phone({ materials: [] });
    given([])
      .when(collect({ product: { ...product, weightKg: 190 } }))
      .thenThrows({ code: 'WEIGHT_IMPLAUSIBLE', field: 'product.weightKg' });
    given([])
      .when(collect({ product, measuredWeightKg: 190 }))
      .thenThrows({ code: 'WEIGHT_IMPLAUSIBLE', field: 'measuredWeightKg' });
    // The laptop of the fixtures is category 2: 190 kg is under the 500 kg of screens, 600 is not.
    given([placedOnMarket()])
      .when(collect({ measuredWeightKg: 190 }))
      .then([collected({ measuredWeightKg: 190, occurredAt: '2025-06-02T09:00:00Z' })]);
    given([placedOnMarket()])
      .when(collect({ measuredWeightKg: 600 }))
      .thenThrows({ code: 'WEIGHT_IMPLAUSIBLE', field: 'measuredWeightKg' });
  });

  it('holds the weight received for recycling to the category', () => {
    given([placedOnMarket(), collected()])
      .when(recordRecycling({ weightKg: 1_400, outputs: [] }))
      .thenThrows({ code: 'WEIGHT_IMPLAUSIBLE', kind: 'rule', field: 'weightKg' });
  });
});

describe('the earliest occurredAt (docs/limits.md)', () => {
  it.each(['0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '1970-01-01T00:30:00+01:00'])(
    'refuses %s with a 400 naming 1970',
    (occurredAt) => {
      const error = given([])
        .when(placeOnMarket({ occurredAt }))
        .thenThrows({ code: 'OCCURRED_BEFORE_EARLIEST', kind: 'invalid', field: 'occurredAt' });
      expect(error.message).toContain('1970-01-01T00:00:00Z, the earliest date Kierto records');
    },
  );

  it('accepts the epoch itself', () => {
    expect(decide(placeOnMarket({ occurredAt: '1970-01-01T00:00:00Z' }), initialState())).toHaveLength(1);
  });
});

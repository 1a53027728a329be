import { describe, expect, it } from '@jest/globals';
import {
  Times,
  collected,
  declaredEndOfLife,
  laptop,
  phone,
  placedOnMarket,
  recycled,
  repaired,
  resold,
  wipeFailed,
  wiped,
} from '#kierto/testing';
import type { DeviceEvent } from './events.js';
import { evolve, fold, initialState, isRegistered, type DeviceState, type RegisteredDevice } from './state.js';

/** Folds the history and returns the registered device it describes. */
function deviceAfter(events: readonly DeviceEvent[]): RegisteredDevice {
  const state = fold(events);
  if (!isRegistered(state)) throw new Error(`expected a registered device, got ${state.status}`);
  return state;
}

describe('when unregistered', () => {
  it('starts unregistered', () => {
    expect(initialState()).toEqual({ status: 'unregistered' });
  });

  it('is in use with one life once placed on the market', () => {
    expect(deviceAfter([placedOnMarket()])).toEqual({
      status: 'in-use',
      product: laptop(),
      producerId: 'producer-aalto-computing',
      market: 'household',
      lastOccurredAt: Times.placedOnMarket,
      wipedSinceHandover: false,
      latestRepairOutcome: null,
      measuredWeightKg: null,
      lives: 1,
    });
  });

  it('is collected with one life and no producer when a collection carrying the product starts its history', () => {
    expect(deviceAfter([collected({ product: phone(), measuredWeightKg: 0.2 })])).toEqual({
      status: 'collected',
      product: phone(),
      producerId: null,
      market: null,
      lastOccurredAt: Times.collected,
      wipedSinceHandover: false,
      latestRepairOutcome: null,
      measuredWeightKg: 0.2,
      lives: 1,
    });
  });

  it.each<[string, DeviceEvent]>([
    ['a collection without a product', collected()],
    ['a wipe', wiped()],
    ['a repair', repaired()],
    ['a resale', resold()],
    ['a recycling', recycled()],
  ])('stays unregistered after %s, which cannot start a history', (_name, event) => {
    expect(evolve(initialState(), event)).toEqual({ status: 'unregistered' });
  });
});

describe('when in use', () => {
  const history = [placedOnMarket()];

  it('is collected after a collection, keeping its producer and lives', () => {
    expect(deviceAfter([...history, collected()])).toMatchObject({
      status: 'collected',
      producerId: 'producer-aalto-computing',
      lives: 1,
      lastOccurredAt: Times.collected,
    });
  });

  it('counts a passing wipe as wiped since the handover, and a failed one not', () => {
    expect(deviceAfter([...history, wipeFailed()]).wipedSinceHandover).toBe(false);
    expect(deviceAfter([...history, wiped()]).wipedSinceHandover).toBe(true);
  });

  it('stays wiped when a failed attempt follows a passing wipe', () => {
    expect(deviceAfter([...history, wiped(), wipeFailed()]).wipedSinceHandover).toBe(true);
  });

  it('keeps the outcome of the latest repair', () => {
    expect(deviceAfter([...history, declaredEndOfLife()]).latestRepairOutcome).toBe('end-of-life');
    expect(deviceAfter([...history, declaredEndOfLife(), repaired()]).latestRepairOutcome).toBe('fixed');
  });

  it('gains a life when resold while in use', () => {
    expect(deviceAfter([...history, wiped(), resold()])).toMatchObject({ status: 'in-use', lives: 2 });
  });
});

describe('when collected', () => {
  const history = [placedOnMarket(), collected({ measuredWeightKg: 1.38 })];

  it('keeps the weight measured at collection', () => {
    expect(deviceAfter(history).measuredWeightKg).toBe(1.38);
  });

  it('forgets a wipe made before the collection: the last holder may have stored data since', () => {
    expect(deviceAfter([placedOnMarket(), wiped(), collected()]).wipedSinceHandover).toBe(false);
  });

  it('keeps the latest repair outcome through the collection', () => {
    expect(deviceAfter([placedOnMarket(), declaredEndOfLife(), collected()]).latestRepairOutcome).toBe('end-of-life');
  });

  it('is in use with a second life after a resale, and no longer counts as wiped', () => {
    expect(deviceAfter([...history, wiped(), resold()])).toMatchObject({
      status: 'in-use',
      lives: 2,
      wipedSinceHandover: false,
      lastOccurredAt: Times.resold,
    });
  });

  it('gains one life per resale', () => {
    const secondRound = [
      collected({ occurredAt: '2025-04-01T10:00:00Z' }),
      wiped({ occurredAt: '2025-04-02T10:00:00Z' }),
      resold({ occurredAt: '2025-04-03T10:00:00Z' }),
    ];
    expect(deviceAfter([...history, wiped(), resold(), ...secondRound]).lives).toBe(3);
  });

  it('replaces the measured weight when a later collection weighs the device again', () => {
    const weighedAgain = [wiped(), resold(), collected({ occurredAt: '2025-04-01T10:00:00Z', measuredWeightKg: 1.35 })];
    expect(deviceAfter([...history, ...weighedAgain]).measuredWeightKg).toBe(1.35);
  });

  it('keeps the earlier measured weight when a later collection does not weigh the device', () => {
    const notWeighed = [wiped(), resold(), collected({ occurredAt: '2025-04-01T10:00:00Z' })];
    expect(deviceAfter([...history, ...notWeighed]).measuredWeightKg).toBe(1.38);
  });

  it('is recycled after a recycling', () => {
    expect(deviceAfter([...history, recycled()])).toMatchObject({ status: 'recycled', lastOccurredAt: Times.recycled });
  });
});

describe('when recycled', () => {
  it('keeps its product, producer and lives for the passport', () => {
    const secondCollection = collected({ occurredAt: '2025-04-01T10:00:00Z' });
    const history = [placedOnMarket(), collected(), wiped(), resold(), secondCollection];
    expect(deviceAfter([...history, recycled({ occurredAt: '2025-04-10T10:00:00Z' })])).toMatchObject({
      status: 'recycled',
      product: laptop(),
      producerId: 'producer-aalto-computing',
      lives: 2,
    });
  });
});

describe('fold', () => {
  it('is evolve applied to each event in turn, from the initial state', () => {
    const events = [placedOnMarket(), collected(), wiped(), resold()];
    expect(fold(events)).toEqual(events.reduce<DeviceState>(evolve, initialState()));
  });

  it('continues from a given state', () => {
    const events = [placedOnMarket(), collected(), wiped(), resold()];
    expect(fold(events.slice(2), fold(events.slice(0, 2)))).toEqual(fold(events));
  });
});

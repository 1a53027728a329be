import type { DeviceEvent, Market, RepairedProductDescription, RepairOutcome, Timestamp } from './events.js';

/** in-use (after placing on market or a resale) → collected → in-use again after a resale … → recycled. */
export type LifecycleStatus = 'in-use' | 'collected' | 'recycled';

export interface RegisteredDevice {
  readonly status: LifecycleStatus;
  /**
   * As placed on the market, or the part a collector (ADR 0016) or a repairer (ADR 0019: weight
   * maybe unknown) knew when the history started with them.
   */
  readonly product: RepairedProductDescription;
  /** Null when the stream started with a collection of a device never placed on market in Kierto. */
  readonly producerId: string | null;
  readonly market: Market | null;
  readonly lastOccurredAt: Timestamp;
  /**
   * True once a passing wipe is recorded after the latest placing on market, collection or sale:
   * the previous holder's data is gone (rule 4).
   */
  readonly wipedSinceHandover: boolean;
  readonly latestRepairOutcome: RepairOutcome | null;
  /** The latest weight measured at collection, else null. */
  readonly measuredWeightKg: number | null;
  /** Number of lives: the first use plus one per resale. */
  readonly lives: number;
}

export type DeviceState = { readonly status: 'unregistered' } | RegisteredDevice;

/**
 * Where a device is in its lives, by the handover rule (rule 4): a wipe counts only after the latest
 * placing on market, collection or sale, and a resale starts a new life. The one fold of it: the
 * device state below and every read model that shows it (passports, statistics) use this.
 */
export interface Lifecycle {
  readonly status: LifecycleStatus;
  /** True once a passing wipe is recorded after the latest placing on market, collection or sale. */
  readonly wipedSinceHandover: boolean;
  /** Number of lives: the first use plus one per resale. */
  readonly lives: number;
}

/**
 * Folds one event into the lifecycle; null while the device is unknown (a stream starts with a
 * placing on market, or with a collection or a repair that describes the product). Pure; never refuses.
 */
export function evolveLifecycle(lifecycle: Lifecycle | null, event: DeviceEvent): Lifecycle | null {
  switch (event.type) {
    case 'DevicePlacedOnMarket':
      return { status: 'in-use', wipedSinceHandover: false, lives: 1 };
    case 'DeviceCollected':
      if (lifecycle === null && event.data.product === undefined) return null;
      return { status: 'collected', wipedSinceHandover: false, lives: lifecycle?.lives ?? 1 };
    case 'DeviceDataWiped':
      if (lifecycle === null) return null;
      return {
        status: lifecycle.status,
        wipedSinceHandover: lifecycle.wipedSinceHandover || event.data.result === 'passed',
        lives: lifecycle.lives,
      };
    case 'DeviceRepaired':
      // A repair that describes the product starts a history (ADR 0019): the owner's device, in use.
      if (lifecycle === null)
        return event.data.product === undefined ? null : { status: 'in-use', wipedSinceHandover: false, lives: 1 };
      return { status: lifecycle.status, wipedSinceHandover: lifecycle.wipedSinceHandover, lives: lifecycle.lives };
    case 'DeviceResold':
      return lifecycle === null ? null : { status: 'in-use', wipedSinceHandover: false, lives: lifecycle.lives + 1 };
    case 'DeviceRecycled':
      return lifecycle === null
        ? null
        : { status: 'recycled', wipedSinceHandover: lifecycle.wipedSinceHandover, lives: lifecycle.lives };
    case 'DeviceHandedOver':
      // Between organisations of the chain, not to a user: no one could have stored data meanwhile,
      // so a wipe before it still counts (rule 4 names placing on market, collection and sale only).
      return lifecycle;
    default:
      return assertNever(event);
  }
}

export const initialState = (): DeviceState => ({ status: 'unregistered' });

export function isRegistered(state: DeviceState): state is RegisteredDevice {
  return state.status !== 'unregistered';
}

/**
 * A registered device with every field written out in one order: the command path folds this for
 * every line of an import, and objects of one shape keep that fold fast (spreads of differently
 * built objects gave V8 several shapes to handle).
 */
function registeredDevice(lifecycle: Lifecycle, rest: Omit<RegisteredDevice, keyof Lifecycle>): RegisteredDevice {
  return {
    status: lifecycle.status,
    wipedSinceHandover: lifecycle.wipedSinceHandover,
    lives: lifecycle.lives,
    product: rest.product,
    producerId: rest.producerId,
    market: rest.market,
    lastOccurredAt: rest.lastOccurredAt,
    latestRepairOutcome: rest.latestRepairOutcome,
    measuredWeightKg: rest.measuredWeightKg,
  };
}

/** Folds one event into the state. Events are facts: evolve never refuses, decide already did. */
export function evolve(state: DeviceState, event: DeviceEvent): DeviceState {
  const registered = isRegistered(state) ? state : null;
  const lifecycle = evolveLifecycle(registered, event);
  if (lifecycle === null) return state;
  switch (event.type) {
    case 'DevicePlacedOnMarket':
      return registeredDevice(lifecycle, {
        product: event.data.product,
        producerId: event.data.producerId,
        market: event.data.market,
        lastOccurredAt: event.occurredAt,
        latestRepairOutcome: null,
        measuredWeightKg: null,
      });
    case 'DeviceCollected': {
      const product = registered?.product ?? event.data.product;
      if (product === undefined) return state;
      return registeredDevice(lifecycle, {
        product,
        producerId: registered?.producerId ?? null,
        market: registered?.market ?? null,
        lastOccurredAt: event.occurredAt,
        latestRepairOutcome: registered?.latestRepairOutcome ?? null,
        measuredWeightKg: event.data.measuredWeightKg ?? registered?.measuredWeightKg ?? null,
      });
    }
    case 'DeviceRepaired':
      if (registered === null) {
        if (event.data.product === undefined) return state;
        return registeredDevice(lifecycle, {
          product: event.data.product,
          producerId: null,
          market: null,
          lastOccurredAt: event.occurredAt,
          latestRepairOutcome: event.data.outcome,
          measuredWeightKg: null,
        });
      }
      return registeredDevice(lifecycle, {
        ...registered,
        lastOccurredAt: event.occurredAt,
        latestRepairOutcome: event.data.outcome,
      });
    case 'DeviceDataWiped':
    case 'DeviceResold':
    case 'DeviceRecycled':
    case 'DeviceHandedOver':
      if (registered === null) return state;
      return registeredDevice(lifecycle, { ...registered, lastOccurredAt: event.occurredAt });
    default:
      return assertNever(event);
  }
}

export function fold(events: Iterable<DeviceEvent>, state: DeviceState = initialState()): DeviceState {
  let current = state;
  for (const event of events) current = evolve(current, event);
  return current;
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value ${JSON.stringify(value)}`);
}

import type { DeviceEvent, Market, ProductDescription, RepairOutcome, Timestamp } from './events.js';

/** in-use (after placing on market or a resale) → collected → in-use again after a resale … → recycled. */
export type LifecycleStatus = 'in-use' | 'collected' | 'recycled';

export interface RegisteredDevice {
  readonly status: LifecycleStatus;
  readonly product: ProductDescription;
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

export const initialState = (): DeviceState => ({ status: 'unregistered' });

export function isRegistered(state: DeviceState): state is RegisteredDevice {
  return state.status !== 'unregistered';
}

/** Folds one event into the state. Events are facts: evolve never refuses, decide already did. */
export function evolve(state: DeviceState, event: DeviceEvent): DeviceState {
  switch (event.type) {
    case 'DevicePlacedOnMarket':
      return {
        status: 'in-use',
        product: event.data.product,
        producerId: event.data.producerId,
        market: event.data.market,
        lastOccurredAt: event.occurredAt,
        wipedSinceHandover: false,
        latestRepairOutcome: null,
        measuredWeightKg: null,
        lives: 1,
      };
    case 'DeviceCollected': {
      const registered = isRegistered(state) ? state : null;
      const product = registered?.product ?? event.data.product;
      if (product === undefined) return state;
      return {
        status: 'collected',
        product,
        producerId: registered?.producerId ?? null,
        market: registered?.market ?? null,
        lastOccurredAt: event.occurredAt,
        wipedSinceHandover: false,
        latestRepairOutcome: registered?.latestRepairOutcome ?? null,
        measuredWeightKg: event.data.measuredWeightKg ?? registered?.measuredWeightKg ?? null,
        lives: registered?.lives ?? 1,
      };
    }
    case 'DeviceDataWiped':
      if (!isRegistered(state)) return state;
      return {
        ...state,
        lastOccurredAt: event.occurredAt,
        wipedSinceHandover: state.wipedSinceHandover || event.data.result === 'passed',
      };
    case 'DeviceRepaired':
      if (!isRegistered(state)) return state;
      return { ...state, lastOccurredAt: event.occurredAt, latestRepairOutcome: event.data.outcome };
    case 'DeviceResold':
      if (!isRegistered(state)) return state;
      return {
        ...state,
        status: 'in-use',
        lastOccurredAt: event.occurredAt,
        wipedSinceHandover: false,
        lives: state.lives + 1,
      };
    case 'DeviceRecycled':
      if (!isRegistered(state)) return state;
      return { ...state, status: 'recycled', lastOccurredAt: event.occurredAt };
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

/**
 * What the passport's data-sanitisation group means to someone holding the device, in one case a
 * sentence can say. `wipedSinceHandover` alone misleads a buyer: after a refurbisher wipes a laptop
 * and sells it, the sale is a handover, so the flag is false although the seller's wipe is exactly
 * what the buyer wants to know about. The history tells the two apart.
 */
import type { Handover } from './i18n.js';

/** What the public view of a passport carries that the wipe status reads. */
export interface WipeInput {
  readonly dataSanitisation: {
    /** Null when unknown (ADR 0016): then it may hold data, as for a device with storage. */
    readonly dataBearing: boolean | null;
    readonly records: readonly {
      readonly occurredAt: string;
      readonly result: 'passed' | 'failed';
      readonly verification: { readonly method: 'full' | 'sampling' | 'none'; readonly verified: boolean };
    }[];
  };
  readonly history: readonly { readonly type: string; readonly occurredAt: string }[];
}

export type WipeStatus =
  | { readonly kind: 'no-storage' }
  | { readonly kind: 'no-record' }
  /** A passing wipe after the latest handover (the domain's wipedSinceHandover). */
  | {
      readonly kind: 'erased-since-handover';
      readonly erasedOn: string;
      readonly verified: boolean;
      readonly handover: Handover;
    }
  /** The latest handover is a sale, and a passing wipe came between the one before and that sale. */
  | {
      readonly kind: 'erased-before-sale';
      readonly erasedOn: string;
      readonly verified: boolean;
      readonly soldOn: string;
    }
  | { readonly kind: 'not-erased-since'; readonly handover: Handover; readonly since: string };

const HANDOVERS: Readonly<Record<string, Handover>> = {
  DevicePlacedOnMarket: 'placed',
  DeviceCollected: 'collected',
  DeviceResold: 'resold',
};

interface Erasure {
  readonly erasedOn: string;
  readonly verified: boolean;
}

/**
 * Walks the history in order; the n-th DeviceDataWiped entry is the n-th sanitisation record (the
 * passport appends one record per wipe event). A wipe counts when it passed; it is verified when
 * its verification was done (full or sampled) and succeeded.
 */
export function wipeStatusOf(passport: WipeInput): WipeStatus {
  if (passport.dataSanitisation.dataBearing === false) return { kind: 'no-storage' };
  let handover: { readonly kind: Handover; readonly on: string } | null = null;
  let sinceHandover: Erasure | null = null;
  let beforeHandover: Erasure | null = null;
  let wipes = 0;
  for (const entry of passport.history) {
    const kind = HANDOVERS[entry.type];
    if (kind !== undefined) {
      handover = { kind, on: entry.occurredAt };
      beforeHandover = sinceHandover;
      sinceHandover = null;
    } else if (entry.type === 'DeviceDataWiped') {
      const record = passport.dataSanitisation.records[wipes];
      wipes += 1;
      if (record?.result === 'passed') {
        sinceHandover = {
          erasedOn: record.occurredAt,
          verified: record.verification.verified && record.verification.method !== 'none',
        };
      }
    }
  }
  if (sinceHandover !== null) {
    return { kind: 'erased-since-handover', ...sinceHandover, handover: handover?.kind ?? 'placed' };
  }
  if (handover === null) return { kind: 'no-record' };
  if (handover.kind === 'resold' && beforeHandover !== null) {
    return { kind: 'erased-before-sale', ...beforeHandover, soldOn: handover.on };
  }
  return { kind: 'not-erased-since', handover: handover.kind, since: handover.on };
}

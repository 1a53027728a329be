import { describe, expect, it } from '@jest/globals';
import { wipeStatusOf, type WipeInput } from './wipe-status.js';

type Step = 'placed' | 'collected' | 'resold' | 'wiped' | 'wipe-failed' | 'wiped-unverified' | 'repaired';
const TYPES: Readonly<Record<Step, string>> = {
  placed: 'DevicePlacedOnMarket',
  collected: 'DeviceCollected',
  resold: 'DeviceResold',
  wiped: 'DeviceDataWiped',
  'wipe-failed': 'DeviceDataWiped',
  'wiped-unverified': 'DeviceDataWiped',
  repaired: 'DeviceRepaired',
};

/** A passport's wipe-relevant part from a history; step n happens on day n+1 of January 2026. */
function passportOf(steps: readonly Step[], dataBearing: boolean | null = true): WipeInput {
  const on = (index: number): string => `2026-01-${String(index + 1).padStart(2, '0')}T10:00:00Z`;
  return {
    history: steps.map((step, index) => ({ type: TYPES[step], occurredAt: on(index) })),
    dataSanitisation: {
      dataBearing,
      records: steps.flatMap((step, index) =>
        TYPES[step] === 'DeviceDataWiped'
          ? [
              {
                occurredAt: on(index),
                result: step === 'wipe-failed' ? ('failed' as const) : ('passed' as const),
                verification:
                  step === 'wiped-unverified'
                    ? { method: 'none' as const, verified: false }
                    : { method: 'full' as const, verified: step !== 'wipe-failed' },
              },
            ]
          : [],
      ),
    },
  };
}

describe('wipeStatusOf', () => {
  it('says there is nothing to erase on a device without storage, whatever its history', () => {
    expect(wipeStatusOf(passportOf(['placed', 'collected'], false))).toEqual({ kind: 'no-storage' });
  });

  it('counts a passing wipe after the latest handover, verified or not', () => {
    expect(wipeStatusOf(passportOf(['placed', 'collected', 'wiped', 'repaired']))).toEqual({
      kind: 'erased-since-handover',
      erasedOn: '2026-01-03T10:00:00Z',
      verified: true,
      handover: 'collected',
    });
    expect(wipeStatusOf(passportOf(['placed', 'collected', 'wiped-unverified']))).toMatchObject({
      kind: 'erased-since-handover',
      verified: false,
    });
  });

  it('tells a buyer about the wipe before the sale that brought the device to them', () => {
    expect(wipeStatusOf(passportOf(['placed', 'collected', 'wiped', 'resold']))).toEqual({
      kind: 'erased-before-sale',
      erasedOn: '2026-01-03T10:00:00Z',
      verified: true,
      soldOn: '2026-01-04T10:00:00Z',
    });
  });

  it('does not count a failed wipe, nor a wipe before an earlier handover', () => {
    expect(wipeStatusOf(passportOf(['placed', 'collected', 'wipe-failed']))).toEqual({
      kind: 'not-erased-since',
      handover: 'collected',
      since: '2026-01-02T10:00:00Z',
    });
    expect(wipeStatusOf(passportOf(['placed', 'collected', 'wiped', 'resold', 'collected']))).toEqual({
      kind: 'not-erased-since',
      handover: 'collected',
      since: '2026-01-05T10:00:00Z',
    });
  });

  it('treats unknown storage like storage (ADR 0016)', () => {
    expect(wipeStatusOf(passportOf(['collected'], null))).toMatchObject({ kind: 'not-erased-since' });
    expect(wipeStatusOf(passportOf([], null))).toEqual({ kind: 'no-record' });
  });
});

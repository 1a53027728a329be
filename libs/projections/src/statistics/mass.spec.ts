import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MAX_MASS_KG } from '#kierto/domain';
import { validateRequest } from '#kierto/schemas';
import { decimalDisplay, kgToMg, MAX_MASS_MG, mgToKg, percentDisplay, tonnesDisplay } from './mass.js';
import { calendarYear, isValidTimeZone, utcIso } from './time.js';

describe('masses in integer milligrams', () => {
  it('sum exactly where kilograms in floating point drift', () => {
    const kg = Array.from({ length: 1000 }, () => 1.4);
    expect(kg.reduce((sum, each) => sum + each, 0)).not.toBe(1400);
    expect(mgToKg(kg.map(kgToMg).reduce((sum, each) => sum + each, 0))).toBe(1400);
  });

  it.each([
    [0, '0.000'],
    [499_999, '0.000'],
    [500_000, '0.001'],
    [1_380_000, '0.001'],
    [66_683_000_000_000, '66683.000'],
    [121_637_666_666_667, '121637.667'],
    [1_234_500_000, '1.235'],
  ])('show %i mg as %s tonnes (three decimals, half-up)', (mg, tonnes) => {
    expect(tonnesDisplay(mg)).toBe(tonnes);
  });

  it('round percentages and other figures half-up for display only', () => {
    expect(percentDisplay(54.82113)).toBe('54.8');
    expect(percentDisplay(54.75)).toBe('54.8');
    expect(percentDisplay(85)).toBe('85.0');
    expect(decimalDisplay(4, 2)).toBe('4.00');
    expect(decimalDisplay(1.005, 2)).toBe('1.01');
  });
});

/** Any double at all: huge, tiny, negative, subnormal, infinite, NaN. */
const anyDouble = fc.double();
/** Every mass the schemas accept: (0, MAX_MASS_KG]. */
const acceptedKg = fc.double({ min: Number.MIN_VALUE, max: MAX_MASS_KG, noNaN: true });

/** A recycling body with this received weight and one output of this mass. */
const recycling = (weightKg: number, massKg: number) => ({
  occurredAt: '2025-01-01T00:00:00Z',
  facilityId: 'plant-1',
  treatmentCountry: 'FI',
  weightKg,
  outputs: [{ material: 'steel', massKg, fate: 'recycled' }],
});
const collection = (measuredWeightKg: number) => ({
  occurredAt: '2025-01-01T00:00:00Z',
  collectionPointId: 'cp-1',
  channel: 'municipal',
  source: 'household',
  country: 'FI',
  condition: 'broken',
  measuredWeightKg,
});

describe('kg → mg is safe for every mass the schemas accept (fast-check, docs/limits.md)', () => {
  it('gives a safe integer within [0, MAX_MASS_MG] for every accepted mass, and refuses the rest', () => {
    fc.assert(
      fc.property(acceptedKg, (kg) => {
        const mg = kgToMg(kg);
        expect(Number.isSafeInteger(mg)).toBe(true);
        expect(mg).toBeGreaterThanOrEqual(0);
        expect(mg).toBeLessThanOrEqual(MAX_MASS_MG);
        // Exact to the milligram: the round trip moves a mass by at most half a milligram.
        expect(Math.abs(mgToKg(mg) - kg)).toBeLessThanOrEqual(0.5 / 1_000_000 + Number.EPSILON * kg);
      }),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(
        anyDouble.filter((kg) => !(kg >= 0 && kg <= MAX_MASS_KG)),
        (kg) => {
          expect(() => kgToMg(kg)).toThrow(RangeError);
        },
      ),
    );
  });

  it('holds for whatever the request schemas let through, on every mass field', () => {
    fc.assert(
      fc.property(anyDouble, anyDouble, anyDouble, (weightKg, massKg, measuredKg) => {
        const received = validateRequest('RecordRecycling', recycling(weightKg, massKg));
        if (received.ok) {
          expect(Number.isSafeInteger(kgToMg(received.value.weightKg))).toBe(true);
          for (const output of received.value.outputs) expect(kgToMg(output.massKg)).toBeLessThanOrEqual(MAX_MASS_MG);
        }
        const measured = validateRequest('CollectDevice', collection(measuredKg));
        if (measured.ok) expect(kgToMg(measured.value.measuredWeightKg ?? 1)).toBeLessThanOrEqual(MAX_MASS_MG);
        // What the schema refuses is exactly what kgToMg refuses (besides 0, which no schema takes).
        expect(received.ok).toBe(weightKg > 0 && weightKg <= MAX_MASS_KG && massKg > 0 && massKg <= MAX_MASS_KG);
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps a sum of maximal facts exact while a reader can hold it (900 719 facts of 10 t)', () => {
    const facts = Math.floor(Number.MAX_SAFE_INTEGER / MAX_MASS_MG);
    expect(facts).toBe(900_719);
    expect(Number.isSafeInteger(facts * MAX_MASS_MG)).toBe(true);
    // A 64-bit column holds far more: 9.2 × 10^8 maximal facts in one sum.
    expect(BigInt(MAX_MASS_MG) * 900_000_000n).toBeLessThan(2n ** 63n);
    fc.assert(
      fc.property(fc.array(acceptedKg, { maxLength: 500 }), (kgs) => {
        const sum = kgs.map(kgToMg).reduce((total, mg) => total + mg, 0);
        expect(Number.isSafeInteger(sum)).toBe(true);
        expect(typeof tonnesDisplay(sum)).toBe('string');
      }),
    );
  });
});

describe('reporting time', () => {
  it('knows IANA time zones and refuses anything else', () => {
    expect(isValidTimeZone('Europe/Helsinki')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });

  it('takes the calendar year of an instant in the zone', () => {
    expect(calendarYear('2025-12-31T22:00:00Z', 'Europe/Helsinki')).toBe(2026);
    expect(calendarYear('2026-01-01T01:00:00+02:00', 'UTC')).toBe(2025);
    expect(calendarYear('2025-06-01T00:00:00Z', 'America/New_York')).toBe(2025);
  });

  it('writes instants in the canonical UTC form, which sorts as text', () => {
    expect(utcIso('2026-01-01T01:00:00+02:00')).toBe('2025-12-31T23:00:00.000Z');
  });
});

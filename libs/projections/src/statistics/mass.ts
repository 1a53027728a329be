import { MAX_MASS_KG } from '#kierto/domain';

/**
 * Masses in the statistics are integer milligrams: sums over millions of devices stay exact (a double
 * sum of 1.4 kg devices drifts), differences such as RCV − RCY are exact, and a sum only becomes a
 * float when it is shown. 2^53 mg is 9 million tonnes, far above any national yearly total.
 * Inputs finer than a milligram are rounded to the nearest milligram.
 *
 * Why the conversion is safe (mass.spec.ts checks it with fast-check over everything the schemas
 * accept): the schemas bound every mass to (0, MAX_MASS_KG] = (0, 10 000] kg, so a fact holds at
 * most 10^10 mg, an integer a double represents exactly and a 64-bit column holds with room for
 * 9 × 10^8 such facts in one sum (SQLite INTEGER, PostgreSQL bigint); a JavaScript reader of a sum
 * stays exact up to 2^53 mg (900 719 maximal facts, 9 million tonnes). A value outside that range
 * can only come from an event forced past the edge: it is refused here with a RangeError rather
 * than handed to the database, and the projector quarantines that event (docs/adr/0011).
 */
export const MG_PER_KG = 1_000_000;

/** The largest mass a fact can hold, mg: MAX_MASS_KG in milligrams. */
export const MAX_MASS_MG = MAX_MASS_KG * MG_PER_KG;

export function kgToMg(kg: number): number {
  // `!(… && …)` so that NaN fails too.
  if (!(kg >= 0 && kg <= MAX_MASS_KG)) {
    throw new RangeError(`A mass of ${kg} kg is outside 0–${MAX_MASS_KG} kg, the range the schemas accept`);
  }
  return Math.round(kg * MG_PER_KG);
}

export function mgToKg(mg: number): number {
  return mg / MG_PER_KG;
}

/**
 * Tonnes with three decimals (i.e. to the kilogram), rounded half-up, for display only: computations
 * always use the exact milligrams. Built from integers so that no float formatting can round twice.
 */
export function tonnesDisplay(mg: number): string {
  const negative = mg < 0;
  const kg = Math.floor((Math.abs(mg) + MG_PER_KG / 2) / MG_PER_KG);
  const text = `${Math.floor(kg / 1000)}.${String(kg % 1000).padStart(3, '0')}`;
  return negative && kg !== 0 ? `-${text}` : text;
}

/** A percentage for display: one decimal, rounded half-up (54.75 → "54.8"). */
export function percentDisplay(percent: number): string {
  // The tiny nudge makes values like 54.75, stored as 54.749999…, round the way a person expects.
  const tenths = Math.floor(percent * 10 + 0.5 + 1e-9);
  return (tenths / 10).toFixed(1);
}

/** A plain number for display with a fixed number of decimals, half-up. */
export function decimalDisplay(value: number, decimals: number): string {
  const factor = 10 ** decimals;
  return (Math.floor(value * factor + 0.5 + 1e-9) / factor).toFixed(decimals);
}

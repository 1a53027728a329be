/**
 * Masses in the statistics are integer milligrams: sums over millions of devices stay exact (a double
 * sum of 1.4 kg devices drifts), differences such as RCV − RCY are exact, and a sum only becomes a
 * float when it is shown. 2^53 mg is 9 million tonnes, far above any national yearly total.
 * Inputs finer than a milligram are rounded to the nearest milligram.
 */
export const MG_PER_KG = 1_000_000;

export function kgToMg(kg: number): number {
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

/**
 * Eurostat's country spellings at the edge (docs/statistics.md "Countries"): a request body or an
 * import line may say "EL" or "UK"; what is validated as event data and stored says "GR" or "GB",
 * so one country never has two codes in the log or the figures.
 */
import { EUROSTAT_COUNTRY_ALIASES } from '#kierto/domain';

/** The fields of event data that hold a country; all at the top level of the data. */
const COUNTRY_FIELDS = ['country', 'treatmentCountry'] as const;

/**
 * The same value with an aliased country replaced by its ISO code; anything else (including an
 * unknown code, which validation then refuses) is returned untouched. Never mutates its input.
 */
export function withIsoCountryCodes<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | null = null;
  for (const field of COUNTRY_FIELDS) {
    const given = record[field];
    if (typeof given !== 'string' || !Object.hasOwn(EUROSTAT_COUNTRY_ALIASES, given)) continue;
    copy ??= { ...record };
    copy[field] = EUROSTAT_COUNTRY_ALIASES[given];
  }
  return (copy ?? value) as T;
}

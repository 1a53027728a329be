/**
 * Calendar years in the reporting time zone (docs/statistics.md: "year = calendar year of occurredAt in a
 * configured reporting time zone, default UTC"). 2025-12-31T23:30:00Z is 2026 in Helsinki.
 */
const yearFormats = new Map<string, Intl.DateTimeFormat>();

export const DEFAULT_REPORTING_TIME_ZONE = 'UTC';

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The calendar year of an instant (ISO 8601 with a zone, or epoch milliseconds) in a time zone. */
export function calendarYear(instant: string | number, timeZone: string): number {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not an instant: ${String(instant)}`);
  if (timeZone === 'UTC') return date.getUTCFullYear();
  let format = yearFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' });
    yearFormats.set(timeZone, format);
  }
  return Number(format.format(date));
}

/** Epoch milliseconds of an ISO 8601 instant; the store only holds valid ones. */
export function epochMillis(instant: string): number {
  const millis = Date.parse(instant);
  if (Number.isNaN(millis)) throw new RangeError(`Not an instant: ${instant}`);
  return millis;
}

/** The canonical UTC form (`toISOString`) that orders correctly as text. */
export function utcIso(instant: string): string {
  return new Date(epochMillis(instant)).toISOString();
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The calendar date ("YYYY-MM-DD") of an instant in a time zone: which reference period a fact falls
 * in (docs/adr/0015). 2018-08-14T22:30:00Z is 15 Aug 2018 in Helsinki, so Annex III there.
 */
export function calendarDate(instant: string | number, timeZone: string): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not an instant: ${String(instant)}`);
  if (timeZone === 'UTC') return date.toISOString().slice(0, 10);
  let format = dateFormats.get(timeZone);
  if (format === undefined) {
    // en-CA writes dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
  return `${String(parts['year']).padStart(4, '0')}-${String(parts['month'])}-${String(parts['day'])}`;
}

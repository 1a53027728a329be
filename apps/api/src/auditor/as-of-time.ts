/**
 * The as-of moment an auditor types. A browser's `datetime-local` field sends a wall-clock time with
 * no zone (`2026-06-15T12:00` or `…T12:00:05`); the pages show times in the deployment's reporting
 * time zone, so such a time is read in that zone, and a time with `Z` or an offset as given.
 */

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?$/;

/** The instant (epoch ms) the text names, or null when it names none (malformed, or a day that does not exist). */
export function parseAsOf(text: string, timeZone: string): number | null {
  const match = DATE_TIME.exec(text.trim());
  if (match === null) return null;
  const field = (group: number): number => Number(match[group] ?? '0');
  const [year, month, day, hour, minute, second] = [field(1), field(2), field(3), field(4), field(5), field(6)];
  const millis = Number((match[7] ?? '0').padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const zone = match[8];
  if (zone === 'Z') return wall;
  if (zone !== undefined) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const offsetHours = Number(zone.slice(1, 3));
    const offsetMinutes = Number(zone.slice(4, 6));
    if (offsetHours > 23 || offsetMinutes > 59) return null;
    return wall - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  return wallTimeIn(wall, timeZone);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The instant at which the clocks of `timeZone` show `wall` (a wall time written as if it were UTC).
 * The zone's offsets a day before and a day after give at most two candidates (they differ only
 * around a daylight-saving change): a wall time shown twice (autumn) is taken at its first
 * occurrence; one that is skipped (spring) is read with the offset before the change, so it lands
 * just after the change.
 */
function wallTimeIn(wall: number, timeZone: string): number {
  const DAY = 86_400_000;
  const before = wall - offsetOf(wall - DAY, timeZone);
  const after = wall - offsetOf(wall + DAY, timeZone);
  const wholeSeconds = Math.floor(wall / 1000) * 1000;
  const shows = (instant: number): boolean => wallClockOf(instant, timeZone) === wholeSeconds;
  const valid = [before, after].filter(shows);
  return valid.length === 0 ? before : Math.min(...valid);
}

/** How far the clocks of `timeZone` are ahead of UTC at `instant`, in ms. */
export function offsetOf(instant: number, timeZone: string): number {
  return wallClockOf(instant, timeZone) - Math.floor(instant / 1000) * 1000;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The wall time `timeZone` shows at `instant`, to the second, written as if it were UTC. */
function wallClockOf(instant: number, timeZone: string): number {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, format);
  }
  const parts = new Map<string, number>(format.formatToParts(instant).map((part) => [part.type, Number(part.value)]));
  const part = (name: string): number => parts.get(name) ?? 0;
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
}

/** The instant as a `datetime-local` value in `timeZone` (`2026-06-15T12:00:05`), to refill the form. */
export function wallTimeText(instant: number, timeZone: string): string {
  return new Date(wallClockOf(instant, timeZone)).toISOString().slice(0, 19);
}

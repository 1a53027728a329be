import { invalid, ruleBroken } from './errors.js';
import type { Timestamp } from './events.js';
import { EARLIEST_OCCURRED_AT, EARLIEST_OCCURRED_AT_MS } from './limits.js';
import { ALLOWED_CLOCK_SKEW_MS, ErrorCodes } from './rules.js';

/**
 * Rule 5, shared by every stream: `occurredAt` is never before the stream's previous event and never
 * in the future beyond a small skew. `now` is the server clock the command was decided at.
 */
export function checkOccurredAt(occurredAt: Timestamp, now: Timestamp, previous: Timestamp | null): void {
  const occurred = parseTimestamp(occurredAt, 'occurredAt');
  const clock = parseTimestamp(now, 'now');
  // The schemas refuse years before 1970 by pattern; an offset can still reach back before the epoch.
  if (occurred < EARLIEST_OCCURRED_AT_MS) {
    throw invalid(
      ErrorCodes.occurredTooEarly,
      'occurredAt',
      `occurredAt ${occurredAt} is before ${EARLIEST_OCCURRED_AT}, the earliest date Kierto records`,
    );
  }
  if (occurred > clock + ALLOWED_CLOCK_SKEW_MS) {
    throw ruleBroken(ErrorCodes.occurredInFuture, `occurredAt ${occurredAt} lies in the future`, 'occurredAt');
  }
  if (previous !== null && occurred < parseTimestamp(previous, 'occurredAt')) {
    throw ruleBroken(
      ErrorCodes.occurredBeforePreviousEvent,
      `occurredAt ${occurredAt} is before the previous event of its history (${previous})`,
      'occurredAt',
    );
  }
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch of an ISO 8601 date-time with a time zone; refuses anything else. */
export function parseTimestamp(value: string, field: string): number {
  const match = TIMESTAMP.exec(value);
  // Date.parse rolls impossible days over (2025-02-30 becomes 2 March), so the day must exist.
  const millis =
    match !== null && isCalendarDay(Number(match[1]), Number(match[2]), Number(match[3])) ? Date.parse(value) : NaN;
  if (Number.isNaN(millis)) {
    throw invalid(ErrorCodes.invalidTimestamp, field, `${field} must be an ISO 8601 date-time with a time zone`);
  }
  return millis;
}

function isCalendarDay(year: number, month: number, day: number): boolean {
  const leapYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leapYear ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return daysInMonth !== undefined && day >= 1 && day <= daysInMonth;
}

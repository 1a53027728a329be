import { describe, expect, it } from '@jest/globals';
import { offsetOf, parseAsOf, wallTimeText } from './as-of-time.js';

const iso = (millis: number | null): string | null => (millis === null ? null : new Date(millis).toISOString());

describe('parseAsOf', () => {
  it('reads a datetime-local value in the reporting time zone', () => {
    expect(iso(parseAsOf('2026-06-15T12:00', 'UTC'))).toBe('2026-06-15T12:00:00.000Z');
    // Helsinki is UTC+3 in summer and UTC+2 in winter.
    expect(iso(parseAsOf('2026-06-15T12:00:05', 'Europe/Helsinki'))).toBe('2026-06-15T09:00:05.000Z');
    expect(iso(parseAsOf('2026-01-15T12:00', 'Europe/Helsinki'))).toBe('2026-01-15T10:00:00.000Z');
  });

  it('reads a time with Z or an offset as given, whatever the zone', () => {
    expect(iso(parseAsOf('2026-06-15T12:00:00Z', 'Europe/Helsinki'))).toBe('2026-06-15T12:00:00.000Z');
    expect(iso(parseAsOf('2026-06-15T12:00:00.25+02:00', 'UTC'))).toBe('2026-06-15T10:00:00.250Z');
    expect(iso(parseAsOf('2026-06-15T12:00-05:30', 'UTC'))).toBe('2026-06-15T17:30:00.000Z');
  });

  it('lands a wall time a daylight-saving change skips after the change, and stays in the zone on both sides', () => {
    // 29 March 2026 03:00 in Helsinki jumps to 04:00 (01:00Z).
    expect(iso(parseAsOf('2026-03-29T02:59:59', 'Europe/Helsinki'))).toBe('2026-03-29T00:59:59.000Z');
    expect(iso(parseAsOf('2026-03-29T04:00', 'Europe/Helsinki'))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(parseAsOf('2026-03-29T03:30', 'Europe/Helsinki'))).toBe('2026-03-29T01:30:00.000Z');
    // 25 October 2026 04:00 in Helsinki goes back to 03:00 (01:00Z): 03:30 is shown twice, the first is taken.
    expect(iso(parseAsOf('2026-10-25T03:30', 'Europe/Helsinki'))).toBe('2026-10-25T00:30:00.000Z');
  });

  it.each([
    '',
    'yesterday',
    '2026-06-15',
    '2026-02-30T12:00',
    '2026-13-01T12:00',
    '2026-06-15T24:00',
    '2026-06-15T12:60',
    '2026-06-15 12:00',
    '2026-06-15T12:00+25:00',
  ])('refuses %j', (text) => {
    expect(parseAsOf(text, 'UTC')).toBeNull();
  });
});

describe('wallTimeText and offsetOf', () => {
  it('write an instant back as the wall time of the zone, to the second', () => {
    const instant = Date.parse('2026-06-15T09:00:05.700Z');
    expect(wallTimeText(instant, 'Europe/Helsinki')).toBe('2026-06-15T12:00:05');
    expect(wallTimeText(instant, 'UTC')).toBe('2026-06-15T09:00:05');
    expect(offsetOf(instant, 'Europe/Helsinki')).toBe(3 * 3_600_000);
    expect(parseAsOf(wallTimeText(instant, 'Europe/Helsinki'), 'Europe/Helsinki')).toBe(
      Date.parse('2026-06-15T09:00:05Z'),
    );
  });
});

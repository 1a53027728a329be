import { describe, expect, it } from '@jest/globals';
import { decimalDisplay, kgToMg, mgToKg, percentDisplay, tonnesDisplay } from './mass.js';
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

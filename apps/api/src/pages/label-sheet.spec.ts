import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { wrapLink } from './label-sheet.js';

/** A monospaced measure: one unit per character. */
const width = (text: string): number => text.length;

describe('wrapLink', () => {
  it('cuts after a slash in the second half of a line', () => {
    expect(wrapLink('https://dpp.example.org/01/09506000134352/21/LAP-0001', width, 30)).toEqual([
      'https://dpp.example.org/01/',
      '09506000134352/21/LAP-0001',
    ]);
  });

  it('keeps every character, in order, each line within the width', () => {
    fc.assert(
      fc.property(fc.webUrl(), fc.integer({ min: 1, max: 40 }), (link, max) => {
        const lines = wrapLink(link, width, max);
        expect(lines.join('')).toBe(link);
        for (const line of lines) expect(line.length).toBeLessThanOrEqual(max);
        expect(lines.every((line) => line !== '')).toBe(true);
      }),
    );
  });
});

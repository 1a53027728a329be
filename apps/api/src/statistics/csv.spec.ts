import { describe, expect, it } from '@jest/globals';
import { toCsv } from './csv.js';

describe('CSV', () => {
  it('quotes what needs quoting, doubles quotes, ends lines with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          [null, 1.5],
          [true, 'line\nbreak'],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n,1.5\r\ntrue,"line\nbreak"\r\n');
  });

  it('keeps text a spreadsheet would run as a formula from running', () => {
    expect(toCsv(['producer'], [['=HYPERLINK("x")'], ['+1'], ['@sum'], [-3]])).toBe(
      'producer\r\n"\'=HYPERLINK(""x"")"\r\n\'+1\r\n\'@sum\r\n-3\r\n',
    );
  });
});

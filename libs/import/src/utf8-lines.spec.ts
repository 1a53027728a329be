import { describe, expect, it } from '@jest/globals';
import { parseImportLine } from './import.js';
import { Utf8LineWatch } from './utf8-lines.js';

/** The lines of `bytes` that the watch finds invalid, fed in chunks of `size` bytes. */
function invalidLines(bytes: Buffer, size: number): number[] {
  const watch = new Utf8LineWatch();
  for (let start = 0; start < bytes.length; start += size) watch.feed(bytes.subarray(start, start + size));
  watch.end();
  return Array.from({ length: 10 }, (_, index) => index + 1).filter((line) => watch.takeInvalid(line));
}

describe('Utf8LineWatch', () => {
  // Line 2 holds a stray continuation byte, line 4 a cut-off three-byte character, line 6 ends the
  // input in the middle of a character; the others are valid, some with multi-byte characters.
  const bytes = Buffer.concat([
    Buffer.from('{"a":"äö"}\n{"b":"'),
    Buffer.from([0x80]),
    Buffer.from('"}\r\n{"c":"🔋"}\r{"d":"'),
    Buffer.from([0xe2, 0x82]),
    Buffer.from('"}\n\n{"e":"'),
    Buffer.from([0xf0, 0x9f]),
  ]);

  it.each([1, 2, 3, 5, 7, bytes.length])(
    'finds the same invalid lines in chunks of %p bytes, counting lines as readline does',
    (size) => {
      expect(invalidLines(bytes, size)).toEqual([2, 4, 6]);
    },
  );
});

describe('parseImportLine and hostile nesting', () => {
  it('answers a 10 000-level line with a line error, not a stack overflow', () => {
    const deep = `{"type":"DeviceCollected","occurredAt":"2026-01-01T00:00:00Z","deviceId":"mfr:a:b","data":{"x":${'['.repeat(10_000)}"\\u0000"${']'.repeat(10_000)}}}`;
    expect(() => parseImportLine(deep, 1)).toThrow(
      expect.objectContaining({ code: 'NESTING_TOO_DEEP', field: expect.stringContaining('data.x') }),
    );
    const deepPlain = `{"type":"DeviceCollected","occurredAt":"2026-01-01T00:00:00Z","deviceId":"mfr:a:b","data":{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    expect(() => parseImportLine(deepPlain, 1)).toThrow(expect.objectContaining({ code: expect.any(String) }));
  });
});

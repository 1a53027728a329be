import { isUtf8 } from 'node:buffer';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Watches the bytes of an NDJSON stream on their way to readline, which decodes invalid UTF-8 as
 * U+FFFD without a word, and remembers which lines were not UTF-8 so that the importer can refuse
 * them by line number. Lines are counted as readline counts them: LF, CR LF and a lone CR each end
 * a line. Nothing is copied but the at most three bytes of a character split between two chunks.
 */
export class Utf8LineWatch {
  /** 1-based numbers of the lines that held bytes that are not UTF-8. */
  private readonly invalid = new Set<number>();
  private line = 1;
  private lineInvalid = false;
  /** The start of a character cut off at the end of the previous chunk. */
  private carry: Buffer | null = null;
  /** The previous chunk ended in CR: an LF opening this one belongs to the same line break. */
  private afterCr = false;

  feed(chunk: Buffer): void {
    let start = 0;
    if (this.afterCr && chunk[0] === LF) start = 1;
    this.afterCr = false;
    // indexOf is native and fast; each position is searched again only once the scan has passed it.
    let cr = chunk.indexOf(CR, start);
    let lf = chunk.indexOf(LF, start);
    while (start <= chunk.length) {
      if (cr !== -1 && cr < start) cr = chunk.indexOf(CR, start);
      if (lf !== -1 && lf < start) lf = chunk.indexOf(LF, start);
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (end === -1) {
        this.check(chunk.subarray(start), false);
        return;
      }
      this.check(chunk.subarray(start, end), true);
      this.endLine();
      if (chunk[end] === CR) {
        if (end + 1 === chunk.length) {
          this.afterCr = true;
          return;
        }
        start = chunk[end + 1] === LF ? end + 2 : end + 1;
      } else {
        start = end + 1;
      }
    }
  }

  /** The input ended: a character cut off at the very end makes the last line invalid. */
  end(): void {
    if (this.carry !== null) this.lineInvalid = true;
    this.endLine();
  }

  /** Whether line `line` was invalid; each answer is given once, so the set never outgrows the errors. */
  takeInvalid(line: number): boolean {
    return this.invalid.delete(line);
  }

  private check(segment: Buffer, complete: boolean): void {
    if (this.lineInvalid) return;
    const bytes = this.carry === null ? segment : Buffer.concat([this.carry, segment]);
    this.carry = null;
    const cut = complete ? bytes.length : incompleteTail(bytes);
    if (!isUtf8(bytes.subarray(0, cut))) {
      this.lineInvalid = true;
      return;
    }
    if (cut < bytes.length) this.carry = Buffer.from(bytes.subarray(cut));
  }

  private endLine(): void {
    if (this.lineInvalid || this.carry !== null) this.invalid.add(this.line);
    this.line += 1;
    this.lineInvalid = false;
    this.carry = null;
  }
}

/** Where a multi-byte character that the bytes end in without finishing begins (else their length). */
function incompleteTail(bytes: Buffer): number {
  for (let index = bytes.length - 1; index >= Math.max(0, bytes.length - 3); index -= 1) {
    const byte = bytes[index] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    if (byte < 0xc0) return bytes.length; // ASCII: nothing is cut off
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return bytes.length - index < needed ? index : bytes.length;
  }
  return bytes.length;
}

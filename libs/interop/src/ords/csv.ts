/**
 * A small RFC 4180 CSV reader and writer (no CSV package is installed; ORDS files are plain RFC 4180):
 * fields separated by commas, records by CRLF or LF, a field in double quotes may hold commas, line
 * breaks and doubled quotes (`""`). The reader is strict where a lenient one would silently change a
 * value: a quote inside an unquoted field, text after a closing quote and an unclosed quote are errors
 * naming the line and column, never guessed at.
 */

/** One record as read: its fields, and the physical line (1-based) it starts on, for error reports. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

export type CsvErrorCode = 'INVALID_UTF8' | 'CSV_UNCLOSED_QUOTE' | 'CSV_STRAY_QUOTE' | 'CSV_TEXT_AFTER_QUOTE';

/** A file that is not RFC 4180 CSV: where (line and 1-based column, i.e. field number) and why. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly code: CsvErrorCode,
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(message);
  }
}

/** UTF-8 bytes to text; invalid bytes are an error (never read as U+FFFD). A leading BOM is dropped. */
export function decodeUtf8(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new CsvSyntaxError(
      'INVALID_UTF8',
      lineOfFirstInvalidByte(bytes),
      0,
      'The file holds bytes that are not UTF-8',
    );
  }
  return text;
}

/** The line of the first byte sequence that does not decode, for the error report. */
function lineOfFirstInvalidByte(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let index = 0; index <= bytes.length; index += 1) {
    if (index === bytes.length || bytes[index] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, index));
      } catch {
        return line;
      }
      line += 1;
      start = index + 1;
    }
  }
  return line;
}

/**
 * Reads CSV text into records. An empty last line (the file ends with a line break) is no record; an
 * empty line elsewhere is a record of one empty field, as RFC 4180 reads it (callers decide).
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let index = 0;
  let quotedFieldLine = 0;
  const length = text.length;
  const endField = (): void => {
    fields.push(field);
    field = '';
  };
  const endRecord = (): void => {
    endField();
    records.push({ line: recordLine, fields });
    fields = [];
    recordLine = line;
  };
  while (index < length) {
    const char = text[index] as string;
    if (char === '"') {
      if (field !== '') {
        throw new CsvSyntaxError('CSV_STRAY_QUOTE', line, fields.length + 1, 'A quote inside an unquoted field');
      }
      quotedFieldLine = line;
      index += 1;
      let closed = false;
      while (index < length) {
        const inner = text[index] as string;
        if (inner === '"') {
          if (text[index + 1] === '"') {
            field += '"';
            index += 2;
            continue;
          }
          index += 1;
          closed = true;
          break;
        }
        if (inner === '\n') line += 1;
        field += inner;
        index += 1;
      }
      if (!closed) {
        throw new CsvSyntaxError(
          'CSV_UNCLOSED_QUOTE',
          quotedFieldLine,
          fields.length + 1,
          'A quoted field is not closed before the end of the file',
        );
      }
      const next = text[index];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new CsvSyntaxError(
          'CSV_TEXT_AFTER_QUOTE',
          line,
          fields.length + 1,
          'Text after the closing quote of a field',
        );
      }
      // An empty quoted field ("") must still count as a field: mark it by moving on explicitly.
      if (next === ',') {
        endField();
        index += 1;
      } else if (next === undefined) {
        endRecord();
        return records;
      }
      continue;
    }
    if (char === ',') {
      endField();
      index += 1;
      continue;
    }
    if (char === '\r' || char === '\n') {
      index += char === '\r' && text[index + 1] === '\n' ? 2 : 1;
      line += 1;
      endRecord();
      continue;
    }
    field += char;
    index += 1;
  }
  // Text after the last line break is a last record; a file ending with a line break has none more.
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

/** A field as RFC 4180 writes it: quoted when it holds a comma, a quote, a line break, or edge spaces. */
export function csvField(value: string): string {
  if (/[",\r\n]/.test(value) || value !== value.trim()) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

/** Records as CSV text, CRLF after every record (RFC 4180 section 2). */
export function writeCsv(records: readonly (readonly string[])[]): string {
  return records.map((record) => `${record.map(csvField).join(',')}\r\n`).join('');
}

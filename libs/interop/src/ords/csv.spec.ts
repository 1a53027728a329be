import { describe, expect, it } from '@jest/globals';
import { CsvSyntaxError, csvField, decodeUtf8, parseCsv, writeCsv } from './csv.js';

const fieldsOf = (text: string): (readonly string[])[] => parseCsv(text).map((record) => record.fields);

function syntaxError(run: () => unknown): CsvSyntaxError {
  try {
    run();
  } catch (error) {
    if (error instanceof CsvSyntaxError) return error;
    throw error;
  }
  throw new Error('expected a CsvSyntaxError');
}

describe('the RFC 4180 reader', () => {
  it('splits records on LF or CRLF and fields on commas', () => {
    expect(fieldsOf('a,b\r\nc,d\ne,f')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
  });

  it('reads no record after a final line break, and keeps empty fields', () => {
    expect(fieldsOf('a,,\n,b,\n')).toEqual([
      ['a', '', ''],
      ['', 'b', ''],
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks as their text', () => {
    expect(fieldsOf('"a,1","say ""hi""","two\r\nlines\nhere",""\nx,"",y')).toEqual([
      ['a,1', 'say "hi"', 'two\r\nlines\nhere', ''],
      ['x', '', 'y'],
    ]);
  });

  it('numbers each record by the line it starts on, counting line breaks inside quotes', () => {
    const records = parseCsv('h1,h2\n"multi\nline",x\nlast,y\n');
    expect(records.map((record) => record.line)).toEqual([1, 2, 4]);
  });

  it('keeps spaces and UTF-8 text exactly', () => {
    expect(fieldsOf(' a , “b” ,é€😀')).toEqual([[' a ', ' “b” ', 'é€😀']]);
  });

  it('refuses an unclosed quote, naming the line and column where the field starts', () => {
    const error = syntaxError(() => parseCsv('a,b\nc,"open\nstill open'));
    expect(error).toMatchObject({ code: 'CSV_UNCLOSED_QUOTE', line: 2, column: 2 });
  });

  it('refuses a quote inside an unquoted field', () => {
    expect(syntaxError(() => parseCsv('a,b\nc,d"e\n'))).toMatchObject({ code: 'CSV_STRAY_QUOTE', line: 2, column: 2 });
  });

  it('refuses text after a closing quote', () => {
    expect(syntaxError(() => parseCsv('"a"b,c\n'))).toMatchObject({ code: 'CSV_TEXT_AFTER_QUOTE', line: 1, column: 1 });
  });
});

describe('UTF-8 decoding', () => {
  it('drops a byte order mark and keeps the text', () => {
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xc3, 0xa9]))).toBe('aé');
  });

  it('refuses bytes that are not UTF-8, naming their line', () => {
    const bytes = new Uint8Array([0x61, 0x0a, 0x62, 0xff, 0x0a]);
    expect(syntaxError(() => decodeUtf8(bytes))).toMatchObject({ code: 'INVALID_UTF8', line: 2 });
  });
});

describe('the writer', () => {
  it('quotes only the fields that need it', () => {
    expect(['plain', 'a,b', 'say "hi"', 'two\nlines', ' edge', ''].map(csvField)).toEqual([
      'plain',
      '"a,b"',
      '"say ""hi"""',
      '"two\nlines"',
      '" edge"',
      '',
    ]);
  });

  it('writes what the reader reads back unchanged', () => {
    const records = [
      ['id', 'problem', 'empty'],
      ['x_1', 'He said "no", then\r\nleft. ', ''],
      ['x_2', '😀, “quotes”', ' '],
    ];
    const text = writeCsv(records);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(fieldsOf(text)).toEqual(records);
  });
});

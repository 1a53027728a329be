/**
 * Reads a spreadsheet for intake (docs/import.md, "Spreadsheets"): CSV with Kierto's own RFC 4180
 * reader (ords/csv.ts), XLSX with exceljs (the first worksheet, or one named). The result is a header
 * row and data rows of cells; what the cells mean is the column mapping's business (libs/import).
 */
import ExcelJS from 'exceljs';
import { CsvSyntaxError, decodeUtf8, parseCsv, writeCsv } from '../ords/csv.js';

export type SheetCellValue = string | number | boolean | Date | null;

export interface ReadSheet {
  readonly columns: readonly string[];
  readonly rows: readonly { readonly row: number; readonly cells: readonly SheetCellValue[] }[];
}

export type SheetFormat = 'csv' | 'xlsx';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export type SheetErrorCode =
  | 'EMPTY_SHEET'
  | 'INVALID_SPREADSHEET'
  | 'SHEET_NOT_FOUND'
  | 'DUPLICATE_COLUMN'
  | 'TOO_MANY_ROWS'
  | CsvSyntaxError['code'];

/** A file that cannot be read as a sheet: why, and where (row, 1-based column; 0 when not one). */
export class SheetError extends Error {
  constructor(
    readonly code: SheetErrorCode,
    readonly row: number,
    readonly column: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ReadSheetOptions {
  /** The worksheet of an XLSX file (default the first). */
  readonly sheetName?: string | undefined;
  /** Most data rows (beyond: TOO_MANY_ROWS, before any is imported). */
  readonly maxRows?: number;
}

/** Reads a CSV or XLSX file into a header and its non-empty data rows. */
export async function readSheet(
  bytes: Buffer,
  format: SheetFormat,
  options: ReadSheetOptions = {},
): Promise<ReadSheet> {
  const grid = format === 'csv' ? csvGrid(bytes) : await xlsxGrid(bytes, options.sheetName);
  const [header, ...data] = grid.filter((row) => !row.cells.every(isEmpty));
  if (header === undefined) throw new SheetError('EMPTY_SHEET', 0, 0, 'The sheet has no header row');
  const columns = header.cells.map((cell) => (cell === null ? '' : textOf(cell).trim()));
  columns.forEach((name, index) => {
    if (name !== '' && columns.indexOf(name) !== index)
      throw new SheetError('DUPLICATE_COLUMN', header.row, index + 1, `Column "${name}" appears twice in the header`);
  });
  if (data.length === 0) throw new SheetError('EMPTY_SHEET', header.row, 0, 'The sheet has a header and no rows');
  const maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
  if (data.length > maxRows)
    throw new SheetError('TOO_MANY_ROWS', 0, 0, `A sheet holds at most ${maxRows} rows; it has ${data.length}`);
  return { columns, rows: data };
}

type GridRow = { row: number; cells: SheetCellValue[] };

function isEmpty(cell: SheetCellValue): boolean {
  return cell === null || (typeof cell === 'string' && cell.trim() === '');
}

function textOf(cell: Exclude<SheetCellValue, null>): string {
  return cell instanceof Date ? cell.toISOString() : String(cell);
}

function csvGrid(bytes: Buffer): GridRow[] {
  try {
    return parseCsv(decodeUtf8(bytes)).map((record) => ({ row: record.line, cells: [...record.fields] }));
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new SheetError(error.code, error.line, error.column, error.message);
    throw error;
  }
}

async function xlsxGrid(bytes: Buffer, sheetName: string | undefined): Promise<GridRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    throw new SheetError('INVALID_SPREADSHEET', 0, 0, `Not an XLSX workbook: ${(error as Error).message}`);
  }
  const sheet = sheetName === undefined ? workbook.worksheets[0] : workbook.getWorksheet(sheetName);
  if (sheet === undefined) {
    if (sheetName === undefined) throw new SheetError('EMPTY_SHEET', 0, 0, 'The workbook has no worksheet');
    const names = workbook.worksheets.map((each) => `"${each.name}"`).join(', ');
    throw new SheetError('SHEET_NOT_FOUND', 0, 0, `The workbook has no worksheet "${sheetName}" (it has ${names})`);
  }
  const rows: GridRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: SheetCellValue[] = [];
    for (let column = 1; column <= row.cellCount; column += 1) cells.push(cellOf(row.getCell(column).value));
    rows.push({ row: rowNumber, cells });
  });
  return rows;
}

/** An exceljs cell value as a plain one: a formula as its cached result, rich text as its text. */
function cellOf(value: ExcelJS.CellValue): SheetCellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as ExcelJS.CellFormulaValue).result;
    return result === undefined || typeof result === 'object' ? (result instanceof Date ? result : null) : result;
  }
  if ('text' in value && typeof value.text === 'string') return value.text;
  if ('error' in value) return String(value.error);
  return null;
}

/** A refused row as the error report writes it (libs/import's IntakeRowError, as far as read here). */
export interface RefusedSheetRow {
  readonly cells: readonly SheetCellValue[];
  readonly code: string;
  /** The sheet column at fault; empty when the refusal is about the row as a whole. */
  readonly column: string;
  readonly message: string;
}

/**
 * The refused rows as CSV in the sheet's own layout, one more column `error` (`CODE Column: message`):
 * a person corrects the rows and sends the file again as it is (the `error` column is not mapped).
 */
export function writeErrorSheet(columns: readonly string[], rows: readonly RefusedSheetRow[]): string {
  const text = (cell: SheetCellValue | undefined): string =>
    cell === null || cell === undefined ? '' : cell instanceof Date ? cell.toISOString() : String(cell);
  return writeCsv([
    [...columns, 'error'],
    ...rows.map((row) => [
      ...columns.map((_, index) => text(row.cells[index])),
      row.column === '' ? `${row.code}: ${row.message}` : `${row.code} ${row.column}: ${row.message}`,
    ]),
  ]);
}

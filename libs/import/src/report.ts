/** The error report of an import: NDJSON (one object per row) or CSV, chosen by the file name. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { ImportLineError } from './import.js';

export type ReportFormat = 'ndjson' | 'csv';

export const CSV_HEADER = 'line,deviceId,code,field,message';

export function reportFormatOf(path: string): ReportFormat {
  return path.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson';
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function formatReportRow(row: ImportLineError, format: ReportFormat): string {
  if (format === 'ndjson') {
    return JSON.stringify({
      line: row.line,
      deviceId: row.deviceId,
      code: row.code,
      field: row.field,
      message: row.message,
    });
  }
  return [String(row.line), row.deviceId ?? '', row.code, row.field, row.message].map(csvCell).join(',');
}

export interface ErrorReportWriter {
  write(row: ImportLineError): Promise<void>;
  close(): Promise<void>;
  readonly rows: number;
}

/** Writes rows to a file as they come, waiting for the disk when its buffer is full. */
export function openErrorReport(path: string, format: ReportFormat = reportFormatOf(path)): ErrorReportWriter {
  const out: WriteStream = createWriteStream(path, { encoding: 'utf8' });
  let rows = 0;
  if (format === 'csv') out.write(`${CSV_HEADER}\n`);
  return {
    get rows() {
      return rows;
    },
    async write(row) {
      rows += 1;
      if (!out.write(`${formatReportRow(row, format)}\n`)) await once(out, 'drain');
    },
    async close() {
      out.end();
      await once(out, 'finish');
    },
  };
}

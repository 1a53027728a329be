import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIntakeStore } from '#kierto/import';
import { parseCsv } from '#kierto/interop';
import { UsageError, type CliIo } from '../cli-command.js';
import { intakeCommand } from './intake.js';

const dir = mkdtempSync(join(tmpdir(), 'kierto-cli-intake-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(env: NodeJS.ProcessEnv): CliIo & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { out: (line) => outLines.push(line), err: (line) => errLines.push(line), env, outLines, errLines };
}

const env = { KIERTO_DATA_DIR: join(dir, 'data'), KIERTO_OPERATOR_ORGANISATION: 'centre-1' };

describe('kierto intake', () => {
  beforeAll(async () => {
    const intake = createIntakeStore({ dataDir: env.KIERTO_DATA_DIR });
    await intake.init();
    await intake.putMapping(
      'centre-1',
      'kierros',
      {
        eventType: 'DeviceCollected',
        columns: {
          occurredAt: 'Date',
          'data.product.weeeCategory': 'Category',
          'data.product.weightKg': 'Weight',
          'data.product.localId.value': 'Label',
        },
        constants: {
          'data.product.localId.issuer': 'centre-1',
          'data.collectionPointId': 'cp-1',
          'data.channel': 'reuse-centre',
          'data.source': 'household',
          'data.country': 'FI',
          'data.condition': 'unknown',
        },
      },
      '2026-01-01T00:00:00Z',
    );
    await intake.close();
  });

  it('imports a sheet through the saved mapping, writes the refused rows in its layout, and nothing twice', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Syyskuu');
    sheet.addRow(['Label', 'Category', 'Weight', 'Date']);
    sheet.addRow(['K-1', 6, 1.5, new Date(Date.UTC(2025, 8, 1, 9))]);
    sheet.addRow(['K-2', 8, 1.5, new Date(Date.UTC(2025, 8, 1, 9))]);
    sheet.addRow(['K-3', 5, 2, new Date(Date.UTC(2025, 8, 2, 9))]);
    const file = join(dir, 'syyskuu.xlsx');
    writeFileSync(file, Buffer.from(await workbook.xlsx.writeBuffer()));
    const errors = join(dir, 'errors.csv');
    const first = io(env);
    expect(await intakeCommand.run([file, '--mapping', 'kierros', '--errors', errors], first)).toBe(1);
    expect(first.outLines).toEqual([
      expect.stringMatching(/^3\/3 rows: 2 imported, 0 already there, 1 refused; .* last position 2$/),
    ]);
    const [header, refused, ...more] = parseCsv(readFileSync(errors, 'utf8')).map((record) => record.fields);
    expect(header).toEqual(['Label', 'Category', 'Weight', 'Date', 'error']);
    expect(refused).toEqual([
      'K-2',
      '8',
      '1.5',
      '2025-09-01T09:00:00.000Z',
      expect.stringMatching(/^INVALID_VALUE Category: /),
    ]);
    expect(more).toEqual([]);
    const second = io(env);
    expect(await intakeCommand.run([file, '--mapping', 'kierros', '--sheet', 'Syyskuu'], second)).toBe(1);
    expect(second.outLines).toEqual([
      expect.stringMatching(/^3\/3 rows: 0 imported, 2 already there, 1 refused; .* nothing appended$/),
    ]);
    expect(second.errLines).toEqual([expect.stringMatching(/^row 3: INVALID_VALUE Category /)]);
  });

  it('stops on a sheet it cannot read, a mapping not saved, or columns the mapping names and the sheet lacks', async () => {
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    const unreadable = io(env);
    expect(await intakeCommand.run([empty, '--mapping', 'kierros'], unreadable)).toBe(2);
    expect(unreadable.errLines).toEqual([expect.stringMatching(/^EMPTY_SHEET /)]);
    const file = join(dir, 'short.csv');
    writeFileSync(file, 'Label,Date\nK-9,2025-09-01\n');
    await expect(intakeCommand.run([file, '--mapping', 'nope'], io(env))).rejects.toThrow(UsageError);
    await expect(intakeCommand.run([file], io(env))).rejects.toThrow(UsageError);
    const missing = io(env);
    expect(await intakeCommand.run([file, '--mapping', 'kierros'], missing)).toBe(2);
    expect(missing.errLines).toContainEqual(expect.stringMatching(/^UNKNOWN_COLUMN columns.data.product.weightKg/));
  });
});

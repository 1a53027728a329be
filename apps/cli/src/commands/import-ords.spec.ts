import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORDS_COLUMNS } from '#kierto/interop';
import { UsageError, type CliIo } from '../cli-command.js';
import { importOrdsCommand } from './import-ords.js';

const dir = mkdtempSync(join(tmpdir(), 'kierto-cli-import-ords-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(env: NodeJS.ProcessEnv): CliIo & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { out: (line) => outLines.push(line), err: (line) => errLines.push(line), env, outLines, errLines };
}

const row = (id: string, eventDate: string): string =>
  [id, 'Café', 'FIN', 'Kettle', 'Kettle', '14', 'Unknown', '', '', 'Fixed', '', 'Café', eventDate, 'Leaks'].join(',');

describe('kierto import-ords', () => {
  const env = { KIERTO_DATA_DIR: join(dir, 'data'), KIERTO_OPERATOR_ORGANISATION: 'org-operator' };

  it('imports the records, prints the refused ones with line and column, and nothing twice', async () => {
    const file = join(dir, 'ords.csv');
    writeFileSync(
      file,
      [ORDS_COLUMNS.join(','), row('k_1', '2025-01-02'), row('k_2', '2025-01-32'), row('k_3', '2025-01-03')].join('\n'),
    );
    const first = io(env);
    expect(await importOrdsCommand.run([file], first)).toBe(1);
    expect(first.outLines).toEqual(['3 records: 2 imported, 0 already imported (skipped), 1 refused; last position 2']);
    expect(first.errLines).toEqual([expect.stringMatching(/^line 3, column 13: INVALID_DATE event_date /)]);
    const second = io(env);
    expect(await importOrdsCommand.run([file], second)).toBe(1);
    expect(second.outLines).toEqual([
      '3 records: 0 imported, 2 already imported (skipped), 1 refused; nothing appended',
    ]);
  });

  it('stops on a file that is not ORDS CSV, and needs a file', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'id,colour\n');
    const run = io(env);
    expect(await importOrdsCommand.run([file], run)).toBe(2);
    expect(run.errLines).toEqual([expect.stringMatching(/^line 1, column 2: UNKNOWN_COLUMN/)]);
    await expect(importOrdsCommand.run([], io(env))).rejects.toThrow(UsageError);
  });
});

import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetLines } from '../../../../bench/dataset.js';
import { UsageError, type CliIo } from '../cli-command.js';
import { importCommand } from './import.js';

const dir = mkdtempSync(join(tmpdir(), 'kierto-cli-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(env: NodeJS.ProcessEnv): CliIo & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { out: (line) => outLines.push(line), err: (line) => errLines.push(line), env, outLines, errLines };
}

describe('kierto import', () => {
  const file = join(dir, 'devices.ndjson');
  const good = [...datasetLines(20, 3)].map((line) => JSON.stringify(line));
  writeFileSync(file, [...good.slice(0, 5), 'not json', ...good.slice(5)].join('\n'));
  const env = { KIERTO_DATA_DIR: join(dir, 'data'), KIERTO_OPERATOR_ORGANISATION: 'org-operator' };

  it('imports the file, writes the CSV error report, and imports nothing the second time', async () => {
    const report = join(dir, 'errors.csv');
    const first = io(env);
    expect(await importCommand.run([file, '--errors', report], first)).toBe(1);
    expect(first.outLines[0]).toMatch(
      new RegExp(`^${good.length + 1} lines: ${good.length} imported, 0 already imported \\(skipped\\), 1 refused;`),
    );
    // A fresh store numbers the imported events 1, 2, …: the last one is what ?minPosition= waits for.
    expect(first.outLines[0]).toMatch(new RegExp(`; last position ${good.length}$`));
    expect(readFileSync(report, 'utf8').split('\n')).toEqual([
      'line,deviceId,code,field,message',
      expect.stringMatching(/^6,,INVALID_JSON,,/),
      '',
    ]);

    const second = io(env);
    expect(await importCommand.run([file, '--errors', report], second)).toBe(1);
    expect(second.outLines[0]).toMatch(
      new RegExp(`: 0 imported, ${good.length} already imported \\(skipped\\), 1 refused;`),
    );
    expect(second.outLines[0]).toMatch(/; nothing appended$/);
  });

  it('prints the error rows on stderr without --errors', async () => {
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, '{"type":"DeviceTeleported","occurredAt":"2020-01-01T00:00:00Z","data":{}}\n');
    const run = io(env);
    expect(await importCommand.run([bad], run)).toBe(1);
    expect(run.errLines).toEqual(['line 1: UNKNOWN_EVENT_TYPE type DeviceTeleported is not a device event type']);
  });

  it('needs a file and an importing organisation', async () => {
    await expect(importCommand.run([], io(env))).rejects.toThrow(UsageError);
    await expect(importCommand.run([file], io({ KIERTO_DATA_DIR: join(dir, 'data') }))).rejects.toThrow(UsageError);
  });
});

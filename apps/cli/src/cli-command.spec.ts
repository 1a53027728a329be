import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { UsageError, parseOptions } from './cli-command.js';
import { cli } from './commands/testing/audit-cli.js';

describe('parseOptions', () => {
  it('reads --name value, --name=value, switches and bare arguments alike', () => {
    const parsed = parseOptions(
      ['--out', 'a.pem', 'file.ndjson', '--force', '--batch=500'],
      ['out', 'batch'],
      ['force'],
    );
    expect(Object.fromEntries(parsed.options)).toEqual({ out: 'a.pem', batch: '500' });
    expect([...parsed.flags]).toEqual(['force']);
    expect(parsed.rest).toEqual(['file.ndjson']);
  });

  it('keeps a value that contains "=" whole when given as --name=value', () => {
    expect(parseOptions(['--organisation=org=1'], ['organisation']).options.get('organisation')).toBe('org=1');
  });

  it.each([
    { args: ['--fast'], message: 'unknown option --fast' },
    { args: ['--fast=1'], message: 'unknown option --fast' },
    { args: ['-x'], message: 'unknown option -x' },
    { args: ['--out'], message: '--out needs a value' },
    { args: ['--out', '--force'], message: '--out needs a value' },
    { args: ['--force=yes'], message: '--force takes no value' },
  ])('refuses $args with "$message"', ({ args, message }) => {
    expect(() => parseOptions(args, ['out'], ['force'])).toThrow(new UsageError(message));
  });
});

describe('kierto --help', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kierto-cli-help-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every command', async () => {
    const run = await cli(['--help'], { KIERTO_DATA_DIR: dir });
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^usage: kierto <command> \[options\]/);
    expect(run.out).toContain('verify');
    expect(run.out).toContain('create-admin');
  });

  it.each(['verify', 'keygen', 'import', 'rebuild'])('prints the usage of %s and touches nothing', async (command) => {
    const run = await cli([command, '--help'], { KIERTO_DATA_DIR: dir });
    expect(run.code).toBe(0);
    expect(run.out).toMatch(new RegExp(`^usage: kierto ${command} `));
    expect(run.err).toBe('');
  });

  it('refuses an unknown option with the usage and exit code 2', async () => {
    const run = await cli(['keygen', '--out', join(dir, 'k.pem'), '--colour'], { KIERTO_DATA_DIR: dir });
    expect(run.code).toBe(2);
    expect(run.err).toContain('keygen: unknown option --colour');
    expect(run.err).toContain('usage: kierto keygen --out <file> [--force]');
  });

  it('takes --out=<file> like --out <file>', async () => {
    const key = join(dir, 'signing.pem');
    const run = await cli(['keygen', `--out=${key}`], { KIERTO_DATA_DIR: dir });
    expect(run.code).toBe(0);
    expect(readFileSync(`${key}.pub`, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });
});

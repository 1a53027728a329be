/** Runs CLI commands in-process on a throw-away SQLite store, capturing output and exit code. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import { newEvent } from '#kierto/event-store/testing';
import { runCli } from '../../run-cli.js';

export const LAPTOP = 'gtin:09506000134352:LAP-0001';
export const PHONE = 'mfr:Fairphone:FP-0001';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function cli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

export interface Workspace {
  /** Temp folder: the SQLite store lives in it, tests put keys and files there too. */
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly path: (name: string) => string;
  /** Runs raw SQL against the store's file, as someone with database access would. */
  readonly sql: (statement: string, ...params: Array<string | number>) => void;
  readonly cleanup: () => void;
}

/** A store with six events: three of LAPTOP, interleaved with three of PHONE. */
export async function workspace(): Promise<Workspace> {
  const dir = mkdtempSync(join(tmpdir(), 'kierto-cli-audit-'));
  const file = join(dir, 'kierto.sqlite');
  const store = new SqliteEventStore({ file });
  await store.init();
  await store.append(
    LAPTOP,
    [
      newEvent({
        type: 'DevicePlacedOnMarket',
        actor: { organisationId: 'org-maker', role: 'producer', keyId: 'k-1' },
      }),
    ],
    'no-stream',
  );
  await store.append(PHONE, [newEvent({ type: 'DevicePlacedOnMarket' })], 'no-stream');
  await store.append(LAPTOP, [newEvent({ type: 'DeviceCollected' })], 0);
  await store.append(PHONE, [newEvent({ type: 'DeviceCollected' })], 0);
  await store.append(LAPTOP, [newEvent({ type: 'DeviceDataWiped', data: { result: 'passed' } })], 1);
  await store.append(PHONE, [newEvent({ type: 'DeviceRecycled' })], 1);
  await store.close();
  return {
    dir,
    env: { KIERTO_DATA_DIR: dir },
    path: (name) => join(dir, name),
    sql: (statement, ...params) => {
      const db = new Database(file);
      try {
        db.prepare(statement).run(...params);
      } finally {
        db.close();
      }
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

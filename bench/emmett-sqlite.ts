/**
 * The Emmett-SQLite phase of `npm run bench`, in a process of its own: node-sqlite3 under Emmett once
 * died with SIGBUS in the middle of a run, which took the whole bench with it. bench/run.ts starts
 * this file, reads the one JSON line it prints, and records a crash as a crash.
 *
 *   node dist/bench/emmett-sqlite.js <bench/peer/sqlite folder> <database file> <devices>
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { deviceGroups, emmettPerDevice, type EmmettStore } from './per-device.js';

/** What the child prints: events/s, the journal mode found after the run, and `synchronous` as Emmett's connection reported it. */
export interface EmmettSqliteResult {
  readonly sequential: number;
  readonly journalMode: string;
  readonly synchronous: string;
}

interface EmmettSqlite {
  getSQLiteEventStore(options: unknown): EmmettStore;
  sqliteConnection(options: { fileName: string }): {
    close(): void;
    query?(sql: string): Promise<unknown[]>;
  };
}

async function main(): Promise<void> {
  const [peer, fileName, devices] = process.argv.slice(2);
  if (peer === undefined || fileName === undefined || devices === undefined) {
    throw new Error('usage: emmett-sqlite.js <peer dir> <database file> <devices>');
  }
  const require = createRequire(join(peer, 'package.json'));
  const emmett = (await import(pathToFileURL(require.resolve('@event-driven-io/emmett-sqlite')).href)) as EmmettSqlite;
  const groups = deviceGroups(Number(devices));
  const connection = emmett.sqliteConnection({ fileName });
  const store = emmett.getSQLiteEventStore({
    fileName,
    connectionOptions: { singleton: true, connection },
    schema: { autoMigration: 'CreateOrUpdate' },
  });
  await store.appendToStream('device-warmup', [{ type: 'Warmup', data: {} }]);
  // node-sqlite3 leaves synchronous at SQLite's default, FULL (emmett-peer.md §4.5); read it back.
  const reported = connection.query ? await connection.query('PRAGMA synchronous') : [];
  const sequential = await emmettPerDevice(store, groups, 1, '');
  connection.close();
  const check = new Database(fileName, { readonly: true });
  const journalMode = String(check.pragma('journal_mode', { simple: true }));
  check.close();
  const result: EmmettSqliteResult = {
    sequential,
    journalMode,
    synchronous: reported.length > 0 ? JSON.stringify(reported[0]) : 'not reported (SQLite default FULL)',
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

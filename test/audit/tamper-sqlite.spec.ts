import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { verifyChain } from '#kierto/audit';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import { newEvent } from '#kierto/event-store/testing';
import { sqlTamper, tamperSuite, type TamperFixture } from './tamper-suite.js';

/** The store's file, and a second connection to it that edits the events table directly. */
async function openSqlite(): Promise<TamperFixture & { db: Database.Database }> {
  const dir = mkdtempSync(join(tmpdir(), 'kierto-tamper-'));
  const file = join(dir, 'kierto.sqlite');
  const store = new SqliteEventStore({ file });
  await store.init();
  const db = new Database(file);
  const tamper = sqlTamper((sql, params) => {
    db.prepare(sql).run(...params);
    return Promise.resolve();
  }, 'events');
  return {
    store,
    tamper,
    db,
    cleanup: async () => {
      db.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

tamperSuite('SQLite (a file, edited through a second connection)', openSqlite);

it('SQLite: a row whose data is no longer JSON is reported as unreadable at its position', async () => {
  const { store, db, cleanup } = await openSqlite();
  try {
    for (let i = 0; i < 5; i += 1) await store.append('gtin:09506000134352:LAP-0001', [newEvent()], 'any');
    db.prepare(`UPDATE events SET data = '{"weightKg": 2.5' WHERE global_position = 4`).run();
    expect(await verifyChain(store, { pageSize: 2 })).toMatchObject({
      ok: false,
      position: 4,
      reason: 'unreadable',
      verifiedUpTo: 3,
    });
  } finally {
    await cleanup();
  }
});

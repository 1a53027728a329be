import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../errors.js';
import { createEventStore } from '../configured.js';
import { eventStoreContract, newEvent } from '../testing/contract.js';
import { SqliteEventStore } from './sqlite-event-store.js';
import type { SqliteEventStoreOptions } from './sqlite-event-store.js';

eventStoreContract('SqliteEventStore', async ({ clock, limits }) => {
  const dir = mkdtempSync(join(tmpdir(), 'kierto-sqlite-'));
  const file = join(dir, 'kierto.sqlite');
  const opened: SqliteEventStore[] = [];
  const open = async (): Promise<SqliteEventStore> => {
    const store = new SqliteEventStore({ file, clock, limits });
    opened.push(store);
    await store.init();
    return store;
  };
  return {
    store: await open(),
    openAnother: open,
    cleanup: async () => {
      for (const store of opened) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteEventStore specifics', () => {
  let dir: string;
  const opened: SqliteEventStore[] = [];
  const open = async (options: Partial<SqliteEventStoreOptions> = {}): Promise<SqliteEventStore> => {
    const store = new SqliteEventStore({ file: join(dir, 'kierto.sqlite'), ...options });
    opened.push(store);
    await store.init();
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kierto-sqlite-'));
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the parent folder, runs in WAL mode and records its migrations', async () => {
    const file = join(dir, 'data', 'nested', 'kierto.sqlite');
    const store = await open({ file });
    await store.append('device-1', [newEvent()], 'no-stream');
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([{ version: 1, name: 'events' }]);
    } finally {
      db.close();
    }
    expect(existsSync(`${file}-wal`)).toBe(true);
  });

  it('runs with synchronous=FULL or NORMAL when asked, whatever the file was opened with before', async () => {
    const file = join(dir, 'kierto.sqlite');
    const full = await open({ file, synchronous: 'full' });
    await full.append('device-1', [newEvent()], 'no-stream');
    await full.close();
    // Reopened WAL files default to NORMAL with this build; the option still gives FULL.
    const again = await open({ file, synchronous: 'full' });
    await again.append('device-1', [newEvent()], 0);
    await again.close();
    const normal = await open({ file, synchronous: 'normal' });
    expect(await normal.headPosition()).toBe(2);
  });

  it("works in ':memory:'", async () => {
    const store = await open({ file: ':memory:' });
    await store.append('device-1', [newEvent()], 'no-stream');
    expect(await store.headPosition()).toBe(1);
  });

  it('refuses calls before init()', async () => {
    const store = new SqliteEventStore({ file: join(dir, 'kierto.sqlite') });
    await expect(store.readAll(0, 10)).rejects.toThrow(/init\(\)/);
  });

  it('waits for a write lock held by another connection, then reports the store unavailable', async () => {
    const store = await open({ busyTimeoutMs: 200 });
    const blocker = new Database(join(dir, 'kierto.sqlite'));
    try {
      blocker.exec('BEGIN IMMEDIATE');
      const started = Date.now();
      await expect(store.append('device-1', [newEvent()], 'no-stream')).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      expect(await store.headPosition()).toBe(0);
      blocker.exec('COMMIT');
      await store.append('device-1', [newEvent()], 'no-stream');
      expect(await store.headPosition()).toBe(1);
    } finally {
      blocker.close();
    }
  });

  it('is what createEventStore picks without a PostgreSQL URL', async () => {
    const store = createEventStore({ dataDir: join(dir, 'data') });
    expect(store).toBeInstanceOf(SqliteEventStore);
    await store.init();
    await store.close();
    expect(existsSync(join(dir, 'data', 'kierto.sqlite'))).toBe(true);
    expect(createEventStore({ dataDir: dir, databaseUrl: 'file:./x' })).toBeInstanceOf(SqliteEventStore);
  });
});

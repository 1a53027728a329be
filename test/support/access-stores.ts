/**
 * The access store (people, organisations, keys) as the CLI commands that manage it leave it: each
 * test gets a fresh data folder on SQLite, or a fresh PostgreSQL schema, and opens the store there to
 * read what the command wrote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from '@jest/globals';
import { PostgresAccessStore, SqliteAccessStore } from '#kierto/access';
import { createTestSchema, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';

/** A fresh KIERTO_DATA_DIR for each test of the describe block it is created in, removed after the test. */
export class DataDirPerTest {
  /** The current test's folder. */
  dir = '';

  constructor(prefix: string) {
    beforeEach(() => {
      this.dir = mkdtempSync(join(tmpdir(), prefix));
    });
    afterEach(() => {
      rmSync(this.dir, { recursive: true, force: true });
    });
  }

  /** `work` on the folder's SQLite access store, closed afterwards. */
  async withAccess<T>(work: (access: SqliteAccessStore) => Promise<T>): Promise<T> {
    const access = new SqliteAccessStore(join(this.dir, 'access.sqlite'));
    await access.init();
    try {
      return await work(access);
    } finally {
      await access.close();
    }
  }
}

/** `work` with a fresh PostgreSQL schema named from `prefix`, dropped afterwards. */
export async function withTestSchema(prefix: string, work: (schema: string) => Promise<void>): Promise<void> {
  const schema = createTestSchema(prefix);
  try {
    await work(schema);
  } finally {
    await dropTestSchema(schema);
  }
}

/** `work` on the access store in `schema` (as the command left it, no set-up of its own), closed afterwards. */
export async function withPostgresAccess<T>(
  schema: string,
  work: (access: PostgresAccessStore) => Promise<T>,
): Promise<T> {
  const access = new PostgresAccessStore(postgres.url, schema);
  try {
    return await work(access);
  } finally {
    await access.close();
  }
}

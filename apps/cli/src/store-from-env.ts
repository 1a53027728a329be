/**
 * Opens the store the API would use, from the same environment: DATABASE_URL (postgres:// or
 * postgresql://) selects PostgreSQL in DATABASE_SCHEMA (default kierto); otherwise the SQLite file
 * `kierto.sqlite` under KIERTO_DATA_DIR (default ./data).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createEventStore, type EventStoreConfig } from '#kierto/event-store/configured';
import type { EventStore } from '#kierto/event-store';
import { createAccessStore, type AccessStore } from '#kierto/access';

/** A store setting that cannot work; the CLI prints the message and exits 1. */
export class StoreConfigError extends Error {}

export function storeConfigFromEnv(env: NodeJS.ProcessEnv): EventStoreConfig {
  const databaseUrl = env['DATABASE_URL'] ?? '';
  if (databaseUrl !== '' && !/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new StoreConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for SQLite)');
  }
  const databaseSchema = env['DATABASE_SCHEMA'] ?? 'kierto';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) {
    throw new StoreConfigError('DATABASE_SCHEMA must be a lower-case SQL identifier (letters, digits, _)');
  }
  const dataDir = env['KIERTO_DATA_DIR'] || './data';
  return databaseUrl === '' ? { dataDir } : { databaseUrl, databaseSchema, dataDir };
}

/**
 * Runs `work` on the initialised store and closes it. An operator command reads an existing store:
 * a missing SQLite file is an error (opening it would create an empty store that "verifies").
 */
export async function withStore<T>(env: NodeJS.ProcessEnv, work: (store: EventStore) => Promise<T>): Promise<T> {
  const config = storeConfigFromEnv(env);
  if (config.databaseUrl === undefined) {
    // The file name createEventStore uses for SQLite.
    const file = join(config.dataDir, 'kierto.sqlite');
    if (!existsSync(file)) {
      throw new StoreConfigError(
        `No event store at ${resolve(file)}: set KIERTO_DATA_DIR to the folder holding kierto.sqlite, or DATABASE_URL for PostgreSQL`,
      );
    }
  }
  const store = createEventStore(config);
  try {
    await store.init();
    return await work(store);
  } finally {
    await store.close();
  }
}

/**
 * Runs `work` on the initialised access store (organisations, people, keys) of the same environment
 * and closes it: the commands that add people or keys (create-admin, invite-user) open it this one way.
 */
export async function withAccessStore<T>(
  env: NodeJS.ProcessEnv,
  work: (access: AccessStore) => Promise<T>,
): Promise<T> {
  const config = storeConfigFromEnv(env);
  const access = createAccessStore({
    databaseUrl: config.databaseUrl,
    databaseSchema: config.databaseSchema,
    dataDir: config.dataDir,
  });
  await access.init();
  try {
    return await work(access);
  } finally {
    await access.close();
  }
}

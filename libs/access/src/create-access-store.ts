import { join } from 'node:path';
import type { AccessStore } from './access-store.js';
import { PostgresAccessStore } from './postgres-access-store.js';
import { SqliteAccessStore } from './sqlite-access-store.js';

export interface AccessStoreConfig {
  /** postgres://… keeps organisations and keys in Kierto's PostgreSQL schema; unset means SQLite. */
  readonly databaseUrl?: string | undefined;
  readonly databaseSchema?: string | undefined;
  /** Folder of the embedded store; the access tables live in `access.sqlite` there. */
  readonly dataDir: string;
}

/** The access store beside the read models: PostgreSQL when configured, else a file under dataDir. */
export function createAccessStore(config: AccessStoreConfig): AccessStore {
  if (config.databaseUrl !== undefined)
    return new PostgresAccessStore(config.databaseUrl, config.databaseSchema ?? 'kierto');
  return new SqliteAccessStore(join(config.dataDir, 'access.sqlite'));
}

import { join } from 'node:path';
import type { ReadModelStore } from './port.js';
import { PostgresReadModelStore } from './postgres-read-models.js';
import { SqliteReadModelStore } from './sqlite-read-models.js';

export * from './ddl.js';
export * from './documents.js';
export * from './port.js';
export * from './rows.js';
export * from './sql.js';
export { PostgresLeaderElection } from './postgres-leader.js';
export type { PostgresLeaderElectionOptions } from './postgres-leader.js';
export { PostgresReadModelStore } from './postgres-read-models.js';
export type { PostgresReadModelOptions } from './postgres-read-models.js';
export { SqliteReadModelStore } from './sqlite-read-models.js';
export type { SqliteReadModelOptions } from './sqlite-read-models.js';

/** The SQLite file of the read models, next to the event store's `kierto.sqlite`. */
export const SQLITE_READ_MODELS_FILE = 'projections.sqlite';

export interface ReadModelConfig {
  /** A postgres:// URL puts the read models in PostgreSQL (next to the store); else SQLite under dataDir. */
  readonly databaseUrl: string | null;
  readonly databaseSchema: string;
  readonly dataDir: string;
}

/** Picks the read-model store from the same settings as the event store; call init() (or Projector.prepare()). */
export function createReadModelStore(config: ReadModelConfig): ReadModelStore {
  if (config.databaseUrl !== null && /^postgres(ql)?:\/\//i.test(config.databaseUrl)) {
    return new PostgresReadModelStore({ connectionString: config.databaseUrl, schema: config.databaseSchema });
  }
  return new SqliteReadModelStore({ file: join(config.dataDir, SQLITE_READ_MODELS_FILE) });
}

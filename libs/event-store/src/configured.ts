/**
 * Picks and builds the event-store adapter from configuration: the one entry that loads every
 * adapter, for the apps that let the operator choose (docs/architecture.md).
 */
import { join } from 'node:path';
import { EventStoreDbEventStore, isEventStoreDbUrl } from './eventstoredb/eventstoredb-event-store.js';
import type { EventStore, StoreLimits } from './port.js';
import { PostgresEventStore } from './postgres/postgres-event-store.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

export interface EventStoreConfig {
  /** A postgres:// or postgresql:// URL selects PostgreSQL; anything else (or nothing) selects SQLite. */
  readonly databaseUrl?: string;
  /** Folder of the SQLite file (`kierto.sqlite`), e.g. ./data. */
  readonly dataDir: string;
  /** PostgreSQL schema of Kierto's tables (default `kierto`). */
  readonly databaseSchema?: string;
  /**
   * A kurrentdb:// (or kurrentdb+discover://, kurrent://, kdb://, esdb://) connection string
   * selects EventStoreDB / KurrentDB 25.1+ as the event store, whatever databaseUrl says; read
   * models and checkpoints then stay in databaseUrl's PostgreSQL or the SQLite file in dataDir.
   */
  readonly eventStoreUrl?: string;
  /** Prefix of every stream name on EventStoreDB (several installations on one server); default none. */
  readonly eventStoreStreamPrefix?: string;
  readonly limits?: StoreLimits;
}

/** Picks the adapter from configuration. The store is not initialised yet: call init() before use. */
export function createEventStore(config: EventStoreConfig): EventStore {
  const limits = config.limits ? { limits: config.limits } : {};
  if (config.eventStoreUrl) {
    if (!isEventStoreDbUrl(config.eventStoreUrl)) {
      throw new RangeError(
        'The event store URL must start with kurrentdb://, kurrentdb+discover://, kurrent://, kdb:// or esdb://',
      );
    }
    const prefix = config.eventStoreStreamPrefix ? { streamPrefix: config.eventStoreStreamPrefix } : {};
    return new EventStoreDbEventStore({ connectionString: config.eventStoreUrl, ...prefix, ...limits });
  }
  if (config.databaseUrl && /^postgres(ql)?:\/\//i.test(config.databaseUrl)) {
    const schema = config.databaseSchema ? { schema: config.databaseSchema } : {};
    return new PostgresEventStore({ connectionString: config.databaseUrl, ...schema, ...limits });
  }
  return new SqliteEventStore({ file: join(config.dataDir, 'kierto.sqlite'), ...limits });
}

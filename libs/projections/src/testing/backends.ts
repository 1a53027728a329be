/**
 * Event stores and read-model stores on fresh storage, SQLite or PostgreSQL, for the tests that run
 * the projector on both (docs/projections.md): one harness, so that what one test proves on a
 * backend another proves on the same one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '#kierto/event-store/postgres';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import type { EventStore } from '#kierto/event-store';
import { createTestSchema, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import type { ReadModelStore } from '../read-models/port.js';
import { PostgresReadModelStore } from '../read-models/postgres-read-models.js';
import { SqliteReadModelStore } from '../read-models/sqlite-read-models.js';
import { scenarioClock } from './scenario.js';

/** A read-model store on fresh storage, or on the storage named by `place`. */
export interface Backend {
  readonly name: string;
  /** A new, initialised event store with the deterministic scenario clock. */
  newStore(): Promise<EventStore>;
  /** A read-model store on storage `place` (the same place twice is the same storage). */
  readModels(place: string): ReadModelStore;
  /** Closes everything opened and removes the storage. */
  cleanup(): Promise<void>;
}

/** SQLite files in a temporary folder named after `prefix`. */
export function sqliteBackend(prefix: string): Backend {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  let stores = 0;
  const opened: { close(): Promise<void> }[] = [];
  return {
    name: 'SQLite',
    async newStore() {
      stores += 1;
      const store = new SqliteEventStore({ file: join(dir, `events-${stores}.sqlite`), clock: scenarioClock() });
      await store.init();
      opened.push(store);
      return store;
    },
    readModels(place) {
      const readModels = new SqliteReadModelStore({ file: join(dir, `${place}.sqlite`) });
      opened.push(readModels);
      return readModels;
    },
    async cleanup() {
      for (const each of opened) await each.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One PostgreSQL schema per place (and per event store), named after `prefix`. */
export function postgresBackend(prefix: string): Backend {
  const schemas: string[] = [];
  const byPlace = new Map<string, string>();
  const opened: { close(): Promise<void> }[] = [];
  const schemaOf = (place: string): string => {
    let schema = byPlace.get(place);
    if (schema === undefined) {
      schema = createTestSchema(prefix);
      byPlace.set(place, schema);
      schemas.push(schema);
    }
    return schema;
  };
  let stores = 0;
  return {
    name: 'PostgreSQL',
    async newStore() {
      stores += 1;
      const store = new PostgresEventStore({
        connectionString: postgres.url,
        schema: schemaOf(`store-${stores}`),
        clock: scenarioClock(),
      });
      await store.init();
      opened.push(store);
      return store;
    },
    readModels(place) {
      const readModels = new PostgresReadModelStore({ connectionString: postgres.url, schema: schemaOf(place) });
      opened.push(readModels);
      return readModels;
    },
    async cleanup() {
      for (const each of opened) await each.close().catch(() => undefined);
      for (const schema of schemas) await dropTestSchema(schema);
    },
  };
}

/**
 * An API suite run on both event stores: the embedded SQLite one and, when a server is reachable,
 * PostgreSQL in a schema of its own (dropped afterwards). For suites whose subject has SQL of its own
 * on each store, so the one set of tests holds both to the same answers.
 */
import { describe } from '@jest/globals';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import type { ApiConfig } from '../../apps/api/src/config.js';

/**
 * The suite, declared under `describeOn(label, …)`: it starts its app with `config()` and calls
 * `cleanUp()` once the app is closed.
 */
export type StoreSuite = (
  label: string,
  describeOn: (name: string, fn: () => void) => void,
  config: () => Partial<ApiConfig>,
  cleanUp: () => Promise<void>,
) => void;

/** Declares `suite` 'on SQLite' and 'on PostgreSQL' (skipped without a server), the latter in a schema named from `schemaPrefix`. */
export function onEachStore(schemaPrefix: string, suite: StoreSuite): void {
  suite(
    'on SQLite',
    describe,
    () => ({}),
    () => Promise.resolve(),
  );
  const schema = createTestSchema(schemaPrefix);
  suite(
    'on PostgreSQL',
    describeIfPostgres,
    () => ({ databaseUrl: postgres.url, databaseSchema: schema }),
    () => dropTestSchema(schema),
  );
}

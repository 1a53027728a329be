/** The SQLite adapter of the event store (better-sqlite3): the embedded default. */
export { SqliteEventStore } from './sqlite-event-store.js';
export type { SqliteEventStoreOptions } from './sqlite-event-store.js';

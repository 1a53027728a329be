/** The PostgreSQL adapter of the event store (pg). */
export { PostgresEventStore, DEFAULT_POSTGRES_SCHEMA } from './postgres-event-store.js';
export type { PostgresEventStoreOptions } from './postgres-event-store.js';

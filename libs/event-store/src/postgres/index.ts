/** The PostgreSQL adapter of the event store (pg). */
export { PostgresEventStore, DEFAULT_POSTGRES_SCHEMA } from './postgres-event-store.js';
export type { PostgresEventStoreOptions } from './postgres-event-store.js';
/** COPY FROM STDIN through a pg client, rows written straight into buffers (the bench's raw ceiling uses it). */
export { CopyRows, copyIn, type CopyPayload } from './copy-in.js';

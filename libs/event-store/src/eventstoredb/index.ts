/** The EventStoreDB / KurrentDB adapter of the event store (@kurrent/kurrentdb-client). */
export { EventStoreDbEventStore, EVENTSTOREDB_DEFAULT_LIMITS, isEventStoreDbUrl } from './eventstoredb-event-store.js';
export type { EventStoreDbEventStoreOptions } from './eventstoredb-event-store.js';

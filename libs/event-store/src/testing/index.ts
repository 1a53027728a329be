/**
 * The event store's helpers for other libraries' tests: the contract suite's event builders, the
 * intact-log check and the raw row layout (for tests that tamper with stored rows). The PostgreSQL
 * helpers are an entry of their own (#kierto/event-store/testing/postgres): importing them probes
 * the server.
 */
export * from './contract.js';
export * from './intact-log.js';
export { rowValues, type SqlValue } from '../append-plan.js';

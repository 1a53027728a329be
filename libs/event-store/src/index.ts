/**
 * The event store's public face: the port every adapter implements, its errors, the canonical JSON
 * and hash chain, and the limits. The adapters are entries of their own (#kierto/event-store/sqlite,
 * /postgres, /eventstoredb) so that loading the port loads no database driver; the factory that picks
 * one from configuration is #kierto/event-store/configured (docs/architecture.md).
 */
export * from './port.js';
export * from './errors.js';
export * from './hash-chain.js';
export * from './canonical-json.js';
export * from './limits.js';
/** The events table's columns, in the order the SQL adapters write them (for tools that write raw rows). */
export { EVENT_COLUMNS } from './append-plan.js';

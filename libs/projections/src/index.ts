/**
 * Read models built from the event log (docs/projections.md): the projector and its store (the
 * engine: ./projector.ts, ./projection.ts, ./read-models), and the projections Kierto runs, each in
 * its folder with its evolve, its tables and its readers: passports (./passport), statistics
 * (./statistics) with the producer memberships it attributes by (./memberships).
 */
export * from './kierto.js';
export * from './leadership.js';
export * from './memberships/memberships.js';
export * from './passport/compact.js';
export * from './passport/pages.js';
export * from './passport/passport.js';
export * from './passport/read-model.js';
export * from './passport/views.js';
export * from './projection.js';
export * from './projector.js';
export * from './read-models/index.js';
export * from './statistics/documents.js';
export * from './statistics/facts.js';
export * from './statistics/mass.js';
export * from './statistics/queries.js';
export * from './statistics/read-model.js';
export * from './statistics/time.js';
export * from './stock/read-model.js';
export * from './stock/stock.js';

/**
 * The projections' helpers for other libraries' tests: scenario histories recorded through the
 * command path. The SQLite/PostgreSQL harness is an entry of its own
 * (#kierto/projections/testing/backends): importing it probes PostgreSQL.
 */
export * from './scenario.js';

export * from './decider-specification.js';
export * from './fixtures.js';

/** The audit library's helpers for other libraries' tests. */
export * from './array-store.js';

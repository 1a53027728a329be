export * from './access-store.js';
export * from './api-keys.js';
export * from './authentication.js';
export * from './postgres-access-store.js';
export * from './roles.js';
export * from './sqlite-access-store.js';
export * from './create-access-store.js';
export * from './scoping.js';

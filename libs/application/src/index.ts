export * from './decide-command.js';
export * from './device-history.js';
export * from './handle-command.js';
export * from './json.js';
export * from './lot-view.js';
export * from './lots.js';
export * from './streams.js';

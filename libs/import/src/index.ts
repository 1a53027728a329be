export * from './import.js';
export * from './progress.js';
export * from './report.js';
export * from './sheet.js';
export * from './intake-store.js';

export * from './import.js';
export * from './progress.js';
export * from './report.js';

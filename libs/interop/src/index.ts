/**
 * Standard formats other systems read and write (docs/interop.md). Each format is a pure mapping
 * from Kierto's passports and events; signing keys, HTTP and storage stay in the apps.
 */
export * from './gs1/digital-link.js';
export * from './gs1/linkset.js';

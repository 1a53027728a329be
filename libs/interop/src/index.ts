/**
 * Standard formats other systems read and write (docs/interop.md). Each format is a pure mapping
 * from Kierto's passports and events; signing keys, HTTP and storage stay in the apps.
 */
export * from './epcis/documents.js';
export * from './epcis/events.js';
export * from './epcis/identifiers.js';
export * from './epcis/query.js';
export * from './espr/registry-entry.js';
export * from './gs1/digital-link.js';
export * from './gs1/linkset.js';
export * from './ords/csv.js';
export * from './ords/ords.js';
export * from './sanitisation/blancco.js';
export * from './sanitisation/certificate.js';
export * from './sanitisation/csv-report.js';
export * from './sanitisation/nwipe.js';
export * from './sanitisation/report.js';
export * from './untp/credential.js';
export * from './untp/did-web.js';
export * from './untp/dpp.js';
export * from './untp/dte.js';
export * from './untp/envelope.js';
export * from './untp/schema.js';
export * from './sheet/read-sheet.js';

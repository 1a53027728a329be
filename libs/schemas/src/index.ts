/**
 * JSON Schemas (draft 2020-12) of the device events and of the API's request bodies, their written
 * files under schemas/, and the Ajv-based validator. The drift check lives in drift.check.ts and
 * has no runtime content, so it is not exported; neither are the small building blocks in common.ts,
 * whose generic names (`money`, `market`, …) would only collide in importers.
 */
export {
  documentSchemaId,
  eventSchemaId,
  requestSchemaId,
  SCHEMA_DIALECT,
  SCHEMA_VERSION_PATH,
  TIMESTAMP_PATTERN,
} from './common.js';
export * from './documents.js';
export * from './events.js';
export * from './files.js';
export * from './lots.js';
export * from './membership.js';
export * from './requests.js';
export * from './text-safety.js';
export { selectSchema, type JsonSchema } from './select-schema.js';
export { withIsoCountryCodes } from './country-aliases.js';
export * from './validator.js';

/**
 * Validators of the standards' own published schemas (test/fixtures/standards/, copied from their
 * publishers: SOURCES.md): UNTP DPP and DTE 0.6.0 (draft 2020-12) and EPCIS 2.0 (draft-07). Each
 * returns the validation errors, [] when valid, so that a failing test shows them.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';

function schema(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/standards/${path}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
}

// The published schemas use annotations Ajv does not know (example, x-external-enumeration) and
// the OpenAPI formats float and binary: strict mode off, those formats accepted as the schemas mean them.
const ajv2020 = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv2020);
ajv2020.addFormat('float', { type: 'number', validate: () => true });
ajv2020.addFormat('binary', true);
const ajv07 = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv07);

function errorsOf(validate: ValidateFunction): (value: unknown) => readonly ErrorObject[] {
  return (value) => (validate(value) ? [] : [...(validate.errors ?? [])]);
}

export const untpDppErrors = errorsOf(ajv2020.compile(schema('untp/untp-dpp-schema-0.6.0.json')));
export const untpDteErrors = errorsOf(ajv2020.compile(schema('untp/untp-dte-schema-0.6.0.json')));
export const epcisErrors = errorsOf(ajv07.compile(schema('epcis/EPCIS-JSON-Schema.json')));

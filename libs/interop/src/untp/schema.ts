/**
 * Validation of a credential against the UNTP schema of its type (draft 2020-12). The schemas are
 * given, not read here: the library reads no files (the CLI finds them, tests use the fixtures).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export interface UntpSchemas {
  /** untp-dpp-schema-0.6.0.json */
  readonly dpp: object;
  /** untp-dte-schema-0.6.0.json */
  readonly dte: object;
}

/** A credential's schema problems as `path: message` lines, [] when it validates. */
export type UntpValidator = (credential: unknown) => readonly string[];

export function untpValidator(schemas: UntpSchemas): UntpValidator {
  // The published schemas carry annotations Ajv does not know (example, x-external-enumeration) and
  // the OpenAPI formats float and binary: not strict, those formats accepted.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS; under nodenext ESM its default export sits on `.default`.
  addFormats.default(ajv);
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('binary', true);
  const dpp = ajv.compile(schemas.dpp);
  const dte = ajv.compile(schemas.dte);
  return (credential) => {
    const types = (credential as { type?: unknown } | null)?.type;
    const typeList: readonly unknown[] = Array.isArray(types) ? types : [];
    const validate: ValidateFunction | null = typeList.includes('DigitalProductPassport')
      ? dpp
      : typeList.includes('DigitalTraceabilityEvent')
        ? dte
        : null;
    if (validate === null)
      return ['(root): neither a DigitalProductPassport nor a DigitalTraceabilityEvent credential'];
    if (validate(credential)) return [];
    return (validate.errors ?? []).map(
      (error) => `${error.instancePath || '(root)'}: ${error.message ?? error.keyword}`,
    );
  };
}

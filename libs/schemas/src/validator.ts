/**
 * Validates request bodies and event data against the v1 schemas with Ajv (draft 2020-12), and turns
 * Ajv's errors into a small, stable shape: a readable field path, a code clients can match on, and a
 * message for humans. The HTTP layer and bulk import both use it, so both report errors alike.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { DomainEventDataByType, DomainEventType } from '#kierto/domain';
import { COUNTRY_CODE_PATTERN, FORMAT_PATTERNS, REQUEST_COUNTRY_CODE_PATTERN, RANGE_PATTERNS } from './common.js';
import { withIsoCountryCodes } from './country-aliases.js';
import { documentSchemas, type DocumentName } from './documents.js';
import { eventDataSchemas } from './events.js';
import { requestSchemas, type RequestBodyByName, type RequestName } from './requests.js';

/** Stable codes: clients match on these, so never rename one (add new ones instead). */
export type ValidationCode =
  | 'REQUIRED'
  | 'UNKNOWN_FIELD'
  | 'NOT_ALLOWED'
  | 'INVALID_TYPE'
  | 'INVALID_FORMAT'
  | 'INVALID_VALUE'
  | 'OUT_OF_RANGE'
  | 'TOO_LONG'
  | 'TOO_SHORT'
  | 'TOO_MANY'
  | 'TOO_FEW'
  | 'INVALID';

export interface ValidationIssue {
  /** Path of the offending field, e.g. `product.materials[0].massKg`; empty for the whole document. */
  readonly field: string;
  readonly code: ValidationCode;
  readonly message: string;
}

export type ValidationResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly ValidationIssue[] };

export interface SchemaValidator {
  validateRequest<N extends RequestName>(name: N, body: unknown): ValidationResult<RequestBodyByName[N]>;
  validateEventData<T extends DomainEventType>(type: T, data: unknown): ValidationResult<DomainEventDataByType[T]>;
}

/**
 * Compiles each schema once, the first time it is used (compiling is the expensive part; validating
 * is cheap), so create one validator per process and share it.
 */
export function createSchemaValidator(): SchemaValidator {
  const ajv = new Ajv2020({
    // Report every problem at once so a client can fix a body in one round trip. The cost is bounded
    // because every array and string in the schemas has a maximum and the HTTP layer limits body size.
    allErrors: true,
    // Strict mode makes Ajv refuse schemas with unknown keywords, missing types or `required` names
    // that are not declared: mistakes in our schemas surface here instead of silently validating less.
    strict: true,
  });
  // ajv-formats is CommonJS; under nodenext ESM its default export sits on `.default`.
  addFormats.default(ajv);

  const requestValidators = compiledOnUse(ajv, requestSchemas);
  const eventValidators = compiledOnUse(ajv, eventDataSchemas);

  return {
    validateRequest<N extends RequestName>(name: N, body: unknown): ValidationResult<RequestBodyByName[N]> {
      // `run` casts on success; drift.check.ts is what makes that sound: what the schema accepts has this type.
      // Eurostat's EL and UK become GR and GB here, so the command (and the event) carries ISO codes only.
      return run<RequestBodyByName[N]>(requestValidators.get(name), withIsoCountryCodes(body));
    },
    validateEventData<T extends DomainEventType>(type: T, data: unknown): ValidationResult<DomainEventDataByType[T]> {
      return run<DomainEventDataByType[T]>(eventValidators.get(type), data);
    },
  };
}

let sharedValidator: SchemaValidator | undefined;

/** The process-wide validator, compiled on first use so that importing the schemas costs nothing. */
export function schemaValidator(): SchemaValidator {
  sharedValidator ??= createSchemaValidator();
  return sharedValidator;
}

/** Validates a request body with the process-wide validator (see createSchemaValidator). */
export function validateRequest<N extends RequestName>(name: N, body: unknown): ValidationResult<RequestBodyByName[N]> {
  return schemaValidator().validateRequest(name, body);
}

let documentValidators: CompiledSchemas | undefined;

/**
 * Validates a document Kierto serves (passport, statistics) against its schema in
 * schemas/v1/documents: the tests hold every served document to it. A separate Ajv because the
 * documents use `null` alongside other types (`type: ["string", "null"]`), which strict mode only
 * accepts with allowUnionTypes.
 */
export function validateDocument(name: DocumentName, document: unknown): ValidationResult<unknown> {
  if (documentValidators === undefined) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats.default(ajv);
    documentValidators = compiledOnUse(ajv, documentSchemas);
  }
  return run<unknown>(documentValidators.get(name), document);
}

/** Validates event data with the process-wide validator; bulk import uses it per event. */
export function validateEventData<T extends DomainEventType>(
  type: T,
  data: unknown,
): ValidationResult<DomainEventDataByType[T]> {
  return schemaValidator().validateEventData(type, data);
}

/** The compiled validator of a schema by name; undefined for a name that has no schema. */
interface CompiledSchemas {
  get(name: string): ValidateFunction | undefined;
}

/**
 * Each schema compiled when its name is first asked for: a process that validates a few kinds (bulk
 * import: the device events' data) does not pay for compiling all of them, about a second of CPU.
 * A Map rather than an object: a name from outside (a route parameter, an import file) such as
 * "constructor" must not find an inherited property and "validate" with it.
 */
function compiledOnUse(ajv: Ajv2020, schemas: Readonly<Record<string, object>>): CompiledSchemas {
  const sources = new Map(Object.entries(schemas));
  const compiled = new Map<string, ValidateFunction>();
  return {
    get(name) {
      let validate = compiled.get(name);
      if (validate === undefined) {
        const schema = sources.get(name);
        if (schema === undefined) return undefined;
        validate = ajv.compile(schema);
        compiled.set(name, validate);
      }
      return validate;
    },
  };
}

function run<T>(validate: ValidateFunction | undefined, value: unknown): ValidationResult<T> {
  if (validate === undefined) {
    // Only reachable when a caller gets past the types with a name that has no schema.
    return { ok: false, errors: [{ field: '', code: 'INVALID', message: 'No schema has this name' }] };
  }
  if (validate(value)) return { ok: true, value: value as T };
  return { ok: false, errors: toIssues(validate.errors ?? [], value) };
}

/** Converts Ajv errors to issues, dropping summaries and duplicates that would only add noise. */
export function toIssues(errors: readonly ErrorObject[], root: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  // A bad date-time usually fails both `format` and the `pattern` that mirrors it for other
  // validators; report it once, as a format problem.
  const formatFailures = new Set(
    errors.filter((error) => error.keyword === 'format').map((error) => error.instancePath),
  );
  for (const error of errors) {
    // `if` only says that `then`/`else` failed; the failing keyword inside is reported on its own.
    if (error.keyword === 'if') continue;
    if (error.keyword === 'pattern' && formatFailures.has(error.instancePath)) continue;
    const issue = toIssue(error, root);
    const key = `${issue.field}\u0000${issue.code}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function toIssue(error: ErrorObject, root: unknown): ValidationIssue {
  const path = fieldPath(error.instancePath, root);
  const params = error.params as Record<string, unknown>;
  const issue = (field: string, code: ValidationCode, message: string): ValidationIssue => ({
    field,
    code,
    message: field === '' ? message : `${field} ${message}`,
  });
  switch (error.keyword) {
    case 'required':
      return issue(appendProperty(path, String(params['missingProperty'])), 'REQUIRED', 'is required');
    case 'additionalProperties':
      return issue(appendProperty(path, String(params['additionalProperty'])), 'UNKNOWN_FIELD', 'is not a known field');
    case 'false schema':
      return issue(path, 'NOT_ALLOWED', 'is not allowed here');
    case 'type':
      return issue(path, 'INVALID_TYPE', `must be ${describeType(params['type'])}`);
    case 'format':
      return issue(path, 'INVALID_FORMAT', `must be a valid ${String(params['format'])}`);
    case 'enum':
      return issue(path, 'INVALID_VALUE', `must be one of ${formatValues(params['allowedValues'])}`);
    case 'const':
      return issue(path, 'INVALID_VALUE', `must be ${JSON.stringify(params['allowedValue'])}`);
    case 'pattern': {
      const pattern = String(params['pattern']);
      const range = Object.hasOwn(RANGE_PATTERNS, pattern) ? RANGE_PATTERNS[pattern] : undefined;
      if (range !== undefined) {
        const value = valueAt(error.instancePath, root);
        if (typeof value === 'string' && new RegExp(range.shape).test(value))
          return issue(path, 'OUT_OF_RANGE', range.message);
        return issue(path, 'INVALID_FORMAT', `must be a valid ${range.format}`);
      }
      const format = Object.hasOwn(FORMAT_PATTERNS, pattern) ? FORMAT_PATTERNS[pattern] : undefined;
      if (format !== undefined) return issue(path, 'INVALID_FORMAT', `must be a valid ${format}`);
      // The country patterns list 249 codes: naming the rule helps a client more than echoing them.
      if (pattern === COUNTRY_CODE_PATTERN || pattern === REQUEST_COUNTRY_CODE_PATTERN) {
        const aliases = pattern === REQUEST_COUNTRY_CODE_PATTERN ? " (or Eurostat's EL or UK)" : '';
        return issue(path, 'INVALID_VALUE', `must be an assigned ISO 3166-1 alpha-2 country code such as FI${aliases}`);
      }
      return issue(path, 'INVALID_VALUE', `must match the pattern ${pattern}`);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return issue(path, 'OUT_OF_RANGE', `must be ${String(params['comparison'])} ${String(params['limit'])}`);
    case 'maxLength':
      return issue(path, 'TOO_LONG', `must have at most ${String(params['limit'])} characters`);
    case 'minLength':
      return issue(path, 'TOO_SHORT', `must have at least ${String(params['limit'])} characters`);
    case 'maxItems':
      return issue(path, 'TOO_MANY', `must have at most ${String(params['limit'])} items`);
    case 'minItems':
      return issue(path, 'TOO_FEW', `must have at least ${String(params['limit'])} items`);
    default:
      return issue(path, 'INVALID', error.message ?? 'is invalid');
  }
}

/**
 * Turns a JSON Pointer (`/product/materials/0/massKg`) into `product.materials[0].massKg`. Whether a
 * segment is an array index is decided by walking the validated value, not by whether it looks like
 * a number, so an object key "0" is not mistaken for an index.
 */
export function fieldPath(instancePath: string, root: unknown): string {
  if (instancePath === '') return '';
  let path = '';
  let node: unknown = root;
  for (const raw of instancePath.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path += `[${segment}]`;
      node = node[Number(segment)];
    } else {
      path = appendProperty(path, segment);
      node = isRecord(node) ? node[segment] : undefined;
    }
  }
  return path;
}

/** The value at a JSON Pointer, walking the validated document. */
function valueAt(instancePath: string, root: unknown): unknown {
  let node: unknown = root;
  for (const raw of instancePath.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = Array.isArray(node) ? node[Number(segment)] : isRecord(node) ? node[segment] : undefined;
  }
  return node;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function appendProperty(path: string, property: string): string {
  if (!IDENTIFIER.test(property)) return `${path}[${JSON.stringify(property)}]`;
  return path === '' ? property : `${path}.${property}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function describeType(type: unknown): string {
  const names = String(type).split(',');
  const article = (name: string): string => (/^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`);
  return names.map(article).join(' or ');
}

function formatValues(values: unknown): string {
  return Array.isArray(values) ? values.map((value) => JSON.stringify(value)).join(', ') : String(values);
}

/**
 * What `npm run schemas:write` writes under schemas/, computed from the TypeScript constants. Kept
 * free of side effects so that schemas.spec.ts can compare the committed files with it.
 */
import { SCHEMA_VERSION_PATH } from './common.js';
import { documentSchemas } from './documents.js';
import { eventDataSchemas } from './events.js';
import { requestSchemas } from './requests.js';

export interface SchemaFile {
  /** Relative to the repository root, with forward slashes, e.g. `schemas/v1/events/DeviceResold.schema.json`. */
  readonly path: string;
  readonly schema: object;
  readonly content: string;
}

/** The folders the generator owns: every `*.schema.json` in them is generated, anything else is stale. */
export const GENERATED_DIRS = [
  `schemas/${SCHEMA_VERSION_PATH}/events`,
  `schemas/${SCHEMA_VERSION_PATH}/requests`,
  `schemas/${SCHEMA_VERSION_PATH}/documents`,
] as const;

export const SCHEMA_FILE_SUFFIX = '.schema.json';

export function schemaFiles(): SchemaFile[] {
  const [eventsDir, requestsDir, documentsDir] = GENERATED_DIRS;
  return [
    ...Object.entries(eventDataSchemas).map(([type, schema]) =>
      file(`${eventsDir}/${type}${SCHEMA_FILE_SUFFIX}`, schema),
    ),
    ...Object.entries(requestSchemas).map(([name, schema]) =>
      file(`${requestsDir}/${name}${SCHEMA_FILE_SUFFIX}`, schema),
    ),
    ...Object.entries(documentSchemas).map(([name, schema]) =>
      file(`${documentsDir}/${name}${SCHEMA_FILE_SUFFIX}`, schema),
    ),
  ];
}

/** Two-space indentation and a trailing newline, so the files diff cleanly and match editors' defaults. */
export function renderSchema(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

function file(path: string, schema: object): SchemaFile {
  return { path, schema, content: renderSchema(schema) };
}

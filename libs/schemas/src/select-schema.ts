/**
 * Derives the JSON Schema of a document's projection from the document's schema and the selection
 * that makes the projection (libs/projections/src/passport/views.ts): the passport's role views get
 * their schemas from the Passport schema this way, so each view's field list exists once.
 */
import type { Selection } from '#kierto/projections';

/** A JSON Schema, or a part of one, as far as pruning it needs to know. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * The schema of what `applySelection(value, selection)` keeps of a value valid against `schema`: objects
 * keep only the selected `properties` (and of `required`, those), arrays are pruned by their
 * `items`, `anyOf` branch by branch; a `type` that allows null keeps allowing it. Everything else
 * (titles, descriptions, `additionalProperties: false`) is kept.
 *
 * Throws when the selection names a field the schema does not have or opens a value that is
 * neither object nor array: the selection and the schema have drifted apart.
 */
export function selectSchema(schema: JsonSchema, selection: Selection, path = '#'): JsonSchema {
  if (selection === true) return schema;
  const anyOf = schema['anyOf'];
  if (Array.isArray(anyOf)) {
    return {
      ...schema,
      anyOf: (anyOf as readonly unknown[]).map((branch, index) =>
        isSchema(branch) && typesOf(branch).some((type) => type === 'object' || type === 'array')
          ? selectSchema(branch, selection, `${path}/anyOf/${index}`)
          : branch,
      ),
    };
  }
  const types = typesOf(schema);
  if (types.includes('array')) {
    const items = schema['items'];
    if (!isSchema(items)) throw new Error(`${path}: array without an items schema`);
    return { ...schema, items: selectSchema(items, selection, `${path}/items`) };
  }
  if (!types.includes('object')) throw new Error(`${path}: the selection opens a value that is not an object`);
  const properties = schema['properties'];
  if (!isSchema(properties)) throw new Error(`${path}: object without properties`);
  const unknown = Object.keys(selection).filter((field) => !Object.hasOwn(properties, field));
  if (unknown.length > 0) throw new Error(`${path}: the selection names unknown fields ${unknown.join(', ')}`);
  // In the schema's order, so a view's schema reads like the document's.
  const kept: Record<string, JsonSchema> = {};
  for (const [field, fieldSchema] of Object.entries(properties)) {
    const fieldSelection = Object.hasOwn(selection, field) ? selection[field] : undefined;
    if (fieldSelection === undefined) continue;
    if (!isSchema(fieldSchema)) throw new Error(`${path}/properties/${field}: not a schema`);
    kept[field] = selectSchema(fieldSchema, fieldSelection, `${path}/properties/${field}`);
  }
  const required = schema['required'];
  return {
    ...schema,
    ...(Array.isArray(required)
      ? {
          required: (required as readonly unknown[]).filter(
            (field) => typeof field === 'string' && Object.hasOwn(kept, field),
          ),
        }
      : {}),
    properties: kept,
  };
}

function typesOf(schema: JsonSchema): readonly unknown[] {
  const type = schema['type'];
  return Array.isArray(type) ? (type as readonly unknown[]) : [type];
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import { documentSchemas, type DocumentName } from '#kierto/schemas';

/** A document schema as OpenAPI 3.1 embeds it (3.1 speaks JSON Schema 2020-12). */
export function openApiDocumentSchema(name: DocumentName): Record<string, unknown> {
  const { $schema: _schema, $id: _id, ...schema } = documentSchemas[name] as Record<string, unknown>;
  return schema;
}

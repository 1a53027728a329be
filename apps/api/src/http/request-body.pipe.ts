import type { PipeTransform } from '@nestjs/common';
import { requestSchemas, validateRequest, type RequestName } from '#kierto/schemas';
import { ApiError } from './api-error.js';

/**
 * Validates a request body against its JSON Schema in schemas/v1/requests (the public contract).
 * The text rule (NUL, lone surrogates) has been applied before, by the global TextRulePipe.
 */
export class RequestBodyPipe implements PipeTransform<unknown, unknown> {
  constructor(private readonly name: RequestName) {}

  transform(body: unknown): unknown {
    const result = validateRequest(this.name, body);
    if (result.ok) return result.value;
    throw new ApiError(400, 'VALIDATION_FAILED', `The ${this.name} request body is invalid`, result.errors);
  }
}

/** The request schema as OpenAPI 3.1 embeds it (3.1 speaks JSON Schema 2020-12). */
export function openApiRequestSchema(name: RequestName): Record<string, unknown> {
  const { $schema: _schema, $id: _id, ...schema } = requestSchemas[name] as Record<string, unknown>;
  return schema;
}

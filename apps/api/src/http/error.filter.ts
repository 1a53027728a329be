import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, type DomainErrorKind } from '#kierto/domain';
import { AuthenticationError } from '#kierto/access';
import { IdempotencyKeyReusedError } from '#kierto/application';
import {
  BatchTooLargeError,
  ConcurrencyError,
  DuplicateEventIdError,
  EventStoreError,
  EventTooLargeError,
  StoreUnavailableError,
} from '#kierto/event-store';
import { ApiError, type ApiErrorBody, type FieldError } from './api-error.js';
import type { JsonLogger } from './json-logger.js';
import { correlationIdOf } from './request-context.js';

const STATUS_OF_KIND: Record<DomainErrorKind, number> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  rule: 422,
  forbidden: 403,
};

/** Errors that body-parser raises (it marks them with `type`), mapped to our codes. */
const BODY_PARSER_ERRORS: Record<string, { status: number; code: string }> = {
  'entity.too.large': { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  'entity.parse.failed': { status: 400, code: 'MALFORMED_JSON' },
  'encoding.unsupported': { status: 415, code: 'UNSUPPORTED_ENCODING' },
  'charset.unsupported': { status: 415, code: 'UNSUPPORTED_CHARSET' },
  'request.aborted': { status: 400, code: 'REQUEST_ABORTED' },
};

interface Mapped {
  status: number;
  code: string;
  message: string;
  fields?: readonly FieldError[];
}

/**
 * Maps every error to one JSON shape, at one place. A client's mistake is never a 500: only an
 * error we did not foresee is, and that one is logged with its stack.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    // A page's guard answered already (a redirect to sign-in, a refusal page: people/refusal-page.ts).
    if (response.headersSent) return;
    const mapped = mapError(exception);
    if (mapped.status >= 500) {
      this.logger.entry('error', 'request failed', {
        correlationId: correlationIdOf(request),
        error: exception instanceof Error ? exception.message : String(exception),
        stack: exception instanceof Error ? exception.stack : undefined,
      });
    }
    const body: ApiErrorBody = {
      error: {
        status: mapped.status,
        code: mapped.code,
        message: mapped.message,
        ...(mapped.fields !== undefined && mapped.fields.length > 0 ? { fields: mapped.fields } : {}),
        correlationId: correlationIdOf(request),
      },
    };
    if (mapped.status === 503) response.setHeader('Retry-After', '5');
    if (mapped.status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="kierto"');
    response.status(mapped.status).json(body);
  }
}

export function mapError(exception: unknown): Mapped {
  if (exception instanceof ApiError) {
    return { status: exception.status, code: exception.code, message: exception.message, fields: exception.fields };
  }
  if (exception instanceof AuthenticationError) {
    return {
      status: 401,
      code: exception.code,
      message: exception.message,
      fields: [{ field: 'Authorization', code: exception.code, message: exception.message }],
    };
  }
  if (exception instanceof DomainError) {
    const fields =
      exception.field === undefined
        ? []
        : [{ field: exception.field, code: exception.code, message: exception.message }];
    return { status: STATUS_OF_KIND[exception.kind], code: exception.code, message: exception.message, fields };
  }
  if (exception instanceof IdempotencyKeyReusedError) {
    return {
      status: 409,
      code: exception.code,
      message: exception.message,
      fields: [{ field: 'Idempotency-Key', code: exception.code, message: exception.message }],
    };
  }
  if (exception instanceof ConcurrencyError || exception instanceof DuplicateEventIdError) {
    return { status: 409, code: exception.code, message: exception.message };
  }
  if (exception instanceof EventTooLargeError || exception instanceof BatchTooLargeError) {
    return { status: 413, code: exception.code, message: exception.message };
  }
  if (exception instanceof StoreUnavailableError) {
    return { status: 503, code: exception.code, message: 'The event store cannot be reached; try again shortly' };
  }
  if (exception instanceof EventStoreError) {
    return { status: 500, code: exception.code, message: 'The event store failed' };
  }
  const parserError = bodyParserError(exception);
  if (parserError !== null) return parserError;
  if (exception instanceof HttpException) {
    // Nest wraps body-parser's errors (413, malformed JSON) in HttpExceptions, keeping the original as cause.
    const wrapped = bodyParserError(exception.cause);
    if (wrapped !== null) return wrapped;
    const status = exception.getStatus();
    const code = status === 404 ? 'ROUTE_NOT_FOUND' : status === 405 ? 'METHOD_NOT_ALLOWED' : `HTTP_${status}`;
    return { status, code, message: exception.message };
  }
  return { status: 500, code: 'INTERNAL_ERROR', message: 'An unexpected error occurred; it has been logged' };
}

function bodyParserError(exception: unknown): Mapped | null {
  if (typeof exception !== 'object' || exception === null || !('type' in exception)) return null;
  const type = exception.type;
  if (typeof type !== 'string') return null;
  const known = BODY_PARSER_ERRORS[type];
  if (known === undefined) return null;
  const message =
    known.code === 'PAYLOAD_TOO_LARGE'
      ? 'The request body is larger than this server accepts'
      : known.code === 'MALFORMED_JSON'
        ? 'The request body is not valid JSON'
        : 'The request body cannot be read';
  return { status: known.status, code: known.code, message };
}

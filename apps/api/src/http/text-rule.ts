import { isUtf8 } from 'node:buffer';
import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import {
  findPrototypeKey,
  findTextProblem,
  jsonNestsDeeperThan,
  MAX_JSON_DEPTH,
  TEXT_RULE_MESSAGE,
} from '#kierto/schemas';
import { ApiError, badRequest } from './api-error.js';

/**
 * The text rule (libs/schemas/src/text-safety.ts) at every HTTP entry: the raw body bytes before
 * parsing, the URL before routing, and the parsed body, path parameters and query after it.
 */

/** The request as Nest's `rawBody: true` leaves it: the body's bytes beside the parsed body. */
type WithRawBody = Request & { rawBody?: Buffer };

/**
 * Runs right after the JSON body parser, on the raw bytes, before any pipe transforms the parsed
 * value. Decoding has turned invalid UTF-8 into U+FFFD without a word, and class-transformer would
 * recurse into a deeply nested value until the stack overflows: both are refused here. (JSON.parse
 * itself does not recurse on the stack, so parsing first is safe.)
 */
export function checkJsonBodyBytes(request: WithRawBody, _response: Response, next: NextFunction): void {
  const raw = request.rawBody;
  if (raw === undefined || !Buffer.isBuffer(raw)) {
    next();
    return;
  }
  // JSON exchanged between systems is UTF-8 (RFC 8259 §8.1); body-parser would also decode UTF-16/32.
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.header('content-type') ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    next(new ApiError(415, 'UNSUPPORTED_CHARSET', 'Send JSON as UTF-8'));
  } else if (!isUtf8(raw)) {
    next(badRequest('INVALID_UTF8', '(body)', 'The request body is not valid UTF-8'));
  } else if (jsonNestsDeeperThan(raw, MAX_JSON_DEPTH)) {
    next(badRequest('NESTING_TOO_DEEP', '(body)', `Arrays and objects nest at most ${MAX_JSON_DEPTH} levels deep`));
  } else {
    next();
  }
}

/** Whether a URL component percent-decodes to UTF-8, as the router will decode it. */
function decodes(component: string): boolean {
  try {
    decodeURIComponent(component);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs before routing. A path segment or query value whose percent-encoding is not UTF-8 would make
 * the router fail without naming the parameter (path), or be decoded to U+FFFD (query). Such a
 * component is replaced by `%00`, which decodes to a NUL character that TextRulePipe then refuses
 * with the name of the parameter, exactly as a NUL sent on purpose.
 */
export function wellFormedUrl(request: Request, _response: Response, next: NextFunction): void {
  const url = request.url;
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? null : url.slice(queryAt + 1);
  let changed = false;
  const mend = (component: string): string => {
    if (!component.includes('%') || decodes(component.replaceAll('+', ' '))) return component;
    changed = true;
    return '%00';
  };
  const mendedPath = path.split('/').map(mend).join('/');
  const mendedQuery =
    query === null
      ? null
      : query
          .split('&')
          .map((pair) => {
            const equals = pair.indexOf('=');
            return equals === -1 ? mend(pair) : `${mend(pair.slice(0, equals))}=${mend(pair.slice(equals + 1))}`;
          })
          .join('&');
  if (changed) request.url = mendedQuery === null ? mendedPath : `${mendedPath}?${mendedQuery}`;
  next();
}

/**
 * Global pipe, before the ValidationPipe and every route's own pipes: bodies, query strings and path
 * parameters hold well-formed text only (400 INVALID_CHARACTER naming the field), a route that takes
 * a body gets one, and no body member is named like a prototype property.
 */
export class TextRulePipe implements PipeTransform<unknown, unknown> {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    if (metadata.type === 'body') {
      if (value === undefined) {
        throw new ApiError(400, 'VALIDATION_FAILED', 'This route takes a JSON body', [
          { field: '(body)', code: 'REQUIRED', message: 'Send a JSON body (Content-Type: application/json)' },
        ]);
      }
      // The depth was checked on the raw bytes already; this is for bodies built some other way.
      const problem = findTextProblem(value);
      if (problem !== null) throw textProblem(problem.field, problem.problem);
      const prototypeKey = findPrototypeKey(value);
      if (prototypeKey !== null) {
        throw new ApiError(400, 'VALIDATION_FAILED', 'The request body is invalid', [
          { field: prototypeKey, code: 'UNKNOWN_FIELD', message: `${prototypeKey} is not a field of this body` },
        ]);
      }
      return value;
    }
    // Path parameters are named by the route; a query object's members by their own names.
    const problem = findTextProblem(value, metadata.data ?? '');
    if (problem !== null) throw textProblem(problem.field, problem.problem);
    return value;
  }
}

function textProblem(field: string, problem: 'character' | 'nesting'): ApiError {
  return problem === 'character'
    ? badRequest('INVALID_CHARACTER', field, TEXT_RULE_MESSAGE)
    : badRequest('NESTING_TOO_DEEP', field, `Arrays and objects nest at most ${MAX_JSON_DEPTH} levels deep`);
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './api-error.js';
import { principalOf } from '../access/principal.js';
import type { JsonLogger } from './json-logger.js';

const CORRELATION_HEADER = 'x-correlation-id';
const correlationIds = new WeakMap<Request, string>();

export function correlationIdOf(request: Request): string | undefined {
  return correlationIds.get(request);
}

/**
 * Gives every request a correlation id (the caller's X-Correlation-Id when it is sane, else a new
 * one), echoes it, and writes one structured log line when the response is finished.
 */
export function requestContext(
  logger: JsonLogger,
  /** The trace id of the request's span when traces are recorded (tracing.ts), for the request's line. */
  traceIdOf: (request: Request) => string | undefined = () => undefined,
) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const given = request.header(CORRELATION_HEADER);
    const correlationId = given !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
    correlationIds.set(request, correlationId);
    response.setHeader('X-Correlation-Id', correlationId);
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      logger.entry('info', 'request', {
        method: request.method,
        path: loggedPath(request.path),
        status: response.statusCode,
        // The key's public id, never the token: the Authorization header is not logged.
        keyId: principalOf(request)?.keyId,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        correlationId,
        traceId: traceIdOf(request),
      });
    });
    next();
  };
}

/** The path as logged: an invitation link's token is a secret (docs/access.md), so it is left out. */
function loggedPath(path: string): string {
  return path.replace(/^\/invitations\/[^/]+/, '/invitations/…');
}

/**
 * Where the workspace's HTML forms post (application/x-www-form-urlencoded, what a browser sends
 * without JavaScript): the desk's forms (apps/api/src/desk); sign-in, sign-out, invitations and the
 * user admin (apps/api/src/people). The API's own routes stay JSON only.
 */
export const FORM_POST_PATHS: readonly RegExp[] = [
  /^\/desk\//,
  /^\/sign-(in|out)$/,
  /^\/invitations\/[^/]+$/,
  /^\/admin\/users\//,
];

/**
 * A form post to a page route that takes one: the one non-JSON body the pages accept. Reads the
 * bare message, since body-parser asks before Express has added its helpers.
 */
export function isFormPost(request: IncomingMessage): boolean {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const path = (request.url ?? '').split('?')[0] ?? '';
  return mediaType === 'application/x-www-form-urlencoded' && FORM_POST_PATHS.some((prefix) => prefix.test(path));
}

/**
 * A body that is sent must be JSON; anything else is refused before it reaches validation. A POST
 * without a body passes: a route that takes none (key revocation) works without one, and a route
 * that needs one answers 400 naming the body (TextRulePipe). The bulk imports (NDJSON, ORDS CSV)
 * and erasure reports (text, XML, CSV) check their own media types; the pages' forms post
 * urlencoded (FORM_POST_PATHS).
 */
export function requireJsonBody(request: Request, _response: Response, next: NextFunction): void {
  if (
    request.method === 'POST' &&
    !isFormPost(request) &&
    request.path !== '/imports' &&
    request.path !== '/imports/ords' &&
    request.path !== '/intake/preview' &&
    request.path !== '/intake/jobs' &&
    request.path !== '/erasure-reports' &&
    hasBody(request) &&
    request.is('application/json') !== 'application/json'
  ) {
    next(new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json'));
    return;
  }
  next();
}

/** Whether the request carries body bytes: a chunked body, or a Content-Length above zero. */
function hasBody(request: Request): boolean {
  const length = request.header('content-length');
  return request.header('transfer-encoding') !== undefined || (length !== undefined && length.trim() !== '0');
}

import type { NextFunction, Request, Response } from 'express';

/**
 * Headers for an API that serves JSON to programs and, at /docs, one HTML page: nothing may frame
 * or sniff it, no referrer leaks device ids, and answers that depend on a key are not cached by
 * shared caches. The strict content policy would break Swagger UI's scripts, so /docs keeps the
 * browser defaults apart from framing.
 */
export function securityHeaders(request: Request, response: Response, next: NextFunction): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  response.setHeader('Strict-Transport-Security', 'max-age=31536000');
  if (!request.path.startsWith('/docs')) {
    response.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  }
  if (request.header('authorization') !== undefined) response.setHeader('Cache-Control', 'no-store');
  next();
}

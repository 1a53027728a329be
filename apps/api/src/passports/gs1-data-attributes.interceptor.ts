import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';

/** A query parameter named by a GS1 Application Identifier (2 to 4 digits, e.g. `17` expiry, `3103` net weight). */
const AI_PARAMETER = /^\d{2,4}$/u;

/**
 * GS1 data attributes (`?17=261231`) belong to a Digital Link (grammar 1.2, queryStringParam) but say
 * nothing Kierto resolves by: they are dropped from the URL before the query string is read, so that
 * the query validation, which refuses unknown parameters, sees only the resolver's own. Other unknown
 * parameters are still refused. Interceptors run before parameters are read (Nest's order), and
 * Express reads `req.query` from `req.url`.
 */
@Injectable()
export class Gs1DataAttributesInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    const queryAt = request.url.indexOf('?');
    if (queryAt !== -1) {
      const kept = request.url
        .slice(queryAt + 1)
        .split('&')
        .filter((pair) => !AI_PARAMETER.test(decodeName(pair.split('=')[0] ?? '')));
      request.url = `${request.url.slice(0, queryAt)}${kept.length === 0 ? '' : `?${kept.join('&')}`}`;
    }
    return next.handle();
  }
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    // A malformed name is left in place for the query validation to refuse.
    return name;
  }
}

import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { authenticate, hasPermission, type AccessStore, type Permission } from '../../../../libs/access/src/index.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import { ApiError } from '../http/api-error.js';
import { ACCESS_STORE } from './access.tokens.js';
import { PERMISSION_KEY, PUBLIC_KEY } from './decorators.js';
import { forbidden, setPrincipal } from './principal.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * Runs before every route: authenticates the bearer key, applies the rate limit of the key (or of
 * the client address on public routes), then checks the route's permission. Deny by default: a
 * route that is neither public nor names a permission refuses everyone.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly limiter = new RateLimiter();

  constructor(
    private readonly reflector: Reflector,
    @Inject(ACCESS_STORE) private readonly access: AccessStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets);

    const sentKey = request.header('authorization') !== undefined;
    if (isPublic && !sentKey) {
      this.limit(response, `ip:${request.ip ?? 'unknown'}`, this.config.anonymousRateLimitPerMinute);
      return true;
    }
    const principal = await authenticate(this.access, request.header('authorization'), new Date());
    setPrincipal(request, principal);
    this.limit(response, `key:${principal.keyId}`, this.config.rateLimitPerMinute);
    if (isPublic) return true;
    if (permission === undefined) throw new ApiError(403, 'FORBIDDEN', 'This route has no permission defined');
    if (!hasPermission(principal.organisation.roles, permission)) throw forbidden(permission);
    return true;
  }

  private limit(response: Response, client: string, perMinute: number): void {
    const decision = this.limiter.take(client, perMinute, Date.now());
    response.setHeader('RateLimit-Limit', String(decision.limit));
    response.setHeader('RateLimit-Remaining', String(decision.remaining));
    response.setHeader('RateLimit-Reset', String(decision.resetSeconds));
    if (!decision.allowed) {
      response.setHeader('Retry-After', String(decision.resetSeconds));
      throw new ApiError(429, 'RATE_LIMITED', `Too many requests; try again in ${decision.resetSeconds} s`);
    }
  }
}

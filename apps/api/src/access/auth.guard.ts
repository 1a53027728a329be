import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import {
  authenticate,
  AuthenticationError,
  hasPermission,
  parseToken,
  type AccessStore,
  type Permission,
  type Principal,
} from '#kierto/access';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import { ApiError } from '../http/api-error.js';
import { ACCESS_STORE, REQUEST_LIMITER } from './access.tokens.js';
import { PERMISSION_KEY, PUBLIC_KEY } from './decorators.js';
import { forbidden, setPrincipal } from './principal.js';
import { FailedAuthenticationLimiter, type RequestLimiter } from './rate-limiter.js';

/**
 * Runs before every route: refuses a client that failed authentication too often (before looking at
 * its key), authenticates the bearer key, applies the rate limit of the key (or of the client address
 * on public routes), then checks the route's permission. Deny by default: a route that is neither
 * public nor names a permission refuses everyone.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly failures: FailedAuthenticationLimiter;

  constructor(
    private readonly reflector: Reflector,
    @Inject(ACCESS_STORE) private readonly access: AccessStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(REQUEST_LIMITER) private readonly limiter: RequestLimiter,
  ) {
    // The same windows as the request limits: shared by every instance on PostgreSQL.
    this.failures = new FailedAuthenticationLimiter(
      config.failedAuthPerAddressPerMinute,
      config.failedAuthPerKeyPerMinute,
      limiter,
    );
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets);

    const sentKey = request.header('authorization') !== undefined;
    if (isPublic && !sentKey) {
      await this.limit(response, `ip:${request.ip ?? 'unknown'}`, this.config.anonymousRateLimitPerMinute);
      return true;
    }
    const principal = await this.authenticate(request, response);
    setPrincipal(request, principal);
    await this.limit(response, `key:${principal.keyId}`, this.config.rateLimitPerMinute);
    if (isPublic) return true;
    if (permission === undefined) throw new ApiError(403, 'FORBIDDEN', 'This route has no permission defined');
    if (!hasPermission(principal.organisation.roles, permission)) throw forbidden(permission);
    return true;
  }

  /** Authentication behind the failure limits; every failure counts for the address and the key id. */
  private async authenticate(request: Request, response: Response): Promise<Principal> {
    const address = request.ip ?? 'unknown';
    const authorization = request.header('authorization');
    const keyId = keyIdOf(authorization);
    const now = Date.now();
    const wait = await this.failures.blockedFor(address, keyId, now);
    if (wait !== null) {
      response.setHeader('Retry-After', String(wait));
      throw new ApiError(429, 'AUTHENTICATION_RATE_LIMITED', `Too many failed authentications; try again in ${wait} s`);
    }
    try {
      return await authenticate(this.access, authorization, new Date(now));
    } catch (error) {
      if (error instanceof AuthenticationError) await this.failures.record(address, keyId, now);
      throw error;
    }
  }

  private async limit(response: Response, client: string, perMinute: number): Promise<void> {
    const decision = await this.limiter.take(client, perMinute, Date.now());
    response.setHeader('RateLimit-Limit', String(decision.limit));
    response.setHeader('RateLimit-Remaining', String(decision.remaining));
    response.setHeader('RateLimit-Reset', String(decision.resetSeconds));
    if (!decision.allowed) {
      response.setHeader('Retry-After', String(decision.resetSeconds));
      throw new ApiError(429, 'RATE_LIMITED', `Too many requests; try again in ${decision.resetSeconds} s`);
    }
  }
}

/** The key id an Authorization header names, when it is well-formed: what the per-key limit counts. */
function keyIdOf(authorization: string | undefined): string | null {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
  return token === undefined ? null : (parseToken(token)?.keyId ?? null);
}

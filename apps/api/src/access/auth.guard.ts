import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import {
  authenticateWith,
  AuthenticationError,
  hasPermission,
  KeyCache,
  parseToken,
  secretMatches,
  type AccessStore,
  type Permission,
  type Principal,
} from '#kierto/access';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import { ApiError } from '../http/api-error.js';
import { authenticateSession, checkCsrf, sessionTimesOf, type SignedInPerson } from '../people/session-auth.js';
import { PageAnswered, redirectToSignIn, sendRefusalPage } from '../people/refusal-page.js';
import { ACCESS_STORE, KEY_CACHE, REQUEST_LIMITER } from './access.tokens.js';
import { HTML_PAGE_KEY, PERMISSION_KEY, PUBLIC_KEY } from './decorators.js';
import { forbidden, setPrincipal, setSession } from './principal.js';
import { FailedAuthenticationLimiter, type RequestLimiter } from './rate-limiter.js';

/**
 * Runs before every route: refuses a client that failed authentication too often (before looking at
 * its key), authenticates the bearer key, applies the rate limit of the key (or of the client address
 * on public routes), then checks the route's permission. Deny by default: a route that is neither
 * public nor names a permission refuses everyone.
 *
 * Without an Authorization header, a session cookie authenticates a person (ADR 0025): their
 * roles, their own rate limit, and the session's CSRF token on every unsafe request. A page route
 * (`@HtmlPage()`) answers a browser in HTML: no session sends it to the sign-in page, a refusal is
 * a page saying why.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly failures: FailedAuthenticationLimiter;

  constructor(
    private readonly reflector: Reflector,
    @Inject(ACCESS_STORE) private readonly access: AccessStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(REQUEST_LIMITER) private readonly limiter: RequestLimiter,
    @Inject(KEY_CACHE) private readonly keys: KeyCache,
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
    const isHtmlPage = this.reflector.getAllAndOverride<boolean | undefined>(HTML_PAGE_KEY, targets) === true;

    const sentKey = request.header('authorization') !== undefined;
    if (!sentKey) {
      const person = await authenticateSession(this.access, request, response, sessionTimesOf(this.config), new Date());
      if (person !== null) return this.admitPerson(request, response, person, { isPublic, permission, isHtmlPage });
    }
    if (isPublic && !sentKey) {
      await this.limit(response, `ip:${request.ip ?? 'unknown'}`, this.config.anonymousRateLimitPerMinute);
      return true;
    }
    if (isHtmlPage && !sentKey) {
      redirectToSignIn(request, response);
      throw new PageAnswered();
    }
    const principal = await this.authenticate(request, response);
    setPrincipal(request, principal);
    await this.limit(response, `key:${principal.keyId}`, this.config.rateLimitPerMinute);
    if (isPublic) return true;
    if (permission === undefined) throw new ApiError(403, 'FORBIDDEN', 'This route has no permission defined');
    if (!hasPermission(principal.organisation.roles, permission)) throw forbidden(permission);
    return true;
  }

  /** A request by session cookie: the person's roles, rate limit and CSRF token, then the route's permission. */
  private async admitPerson(
    request: Request,
    response: Response,
    person: SignedInPerson,
    route: { isPublic: boolean; permission: Permission | undefined; isHtmlPage: boolean },
  ): Promise<boolean> {
    setPrincipal(request, person.principal);
    setSession(request, person.session);
    // As for a key (security-headers.ts): an answer that depends on who asks is no shared cache's.
    response.setHeader('Cache-Control', 'no-store');
    response.vary('Cookie');
    await this.limit(response, `user:${person.user.id}`, this.config.rateLimitPerMinute);
    try {
      checkCsrf(request, person.session);
      if (route.isPublic) return true;
      if (route.permission === undefined) throw new ApiError(403, 'FORBIDDEN', 'This route has no permission defined');
      if (!hasPermission(person.principal.organisation.roles, route.permission)) throw forbidden(route.permission);
      return true;
    } catch (error) {
      if (!route.isHtmlPage || !(error instanceof ApiError)) throw error;
      sendRefusalPage(request, response, error);
      throw new PageAnswered();
    }
  }

  /**
   * Authentication behind the failure limits; every failure counts for the address and the key id.
   * A key whose secret this process checked within the key cache's bound is not guessing: it is not
   * held back by the failures of its address until the cache looks it up again (ADR 0035).
   */
  private async authenticate(request: Request, response: Response): Promise<Principal> {
    const address = request.ip ?? 'unknown';
    const authorization = request.header('authorization');
    const token = tokenOf(authorization);
    const now = Date.now();
    if (!this.knownSecret(token, now)) {
      const wait = await this.failures.blockedFor(address, token?.keyId ?? null, now);
      if (wait !== null) {
        response.setHeader('Retry-After', String(wait));
        throw new ApiError(
          429,
          'AUTHENTICATION_RATE_LIMITED',
          `Too many failed authentications; try again in ${wait} s`,
        );
      }
    }
    const keyId = token?.keyId ?? null;
    try {
      return (await authenticateWith(this.access, authorization, new Date(now), this.keys)).principal;
    } catch (error) {
      if (error instanceof AuthenticationError) await this.failures.record(address, keyId, now);
      throw error;
    }
  }

  /** Whether `token` is a key the cache holds, with its secret: a valid key, seen within the cache's bound. */
  private knownSecret(token: { keyId: string; secret: string } | null, nowMs: number): boolean {
    if (token === null) return false;
    const known = this.keys.get(token.keyId, nowMs);
    return known !== null && secretMatches(token.secret, known.key.secretHash);
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

/** The key an Authorization header names, when it is well-formed: its id is what the per-key limit counts. */
function tokenOf(authorization: string | undefined): { keyId: string; secret: string } | null {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
  return token === undefined ? null : parseToken(token);
}

import type { Request } from 'express';
import { actingRole, type Permission, type Principal } from '#kierto/access';
import type { Actor } from '#kierto/event-store';
import { ApiError } from '../http/api-error.js';

const principals = new WeakMap<Request, Principal>();

/**
 * The signed-in person behind a request authenticated by a session cookie (ADR 0025). Requests with
 * an API key, and anonymous ones, have none. Forms render `csrfToken` in a hidden `_csrf` field; the
 * guard refuses an unsafe request by cookie without it.
 */
export interface SessionContext {
  readonly sessionId: string;
  readonly userId: string;
  /** What the page shows as the signed-in person (their name, else their e-mail address). */
  readonly displayName: string;
  readonly csrfToken: string;
}

const sessions = new WeakMap<Request, SessionContext>();

export function setSession(request: Request, session: SessionContext): void {
  sessions.set(request, session);
}

/** The session of a request authenticated by cookie, or null (API key, or nobody). */
export function sessionOf(request: Request): SessionContext | null {
  return sessions.get(request) ?? null;
}

export function setPrincipal(request: Request, principal: Principal): void {
  principals.set(request, principal);
}

/** The authenticated caller, or null on a public route called without a key. */
export function principalOf(request: Request): Principal | null {
  return principals.get(request) ?? null;
}

export function requirePrincipal(request: Request): Principal {
  const principal = principalOf(request);
  if (principal === null)
    throw new ApiError(401, 'MISSING_CREDENTIALS', 'Send an API key: Authorization: Bearer <key>');
  return principal;
}

/** The envelope's actor: organisation and key from authentication, role from the permission used. */
export function actorFor(request: Request, permission: Permission): Actor {
  const principal = requirePrincipal(request);
  const role = actingRole(principal.organisation, permission);
  if (role === null) throw forbidden(permission);
  return { organisationId: principal.organisation.id, role, keyId: principal.keyId };
}

/** 403 FORBIDDEN; `field` names the part of the request that asks for more than the key allows. */
export function forbidden(permission: Permission, detail?: string, field?: string): ApiError {
  const message = detail ?? `Your organisation's roles do not allow ${permission}`;
  return new ApiError(
    403,
    'FORBIDDEN',
    message,
    field === undefined ? undefined : [{ field, code: 'FORBIDDEN', message }],
  );
}

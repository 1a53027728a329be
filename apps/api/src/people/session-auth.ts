import type { Request, Response } from 'express';
import {
  actorKeyIdOfUser,
  hashToken,
  secretsEqual,
  sessionIsLive,
  type AccessStore,
  type Principal,
  type SessionRecord,
  type SessionTimes,
  type UserRecord,
} from '#kierto/access';
import type { SessionContext } from '../access/principal.js';
import type { ApiConfig } from '../config.js';
import { ApiError } from '../http/api-error.js';
import { clearCookie, readCookie, SESSION_COOKIE } from './cookies.js';

/** The session lifetimes configured (KIERTO_SESSION_MAX_AGE_MINUTES, KIERTO_SESSION_IDLE_MINUTES). */
export function sessionTimesOf(config: ApiConfig): SessionTimes {
  return { maxAgeMinutes: config.sessionMaxAgeMinutes, idleMinutes: config.sessionIdleMinutes };
}

/** A request authenticated by its session cookie. */
export interface SignedInPerson {
  readonly principal: Principal;
  readonly session: SessionContext;
  readonly user: UserRecord;
}

/** A session's last-seen time is written at most this often: not one write per request. */
const TOUCH_EVERY_MS = 60_000;

/**
 * The person behind the session cookie, or null when there is none, or it names no live session of
 * a user who is still there. A cookie that no longer works is cleared, so the browser stops sending
 * it. The principal's roles are the user's, within what the organisation holds today; `keyId` is
 * `user:<id>`, which events record as the actor's key (docs/access.md).
 */
export async function authenticateSession(
  access: AccessStore,
  request: Request,
  response: Response,
  times: SessionTimes,
  now: Date,
): Promise<SignedInPerson | null> {
  const sessionId = readCookie(request, SESSION_COOKIE);
  if (sessionId === undefined) return null;
  const found = await liveSession(access, sessionId, times, now);
  if (found === null) {
    clearCookie(request, response, SESSION_COOKIE);
    return null;
  }
  const { session, user, organisation } = found;
  if (now.getTime() - Date.parse(session.lastSeenAt) >= TOUCH_EVERY_MS) {
    await access.touchSession(session.idHash, now.toISOString());
  }
  const roles = user.roles.filter((role) => organisation.roles.includes(role));
  return {
    user,
    principal: { organisation: { ...organisation, roles }, keyId: actorKeyIdOfUser(user.id) },
    session: {
      sessionId: session.idHash,
      userId: user.id,
      displayName: user.displayName === '' ? user.email : user.displayName,
      csrfToken: session.csrfToken,
    },
  };
}

async function liveSession(
  access: AccessStore,
  sessionId: string,
  times: SessionTimes,
  now: Date,
): Promise<{
  session: SessionRecord;
  user: UserRecord;
  organisation: NonNullable<Awaited<ReturnType<AccessStore['getOrganisation']>>>;
} | null> {
  // Only well-formed ids are looked up: anything else cannot be one Kierto gave out.
  if (!/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return null;
  const session = await access.getSession(hashToken(sessionId));
  if (session === null) return null;
  if (!sessionIsLive(session, times, now)) {
    await access.endSession(session.idHash);
    return null;
  }
  const user = await access.getUser(session.userId);
  if (user === null || user.removedAt !== null) return null;
  const organisation = await access.getOrganisation(user.organisationId);
  if (organisation === null) return null;
  return { session, user, organisation };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses an unsafe request by cookie that does not carry the session's CSRF token, in the
 * `X-CSRF-Token` header or the form field `_csrf` (403 CSRF_TOKEN_MISSING / CSRF_TOKEN_INVALID). The
 * field is taken out of the body once checked, so the route's own validation never sees it.
 */
export function checkCsrf(request: Request, session: SessionContext): void {
  if (SAFE_METHODS.has(request.method)) return;
  const body: unknown = request.body;
  const fromForm =
    typeof body === 'object' && body !== null && '_csrf' in body
      ? (body as Record<string, unknown>)['_csrf']
      : undefined;
  const given = request.header('x-csrf-token') ?? (typeof fromForm === 'string' ? fromForm : undefined);
  if (typeof body === 'object' && body !== null && '_csrf' in body) delete (body as Record<string, unknown>)['_csrf'];
  if (given === undefined || given === '') {
    const message = 'Send the CSRF token of your session (form field _csrf or header X-CSRF-Token)';
    throw new ApiError(403, 'CSRF_TOKEN_MISSING', message, [{ field: '_csrf', code: 'CSRF_TOKEN_MISSING', message }]);
  }
  if (!secretsEqual(given, session.csrfToken)) {
    const message = 'The CSRF token is not the one of your session; reload the page and try again';
    throw new ApiError(403, 'CSRF_TOKEN_INVALID', message, [{ field: '_csrf', code: 'CSRF_TOKEN_INVALID', message }]);
  }
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';
import type { AccessStore } from './access-store.js';
import type { Role } from './roles.js';

/**
 * People who sign in through the pages (docs/adr/0025-people-sign-in.md): users inside an
 * organisation, the invitations that let them set a password, and their sessions. API keys stay for
 * machines (api-keys.ts). Every secret handed to a browser or a mail (session id, invitation token)
 * is 32 random bytes and stored only as its SHA-256; passwords are stored as argon2id hashes.
 */
export interface UserRecord {
  /** Stable, opaque id, e.g. "u3f9a0c1d2e4b5a6f": what events name (`actor.keyId` = `user:<id>`). */
  readonly id: string;
  readonly organisationId: string;
  /** Lower-cased; unique among the users not removed, across organisations (it is the sign-in name). */
  readonly email: string;
  readonly displayName: string;
  /** A subset of the organisation's roles. */
  readonly roles: readonly Role[];
  /** argon2id hash (PHC string); null until the person accepts their invitation. */
  readonly passwordHash: string | null;
  readonly createdAt: string;
  readonly removedAt: string | null;
}

export interface InvitationRecord {
  /** SHA-256 of the token in the invitation link; the token itself is never stored. */
  readonly tokenHash: string;
  readonly userId: string;
  readonly organisationId: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly acceptedAt: string | null;
}

export interface SessionRecord {
  /** SHA-256 of the session id the cookie carries. */
  readonly idHash: string;
  readonly userId: string;
  /** Sent back in every form (`_csrf`) or `X-CSRF-Token`; useless without the session cookie. */
  readonly csrfToken: string;
  readonly createdAt: string;
  /** The absolute end of the session, whatever the activity. */
  readonly expiresAt: string;
  /** The last request seen (updated at most once a minute); the idle timeout counts from it. */
  readonly lastSeenAt: string;
}

/**
 * An organisation's own identity provider (OpenID Connect): its people may sign in there instead of
 * with a password. The ID token's verified e-mail address names the user: a user of this
 * organisation with that address, or, when `emailDomain` is set and the address is in it, a new user
 * with `roles` made at the first sign-in.
 */
export interface OidcProviderRecord {
  readonly organisationId: string;
  /** The issuer identifier; its discovery document is at `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  readonly clientId: string;
  /** Kept as given: the token request needs it (docs/adr/0025-people-sign-in.md). */
  readonly clientSecret: string;
  /** e.g. "example.org": addresses there become users at their first sign-in; null: known users only. */
  readonly emailDomain: string | null;
  /** The roles of users made at their first sign-in; a subset of the organisation's. */
  readonly roles: readonly Role[];
  readonly updatedAt: string;
}

export class UserExistsError extends Error {
  readonly code = 'USER_EXISTS';
  constructor(readonly email: string) {
    super(`A user with the e-mail address ${email} exists`);
  }
}

/** Shortest and longest password accepted (long passphrases welcome; the cap bounds hashing work). */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * argon2id at OWASP's smallest recommended cost (19 MiB, 2 passes, 1 lane): a sign-in stays well
 * under a second on a small machine while a stolen hash costs an attacker that memory per guess.
 * Computed in WebAssembly (hash-wasm), not a native addon: the prebuilt native binary of the
 * `argon2` package crashed Node 20 on Debian 12 (segmentation fault on the first hash), and a
 * from-source build would add a compiler step to every install (ADR 0025).
 */
const ARGON2_COST = { parallelism: 1, iterations: 2, memorySize: 19_456, hashLength: 32 } as const;
const SALT_BYTES = 16;

export function hashPassword(password: string): Promise<string> {
  return argon2id({ ...ARGON2_COST, password, salt: randomBytes(SALT_BYTES), outputType: 'encoded' });
}

export async function passwordMatches(password: string, hash: string): Promise<boolean> {
  try {
    return await argon2Verify({ password, hash });
  } catch {
    // A malformed stored hash is a mismatch, not a server error the caller could probe for.
    return false;
  }
}

/**
 * A hash to verify against when the e-mail address is unknown, so that an unknown address and a
 * wrong password take about the same time and answer alike.
 */
let decoyHash: Promise<string> | null = null;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return decoyHash;
}

export type PasswordProblem = 'PASSWORD_TOO_SHORT' | 'PASSWORD_TOO_LONG' | 'PASSWORD_IS_EMAIL';

/**
 * What is wrong with a new password, or null. Length is what matters (NIST SP 800-63B); no
 * composition rules. Counted in code points, so an emoji is one character as a person sees it.
 */
export function passwordProblem(password: string, email: string): PasswordProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return 'PASSWORD_TOO_SHORT';
  if (length > PASSWORD_MAX_LENGTH) return 'PASSWORD_TOO_LONG';
  const lower = password.trim().toLowerCase();
  if (lower === email.toLowerCase() || lower === email.toLowerCase().split('@')[0]) return 'PASSWORD_IS_EMAIL';
  return null;
}

/** A new secret for a cookie or a link: 32 random bytes, base64url (43 characters). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 (hex) of a session id or invitation token: what the store keeps and looks up by. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two secrets in constant time (for CSRF tokens); false when either is missing. */
export function secretsEqual(given: string | undefined | null, expected: string | undefined | null): boolean {
  if (typeof given !== 'string' || typeof expected !== 'string' || expected === '') return false;
  // Hashing first gives equal lengths, as timingSafeEqual needs, without revealing the expected one's.
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export function newUserId(): string {
  return `u${randomBytes(8).toString('hex')}`;
}

/** What the event envelope records as `actor.keyId` for a person (docs/access.md). */
export function actorKeyIdOfUser(userId: string): string {
  return `user:${userId}`;
}

/** A plausible e-mail address: one @, something on each side, no spaces; at most 254 characters. */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && /^[^\s@<>"]+@[^\s@<>"]+$/.test(value);
}

export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}

export interface SessionTimes {
  /** Absolute lifetime, minutes. */
  readonly maxAgeMinutes: number;
  /** Idle timeout, minutes. */
  readonly idleMinutes: number;
}

/** Whether a session is still good at `now`: before its absolute end and not idle too long. */
export function sessionIsLive(session: SessionRecord, times: SessionTimes, now: Date): boolean {
  const at = now.getTime();
  if (Date.parse(session.expiresAt) <= at) return false;
  return at - Date.parse(session.lastSeenAt) < times.idleMinutes * 60_000;
}

/** A new session for a user: its cookie value (shown to the browser once) and the record to store. */
export function openSession(
  userId: string,
  times: SessionTimes,
  now: Date,
): { readonly sessionId: string; readonly record: SessionRecord } {
  const sessionId = newSecret();
  return {
    sessionId,
    record: {
      idHash: hashToken(sessionId),
      userId,
      csrfToken: newSecret(),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + times.maxAgeMinutes * 60_000).toISOString(),
      lastSeenAt: now.toISOString(),
    },
  };
}

/** How long an invitation link works. */
export const INVITATION_DAYS = 7;

export interface NewInvitation {
  readonly user: UserRecord;
  /** The token of the link `/invitations/<token>`; shown once, only its hash is stored. */
  readonly token: string;
  readonly expiresAt: string;
}

/**
 * Invites a person into an organisation: creates the user (no password yet) and an invitation whose
 * link lets them set one. Roles must be a subset of the organisation's (checked by the caller, which
 * answers the field at fault). Throws UserExistsError for an address in use.
 */
export async function inviteUser(
  store: AccessStore,
  invitee: { organisationId: string; email: string; displayName: string; roles: readonly Role[] },
  now: Date,
): Promise<NewInvitation> {
  const user: UserRecord = {
    id: newUserId(),
    organisationId: invitee.organisationId,
    email: normaliseEmail(invitee.email),
    displayName: invitee.displayName.trim(),
    roles: [...invitee.roles],
    passwordHash: null,
    createdAt: now.toISOString(),
    removedAt: null,
  };
  await store.addUser(user);
  const { token, expiresAt } = await reinvite(store, user, now);
  return { user, token, expiresAt };
}

/** A further invitation link for an existing user (e.g. the quick start's admin after the first expired). */
export async function reinvite(
  store: AccessStore,
  user: UserRecord,
  now: Date,
): Promise<{ token: string; expiresAt: string }> {
  const token = newSecret();
  const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000).toISOString();
  await store.addInvitation({
    tokenHash: hashToken(token),
    userId: user.id,
    organisationId: user.organisationId,
    createdAt: now.toISOString(),
    expiresAt,
    acceptedAt: null,
  });
  return { token, expiresAt };
}

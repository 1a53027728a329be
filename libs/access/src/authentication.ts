import type { AccessStore, ApiKeyRecord, Organisation } from './access-store.js';
import { issueKey, parseToken, secretMatches } from './api-keys.js';
import { PERMISSIONS, type Permission, type Role } from './roles.js';

/** An authenticated caller: the organisation behind the key, and the key's public id. */
export interface Principal {
  readonly organisation: Organisation;
  readonly keyId: string;
}

export type AuthFailureCode =
  'MISSING_CREDENTIALS' | 'MALFORMED_CREDENTIALS' | 'UNKNOWN_KEY' | 'KEY_REVOKED' | 'KEY_EXPIRED';

export class AuthenticationError extends Error {
  constructor(
    readonly code: AuthFailureCode,
    message: string,
  ) {
    super(message);
  }
}

/** A key with its organisation as the store held them when they were looked up. */
export interface KnownKey {
  readonly key: ApiKeyRecord;
  readonly organisation: Organisation;
  readonly lookedUpAt: number;
}

/**
 * Keys looked up in the last `maxAgeMs`, so that a client's requests do not each ask the access
 * store again (two round trips on PostgreSQL, docs/adr/0035). What it holds may be stale by at most
 * `maxAgeMs`: a key revoked on another instance, or an organisation's changed roles, take effect
 * here that much later; a revocation through this process forgets the key at once (`forget`). The
 * secret is still checked against the stored hash on every request, the expiry against `now`.
 */
export class KeyCache {
  private readonly keys = new Map<string, KnownKey>();
  /**
   * Counts `forget` calls: a lookup that began before a revocation through this process must not
   * be remembered after it (it read the key as it was), so `remember` takes the count its lookup
   * began at and keeps nothing if a key was forgotten since.
   */
  private forgets = 0;

  constructor(
    readonly maxAgeMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  get(keyId: string, nowMs: number): KnownKey | null {
    const known = this.keys.get(keyId);
    if (known === undefined) return null;
    // A clock that went back counts as stale too: the bound holds whichever way it moved.
    const age = nowMs - known.lookedUpAt;
    if (age >= 0 && age < this.maxAgeMs) return known;
    this.keys.delete(keyId);
    return null;
  }

  /** What `remember` needs from before a lookup: see `forgets`. */
  get generation(): number {
    return this.forgets;
  }

  remember(key: ApiKeyRecord, organisation: Organisation, nowMs: number, generation = this.forgets): void {
    if (this.maxAgeMs <= 0 || generation !== this.forgets) return;
    // Bounded memory: when full, the oldest entry goes (a Map iterates in insertion order).
    if (this.keys.size >= this.maxKeys && !this.keys.has(key.keyId)) {
      const oldest = this.keys.keys().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    this.keys.delete(key.keyId);
    this.keys.set(key.keyId, { key, organisation, lookedUpAt: nowMs });
  }

  /** After a revocation (or any change to the key) through this process: the next request looks it up. */
  forget(keyId: string): void {
    this.forgets += 1;
    this.keys.delete(keyId);
  }
}

/** Checks `Authorization: Bearer kierto_…` against the stored key hashes. */
export async function authenticate(
  store: AccessStore,
  authorization: string | undefined,
  now: Date,
): Promise<Principal> {
  return (await authenticateWith(store, authorization, now, null)).principal;
}

/**
 * `authenticate` with a cache: a key looked up less than the cache's `maxAgeMs` ago is not looked
 * up again (`fromCache` then says so).
 */
export async function authenticateWith(
  store: AccessStore,
  authorization: string | undefined,
  now: Date,
  cache: KeyCache | null,
): Promise<{ readonly principal: Principal; readonly fromCache: boolean }> {
  if (authorization === undefined || authorization.trim() === '') {
    throw new AuthenticationError('MISSING_CREDENTIALS', 'Send an API key: Authorization: Bearer <key>');
  }
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  const parsed = match === null ? null : parseToken(match[1] ?? '');
  if (parsed === null) {
    throw new AuthenticationError(
      'MALFORMED_CREDENTIALS',
      'The Authorization header must be "Bearer kierto_<keyId>_<secret>"',
    );
  }
  const known = cache?.get(parsed.keyId, now.getTime()) ?? null;
  const generation = cache?.generation ?? 0;
  const key = known?.key ?? (await store.getKey(parsed.keyId));
  // Unknown key and wrong secret answer alike, so a key id alone reveals nothing.
  if (key === null || !secretMatches(parsed.secret, key.secretHash)) {
    throw new AuthenticationError('UNKNOWN_KEY', 'This API key is not valid');
  }
  if (key.revokedAt !== null) throw new AuthenticationError('KEY_REVOKED', `API key ${key.keyId} was revoked`);
  if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now.getTime()) {
    throw new AuthenticationError('KEY_EXPIRED', `API key ${key.keyId} expired at ${key.expiresAt}`);
  }
  const organisation = known?.organisation ?? (await store.getOrganisation(key.organisationId));
  if (organisation === null) throw new AuthenticationError('UNKNOWN_KEY', 'This API key is not valid');
  if (known === null) cache?.remember(key, organisation, now.getTime(), generation);
  return { principal: { organisation, keyId: key.keyId }, fromCache: known !== null };
}

/** The role in which the organisation acts for a permission (recorded as the actor's role), or null. */
export function actingRole(organisation: Organisation, permission: Permission): Role | null {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return organisation.roles.find((role) => allowed.includes(role)) ?? null;
}

export interface NewKey {
  readonly record: Omit<ApiKeyRecord, 'secretHash'>;
  /** The token, returned once to the caller and never stored. */
  readonly token: string;
}

export async function createKey(
  store: AccessStore,
  organisationId: string,
  options: { label: string; expiresAt: string | null; now: Date },
): Promise<NewKey> {
  const issued = issueKey();
  const record: ApiKeyRecord = {
    keyId: issued.keyId,
    organisationId,
    secretHash: issued.secretHash,
    label: options.label,
    createdAt: options.now.toISOString(),
    expiresAt: options.expiresAt,
    revokedAt: null,
  };
  await store.addKey(record);
  const { secretHash: _hidden, ...shown } = record;
  return { record: shown, token: issued.token };
}

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

/** Checks `Authorization: Bearer kierto_…` against the stored key hashes. */
export async function authenticate(
  store: AccessStore,
  authorization: string | undefined,
  now: Date,
): Promise<Principal> {
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
  const key = await store.getKey(parsed.keyId);
  // Unknown key and wrong secret answer alike, so a key id alone reveals nothing.
  if (key === null || !secretMatches(parsed.secret, key.secretHash)) {
    throw new AuthenticationError('UNKNOWN_KEY', 'This API key is not valid');
  }
  if (key.revokedAt !== null) throw new AuthenticationError('KEY_REVOKED', `API key ${key.keyId} was revoked`);
  if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now.getTime()) {
    throw new AuthenticationError('KEY_EXPIRED', `API key ${key.keyId} expired at ${key.expiresAt}`);
  }
  const organisation = await store.getOrganisation(key.organisationId);
  if (organisation === null) throw new AuthenticationError('UNKNOWN_KEY', 'This API key is not valid');
  return { organisation, keyId: key.keyId };
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

import type { InvitationRecord, OidcProviderRecord, SessionRecord, UserRecord } from './people.js';
import type { Role } from './roles.js';

export interface Organisation {
  /** Stable id, e.g. "producer-fi-0042"; a producer's id is the producerId of its events. */
  readonly id: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly createdAt: string;
}

export interface ApiKeyRecord {
  readonly keyId: string;
  readonly organisationId: string;
  /** SHA-256 of the secret part of the token (hex); the token itself is never stored. */
  readonly secretHash: string;
  readonly label: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

export class OrganisationExistsError extends Error {
  readonly code = 'ORGANISATION_EXISTS';
  constructor(readonly organisationId: string) {
    super(`Organisation ${organisationId} already exists`);
  }
}

/** Organisations and their API keys: plain tables beside the event store (docs/adr/0007). */
export interface AccessStore {
  /** 'sqlite' is the embedded store, where `npm start` may create a local admin (docs/access.md). */
  readonly kind: 'sqlite' | 'postgres';
  init(): Promise<void>;
  createOrganisation(organisation: Organisation): Promise<void>;
  getOrganisation(id: string): Promise<Organisation | null>;
  listOrganisations(): Promise<Organisation[]>;
  addKey(key: ApiKeyRecord): Promise<void>;
  getKey(keyId: string): Promise<ApiKeyRecord | null>;
  listKeys(organisationId: string): Promise<ApiKeyRecord[]>;
  /** Returns the key as revoked, or null when there is no such key of that organisation. */
  revokeKey(organisationId: string, keyId: string, at: string): Promise<ApiKeyRecord | null>;

  // People (docs/adr/0025-people-sign-in.md): users, their invitations and sessions.
  /** Throws UserExistsError when a user not removed already has the e-mail address. */
  addUser(user: UserRecord): Promise<void>;
  getUser(id: string): Promise<UserRecord | null>;
  /** The user not removed with this (lower-cased) e-mail address, or null. */
  findUserByEmail(email: string): Promise<UserRecord | null>;
  /** The organisation's users not removed, by e-mail address. */
  listUsers(organisationId: string): Promise<UserRecord[]>;
  /**
   * Marks the user removed and, in the same transaction, ends their sessions and drops their open
   * invitations. Null when the organisation has no such user (or it was removed already).
   */
  removeUser(organisationId: string, userId: string, at: string): Promise<UserRecord | null>;
  addInvitation(invitation: InvitationRecord): Promise<void>;
  getInvitation(tokenHash: string): Promise<InvitationRecord | null>;
  /**
   * Sets the password of the invited user and marks the invitation used, at once and only while it
   * is unused, unexpired at `at`, and its user not removed; null otherwise (nothing changes).
   */
  acceptInvitation(tokenHash: string, passwordHash: string, at: string): Promise<UserRecord | null>;
  addSession(session: SessionRecord): Promise<void>;
  getSession(idHash: string): Promise<SessionRecord | null>;
  touchSession(idHash: string, at: string): Promise<void>;
  endSession(idHash: string): Promise<void>;
  /** Deletes the sessions that ended (absolute end at or before `now`, or not seen since `idleSince`). */
  purgeSessions(now: string, idleSince: string): Promise<number>;
  /** Creates or replaces the organisation's OpenID Connect provider. */
  setOidcProvider(provider: OidcProviderRecord): Promise<void>;
  getOidcProvider(organisationId: string): Promise<OidcProviderRecord | null>;
  listOidcProviders(): Promise<OidcProviderRecord[]>;
  /** False when the organisation had none. */
  removeOidcProvider(organisationId: string): Promise<boolean>;
  close(): Promise<void>;
}

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
  close(): Promise<void>;
}

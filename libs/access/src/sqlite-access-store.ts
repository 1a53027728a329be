import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { OrganisationExistsError, type AccessStore, type ApiKeyRecord, type Organisation } from './access-store.js';
import {
  UserExistsError,
  type InvitationRecord,
  type OidcProviderRecord,
  type SessionRecord,
  type UserRecord,
} from './people.js';
import { isRole, type Role } from './roles.js';

interface OrganisationRow {
  id: string;
  name: string;
  roles: string;
  created_at: string;
}
interface UserRow {
  id: string;
  organisation_id: string;
  email: string;
  display_name: string;
  roles: string;
  password_hash: string | null;
  created_at: string;
  removed_at: string | null;
}
interface InvitationRow {
  token_hash: string;
  user_id: string;
  organisation_id: string;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
}
interface SessionRow {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}
interface OidcRow {
  organisation_id: string;
  issuer: string;
  client_id: string;
  client_secret: string;
  email_domain: string | null;
  roles: string;
  updated_at: string;
}
interface KeyRow {
  key_id: string;
  organisation_id: string;
  secret_hash: string;
  label: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export class SqliteAccessStore implements AccessStore {
  readonly kind = 'sqlite' as const;
  private db: Database.Database | null = null;

  constructor(private readonly file: string) {}

  init(): Promise<void> {
    if (this.file !== ':memory:') mkdirSync(dirname(this.file), { recursive: true });
    const db = new Database(this.file);
    db.pragma('busy_timeout = 10000');
    db.exec(`
      CREATE TABLE IF NOT EXISTS access_organisations (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, roles TEXT NOT NULL, created_at TEXT NOT NULL) STRICT;
      CREATE TABLE IF NOT EXISTS access_api_keys (
        key_id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL REFERENCES access_organisations(id),
        secret_hash TEXT NOT NULL, label TEXT NOT NULL, created_at TEXT NOT NULL,
        expires_at TEXT, revoked_at TEXT) STRICT;
      CREATE INDEX IF NOT EXISTS access_api_keys_by_organisation ON access_api_keys (organisation_id);
      ${PEOPLE_TABLES_SQL}
    `);
    this.db = db;
    return Promise.resolve();
  }

  createOrganisation(organisation: Organisation): Promise<void> {
    const result = this.open()
      .prepare(
        'INSERT INTO access_organisations (id, name, roles, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      )
      .run(organisation.id, organisation.name, JSON.stringify(organisation.roles), organisation.createdAt);
    if (result.changes === 0) return Promise.reject(new OrganisationExistsError(organisation.id));
    return Promise.resolve();
  }

  getOrganisation(id: string): Promise<Organisation | null> {
    const row = this.open()
      .prepare<[string], OrganisationRow>('SELECT * FROM access_organisations WHERE id = ?')
      .get(id);
    return Promise.resolve(row === undefined ? null : toOrganisation(row));
  }

  listOrganisations(): Promise<Organisation[]> {
    const rows = this.open().prepare<[], OrganisationRow>('SELECT * FROM access_organisations ORDER BY id').all();
    return Promise.resolve(rows.map(toOrganisation));
  }

  addKey(key: ApiKeyRecord): Promise<void> {
    this.open()
      .prepare(
        'INSERT INTO access_api_keys (key_id, organisation_id, secret_hash, label, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(key.keyId, key.organisationId, key.secretHash, key.label, key.createdAt, key.expiresAt, key.revokedAt);
    return Promise.resolve();
  }

  getKey(keyId: string): Promise<ApiKeyRecord | null> {
    const row = this.open().prepare<[string], KeyRow>('SELECT * FROM access_api_keys WHERE key_id = ?').get(keyId);
    return Promise.resolve(row === undefined ? null : toKey(row));
  }

  listKeys(organisationId: string): Promise<ApiKeyRecord[]> {
    const rows = this.open()
      .prepare<[string], KeyRow>('SELECT * FROM access_api_keys WHERE organisation_id = ? ORDER BY created_at, key_id')
      .all(organisationId);
    return Promise.resolve(rows.map(toKey));
  }

  revokeKey(organisationId: string, keyId: string, at: string): Promise<ApiKeyRecord | null> {
    const db = this.open();
    db.prepare(
      'UPDATE access_api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE key_id = ? AND organisation_id = ?',
    ).run(at, keyId, organisationId);
    const row = db
      .prepare<[string, string], KeyRow>('SELECT * FROM access_api_keys WHERE key_id = ? AND organisation_id = ?')
      .get(keyId, organisationId);
    return Promise.resolve(row === undefined ? null : toKey(row));
  }

  addUser(user: UserRecord): Promise<void> {
    const result = this.open()
      .prepare(
        `INSERT INTO access_users (id, organisation_id, email, display_name, roles, password_hash, created_at, removed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(...userParameters(user));
    if (result.changes === 0) return Promise.reject(new UserExistsError(user.email));
    return Promise.resolve();
  }

  getUser(id: string): Promise<UserRecord | null> {
    const row = this.open().prepare<[string], UserRow>('SELECT * FROM access_users WHERE id = ?').get(id);
    return Promise.resolve(row === undefined ? null : toUser(row));
  }

  findUserByEmail(email: string): Promise<UserRecord | null> {
    const row = this.open()
      .prepare<[string], UserRow>('SELECT * FROM access_users WHERE email = ? AND removed_at IS NULL')
      .get(email);
    return Promise.resolve(row === undefined ? null : toUser(row));
  }

  listUsers(organisationId: string): Promise<UserRecord[]> {
    const rows = this.open()
      .prepare<[string], UserRow>(
        'SELECT * FROM access_users WHERE organisation_id = ? AND removed_at IS NULL ORDER BY email',
      )
      .all(organisationId);
    return Promise.resolve(rows.map(toUser));
  }

  removeUser(organisationId: string, userId: string, at: string): Promise<UserRecord | null> {
    const db = this.open();
    const remove = db.transaction((): UserRow | undefined => {
      const changed = db
        .prepare('UPDATE access_users SET removed_at = ? WHERE id = ? AND organisation_id = ? AND removed_at IS NULL')
        .run(at, userId, organisationId);
      if (changed.changes === 0) return undefined;
      db.prepare('DELETE FROM access_sessions WHERE user_id = ?').run(userId);
      db.prepare('DELETE FROM access_invitations WHERE user_id = ? AND accepted_at IS NULL').run(userId);
      return db.prepare<[string], UserRow>('SELECT * FROM access_users WHERE id = ?').get(userId);
    });
    const row = remove.immediate();
    return Promise.resolve(row === undefined ? null : toUser(row));
  }

  addInvitation(invitation: InvitationRecord): Promise<void> {
    this.open()
      .prepare(
        `INSERT INTO access_invitations (token_hash, user_id, organisation_id, created_at, expires_at, accepted_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(...invitationParameters(invitation));
    return Promise.resolve();
  }

  getInvitation(tokenHash: string): Promise<InvitationRecord | null> {
    const row = this.open()
      .prepare<[string], InvitationRow>('SELECT * FROM access_invitations WHERE token_hash = ?')
      .get(tokenHash);
    return Promise.resolve(row === undefined ? null : toInvitation(row));
  }

  acceptInvitation(tokenHash: string, passwordHash: string, at: string): Promise<UserRecord | null> {
    const db = this.open();
    const accept = db.transaction((): UserRow | undefined => {
      const invitation = db
        .prepare<[string], InvitationRow>('SELECT * FROM access_invitations WHERE token_hash = ?')
        .get(tokenHash);
      if (invitation === undefined || invitation.accepted_at !== null || invitation.expires_at <= at) return undefined;
      const changed = db
        .prepare('UPDATE access_users SET password_hash = ? WHERE id = ? AND removed_at IS NULL')
        .run(passwordHash, invitation.user_id);
      if (changed.changes === 0) return undefined;
      db.prepare('UPDATE access_invitations SET accepted_at = ? WHERE token_hash = ?').run(at, tokenHash);
      return db.prepare<[string], UserRow>('SELECT * FROM access_users WHERE id = ?').get(invitation.user_id);
    });
    const row = accept.immediate();
    return Promise.resolve(row === undefined ? null : toUser(row));
  }

  addSession(session: SessionRecord): Promise<void> {
    this.open()
      .prepare(
        `INSERT INTO access_sessions (id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(session.idHash, session.userId, session.csrfToken, session.createdAt, session.expiresAt, session.lastSeenAt);
    return Promise.resolve();
  }

  getSession(idHash: string): Promise<SessionRecord | null> {
    const row = this.open()
      .prepare<[string], SessionRow>('SELECT * FROM access_sessions WHERE id_hash = ?')
      .get(idHash);
    return Promise.resolve(row === undefined ? null : toSession(row));
  }

  touchSession(idHash: string, at: string): Promise<void> {
    this.open()
      .prepare('UPDATE access_sessions SET last_seen_at = ? WHERE id_hash = ? AND last_seen_at < ?')
      .run(at, idHash, at);
    return Promise.resolve();
  }

  endSession(idHash: string): Promise<void> {
    this.open().prepare('DELETE FROM access_sessions WHERE id_hash = ?').run(idHash);
    return Promise.resolve();
  }

  purgeSessions(now: string, idleSince: string): Promise<number> {
    const result = this.open()
      .prepare('DELETE FROM access_sessions WHERE expires_at <= ? OR last_seen_at < ?')
      .run(now, idleSince);
    return Promise.resolve(result.changes);
  }

  setOidcProvider(provider: OidcProviderRecord): Promise<void> {
    this.open()
      .prepare(
        `INSERT INTO access_oidc_providers (organisation_id, issuer, client_id, client_secret, email_domain, roles, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (organisation_id) DO UPDATE SET issuer = excluded.issuer, client_id = excluded.client_id,
           client_secret = excluded.client_secret, email_domain = excluded.email_domain, roles = excluded.roles,
           updated_at = excluded.updated_at`,
      )
      .run(...oidcParameters(provider));
    return Promise.resolve();
  }

  getOidcProvider(organisationId: string): Promise<OidcProviderRecord | null> {
    const row = this.open()
      .prepare<[string], OidcRow>('SELECT * FROM access_oidc_providers WHERE organisation_id = ?')
      .get(organisationId);
    return Promise.resolve(row === undefined ? null : toOidcProvider(row));
  }

  listOidcProviders(): Promise<OidcProviderRecord[]> {
    const rows = this.open().prepare<[], OidcRow>('SELECT * FROM access_oidc_providers ORDER BY organisation_id').all();
    return Promise.resolve(rows.map(toOidcProvider));
  }

  removeOidcProvider(organisationId: string): Promise<boolean> {
    const result = this.open()
      .prepare('DELETE FROM access_oidc_providers WHERE organisation_id = ?')
      .run(organisationId);
    return Promise.resolve(result.changes > 0);
  }

  close(): Promise<void> {
    this.db?.close();
    this.db = null;
    return Promise.resolve();
  }

  private open(): Database.Database {
    if (this.db === null) throw new Error('SqliteAccessStore used before init() or after close()');
    return this.db;
  }
}

export function toOrganisation(row: {
  id: string;
  name: string;
  roles: string | string[];
  created_at: string | Date;
}): Organisation {
  const roles: unknown = typeof row.roles === 'string' ? JSON.parse(row.roles) : row.roles;
  const valid: Role[] = Array.isArray(roles)
    ? roles.filter((role): role is Role => typeof role === 'string' && isRole(role))
    : [];
  return { id: row.id, name: row.name, roles: valid, createdAt: String(row.created_at) };
}

/**
 * The people tables, the same text on SQLite and PostgreSQL (plain types, ISO-8601 text times as
 * the key tables). E-mail addresses are unique among the users not removed, so a removed person's
 * address can be invited again.
 */
export function peopleTablesSql(prefix = ''): string {
  return `
      CREATE TABLE IF NOT EXISTS ${prefix}access_users (
        id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL REFERENCES ${prefix}access_organisations(id),
        email TEXT NOT NULL, display_name TEXT NOT NULL, roles TEXT NOT NULL, password_hash TEXT,
        created_at TEXT NOT NULL, removed_at TEXT);
      CREATE UNIQUE INDEX IF NOT EXISTS access_users_live_email ON ${prefix}access_users (email) WHERE removed_at IS NULL;
      CREATE INDEX IF NOT EXISTS access_users_by_organisation ON ${prefix}access_users (organisation_id);
      CREATE TABLE IF NOT EXISTS ${prefix}access_invitations (
        token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES ${prefix}access_users(id),
        organisation_id TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL, accepted_at TEXT);
      CREATE INDEX IF NOT EXISTS access_invitations_by_user ON ${prefix}access_invitations (user_id);
      CREATE TABLE IF NOT EXISTS ${prefix}access_sessions (
        id_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES ${prefix}access_users(id),
        csrf_token TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL, last_seen_at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS access_sessions_by_user ON ${prefix}access_sessions (user_id);
      CREATE TABLE IF NOT EXISTS ${prefix}access_oidc_providers (
        organisation_id TEXT PRIMARY KEY REFERENCES ${prefix}access_organisations(id), issuer TEXT NOT NULL,
        client_id TEXT NOT NULL, client_secret TEXT NOT NULL, email_domain TEXT, roles TEXT NOT NULL,
        updated_at TEXT NOT NULL);`;
}

const PEOPLE_TABLES_SQL = peopleTablesSql();

/** The columns of access_users in table order, for both stores' inserts. */
export function userParameters(
  user: UserRecord,
): [string, string, string, string, string, string | null, string, string | null] {
  return [
    user.id,
    user.organisationId,
    user.email,
    user.displayName,
    JSON.stringify(user.roles),
    user.passwordHash,
    user.createdAt,
    user.removedAt,
  ];
}

export function toUser(row: UserRow): UserRecord {
  const roles: unknown = JSON.parse(row.roles);
  return {
    id: row.id,
    organisationId: row.organisation_id,
    email: row.email,
    displayName: row.display_name,
    roles: Array.isArray(roles) ? roles.filter((role): role is Role => typeof role === 'string' && isRole(role)) : [],
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    removedAt: row.removed_at,
  };
}

/** The columns of access_invitations in table order, for both stores' inserts. */
export function invitationParameters(
  invitation: InvitationRecord,
): [string, string, string, string, string, string | null] {
  return [
    invitation.tokenHash,
    invitation.userId,
    invitation.organisationId,
    invitation.createdAt,
    invitation.expiresAt,
    invitation.acceptedAt,
  ];
}

export function toInvitation(row: InvitationRow): InvitationRecord {
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    organisationId: row.organisation_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    acceptedAt: row.accepted_at,
  };
}

/** The columns of access_oidc_providers in table order, for both stores' upserts. */
export function oidcParameters(
  provider: OidcProviderRecord,
): [string, string, string, string, string | null, string, string] {
  return [
    provider.organisationId,
    provider.issuer,
    provider.clientId,
    provider.clientSecret,
    provider.emailDomain,
    JSON.stringify(provider.roles),
    provider.updatedAt,
  ];
}

export function toOidcProvider(row: OidcRow): OidcProviderRecord {
  const roles: unknown = JSON.parse(row.roles);
  return {
    organisationId: row.organisation_id,
    issuer: row.issuer,
    clientId: row.client_id,
    clientSecret: row.client_secret,
    emailDomain: row.email_domain,
    roles: Array.isArray(roles) ? roles.filter((role): role is Role => typeof role === 'string' && isRole(role)) : [],
    updatedAt: row.updated_at,
  };
}

export function toSession(row: SessionRow): SessionRecord {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at,
  };
}

export function toKey(row: KeyRow): ApiKeyRecord {
  return {
    keyId: row.key_id,
    organisationId: row.organisation_id,
    secretHash: row.secret_hash,
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

export type { InvitationRow, KeyRow, OidcRow, SessionRow, UserRow };

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { OrganisationExistsError, type AccessStore, type ApiKeyRecord, type Organisation } from './access-store.js';
import { isRole, type Role } from './roles.js';

interface OrganisationRow {
  id: string;
  name: string;
  roles: string;
  created_at: string;
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

export type { KeyRow };

import pg from 'pg';
import { OrganisationExistsError, type AccessStore, type ApiKeyRecord, type Organisation } from './access-store.js';
import { toKey, toOrganisation, type KeyRow } from './sqlite-access-store.js';

/** Same tables as SqliteAccessStore, in the configured schema of Kierto's PostgreSQL database. */
export class PostgresAccessStore implements AccessStore {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly table: { organisations: string; keys: string };

  constructor(
    connectionString: string,
    private readonly schema = 'kierto',
  ) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError(`Invalid schema name ${schema}`);
    this.pool = new pg.Pool({ connectionString, max: 2 });
    this.table = { organisations: `"${schema}".access_organisations`, keys: `"${schema}".access_api_keys` };
  }

  async init(): Promise<void> {
    await this.pool.query(`
      CREATE SCHEMA IF NOT EXISTS "${this.schema}";
      CREATE TABLE IF NOT EXISTS ${this.table.organisations} (
        id text PRIMARY KEY, name text NOT NULL, roles text NOT NULL, created_at text NOT NULL);
      CREATE TABLE IF NOT EXISTS ${this.table.keys} (
        key_id text PRIMARY KEY, organisation_id text NOT NULL REFERENCES ${this.table.organisations}(id),
        secret_hash text NOT NULL, label text NOT NULL, created_at text NOT NULL, expires_at text, revoked_at text);
      CREATE INDEX IF NOT EXISTS access_api_keys_by_organisation ON ${this.table.keys} (organisation_id);
    `);
  }

  async createOrganisation(organisation: Organisation): Promise<void> {
    const result = await this.pool.query(
      `INSERT INTO ${this.table.organisations} (id, name, roles, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
      [organisation.id, organisation.name, JSON.stringify(organisation.roles), organisation.createdAt],
    );
    if (result.rowCount === 0) throw new OrganisationExistsError(organisation.id);
  }

  async getOrganisation(id: string): Promise<Organisation | null> {
    const { rows } = await this.pool.query<{ id: string; name: string; roles: string; created_at: string }>(
      `SELECT * FROM ${this.table.organisations} WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    return row === undefined ? null : toOrganisation(row);
  }

  async listOrganisations(): Promise<Organisation[]> {
    const { rows } = await this.pool.query<{ id: string; name: string; roles: string; created_at: string }>(
      `SELECT * FROM ${this.table.organisations} ORDER BY id`,
    );
    return rows.map(toOrganisation);
  }

  async addKey(key: ApiKeyRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table.keys} (key_id, organisation_id, secret_hash, label, created_at, expires_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [key.keyId, key.organisationId, key.secretHash, key.label, key.createdAt, key.expiresAt, key.revokedAt],
    );
  }

  async getKey(keyId: string): Promise<ApiKeyRecord | null> {
    const { rows } = await this.pool.query<KeyRow>(`SELECT * FROM ${this.table.keys} WHERE key_id = $1`, [keyId]);
    const row = rows[0];
    return row === undefined ? null : toKey(row);
  }

  async listKeys(organisationId: string): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query<KeyRow>(
      `SELECT * FROM ${this.table.keys} WHERE organisation_id = $1 ORDER BY created_at, key_id`,
      [organisationId],
    );
    return rows.map(toKey);
  }

  async revokeKey(organisationId: string, keyId: string, at: string): Promise<ApiKeyRecord | null> {
    const { rows } = await this.pool.query<KeyRow>(
      `UPDATE ${this.table.keys} SET revoked_at = COALESCE(revoked_at, $1)
       WHERE key_id = $2 AND organisation_id = $3 RETURNING *`,
      [at, keyId, organisationId],
    );
    const row = rows[0];
    return row === undefined ? null : toKey(row);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

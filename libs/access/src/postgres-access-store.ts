import pg from 'pg';
import { OrganisationExistsError, type AccessStore, type ApiKeyRecord, type Organisation } from './access-store.js';
import {
  UserExistsError,
  type InvitationRecord,
  type OidcProviderRecord,
  type SessionRecord,
  type UserRecord,
} from './people.js';
import {
  invitationParameters,
  oidcParameters,
  peopleTablesSql,
  toOidcProvider,
  toInvitation,
  toKey,
  toOrganisation,
  toSession,
  toUser,
  userParameters,
  type InvitationRow,
  type KeyRow,
  type OidcRow,
  type SessionRow,
  type UserRow,
} from './sqlite-access-store.js';

/** Same tables as SqliteAccessStore, in the configured schema of Kierto's PostgreSQL database. */
export class PostgresAccessStore implements AccessStore {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly table: {
    organisations: string;
    keys: string;
    users: string;
    invitations: string;
    sessions: string;
    oidc: string;
  };

  constructor(
    connectionString: string,
    private readonly schema = 'kierto',
  ) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new RangeError(`Invalid schema name ${schema}`);
    this.pool = new pg.Pool({ connectionString, max: 2 });
    this.table = {
      organisations: `"${schema}".access_organisations`,
      keys: `"${schema}".access_api_keys`,
      users: `"${schema}".access_users`,
      invitations: `"${schema}".access_invitations`,
      sessions: `"${schema}".access_sessions`,
      oidc: `"${schema}".access_oidc_providers`,
    };
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
      ${peopleTablesSql(`"${this.schema}".`)}
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

  async addUser(user: UserRecord): Promise<void> {
    const result = await this.pool.query(
      `INSERT INTO ${this.table.users} (id, organisation_id, email, display_name, roles, password_hash, created_at, removed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
      userParameters(user),
    );
    if (result.rowCount === 0) throw new UserExistsError(user.email);
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const { rows } = await this.pool.query<UserRow>(`SELECT * FROM ${this.table.users} WHERE id = $1`, [id]);
    const row = rows[0];
    return row === undefined ? null : toUser(row);
  }

  async findUserByEmail(email: string): Promise<UserRecord | null> {
    const { rows } = await this.pool.query<UserRow>(
      `SELECT * FROM ${this.table.users} WHERE email = $1 AND removed_at IS NULL`,
      [email],
    );
    const row = rows[0];
    return row === undefined ? null : toUser(row);
  }

  async listUsers(organisationId: string): Promise<UserRecord[]> {
    const { rows } = await this.pool.query<UserRow>(
      `SELECT * FROM ${this.table.users} WHERE organisation_id = $1 AND removed_at IS NULL ORDER BY email`,
      [organisationId],
    );
    return rows.map(toUser);
  }

  async removeUser(organisationId: string, userId: string, at: string): Promise<UserRecord | null> {
    return this.inTransaction(async (client) => {
      const { rows } = await client.query<UserRow>(
        `UPDATE ${this.table.users} SET removed_at = $1
         WHERE id = $2 AND organisation_id = $3 AND removed_at IS NULL RETURNING *`,
        [at, userId, organisationId],
      );
      const row = rows[0];
      if (row === undefined) return null;
      await client.query(`DELETE FROM ${this.table.sessions} WHERE user_id = $1`, [userId]);
      await client.query(`DELETE FROM ${this.table.invitations} WHERE user_id = $1 AND accepted_at IS NULL`, [userId]);
      return toUser(row);
    });
  }

  async addInvitation(invitation: InvitationRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table.invitations} (token_hash, user_id, organisation_id, created_at, expires_at, accepted_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      invitationParameters(invitation),
    );
  }

  async getInvitation(tokenHash: string): Promise<InvitationRecord | null> {
    const { rows } = await this.pool.query<InvitationRow>(
      `SELECT * FROM ${this.table.invitations} WHERE token_hash = $1`,
      [tokenHash],
    );
    const row = rows[0];
    return row === undefined ? null : toInvitation(row);
  }

  async acceptInvitation(tokenHash: string, passwordHash: string, at: string): Promise<UserRecord | null> {
    return this.inTransaction(async (client) => {
      // Claims the invitation first: of two concurrent acceptances, the second finds it used.
      const claimed = await client.query<InvitationRow>(
        `UPDATE ${this.table.invitations} SET accepted_at = $2
         WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2 RETURNING *`,
        [tokenHash, at],
      );
      const invitation = claimed.rows[0];
      if (invitation === undefined) return null;
      const { rows } = await client.query<UserRow>(
        `UPDATE ${this.table.users} SET password_hash = $1 WHERE id = $2 AND removed_at IS NULL RETURNING *`,
        [passwordHash, invitation.user_id],
      );
      const row = rows[0];
      if (row === undefined) throw new RollBack();
      return toUser(row);
    }).catch((error: unknown) => {
      if (error instanceof RollBack) return null;
      throw error;
    });
  }

  async addSession(session: SessionRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table.sessions} (id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [session.idHash, session.userId, session.csrfToken, session.createdAt, session.expiresAt, session.lastSeenAt],
    );
  }

  async getSession(idHash: string): Promise<SessionRecord | null> {
    const { rows } = await this.pool.query<SessionRow>(`SELECT * FROM ${this.table.sessions} WHERE id_hash = $1`, [
      idHash,
    ]);
    const row = rows[0];
    return row === undefined ? null : toSession(row);
  }

  async touchSession(idHash: string, at: string): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.table.sessions} SET last_seen_at = $2 WHERE id_hash = $1 AND last_seen_at < $2`,
      [idHash, at],
    );
  }

  async endSession(idHash: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table.sessions} WHERE id_hash = $1`, [idHash]);
  }

  async purgeSessions(now: string, idleSince: string): Promise<number> {
    const result = await this.pool.query(
      `DELETE FROM ${this.table.sessions} WHERE expires_at <= $1 OR last_seen_at < $2`,
      [now, idleSince],
    );
    return result.rowCount ?? 0;
  }

  async setOidcProvider(provider: OidcProviderRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table.oidc} (organisation_id, issuer, client_id, client_secret, email_domain, roles, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (organisation_id) DO UPDATE SET issuer = excluded.issuer, client_id = excluded.client_id,
         client_secret = excluded.client_secret, email_domain = excluded.email_domain, roles = excluded.roles,
         updated_at = excluded.updated_at`,
      oidcParameters(provider),
    );
  }

  async getOidcProvider(organisationId: string): Promise<OidcProviderRecord | null> {
    const { rows } = await this.pool.query<OidcRow>(`SELECT * FROM ${this.table.oidc} WHERE organisation_id = $1`, [
      organisationId,
    ]);
    const row = rows[0];
    return row === undefined ? null : toOidcProvider(row);
  }

  async listOidcProviders(): Promise<OidcProviderRecord[]> {
    const { rows } = await this.pool.query<OidcRow>(`SELECT * FROM ${this.table.oidc} ORDER BY organisation_id`);
    return rows.map(toOidcProvider);
  }

  async removeOidcProvider(organisationId: string): Promise<boolean> {
    const result = await this.pool.query(`DELETE FROM ${this.table.oidc} WHERE organisation_id = $1`, [organisationId]);
    return (result.rowCount ?? 0) > 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

/** Thrown inside a transaction to undo it and answer "nothing changed". */
class RollBack extends Error {}

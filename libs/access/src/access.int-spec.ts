import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import type { AccessStore } from './access-store.js';
import { OrganisationExistsError } from './access-store.js';
import { hashSecret, issueKey, parseToken } from './api-keys.js';
import { actingRole, authenticate, AuthenticationError, createKey } from './authentication.js';
import { hashToken, inviteUser, openSession, reinvite, UserExistsError } from './people.js';
import { PostgresAccessStore } from './postgres-access-store.js';
import { hasPermission, PERMISSIONS, ROLES } from './roles.js';
import { SqliteAccessStore } from './sqlite-access-store.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const producer = { id: 'producer-1', name: 'Producer One', roles: ['producer'] as const, createdAt: NOW.toISOString() };

async function expectAuthFailure(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(AuthenticationError);
  await expect(promise).rejects.toMatchObject({ code });
}

function accessStoreContract(name: string, open: () => Promise<{ store: AccessStore; cleanup: () => Promise<void> }>) {
  describe(`${name} access store`, () => {
    let store: AccessStore;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ store, cleanup } = await open());
      await store.createOrganisation({ ...producer, roles: [...producer.roles] });
    });
    afterAll(async () => {
      await cleanup();
    });

    it('stores organisations and refuses a second one with the same id', async () => {
      expect(await store.getOrganisation('producer-1')).toEqual({ ...producer, roles: ['producer'] });
      await expect(store.createOrganisation({ ...producer, roles: ['collector'] })).rejects.toBeInstanceOf(
        OrganisationExistsError,
      );
      expect((await store.getOrganisation('producer-1'))?.roles).toEqual(['producer']);
      expect(await store.getOrganisation('nobody')).toBeNull();
    });

    it('keeps only the hash of a key, and authenticates the token', async () => {
      const { token, record } = await createKey(store, 'producer-1', { label: 'ci', expiresAt: null, now: NOW });
      const stored = await store.getKey(record.keyId);
      expect(stored?.secretHash).not.toContain(parseToken(token)?.secret);
      expect(JSON.stringify(stored)).not.toContain(token);
      const principal = await authenticate(store, `Bearer ${token}`, NOW);
      expect(principal).toEqual({ organisation: { ...producer, roles: ['producer'] }, keyId: record.keyId });
      expect((await store.listKeys('producer-1')).map((key) => key.keyId)).toContain(record.keyId);
    });

    it('refuses missing, malformed, unknown, revoked and expired keys', async () => {
      await expectAuthFailure(authenticate(store, undefined, NOW), 'MISSING_CREDENTIALS');
      await expectAuthFailure(authenticate(store, 'Basic abc', NOW), 'MALFORMED_CREDENTIALS');
      await expectAuthFailure(authenticate(store, 'Bearer kierto_nope', NOW), 'MALFORMED_CREDENTIALS');
      await expectAuthFailure(authenticate(store, `Bearer ${issueKey().token}`, NOW), 'UNKNOWN_KEY');

      const { token, record } = await createKey(store, 'producer-1', { label: 'to revoke', expiresAt: null, now: NOW });
      const wrongSecret = `kierto_${record.keyId}_${parseToken(issueKey().token)?.secret ?? ''}`;
      await expectAuthFailure(authenticate(store, `Bearer ${wrongSecret}`, NOW), 'UNKNOWN_KEY');
      const revoked = await store.revokeKey('producer-1', record.keyId, NOW.toISOString());
      expect(revoked?.revokedAt).toBe(NOW.toISOString());
      await expectAuthFailure(authenticate(store, `Bearer ${token}`, NOW), 'KEY_REVOKED');
      expect(await store.revokeKey('someone-else', record.keyId, NOW.toISOString())).toBeNull();

      const expiring = await createKey(store, 'producer-1', {
        label: 'short',
        expiresAt: '2026-06-01T12:00:01Z',
        now: NOW,
      });
      await expect(authenticate(store, `Bearer ${expiring.token}`, NOW)).resolves.toMatchObject({
        keyId: expiring.record.keyId,
      });
      await expectAuthFailure(
        authenticate(store, `Bearer ${expiring.token}`, new Date('2026-06-01T12:00:01Z')),
        'KEY_EXPIRED',
      );
    });

    it('keeps people: one live user per e-mail address, invitations used once, sessions by hash', async () => {
      const invited = await inviteUser(
        store,
        { organisationId: 'producer-1', email: ' Maija@Producer.test ', displayName: ' Maija ', roles: ['producer'] },
        NOW,
      );
      expect(invited.user).toMatchObject({ email: 'maija@producer.test', displayName: 'Maija', passwordHash: null });
      expect(await store.getUser(invited.user.id)).toEqual(invited.user);
      expect(await store.findUserByEmail('maija@producer.test')).toEqual(invited.user);
      await expect(
        inviteUser(
          store,
          { organisationId: 'producer-1', email: 'maija@producer.test', displayName: 'M', roles: [] },
          NOW,
        ),
      ).rejects.toBeInstanceOf(UserExistsError);
      expect((await store.listUsers('producer-1')).map((user) => user.id)).toEqual([invited.user.id]);

      const stored = await store.getInvitation(hashToken(invited.token));
      expect(stored).toMatchObject({ userId: invited.user.id, acceptedAt: null, expiresAt: invited.expiresAt });
      expect(JSON.stringify(stored)).not.toContain(invited.token);
      const later = new Date(Date.parse(invited.expiresAt) + 1).toISOString();
      expect(await store.acceptInvitation(hashToken(invited.token), 'hash-1', later)).toBeNull();
      const accepted = await store.acceptInvitation(hashToken(invited.token), 'hash-1', NOW.toISOString());
      expect(accepted?.passwordHash).toBe('hash-1');
      expect(await store.acceptInvitation(hashToken(invited.token), 'hash-2', NOW.toISOString())).toBeNull();
      expect((await store.getUser(invited.user.id))?.passwordHash).toBe('hash-1');

      const { sessionId, record } = openSession(invited.user.id, { maxAgeMinutes: 60, idleMinutes: 30 }, NOW);
      await store.addSession(record);
      expect(await store.getSession(hashToken(sessionId))).toEqual(record);
      expect(JSON.stringify(await store.getSession(record.idHash))).not.toContain(sessionId);
      const seen = new Date(NOW.getTime() + 120_000).toISOString();
      await store.touchSession(record.idHash, seen);
      await store.touchSession(record.idHash, NOW.toISOString());
      expect((await store.getSession(record.idHash))?.lastSeenAt).toBe(seen);
      await store.endSession(record.idHash);
      expect(await store.getSession(record.idHash)).toBeNull();

      // Purged: ended by its absolute end, or idle since before the cut; a live one stays.
      const at = (minutes: number): Date => new Date(NOW.getTime() + minutes * 60_000);
      const times = { maxAgeMinutes: 60, idleMinutes: 30 };
      const ended = openSession(invited.user.id, times, at(-120)).record;
      const idle = openSession(invited.user.id, { ...times, maxAgeMinutes: 600 }, at(-45)).record;
      const live = openSession(invited.user.id, times, at(-10)).record;
      for (const each of [ended, idle, live]) await store.addSession(each);
      expect(await store.purgeSessions(NOW.toISOString(), at(-30).toISOString())).toBe(2);
      expect(await store.getSession(ended.idHash)).toBeNull();
      expect(await store.getSession(idle.idHash)).toBeNull();
      expect(await store.getSession(live.idHash)).toEqual(live);
    });

    it("keeps an organisation's OpenID provider, replaced by the next one, and removes it", async () => {
      const provider = {
        organisationId: 'producer-1',
        issuer: 'https://login.producer.test',
        clientId: 'kierto',
        clientSecret: 'secret-1',
        emailDomain: 'producer.test',
        roles: ['producer'] as const,
        updatedAt: NOW.toISOString(),
      };
      await store.setOidcProvider({ ...provider, roles: [...provider.roles] });
      expect(await store.getOidcProvider('producer-1')).toEqual({ ...provider, roles: ['producer'] });
      await store.setOidcProvider({ ...provider, clientSecret: 'secret-2', emailDomain: null, roles: [] });
      expect(await store.getOidcProvider('producer-1')).toMatchObject({ clientSecret: 'secret-2', emailDomain: null });
      expect((await store.listOidcProviders()).map((each) => each.organisationId)).toEqual(['producer-1']);
      expect(await store.removeOidcProvider('producer-1')).toBe(true);
      expect(await store.removeOidcProvider('producer-1')).toBe(false);
      expect(await store.getOidcProvider('producer-1')).toBeNull();
    });

    it('removes a user with their sessions and open invitations, and frees the address', async () => {
      const invited = await inviteUser(
        store,
        { organisationId: 'producer-1', email: 'leaving@producer.test', displayName: 'Leaving', roles: ['producer'] },
        NOW,
      );
      const second = await reinvite(store, invited.user, NOW);
      const { record } = openSession(invited.user.id, { maxAgeMinutes: 60, idleMinutes: 30 }, NOW);
      await store.addSession(record);
      expect(await store.removeUser('someone-else', invited.user.id, NOW.toISOString())).toBeNull();
      expect(await store.getSession(record.idHash)).not.toBeNull();
      const removed = await store.removeUser('producer-1', invited.user.id, NOW.toISOString());
      expect(removed?.removedAt).toBe(NOW.toISOString());
      expect(await store.getSession(record.idHash)).toBeNull();
      expect(await store.getInvitation(hashToken(invited.token))).toBeNull();
      expect(await store.getInvitation(hashToken(second.token))).toBeNull();
      expect(await store.findUserByEmail('leaving@producer.test')).toBeNull();
      expect(await store.removeUser('producer-1', invited.user.id, NOW.toISOString())).toBeNull();
      const back = await inviteUser(
        store,
        { organisationId: 'producer-1', email: 'leaving@producer.test', displayName: 'Back', roles: ['producer'] },
        NOW,
      );
      expect(back.user.id).not.toBe(invited.user.id);
      expect((await store.listUsers('producer-1')).map((user) => user.email)).toContain('leaving@producer.test');
    });
  });
}

accessStoreContract('SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kierto-access-'));
  const store = new SqliteAccessStore(join(dir, 'kierto.sqlite'));
  return store.init().then(() => ({
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  }));
});

describeIfPostgres('PostgreSQL', () => {
  const schema = createTestSchema('kierto_access');
  accessStoreContract('PostgreSQL', async () => {
    const store = new PostgresAccessStore(postgres.url, schema);
    await store.init();
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropTestSchema(schema);
      },
    };
  });
});

describe('API key tokens', () => {
  it('have a public key id and a 256-bit secret, and parse back', () => {
    const { token, keyId, secretHash } = issueKey();
    const parsed = parseToken(token);
    expect(parsed?.keyId).toBe(keyId);
    expect(Buffer.from(parsed?.secret ?? '', 'base64url')).toHaveLength(32);
    expect(hashSecret(parsed?.secret ?? '')).toBe(secretHash);
    expect(issueKey().token).not.toBe(token);
  });
});

describe('the permission table', () => {
  it('names only known roles', () => {
    for (const roles of Object.values(PERMISSIONS)) for (const role of roles) expect(ROLES).toContain(role);
  });

  it('lets auditors read everything and write nothing', () => {
    const writes = Object.keys(PERMISSIONS).filter(
      (permission) => permission.startsWith('device:') && !permission.includes('read'),
    );
    for (const permission of writes)
      expect(hasPermission(['auditor'], permission as keyof typeof PERMISSIONS)).toBe(false);
    expect(hasPermission(['auditor'], 'audit:read')).toBe(true);
    expect(hasPermission(['auditor'], 'passport:read-authority')).toBe(true);
  });

  it('records the role an organisation acts in', () => {
    const both = { ...producer, roles: ['repairer', 'refurbisher'] as const };
    expect(actingRole({ ...both, roles: [...both.roles] }, 'device:wipe')).toBe('refurbisher');
    expect(actingRole({ ...both, roles: [...both.roles] }, 'device:repair')).toBe('repairer');
    expect(actingRole({ ...both, roles: [...both.roles] }, 'device:recycle')).toBeNull();
  });
});

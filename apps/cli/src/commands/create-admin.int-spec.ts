import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { authenticate, PostgresAccessStore, SqliteAccessStore } from '#kierto/access';
import { createTestSchema, describeIfPostgres, dropTestSchema, postgres } from '#kierto/event-store/testing/postgres';
import { cli } from './testing/audit-cli.js';

describe('kierto create-admin', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kierto-create-admin-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const withAccess = async <T>(work: (access: SqliteAccessStore) => Promise<T>): Promise<T> => {
    const access = new SqliteAccessStore(join(dir, 'access.sqlite'));
    await access.init();
    try {
      return await work(access);
    } finally {
      await access.close();
    }
  };

  it('creates the admin organisation and prints a key once, on stdout alone, that authenticates as admin', async () => {
    const run = await cli(['create-admin', '--organisation', 'ops', '--name', 'Operations'], { KIERTO_DATA_DIR: dir });
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^kierto_k[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    expect(run.err).toContain('created admin organisation ops');
    expect(run.err).not.toContain(run.out);
    await withAccess(async (access) => {
      const principal = await authenticate(access, `Bearer ${run.out}`, new Date());
      expect(principal.organisation).toMatchObject({ id: 'ops', name: 'Operations', roles: ['admin'] });
    });
    const again = await cli(['create-admin', '--organisation', 'ops'], { KIERTO_DATA_DIR: dir });
    expect(again.code).toBe(0);
    expect(again.err).toContain('found admin organisation ops');
    expect(again.out).not.toBe(run.out);
    await withAccess(async (access) => expect(await access.listKeys('ops')).toHaveLength(2));
  });

  it('refuses an organisation that exists without the admin role, and a missing or malformed id', async () => {
    await withAccess((access) =>
      access.createOrganisation({ id: 'shop', name: 'Shop', roles: ['repairer'], createdAt: new Date().toISOString() }),
    );
    const refused = await cli(['create-admin', '--organisation', 'shop'], { KIERTO_DATA_DIR: dir });
    expect({ code: refused.code, out: refused.out }).toEqual({ code: 1, out: '' });
    expect(refused.err).toContain('organisation shop exists without the admin role');
    await withAccess(async (access) => expect(await access.listKeys('shop')).toEqual([]));
    expect((await cli(['create-admin'], { KIERTO_DATA_DIR: dir })).code).toBe(2);
    expect((await cli(['create-admin', '--organisation', 'Not An Id'], { KIERTO_DATA_DIR: dir })).code).toBe(2);
  });
});

describeIfPostgres('kierto create-admin on PostgreSQL', () => {
  it('creates the first admin in the configured schema', async () => {
    const schema = createTestSchema('kierto_cli_admin');
    try {
      const run = await cli(['create-admin', '--organisation', 'ops'], {
        DATABASE_URL: postgres.url,
        DATABASE_SCHEMA: schema,
      });
      expect(run.code).toBe(0);
      const access = new PostgresAccessStore(postgres.url, schema);
      try {
        expect((await authenticate(access, `Bearer ${run.out}`, new Date())).organisation.roles).toEqual(['admin']);
      } finally {
        await access.close();
      }
    } finally {
      await dropTestSchema(schema);
    }
  });
});

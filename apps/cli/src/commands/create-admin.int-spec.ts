import { describe, expect, it } from '@jest/globals';
import { authenticate } from '#kierto/access';
import { describeIfPostgres, postgres } from '#kierto/event-store/testing/postgres';
import { DataDirPerTest, withPostgresAccess, withTestSchema } from '../../../../test/support/access-stores.js';
import { cli } from './testing/audit-cli.js';

describe('kierto create-admin', () => {
  const data = new DataDirPerTest('kierto-create-admin-');

  it('creates the admin organisation and prints a key once, on stdout alone, that authenticates as admin', async () => {
    const run = await cli(['create-admin', '--organisation', 'ops', '--name', 'Operations'], {
      KIERTO_DATA_DIR: data.dir,
    });
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^kierto_k[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    expect(run.err).toContain('created admin organisation ops');
    expect(run.err).not.toContain(run.out);
    await data.withAccess(async (access) => {
      const principal = await authenticate(access, `Bearer ${run.out}`, new Date());
      expect(principal.organisation).toMatchObject({ id: 'ops', name: 'Operations', roles: ['admin'] });
    });
    const again = await cli(['create-admin', '--organisation', 'ops'], { KIERTO_DATA_DIR: data.dir });
    expect(again.code).toBe(0);
    expect(again.err).toContain('found admin organisation ops');
    expect(again.out).not.toBe(run.out);
    await data.withAccess(async (access) => expect(await access.listKeys('ops')).toHaveLength(2));
  });

  it('refuses an organisation that exists without the admin role, and a missing or malformed id', async () => {
    await data.withAccess((access) =>
      access.createOrganisation({ id: 'shop', name: 'Shop', roles: ['repairer'], createdAt: new Date().toISOString() }),
    );
    const refused = await cli(['create-admin', '--organisation', 'shop'], { KIERTO_DATA_DIR: data.dir });
    expect({ code: refused.code, out: refused.out }).toEqual({ code: 1, out: '' });
    expect(refused.err).toContain('organisation shop exists without the admin role');
    await data.withAccess(async (access) => expect(await access.listKeys('shop')).toEqual([]));
    expect((await cli(['create-admin'], { KIERTO_DATA_DIR: data.dir })).code).toBe(2);
    expect((await cli(['create-admin', '--organisation', 'Not An Id'], { KIERTO_DATA_DIR: data.dir })).code).toBe(2);
  });
});

describeIfPostgres('kierto create-admin on PostgreSQL', () => {
  it('creates the first admin in the configured schema', async () => {
    await withTestSchema('kierto_cli_admin', async (schema) => {
      const run = await cli(['create-admin', '--organisation', 'ops'], {
        DATABASE_URL: postgres.url,
        DATABASE_SCHEMA: schema,
      });
      expect(run.code).toBe(0);
      await withPostgresAccess(schema, async (access) => {
        expect((await authenticate(access, `Bearer ${run.out}`, new Date())).organisation.roles).toEqual(['admin']);
      });
    });
  });
});

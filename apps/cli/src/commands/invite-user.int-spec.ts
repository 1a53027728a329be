import { describe, expect, it } from '@jest/globals';
import { hashToken, type AccessStore } from '#kierto/access';
import { describeIfPostgres, postgres } from '#kierto/event-store/testing/postgres';
import { DataDirPerTest, withPostgresAccess, withTestSchema } from '../../../../test/support/access-stores.js';
import { cli } from './testing/audit-cli.js';

const TOKEN_PATH = /\/invitations\/([A-Za-z0-9_-]{43})$/;

async function invitationOf(access: AccessStore, link: string) {
  const token = TOKEN_PATH.exec(link)?.[1];
  if (token === undefined) throw new Error(`no invitation token in ${link}`);
  return access.getInvitation(hashToken(token));
}

describe('kierto invite-user', () => {
  const data = new DataDirPerTest('kierto-invite-user-');

  it('adds a person to an organisation with its roles and prints the invitation link once, on stdout alone', async () => {
    expect((await cli(['create-admin', '--organisation', 'ops'], { KIERTO_DATA_DIR: data.dir })).code).toBe(0);
    const run = await cli(['invite-user', '--organisation', 'ops', '--email', 'Maija@Example.org', '--name', 'Maija'], {
      KIERTO_DATA_DIR: data.dir,
      KIERTO_PUBLIC_URL: 'https://dpp.example.org/',
    });
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^https:\/\/dpp\.example\.org\/invitations\/[A-Za-z0-9_-]{43}$/);
    expect(run.err).toContain('invited maija@example.org into ops as admin');
    expect(run.err).not.toContain(run.out);
    await data.withAccess(async (access) => {
      const user = await access.findUserByEmail('maija@example.org');
      expect(user).toMatchObject({ organisationId: 'ops', displayName: 'Maija', roles: ['admin'], passwordHash: null });
      expect(await invitationOf(access, run.out)).toMatchObject({ userId: user?.id, acceptedAt: null });
    });
    const withoutUrl = await cli(['invite-user', '--organisation', 'ops', '--email', 'b@example.org'], {
      KIERTO_DATA_DIR: data.dir,
    });
    expect(withoutUrl.out).toMatch(TOKEN_PATH);
    expect(withoutUrl.out.startsWith('/invitations/')).toBe(true);
  });

  it('refuses a used address, a role the organisation lacks, an unknown organisation and bad options', async () => {
    await data.withAccess((access) =>
      access.createOrganisation({ id: 'shop', name: 'Shop', roles: ['repairer'], createdAt: new Date().toISOString() }),
    );
    const env = { KIERTO_DATA_DIR: data.dir };
    expect((await cli(['invite-user', '--organisation', 'shop', '--email', 'a@shop.test'], env)).code).toBe(0);
    const again = await cli(['invite-user', '--organisation', 'shop', '--email', 'A@shop.test'], env);
    expect({ code: again.code, out: again.out }).toEqual({ code: 1, out: '' });
    expect(again.err).toContain('a user with the e-mail address a@shop.test exists');
    const role = await cli(
      ['invite-user', '--organisation', 'shop', '--email', 'b@shop.test', '--roles', 'admin'],
      env,
    );
    expect(role.code).toBe(1);
    expect(role.err).toContain('organisation shop does not hold admin');
    const nowhere = await cli(['invite-user', '--organisation', 'nowhere', '--email', 'c@shop.test'], env);
    expect(nowhere.code).toBe(1);
    expect(nowhere.err).toContain('there is no organisation nowhere');
    for (const args of [
      ['--email', 'd@shop.test'],
      ['--organisation', 'shop'],
      ['--organisation', 'shop', '--email', 'not-an-address'],
      ['--organisation', 'shop', '--email', 'e@shop.test', '--roles', 'wizard'],
    ]) {
      expect((await cli(['invite-user', ...args], env)).code).toBe(2);
    }
    await data.withAccess(async (access) =>
      expect((await access.listUsers('shop')).map((user) => user.email)).toEqual(['a@shop.test']),
    );
  });
});

describeIfPostgres('kierto invite-user on PostgreSQL', () => {
  it('invites the first person after create-admin, in the configured schema', async () => {
    await withTestSchema('kierto_cli_invite', async (schema) => {
      const env = { DATABASE_URL: postgres.url, DATABASE_SCHEMA: schema };
      expect((await cli(['create-admin', '--organisation', 'ops'], env)).code).toBe(0);
      const run = await cli(['invite-user', '--organisation', 'ops', '--email', 'ops@example.org'], env);
      expect(run.code).toBe(0);
      await withPostgresAccess(schema, async (access) => {
        const user = await access.findUserByEmail('ops@example.org');
        expect(user?.roles).toEqual(['admin']);
        expect((await invitationOf(access, run.out))?.userId).toBe(user?.id);
      });
    });
  });
});

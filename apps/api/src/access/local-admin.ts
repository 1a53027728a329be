import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKey, hashToken, inviteUser, reinvite, type AccessStore } from '#kierto/access';

export const LOCAL_ADMIN_ID = 'local-admin';

/**
 * The quick start on the embedded store: when no organisation exists yet, create an admin and
 * write its key to `<dataDir>/admin.key` (mode 0600) so a newcomer can make authenticated calls.
 * Never on PostgreSQL: there an operator creates the first admin with `npx kierto create-admin`.
 */
export async function ensureLocalAdmin(access: AccessStore, dataDir: string): Promise<string | null> {
  const keyFile = join(dataDir, 'admin.key');
  if ((await access.listOrganisations()).length > 0 || existsSync(keyFile)) return null;
  const now = new Date();
  await access.createOrganisation({
    id: LOCAL_ADMIN_ID,
    name: 'Local administrator',
    roles: ['admin'],
    createdAt: now.toISOString(),
  });
  const { token } = await createKey(access, LOCAL_ADMIN_ID, { label: 'created by npm start', expiresAt: null, now });
  writeFileSync(keyFile, `${token}\n`, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  return keyFile;
}

/** The sign-in name of the quick start's person account (docs/access.md "People"). */
export const LOCAL_ADMIN_EMAIL = 'admin@localhost';

export interface LocalSignIn {
  /** `<dataDir>/sign-in.url` (mode 0600): the invitation link that sets the password. */
  readonly file: string;
  readonly email: string;
}

/**
 * The quick start's first sign-in, on the embedded store: the local admin organisation gets a
 * person, admin@localhost, whose invitation link (to set a password, then signed in) is written to
 * `<dataDir>/sign-in.url` (mode 0600); the log names the file, never the link. Until the password
 * is set, every start makes sure the file holds a link that works (a new one once the last expired);
 * once it is set, the file is deleted. Nothing is done when the local admin organisation does not
 * exist, or already has other people (an admin who removed this one meant it).
 */
export async function ensureLocalAdminPerson(
  access: AccessStore,
  dataDir: string,
  baseUrl: string,
  now = new Date(),
): Promise<LocalSignIn | null> {
  const file = join(dataDir, 'sign-in.url');
  if ((await access.getOrganisation(LOCAL_ADMIN_ID)) === null) return null;
  const existing = await access.findUserByEmail(LOCAL_ADMIN_EMAIL);
  if (existing !== null && existing.passwordHash !== null) {
    rmSync(file, { force: true });
    return null;
  }
  let token: string;
  if (existing === null) {
    if ((await access.listUsers(LOCAL_ADMIN_ID)).length > 0) return null;
    ({ token } = await inviteUser(
      access,
      {
        organisationId: LOCAL_ADMIN_ID,
        email: LOCAL_ADMIN_EMAIL,
        displayName: 'Local administrator',
        roles: ['admin'],
      },
      now,
    ));
  } else {
    const written = existsSync(file) ? /\/invitations\/([A-Za-z0-9_-]{43})\s*$/.exec(readFileSync(file, 'utf8')) : null;
    const invitation = written?.[1] === undefined ? null : await access.getInvitation(hashToken(written[1]));
    const stillGood =
      invitation !== null &&
      invitation.userId === existing.id &&
      invitation.acceptedAt === null &&
      Date.parse(invitation.expiresAt) > now.getTime();
    if (stillGood) return { file, email: LOCAL_ADMIN_EMAIL };
    ({ token } = await reinvite(access, existing, now));
  }
  writeFileSync(file, `${baseUrl}/invitations/${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { file, email: LOCAL_ADMIN_EMAIL };
}

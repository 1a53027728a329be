import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKey, type AccessStore } from '#kierto/access';

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

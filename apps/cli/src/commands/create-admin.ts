import { createKey, OrganisationExistsError } from '#kierto/access';
import { UsageError, parseOptions, type CliCommand } from '../cli-command.js';
import { withAccessStore } from '../store-from-env.js';

/**
 * `kierto create-admin --organisation <id>`: the first admin of an installation on PostgreSQL (or a
 * further admin key anywhere). Creates the organisation with the admin role when it does not exist
 * and prints a new API key once; only its hash is stored. An admin then registers the other
 * organisations over HTTP (POST /organisations).
 */
export const createAdminCommand: CliCommand = {
  name: 'create-admin',
  summary: 'create an admin organisation (if new) and print a new API key for it, once',
  usage: '--organisation <id> [--name <name>] [--label <key label>]',
  async run(args, io) {
    const { options, rest } = parseOptions(args, ['organisation', 'name', 'label']);
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0] ?? ''}`);
    const id = options.get('organisation');
    if (id === undefined) throw new UsageError('--organisation <id> is required');
    if (!/^[a-z0-9][a-z0-9._-]{0,99}$/.test(id)) {
      throw new UsageError(
        '--organisation is 1–100 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
      );
    }
    return withAccessStore(io.env, async (access) => {
      const now = new Date();
      const existing = await access.getOrganisation(id);
      if (existing === null) {
        try {
          await access.createOrganisation({
            id,
            name: options.get('name') ?? id,
            roles: ['admin'],
            createdAt: now.toISOString(),
          });
        } catch (error) {
          // Created by someone else meanwhile: go on only if it is an admin, checked below.
          if (!(error instanceof OrganisationExistsError)) throw error;
        }
      }
      const organisation = await access.getOrganisation(id);
      if (organisation === null || !organisation.roles.includes('admin')) {
        throw new Error(`organisation ${id} exists without the admin role; choose another id`);
      }
      const { record, token } = await createKey(access, id, {
        label: options.get('label') ?? 'created by kierto create-admin',
        expiresAt: null,
        now,
      });
      io.err(
        `${existing === null ? 'created' : 'found'} admin organisation ${id}; new key ${record.keyId} (store it now: it is not shown again)`,
      );
      io.out(token);
      return 0;
    });
  },
};

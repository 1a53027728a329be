import { inviteUser, isEmailAddress, isRole, normaliseEmail, UserExistsError, type Role } from '#kierto/access';
import { UsageError, parseOptions, type CliCommand } from '../cli-command.js';
import { withAccessStore } from '../store-from-env.js';

/**
 * `kierto invite-user --organisation <id> --email <address>`: a person account in an organisation,
 * and the invitation link that sets its password (docs/access.md "People"). The way to the first
 * sign-in on PostgreSQL, after `create-admin`; anywhere an operator, rather than an admin in the
 * pages, adds a person. The link is printed once on stdout (absolute under KIERTO_PUBLIC_URL, else
 * a path to append to the API's address); only its hash is stored.
 */
export const inviteUserCommand: CliCommand = {
  name: 'invite-user',
  summary: 'add a person to an organisation and print their invitation link (to set a password), once',
  usage: '--organisation <id> --email <address> [--name <display name>] [--roles <role,role>]',
  async run(args, io) {
    const { options, rest } = parseOptions(args, ['organisation', 'email', 'name', 'roles']);
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0] ?? ''}`);
    const id = options.get('organisation');
    if (id === undefined) throw new UsageError('--organisation <id> is required');
    const email = normaliseEmail(options.get('email') ?? '');
    if (email === '') throw new UsageError('--email <address> is required');
    if (!isEmailAddress(email)) throw new UsageError(`--email: ${email} is not an e-mail address`);
    const asked =
      options
        .get('roles')
        ?.split(',')
        .map((role) => role.trim()) ?? null;
    if (asked !== null && (asked.length === 0 || asked.some((role) => !isRole(role)))) {
      throw new UsageError('--roles is a comma-separated list of roles such as admin or repairer,refurbisher');
    }
    return withAccessStore(io.env, async (access) => {
      const organisation = await access.getOrganisation(id);
      if (organisation === null) throw new Error(`there is no organisation ${id}; create it first`);
      const roles = (asked ?? organisation.roles).filter((role): role is Role => isRole(role));
      const missing = roles.filter((role) => !organisation.roles.includes(role));
      if (missing.length > 0) {
        throw new Error(
          `organisation ${id} does not hold ${missing.join(', ')} (it holds ${organisation.roles.join(', ')})`,
        );
      }
      let invited;
      try {
        invited = await inviteUser(
          access,
          { organisationId: id, email, displayName: options.get('name') ?? email, roles },
          new Date(),
        );
      } catch (error) {
        if (error instanceof UserExistsError) throw new Error(`a user with the e-mail address ${email} exists`);
        throw error;
      }
      const base = (io.env['KIERTO_PUBLIC_URL'] ?? '').replace(/\/+$/, '');
      io.err(
        `invited ${email} into ${id} as ${roles.join(', ')}; the link works once, until ${invited.expiresAt}` +
          (base === '' ? ' (append it to the API address, e.g. http://127.0.0.1:3000)' : ''),
      );
      io.out(`${base}/invitations/${invited.token}`);
      return 0;
    });
  },
};

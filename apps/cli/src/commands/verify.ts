import { verifyAgainstCheckpoint, verifyChain, type ChainVerdict } from '#kierto/audit';
import { UsageError, parseOptions, type CliCommand } from '../cli-command.js';
import { withStore } from '../store-from-env.js';
import { checkpointFile, describeVerdict, publicKeyFile } from './audit-io.js';

/**
 * `kierto verify`: recomputes the whole hash chain, streaming. With a signed checkpoint it also
 * proves the store still extends it (catches a consistent rewrite and a cut-off tail).
 * Exit 0 intact, 1 broken (or the check could not run), 2 usage.
 */
export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'recompute the hash chain over the whole store; name the first position that fails',
  usage: '[--checkpoint <file> --public-key <file>] [--json]',
  async run(args, io) {
    const { options, flags, rest } = parseOptions(args, ['checkpoint', 'public-key'], ['json']);
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0] ?? ''}`);
    const checkpointPath = options.get('checkpoint');
    const publicKeyPath = options.get('public-key');
    if ((checkpointPath === undefined) !== (publicKeyPath === undefined)) {
      throw new UsageError('--checkpoint and --public-key go together: a checkpoint is only worth its signature');
    }
    // Files first: a bad checkpoint or key should not wait for a scan of the whole store.
    const checkpoint = checkpointPath === undefined ? undefined : checkpointFile(checkpointPath);
    const publicKey = publicKeyPath === undefined ? undefined : publicKeyFile(publicKeyPath);
    const verdict: ChainVerdict = await withStore(io.env, (store) =>
      checkpoint !== undefined && publicKey !== undefined
        ? verifyAgainstCheckpoint(store, checkpoint, publicKey)
        : verifyChain(store),
    );
    io.out(flags.has('json') ? JSON.stringify(verdict) : describeVerdict(verdict));
    return verdict.ok ? 0 : 1;
  },
};

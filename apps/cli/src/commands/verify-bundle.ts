import { verifyBundle } from '#kierto/audit';
import { UsageError, parseOptions, type CliCommand } from '../cli-command.js';
import { publicKeyFile, readBytes } from './audit-io.js';

/**
 * `kierto verify-bundle <file> --public-key <file>`: checks an exported bundle without any
 * database: the checkpoint's signature, every event's hash, and every event's inclusion proof.
 * Exit 0 when it verifies, 1 when it does not (or cannot be read), 2 usage.
 */
export const verifyBundleCommand: CliCommand = {
  name: 'verify-bundle',
  summary: "check an exported device bundle offline against the signer's public key",
  usage: '<bundle.json> --public-key <file> [--json]',
  run(args, io) {
    const { options, flags, rest } = parseOptions(args, ['public-key'], ['json']);
    const [path, ...extra] = rest;
    if (path === undefined) throw new UsageError('the bundle file is required');
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0] ?? ''}`);
    const publicKeyPath = options.get('public-key');
    if (publicKeyPath === undefined)
      throw new UsageError('--public-key <file> is required: a bundle is only worth its signer');
    const publicKey = publicKeyFile(publicKeyPath);
    const verdict = verifyBundle(readBytes(path, 'bundle'), publicKey);
    if (flags.has('json')) {
      io.out(JSON.stringify(verdict));
    } else if (verdict.ok) {
      const { checkpoint } = verdict;
      io.out(
        `verified: ${verdict.events} events of ${verdict.deviceId}, each at its position in the history ` +
          `signed at position ${checkpoint.position} on ${checkpoint.time} by key ${checkpoint.keyId}`,
      );
    } else {
      const at = verdict.event === undefined ? '' : ` (event ${verdict.event})`;
      io.out(`FAILED${at}, ${verdict.reason}: ${verdict.detail}`);
    }
    return Promise.resolve(verdict.ok ? 0 : 1);
  },
};

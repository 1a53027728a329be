import { writeFileSync } from 'node:fs';
import { createCheckpoint, serializeCheckpoint } from '#kierto/audit';
import { UsageError, parseOptions, type CliCommand } from '../cli-command.js';
import { withStore } from '../store-from-env.js';
import { describeVerdict, signingKey } from './audit-io.js';

/**
 * `kierto checkpoint`: verifies the whole chain, then signs its head (position, hash, Merkle root,
 * time) with the signing key. Prints the checkpoint JSON, or writes it to --out. Nothing is signed
 * when the chain is broken (exit 1).
 */
export const checkpointCommand: CliCommand = {
  name: 'checkpoint',
  summary: 'verify the chain and sign its head with the signing key (a checkpoint)',
  usage: '[--key <file>] [--out <file>]',
  async run(args, io) {
    const { options, rest } = parseOptions(args, ['key', 'out']);
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0] ?? ''}`);
    const key = signingKey(options.get('key'), io.env);
    const outcome = await withStore(io.env, (store) => createCheckpoint(store, key));
    if (!outcome.ok) {
      io.err(`not signed: ${describeVerdict(outcome)}`);
      return 1;
    }
    const text = serializeCheckpoint(outcome.checkpoint);
    const out = options.get('out');
    if (out === undefined) {
      io.out(text.trimEnd());
    } else {
      writeFileSync(out, text);
      const { position, headHash, keyId } = outcome.checkpoint;
      io.out(`checkpoint at position ${position} (head hash ${headHash}) signed by key ${keyId}: ${out}`);
    }
    return 0;
  },
};

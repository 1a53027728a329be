import { writeFileSync } from 'node:fs';
import { createCheckpoint, exportDeviceBundle, serializeBundle, type SignedCheckpoint } from '#kierto/audit';
import { UsageError, parseOptions, type CliCommand } from '../cli-command.js';
import { withStore } from '../store-from-env.js';
import { checkpointFile, describeVerdict, deviceIdOption, signingKey } from './audit-io.js';

/**
 * `kierto export-bundle --device <id> --out <file>`: the device's history with inclusion proofs
 * against a signed checkpoint, as one JSON file that `verify-bundle` checks without the database.
 * The checkpoint is a saved one (--checkpoint) or signed now (--key / KIERTO_SIGNING_KEY_FILE).
 */
export const exportBundleCommand: CliCommand = {
  name: 'export-bundle',
  summary: "export a device's history with proofs against a signed checkpoint, for offline checking",
  usage: '--device <deviceId> --out <file> [--checkpoint <file> | --key <file>]',
  async run(args, io) {
    const { options, rest } = parseOptions(args, ['device', 'out', 'checkpoint', 'key']);
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0] ?? ''}`);
    const deviceId = deviceIdOption(options.get('device'));
    const out = options.get('out');
    if (out === undefined) throw new UsageError('--out <file> is required');
    const checkpointPath = options.get('checkpoint');
    if (checkpointPath !== undefined && options.has('key')) {
      throw new UsageError('give --checkpoint (a saved checkpoint) or --key (sign one now), not both');
    }
    const saved = checkpointPath === undefined ? undefined : checkpointFile(checkpointPath);
    const key = saved === undefined ? signingKey(options.get('key'), io.env) : undefined;
    const outcome = await withStore(io.env, async (store) => {
      let checkpoint: SignedCheckpoint;
      if (saved !== undefined) {
        checkpoint = saved;
      } else {
        if (key === undefined) throw new Error('no signing key');
        const signed = await createCheckpoint(store, key);
        if (!signed.ok) return signed;
        checkpoint = signed.checkpoint;
      }
      return { ok: true as const, ...(await exportDeviceBundle(store, deviceId, checkpoint)) };
    });
    if (!outcome.ok) {
      io.err(`not exported: ${describeVerdict(outcome)}`);
      return 1;
    }
    const { bundle, laterEvents } = outcome;
    writeFileSync(out, serializeBundle(bundle));
    io.out(
      `${bundle.events.length} events of ${deviceId}, proven against the checkpoint at position ` +
        `${bundle.checkpoint.position} (key ${bundle.checkpoint.keyId}): ${out}`,
    );
    if (laterEvents > 0) {
      io.err(
        `${laterEvents} later events of ${deviceId} are after the checkpoint and not in the bundle; sign a newer checkpoint to include them`,
      );
    }
    return 0;
  },
};

import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateSigningKeyPair } from '#kierto/audit';
import { UsageError, parseOptions, type CliCommand } from '../cli-command.js';
import { SIGNING_KEY_ENV } from './audit-io.js';

/**
 * `kierto keygen --out <file>`: an Ed25519 key pair for signing checkpoints: the private key in
 * <file> (PKCS#8 PEM, mode 0600), the public key in <file>.pub (SPKI PEM) for auditors.
 */
export const keygenCommand: CliCommand = {
  name: 'keygen',
  summary: 'create an Ed25519 key pair for signing checkpoints (<file> and <file>.pub)',
  usage: '--out <file> [--force]',
  run(args, io) {
    const { options, flags, rest } = parseOptions(args, ['out'], ['force']);
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0] ?? ''}`);
    const privatePath = options.get('out');
    if (privatePath === undefined) throw new UsageError('--out <file> is required');
    const publicPath = `${privatePath}.pub`;
    const force = flags.has('force');
    // Overwriting a signing key orphans every checkpoint it signed: only on request.
    for (const path of [privatePath, publicPath]) {
      if (!force && existsSync(path)) throw new Error(`${path} already exists; pass --force to replace the key pair`);
    }
    const keys = generateSigningKeyPair();
    mkdirSync(dirname(privatePath), { recursive: true });
    // 'wx' fails if the file appeared since the check; with --force the old file may have had a
    // looser mode, which writeFileSync keeps, hence the chmod.
    writeFileSync(privatePath, keys.privateKeyPem, { mode: 0o600, flag: force ? 'w' : 'wx' });
    chmodSync(privatePath, 0o600);
    writeFileSync(publicPath, keys.publicKeyPem, { mode: 0o644, flag: force ? 'w' : 'wx' });
    io.out(`key ${keys.keyId}: private key ${privatePath} (mode 0600), public key ${publicPath}`);
    io.out(`sign checkpoints with ${SIGNING_KEY_ENV}=${privatePath}; give auditors ${publicPath}`);
    return Promise.resolve(0);
  },
};

/** Files and messages the audit commands share: keys, checkpoints, and one-line verdicts. */
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  parseCheckpoint,
  readPrivateKey,
  readPublicKey,
  type ChainVerdict,
  type SignedCheckpoint,
} from '#kierto/audit';
import { isWellFormedDeviceId } from '#kierto/domain';
import { UsageError } from '../cli-command.js';

/** The environment variable naming the signing key file (what `--key` overrides). */
export const SIGNING_KEY_ENV = 'KIERTO_SIGNING_KEY_FILE';

/** A file's text, or an error that says which file and why (missing, a folder, unreadable). */
export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${what} ${path}: ${reasonOf(error)}`);
  }
}

export function readBytes(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read ${what} ${path}: ${reasonOf(error)}`);
  }
}

function reasonOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'EACCES') return 'permission denied';
  return typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
}

/** The signing key from `--key`, else from KIERTO_SIGNING_KEY_FILE. */
export function signingKey(keyOption: string | undefined, env: NodeJS.ProcessEnv): KeyObject {
  const path = keyOption ?? env[SIGNING_KEY_ENV];
  if (path === undefined || path === '') {
    throw new UsageError(`no signing key: pass --key <file> or set ${SIGNING_KEY_ENV} (create one with kierto keygen)`);
  }
  return readPrivateKey(readText(path, 'signing key'), path);
}

export function publicKeyFile(path: string): KeyObject {
  return readPublicKey(readText(path, 'public key'), path);
}

export function checkpointFile(path: string): SignedCheckpoint {
  return parseCheckpoint(readText(path, 'checkpoint'), path);
}

export function deviceIdOption(value: string | undefined): string {
  if (value === undefined) throw new UsageError('--device <deviceId> is required');
  if (!isWellFormedDeviceId(value)) throw new UsageError(`${value} is not a Kierto device id (gtin:… or mfr:…)`);
  return value;
}

/** One line for a person; `--json` prints the verdict itself. */
export function describeVerdict(verdict: ChainVerdict): string {
  if (!verdict.ok) {
    return (
      `BROKEN at position ${verdict.position} (${verdict.reason}): ${verdict.detail}. ` +
      `The chain is intact up to position ${verdict.verifiedUpTo}.`
    );
  }
  // An empty store verifies trivially; say so, since it usually means the wrong store was opened.
  if (verdict.events === 0) return 'intact, but the store is empty: no events to verify';
  const extends_ = verdict.checkpoint ? `; extends the checkpoint at position ${verdict.checkpoint.position}` : '';
  return `intact: ${verdict.events} events, head position ${verdict.position}, head hash ${verdict.headHash}${extends_}`;
}

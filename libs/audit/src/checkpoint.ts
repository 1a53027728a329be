/**
 * Signed checkpoints (docs/audit.md): `{ position, headHash, treeRoot, time, keyId, signature }`,
 * an Ed25519 signature over the RFC 8785 canonical JSON of every field but `signature`.
 *
 * A checkpoint is the only thing that catches a history rewritten and re-hashed consistently, or a
 * tail cut off cleanly: whoever holds the database can recompute every hash, but not the signature.
 * Keep checkpoints (and the public key) somewhere the database's administrators cannot change.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { canonicalJson } from '#kierto/event-store';
import type { EventStore } from '#kierto/event-store';
import {
  AuditInputError,
  exactObject,
  messageOf,
  hashAt,
  integerAt,
  parseJson,
  stringAt,
  timestampAt,
} from './json-shape.js';
import {
  verifyChain,
  type ChainBroken,
  type ChainVerdict,
  type CheckpointClaim,
  type VerifyOptions,
} from './verify-chain.js';

export interface CheckpointBody {
  /** Global position of the head that was verified and signed (≥ 1). */
  readonly position: number;
  /** Hash of the event at `position`. */
  readonly headHash: string;
  /** RFC 9162 Merkle root over the event hashes 1..position (merkle.ts); offline bundles prove inclusion against it. */
  readonly treeRoot: string;
  /** When it was signed (ISO 8601 UTC). */
  readonly time: string;
  /** Which key signed it: keyIdOf(public key). */
  readonly keyId: string;
}

export interface SignedCheckpoint extends CheckpointBody {
  /** Ed25519 signature (base64) over UTF-8(canonicalJson(body)). */
  readonly signature: string;
}

const CHECKPOINT_KEYS = ['position', 'headHash', 'treeRoot', 'time', 'keyId', 'signature'] as const;

export interface SigningKeyPair {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly keyId: string;
}

export function generateSigningKeyPair(): SigningKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/**
 * First 16 hex digits of SHA-256 over the public key's DER (SubjectPublicKeyInfo). Reproducible
 * with `openssl pkey -pubin -in key.pub -outform DER | sha256sum | cut -c1-16`. Accepts a private
 * key too (its public half is used).
 */
export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** An Ed25519 private key from PEM; `source` names the file in the error. */
export function readPrivateKey(pem: string, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new AuditInputError(`${source} is not a PEM private key (${messageOf(error)})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new AuditInputError(
      `${source} is a ${key.asymmetricKeyType ?? 'unknown'} key; checkpoints are signed with Ed25519 (run keygen)`,
    );
  }
  return key;
}

/** An Ed25519 public key from PEM (a private key PEM is accepted and its public half used). */
export function readPublicKey(pem: string, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new AuditInputError(`${source} is not a PEM public key (${messageOf(error)})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new AuditInputError(
      `${source} is a ${key.asymmetricKeyType ?? 'unknown'} key; checkpoints are signed with Ed25519`,
    );
  }
  return key;
}

/** The exact bytes the signature covers. */
export function signedBytes(body: CheckpointBody): Buffer {
  return Buffer.from(
    canonicalJson({
      position: body.position,
      headHash: body.headHash,
      treeRoot: body.treeRoot,
      time: body.time,
      keyId: body.keyId,
    }),
    'utf8',
  );
}

export function signCheckpoint(claim: Omit<CheckpointBody, 'keyId'>, privateKey: KeyObject): SignedCheckpoint {
  const body: CheckpointBody = { ...claim, keyId: keyIdOf(privateKey) };
  // Ed25519 hashes internally: the algorithm argument is null.
  const signature = sign(null, signedBytes(body), privateKey).toString('base64');
  return {
    position: body.position,
    headHash: body.headHash,
    treeRoot: body.treeRoot,
    time: body.time,
    keyId: body.keyId,
    signature,
  };
}

/** Null when the signature verifies with this public key, else why not. */
export function checkpointSignatureProblem(checkpoint: SignedCheckpoint, publicKey: KeyObject): string | null {
  const keyId = keyIdOf(publicKey);
  if (checkpoint.keyId !== keyId) {
    return `The checkpoint was signed by key ${checkpoint.keyId}; the public key given is ${keyId}`;
  }
  const signature = Buffer.from(checkpoint.signature, 'base64');
  if (!verify(null, signedBytes(checkpoint), publicKey, signature)) {
    return `The checkpoint's signature does not verify with key ${keyId}: the checkpoint was altered or not signed by it`;
  }
  return null;
}

/** The claim verifyChain checks against the store. */
export function claimOf(checkpoint: SignedCheckpoint): CheckpointClaim {
  return { position: checkpoint.position, headHash: checkpoint.headHash, treeRoot: checkpoint.treeRoot };
}

/** Reads a checkpoint from a parsed JSON value; `where` names it in messages. */
export function checkpointFromJson(value: Parameters<typeof exactObject>[0], where: string): SignedCheckpoint {
  const object = exactObject(value, CHECKPOINT_KEYS, where);
  const signature = stringAt(object, 'signature', where);
  // Canonical base64 of 64 bytes only, so one checkpoint has one textual form.
  if (
    Buffer.from(signature, 'base64').length !== 64 ||
    Buffer.from(signature, 'base64').toString('base64') !== signature
  ) {
    throw new AuditInputError(`${where}.signature must be the base64 of a 64-byte Ed25519 signature`);
  }
  const keyId = stringAt(object, 'keyId', where);
  if (!/^[0-9a-f]{16}$/.test(keyId)) throw new AuditInputError(`${where}.keyId must be 16 lower-case hex digits`);
  return {
    position: integerAt(object, 'position', where, 1),
    headHash: hashAt(object, 'headHash', where),
    treeRoot: hashAt(object, 'treeRoot', where),
    time: timestampAt(object, 'time', where),
    keyId,
    signature,
  };
}

export function parseCheckpoint(text: string, source: string): SignedCheckpoint {
  return checkpointFromJson(parseJson(text, source), source);
}

export function serializeCheckpoint(checkpoint: SignedCheckpoint): string {
  const ordered: SignedCheckpoint = {
    position: checkpoint.position,
    headHash: checkpoint.headHash,
    treeRoot: checkpoint.treeRoot,
    time: checkpoint.time,
    keyId: checkpoint.keyId,
    signature: checkpoint.signature,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export interface CreateCheckpointOptions extends Pick<VerifyOptions, 'pageSize' | 'revisionWindow'> {
  readonly now?: () => Date;
}

export type CheckpointOutcome = { readonly ok: true; readonly checkpoint: SignedCheckpoint } | ChainBroken;

/**
 * Verifies the whole chain and signs its head. Nothing is signed for a broken chain (a signature
 * would vouch for the damage), nor for an empty store (there is no head to vouch for).
 */
export async function createCheckpoint(
  store: EventStore,
  privateKey: KeyObject,
  options: CreateCheckpointOptions = {},
): Promise<CheckpointOutcome> {
  const verdict = await verifyChain(store, { ...options, treeRoot: true });
  if (!verdict.ok) return verdict;
  if (verdict.position === 0 || verdict.treeRoot === undefined) {
    throw new AuditInputError('The store is empty: there is no head to sign yet');
  }
  const time = (options.now ?? (() => new Date()))().toISOString();
  const checkpoint = signCheckpoint(
    { position: verdict.position, headHash: verdict.headHash, treeRoot: verdict.treeRoot, time },
    privateKey,
  );
  return { ok: true, checkpoint };
}

/**
 * Verifies the checkpoint's signature, then that the store extends it: the chain from 1 to the head
 * is intact and the event at the checkpoint's position still has the signed hash (and tree root).
 */
export async function verifyAgainstCheckpoint(
  store: EventStore,
  checkpoint: SignedCheckpoint,
  publicKey: KeyObject,
  options: Pick<VerifyOptions, 'pageSize' | 'revisionWindow'> = {},
): Promise<ChainVerdict> {
  const problem = checkpointSignatureProblem(checkpoint, publicKey);
  if (problem !== null) {
    return {
      ok: false,
      position: checkpoint.position,
      reason: 'checkpoint-signature',
      detail: problem,
      verifiedUpTo: 0,
    };
  }
  return verifyChain(store, { ...options, checkpoint: claimOf(checkpoint) });
}

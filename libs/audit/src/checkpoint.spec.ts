import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  checkpointSignatureProblem,
  createCheckpoint,
  generateSigningKeyPair,
  keyIdOf,
  parseCheckpoint,
  readPrivateKey,
  readPublicKey,
  serializeCheckpoint,
  signCheckpoint,
  verifyAgainstCheckpoint,
  type SignedCheckpoint,
} from './checkpoint.js';
import { AuditInputError } from './json-shape.js';
import { MerkleBuilder } from './merkle.js';
import { ArrayEventStore, buildChain, reseal } from './testing/array-store.js';

const keys = generateSigningKeyPair();
const privateKey = readPrivateKey(keys.privateKeyPem, 'key.pem');
const publicKey = readPublicKey(keys.publicKeyPem, 'key.pem.pub');
const NOW = (): Date => new Date('2031-01-01T00:00:00.000Z');

function chain(n = 12) {
  return buildChain(Array.from({ length: n }, (_, i) => ({ streamId: `device-${i % 4}` })));
}

async function checkpointOf(store: ArrayEventStore): Promise<SignedCheckpoint> {
  const outcome = await createCheckpoint(store, privateKey, { now: NOW });
  if (!outcome.ok) throw new Error(`no checkpoint: ${outcome.detail}`);
  return outcome.checkpoint;
}

describe('signing keys', () => {
  it('generates an Ed25519 pair whose key id is the same from either half', () => {
    expect(keys.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(keys.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(keys.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(keyIdOf(privateKey)).toBe(keys.keyId);
    expect(keyIdOf(publicKey)).toBe(keys.keyId);
    expect(generateSigningKeyPair().keyId).not.toBe(keys.keyId);
  });

  it('refuses files that are not Ed25519 keys, naming the file', () => {
    expect(() => readPrivateKey('not a key', 'secret.pem')).toThrow(AuditInputError);
    expect(() => readPrivateKey('not a key', 'secret.pem')).toThrow(/secret\.pem is not a PEM private key/);
    expect(() => readPrivateKey(keys.publicKeyPem, 'pub.pem')).toThrow(/pub\.pem is not a PEM private key/);
    expect(() => readPublicKey('', 'pub.pem')).toThrow(/pub\.pem is not a PEM public key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => readPrivateKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'rsa.pem')).toThrow(
      /rsa\.pem is a rsa key; checkpoints are signed with Ed25519/,
    );
    expect(() => readPublicKey(rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'rsa.pub')).toThrow(
      /Ed25519/,
    );
    // A private key file is accepted where a public key is asked for: its public half is used.
    expect(keyIdOf(readPublicKey(keys.privateKeyPem, 'key.pem'))).toBe(keys.keyId);
  });
});

describe('checkpoints', () => {
  it('signs the verified head with its position, hash, tree root, time and key id', async () => {
    const events = chain();
    const checkpoint = await checkpointOf(new ArrayEventStore(events));
    const tree = new MerkleBuilder();
    for (const event of events) tree.add(event.hash);
    expect(checkpoint).toEqual({
      position: 12,
      headHash: events[11]?.hash,
      treeRoot: tree.root(),
      time: '2031-01-01T00:00:00.000Z',
      keyId: keys.keyId,
      signature: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/),
    });
    expect(checkpointSignatureProblem(checkpoint, publicKey)).toBeNull();
  });

  it('is invalid after any signed field changes, or under another key', async () => {
    const checkpoint = await checkpointOf(new ArrayEventStore(chain()));
    const changes: Array<Partial<SignedCheckpoint>> = [
      { position: 11 },
      { headHash: '0'.repeat(64) },
      { treeRoot: '0'.repeat(64) },
      { time: '2031-01-01T00:00:00.001Z' },
    ];
    for (const change of changes) {
      expect(checkpointSignatureProblem({ ...checkpoint, ...change }, publicKey)).toMatch(/does not verify/);
    }
    const other = generateSigningKeyPair();
    const otherKey = readPublicKey(other.publicKeyPem, 'other.pub');
    expect(checkpointSignatureProblem(checkpoint, otherKey)).toMatch(
      `signed by key ${keys.keyId}; the public key given is ${other.keyId}`,
    );
    expect(checkpointSignatureProblem({ ...checkpoint, keyId: other.keyId }, otherKey)).toMatch(/does not verify/);
  });

  it('refuses to sign a broken chain or an empty store', async () => {
    const events = chain();
    events[4] = { ...events[4]!, data: { forged: true } };
    expect(await createCheckpoint(new ArrayEventStore(events), privateKey)).toMatchObject({
      ok: false,
      position: 5,
      reason: 'hash-mismatch',
    });
    await expect(createCheckpoint(new ArrayEventStore([]), privateKey)).rejects.toThrow(/empty/);
  });

  it('proves the store still extends it, and catches a consistent rewrite and a cut tail', async () => {
    const events = chain();
    const checkpoint = await checkpointOf(new ArrayEventStore(events.slice(0, 9)));
    expect(await verifyAgainstCheckpoint(new ArrayEventStore(events), checkpoint, publicKey)).toMatchObject({
      ok: true,
      position: 12,
      checkpoint: { position: 9 },
    });
    const rewritten = [...events];
    rewritten[1] = { ...rewritten[1]!, actor: { organisationId: 'someone-else', role: 'collector', keyId: 'key-9' } };
    reseal(rewritten, 1);
    expect(await verifyAgainstCheckpoint(new ArrayEventStore(rewritten), checkpoint, publicKey)).toMatchObject({
      ok: false,
      position: 9,
      reason: 'checkpoint-mismatch',
    });
    expect(await verifyAgainstCheckpoint(new ArrayEventStore(events.slice(0, 5)), checkpoint, publicKey)).toMatchObject(
      {
        ok: false,
        position: 6,
        reason: 'truncated',
      },
    );
    const stranger = readPublicKey(generateSigningKeyPair().publicKeyPem, 'x');
    expect(await verifyAgainstCheckpoint(new ArrayEventStore(events), checkpoint, stranger)).toMatchObject({
      ok: false,
      reason: 'checkpoint-signature',
    });
  });

  it('round-trips through its file form and refuses malformed files with the field at fault', async () => {
    const checkpoint = await checkpointOf(new ArrayEventStore(chain()));
    const text = serializeCheckpoint(checkpoint);
    expect(parseCheckpoint(text, 'cp.json')).toEqual(checkpoint);
    const broken = (change: Record<string, unknown>): string => JSON.stringify({ ...checkpoint, ...change });
    expect(() => parseCheckpoint('{"position": 1', 'cp.json')).toThrow(/cp\.json is not valid JSON/);
    expect(() => parseCheckpoint('[]', 'cp.json')).toThrow(/cp\.json must be a JSON object/);
    expect(() => parseCheckpoint(broken({ headHash: undefined }), 'cp.json')).toThrow(/cp\.json lacks headHash/);
    expect(() => parseCheckpoint(broken({ extra: 1 }), 'cp.json')).toThrow(/cp\.json has unexpected extra/);
    expect(() => parseCheckpoint(broken({ position: 0 }), 'cp.json')).toThrow(
      /cp\.json\.position must be an integer ≥ 1/,
    );
    expect(() => parseCheckpoint(broken({ position: '12' }), 'cp.json')).toThrow(/position/);
    expect(() => parseCheckpoint(broken({ headHash: 'ABC' }), 'cp.json')).toThrow(
      /cp\.json\.headHash must be a SHA-256 hash/,
    );
    expect(() => parseCheckpoint(broken({ time: 'yesterday' }), 'cp.json')).toThrow(/cp\.json\.time/);
    expect(() => parseCheckpoint(broken({ keyId: 'k' }), 'cp.json')).toThrow(/cp\.json\.keyId/);
    expect(() => parseCheckpoint(broken({ signature: 'c2lnbmF0dXJl' }), 'cp.json')).toThrow(
      /64-byte Ed25519 signature/,
    );
  });

  it('signs what it is given, so a caller can sign a claim it verified itself', () => {
    const events = chain(3);
    const tree = new MerkleBuilder();
    for (const event of events) tree.add(event.hash);
    const signed = signCheckpoint(
      { position: 3, headHash: events[2]!.hash, treeRoot: tree.root(), time: NOW().toISOString() },
      privateKey,
    );
    expect(checkpointSignatureProblem(signed, publicKey)).toBeNull();
  });
});

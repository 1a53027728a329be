import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  EMPTY_TREE_ROOT,
  InclusionProofBuilder,
  MerkleBuilder,
  inclusionRanges,
  leafHash,
  verifyInclusion,
} from './merkle.js';

const hashOf = (i: number): string => createHash('sha256').update(`event ${i}`).digest('hex');
const hashes = (n: number): string[] => Array.from({ length: n }, (_, i) => hashOf(i));

/** RFC 9162 §2.1.1 MTH, written recursively straight from the text, as the reference. */
function referenceRoot(leaves: readonly string[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leafHash(leaves[0] ?? '');
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(referenceRoot(leaves.slice(0, k)))
    .update(referenceRoot(leaves.slice(k)))
    .digest();
}

describe('Merkle tree (RFC 9162)', () => {
  it('computes the same root as the recursive definition, streaming, for every size up to 70', () => {
    const builder = new MerkleBuilder();
    expect(builder.root()).toBe(EMPTY_TREE_ROOT);
    for (const [i, hash] of hashes(70).entries()) {
      builder.add(hash);
      expect(builder.root()).toBe(referenceRoot(hashes(i + 1)).toString('hex'));
    }
  });

  it('builds an inclusion proof for every leaf of every tree up to 40 leaves that verifies, and only for its leaf', () => {
    for (let size = 1; size <= 40; size += 1) {
      const leaves = hashes(size);
      const indexes = leaves.map((_, i) => i);
      const builder = new InclusionProofBuilder(size, indexes);
      for (const leaf of leaves) builder.add(leaf);
      const { root, paths } = builder.finish();
      expect(root).toBe(referenceRoot(leaves).toString('hex'));
      for (const index of indexes) {
        const path = paths.get(index) ?? [];
        expect(path).toHaveLength(inclusionRanges(index, size).length);
        expect(verifyInclusion(leaves[index] ?? '', index, size, path, root)).toBe(true);
        // The same path proves nothing for another leaf, position or root. (The tree size is signed
        // together with the root in a checkpoint, so a root is never checked under another size.)
        expect(verifyInclusion(hashOf(1000), index, size, path, root)).toBe(false);
        if (size > 1) expect(verifyInclusion(leaves[index] ?? '', (index + 1) % size, size, path, root)).toBe(false);
        expect(verifyInclusion(leaves[index] ?? '', index, size, path, hashOf(2000))).toBe(false);
      }
    }
  });

  it('refuses a path with a changed, missing or extra element', () => {
    const leaves = hashes(13);
    const builder = new InclusionProofBuilder(13, [5]);
    for (const leaf of leaves) builder.add(leaf);
    const { root, paths } = builder.finish();
    const path = paths.get(5) ?? [];
    expect(verifyInclusion(leaves[5] ?? '', 5, 13, path, root)).toBe(true);
    expect(verifyInclusion(leaves[5] ?? '', 5, 13, [hashOf(99), ...path.slice(1)], root)).toBe(false);
    expect(verifyInclusion(leaves[5] ?? '', 5, 13, path.slice(1), root)).toBe(false);
    expect(verifyInclusion(leaves[5] ?? '', 5, 13, [...path, hashOf(99)], root)).toBe(false);
    expect(verifyInclusion(leaves[5] ?? '', 5, 13, ['not hex', ...path.slice(1)], root)).toBe(false);
    expect(verifyInclusion(leaves[5] ?? '', 13, 13, path, root)).toBe(false);
  });

  it('never turns a malformed hash into a leaf', () => {
    expect(() => leafHash('abc')).toThrow(RangeError);
    expect(() => new MerkleBuilder().add('Z'.repeat(64))).toThrow(RangeError);
  });

  it('gives proofs of at most ceil(log2 n) hashes and takes no more leaves than the tree has', () => {
    const builder = new InclusionProofBuilder(1000, [0, 500, 999]);
    for (const leaf of hashes(1000)) builder.add(leaf);
    expect(() => builder.add(hashOf(1000))).toThrow(/no more/);
    const { paths } = builder.finish();
    for (const path of paths.values()) expect(path.length).toBeLessThanOrEqual(10);
  });
});

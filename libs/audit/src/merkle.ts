/**
 * A Merkle tree over the event hashes, exactly as RFC 9162 (Certificate Transparency 2.0) §2.1
 * defines it, so that an offline bundle can prove "this event is at position p of the history the
 * checkpoint signed" with about log2(n) hashes instead of every event between p and the checkpoint.
 *
 * The linear hash chain alone cannot do that: a (position, hash, prevHash) triple of an event whose
 * content is not in the bundle cannot be recomputed, so a forger could write any prevHash into it.
 * The tree root is signed in the checkpoint next to the head hash (docs/audit.md).
 *
 * - leaf i (0-based, i = globalPosition - 1) = SHA-256(0x00 || the 32 bytes of the event's hash)
 * - node = SHA-256(0x01 || left || right); the left subtree of n leaves holds the largest power of
 *   two below n.
 *
 * Everything here streams: memory is O(log n) for the root, O(k log n) for k inclusion proofs.
 */
import { createHash } from 'node:crypto';

const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

const HEX_HASH = /^[0-9a-f]{64}$/;

export function isHexHash(value: unknown): value is string {
  return typeof value === 'string' && HEX_HASH.test(value);
}

function hashBytes(hex: string): Buffer {
  // Buffer.from(…, 'hex') silently drops what is not hex; a malformed hash must never become a leaf.
  if (!isHexHash(hex)) throw new RangeError(`Not a SHA-256 hex hash: ${JSON.stringify(hex)}`);
  return Buffer.from(hex, 'hex');
}

export function leafHash(eventHash: string): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(hashBytes(eventHash)).digest();
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** The root of the empty tree (RFC 9162: the hash of the empty string). */
export const EMPTY_TREE_ROOT = createHash('sha256').digest('hex');

interface Subtree {
  /** Index of its first leaf. */
  readonly start: number;
  /** Number of leaves, a power of two. */
  readonly size: number;
  readonly hash: Buffer;
}

/**
 * Adds leaves one at a time. The stack holds the perfect, aligned subtrees the leaves so far
 * decompose into (one per set bit of the leaf count), so it never holds more than ~53 entries.
 * Folding it from the right gives the RFC 9162 root of the leaves so far.
 */
export class MerkleBuilder {
  private readonly stack: Subtree[] = [];
  private count = 0;
  private readonly captured = new Map<string, Buffer>();

  /** `capture`: keys (`rangeKey`) of perfect subtrees whose hashes inclusion proofs need. */
  constructor(private readonly capture: ReadonlySet<string> = new Set()) {}

  get size(): number {
    return this.count;
  }

  add(eventHash: string): void {
    let node: Subtree = { start: this.count, size: 1, hash: leafHash(eventHash) };
    this.count += 1;
    this.keep(node);
    for (let top = this.stack.at(-1); top !== undefined && top.size === node.size; top = this.stack.at(-1)) {
      this.stack.pop();
      node = { start: top.start, size: top.size * 2, hash: nodeHash(top.hash, node.hash) };
      this.keep(node);
    }
    this.stack.push(node);
  }

  /** Root of the leaves added so far (hex); the builder can go on adding. */
  root(): string {
    return (this.foldFrom(0) ?? Buffer.from(EMPTY_TREE_ROOT, 'hex')).toString('hex');
  }

  /**
   * Hash of the leaf range [start, end): a perfect subtree named in `capture`, or a range that ends
   * at the last leaf added (the right edge of RFC 9162's tree, a suffix of the stack).
   */
  rangeHash(start: number, end: number): Buffer {
    const captured = this.captured.get(rangeKey(start, end));
    if (captured !== undefined) return captured;
    if (end !== this.count) throw new Error(`Range [${start}, ${end}) was not captured`);
    const folded = this.foldFrom(start);
    if (folded === null) throw new Error(`Range [${start}, ${end}) does not start at a subtree of the tree`);
    return folded;
  }

  /** Folds the stack entries from the one starting at `start` to the end, right to left. */
  private foldFrom(start: number): Buffer | null {
    const first = this.stack.findIndex((subtree) => subtree.start === start);
    if (first < 0) return null;
    let hash: Buffer | null = null;
    for (let i = this.stack.length - 1; i >= first; i -= 1) {
      const subtree = this.stack[i];
      if (subtree === undefined) continue;
      hash = hash === null ? subtree.hash : nodeHash(subtree.hash, hash);
    }
    return hash;
  }

  private keep(node: Subtree): void {
    const key = rangeKey(node.start, node.start + node.size);
    if (this.capture.has(key)) this.captured.set(key, node.hash);
  }
}

function rangeKey(start: number, end: number): string {
  return `${start}:${end}`;
}

/** Largest power of two strictly below n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The leaf ranges whose subtree hashes form the RFC 9162 inclusion path of leaf `index` in a tree of
 * `size` leaves, from the leaf's sibling up to the root's other child (PATH(m, D[n]) of §2.1.3.1).
 */
export function inclusionRanges(index: number, size: number): Array<readonly [number, number]> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`Leaf ${index} is not in a tree of ${size} leaves`);
  }
  const upward: Array<readonly [number, number]> = [];
  let start = 0;
  let end = size;
  // Walk down from the root; each level's other child is one path element, root-side first.
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      upward.push([start + k, end]);
      end = start + k;
    } else {
      upward.push([start, start + k]);
      start += k;
    }
  }
  return upward.reverse();
}

/**
 * Builds inclusion proofs for a few leaves in one streaming pass over all leaves: give it every
 * event hash from position 1 to `size` in order, then `finish()`.
 */
export class InclusionProofBuilder {
  private readonly builder: MerkleBuilder;
  private readonly ranges: Map<number, Array<readonly [number, number]>>;

  constructor(
    readonly size: number,
    leafIndexes: readonly number[],
  ) {
    this.ranges = new Map(leafIndexes.map((index) => [index, inclusionRanges(index, size)]));
    const capture = new Set<string>();
    for (const ranges of this.ranges.values()) for (const [start, end] of ranges) capture.add(rangeKey(start, end));
    this.builder = new MerkleBuilder(capture);
  }

  add(eventHash: string): void {
    if (this.builder.size >= this.size) throw new RangeError(`The tree has ${this.size} leaves; no more can be added`);
    this.builder.add(eventHash);
  }

  /** The root and, per requested leaf index, its path (hex, leaf side first). */
  finish(): { root: string; paths: Map<number, string[]> } {
    if (this.builder.size !== this.size) {
      throw new RangeError(`The tree needs ${this.size} leaves, ${this.builder.size} were added`);
    }
    const paths = new Map<number, string[]>();
    for (const [index, ranges] of this.ranges) {
      paths.set(
        index,
        ranges.map(([start, end]) => this.builder.rangeHash(start, end).toString('hex')),
      );
    }
    return { root: this.builder.root(), paths };
  }
}

/**
 * RFC 9162 §2.1.3.2: recomputes the root from a leaf's event hash and its inclusion path, and
 * compares it with the expected root. False for any malformed input.
 */
export function verifyInclusion(
  eventHash: string,
  index: number,
  size: number,
  path: readonly string[],
  expectedRoot: string,
): boolean {
  if (!isHexHash(eventHash) || !isHexHash(expectedRoot) || !path.every(isHexHash)) return false;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHash(eventHash);
  for (const element of path) {
    if (sn === 0) return false;
    const p = Buffer.from(element, 'hex');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.toString('hex') === expectedRoot;
}

/**
 * The right edge of a Merkle tree: the roots of the perfect subtrees that cover [0, size), largest
 * first. Enough to append leaves and compute the root without the rest of the tree, which is how a
 * monitor checks a new checkpoint against everything it verified before.
 */
import { EMPTY_ROOT, type Hash, nodeHash } from "./hash";

export interface CompactRange {
  readonly size: number;
  readonly hashes: readonly Hash[];
}

export const EMPTY_RANGE: CompactRange = { size: 0, hashes: [] };

export function appendLeaf(r: CompactRange, leaf: Hash): CompactRange {
  const hashes = [...r.hashes, leaf];
  // Merge while the two last subtrees have the same size: the trailing one-bits of the old size.
  for (let s = r.size; s % 2 === 1; s = Math.floor(s / 2)) {
    const right = hashes.pop() as Hash;
    const left = hashes.pop() as Hash;
    hashes.push(nodeHash(left, right));
  }
  return { size: r.size + 1, hashes };
}

export function rangeRoot(r: CompactRange): Hash {
  if (!r.hashes.length) return EMPTY_ROOT;
  return r.hashes.slice(0, -1).reduceRight((acc, h) => nodeHash(h, acc), r.hashes[r.hashes.length - 1] as Hash);
}

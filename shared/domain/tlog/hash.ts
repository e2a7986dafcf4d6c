/** RFC 6962 Merkle tree hashing with SHA-256 (leaf = H(0x00 ‖ entry), node = H(0x01 ‖ l ‖ r)). */
import { createHash } from "node:crypto";

export type Hash = Uint8Array;
export const HASH_SIZE = 32;

export function leafHash(entry: Uint8Array): Hash {
  return createHash("sha256").update(LEAF_PREFIX).update(entry).digest();
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash("sha256").update(NODE_PREFIX).update(left).update(right).digest();
}

const LEAF_PREFIX = new Uint8Array([0]);
const NODE_PREFIX = new Uint8Array([1]);

/** Root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Hash = createHash("sha256").digest();

export const b64 = (h: Uint8Array) => Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString("base64");
export const unb64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}

/** Root of a perfect subtree from its 2^k consecutive child hashes (the order tiles store them in). */
export function perfectRoot(hashes: readonly Hash[]): Hash {
  let level = [...hashes];
  while (level.length > 1) {
    const next: Hash[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(nodeHash(level[i] as Hash, level[i + 1] as Hash));
    level = next;
  }
  return level[0] ?? EMPTY_ROOT;
}

/** RFC 6962 Merkle tree hashing with SHA-256 (leaf = H(0x00 ‖ entry), node = H(0x01 ‖ l ‖ r)). */
import { createHash, hash } from "node:crypto";

export type Hash = Uint8Array;
export const HASH_SIZE = 32;

// One-shot hashing of one buffer (crypto.hash) instead of a Hash object fed three times: a log
// append hashes every entry and every interior node, and the objects were a fifth of its time.
const SCRATCH = 64 * 1024;
const scratch = Buffer.allocUnsafe(SCRATCH);
const LEAF_PREFIX = new Uint8Array([0]);
const NODE_PREFIX = new Uint8Array([1]);

/**
 * 0x00 ‖ entry, in the reused buffer when it fits. The view is a plain Uint8Array: a Buffer's
 * subarray goes through Buffer's constructor, which cost a third as much as the hash.
 */
function leafInput(entry: Uint8Array): Uint8Array {
  if (entry.byteLength >= SCRATCH) return Buffer.concat([LEAF_PREFIX, entry]);
  scratch[0] = 0;
  scratch.set(entry, 1);
  return new Uint8Array(scratch.buffer, scratch.byteOffset, 1 + entry.byteLength);
}

export function leafHash(entry: Uint8Array): Hash {
  return hash("sha256", leafInput(entry), "buffer");
}

/**
 * The leaf hashes of `entries`, one after another from byte `at` of `out` (a tile's bytes). Each
 * hash comes back from crypto.hash as latin1 ("binary") text (a Buffer per hash cost more than the hash
 * itself), and the texts are written into `out` in one write, not one per hash.
 */
export function leafHashesInto(entries: readonly Uint8Array[], out: Buffer, at: number): void {
  let hashes = "";
  for (let i = 0; i < entries.length; i++) hashes += hash("sha256", leafInput(entries[i] as Uint8Array), "binary");
  out.write(hashes, at, entries.length * HASH_SIZE, "latin1");
}

const NODE = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);
NODE[0] = 1;

export function nodeHash(left: Hash, right: Hash): Hash {
  // Children of another length (from a hostile proof) are hashed as they are, as before: the proof then fails to verify.
  if (left.byteLength !== HASH_SIZE || right.byteLength !== HASH_SIZE) return hash("sha256", Buffer.concat([NODE_PREFIX, left, right]), "buffer");
  NODE.set(left, 1);
  NODE.set(right, 1 + HASH_SIZE);
  return hash("sha256", NODE, "buffer");
}

/** Root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Hash = createHash("sha256").digest();

export const b64 = (h: Uint8Array) => Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString("base64");
export const unb64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}

let work = Buffer.allocUnsafe(256 * HASH_SIZE);

/** perfectRoot of the 2^k hashes stored one after another in `hashes` (a tile's bytes, or part of them), hashed in place in a scratch buffer. */
export function perfectRootOfBytes(hashes: Uint8Array): Hash {
  if (hashes.byteLength === 0) return EMPTY_ROOT;
  if (work.byteLength < hashes.byteLength) work = Buffer.allocUnsafe(hashes.byteLength);
  work.set(hashes);
  // Each level's hashes as one latin1 text, written over the start of the level below in one write;
  // each pair read through a plain Uint8Array view (see leafInput).
  for (let n = hashes.byteLength / HASH_SIZE; n > 1; n /= 2) {
    let level = "";
    for (let i = 0; i < n / 2; i++) {
      NODE.set(new Uint8Array(work.buffer, work.byteOffset + 2 * i * HASH_SIZE, 2 * HASH_SIZE), 1);
      level += hash("sha256", NODE, "binary");
    }
    work.write(level, 0, (n / 2) * HASH_SIZE, "latin1");
  }
  return new Uint8Array(work.subarray(0, HASH_SIZE));
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

/**
 * Inclusion and consistency proofs: verification exactly as RFC 9162 §2.1.3.2 and §2.1.4.2 (the
 * transparency-dev/merkle algorithms), generation over any source of subtree hashes.
 */
import { EMPTY_ROOT, type Hash, HASH_SIZE, equalBytes, nodeHash } from "./hash";

export class ProofError extends Error {
  override readonly name = "ProofError";
}

const bitLength = (n: number) => (n === 0 ? 0 : n.toString(2).length);
const popCount = (n: number) => {
  let c = 0;
  for (let x = n; x > 0; x = Math.floor(x / 2)) c += x % 2;
  return c;
};
const trailingZeros = (n: number) => {
  let c = 0;
  for (let x = n; x > 0 && x % 2 === 0; x /= 2) c++;
  return c;
};
/** index XOR (size - 1), for sizes past 2^32 too (tree sizes are safe integers, not 32-bit). */
const xor = (a: number, b: number) => Number(BigInt(a) ^ BigInt(b));
const bit = (n: number, i: number) => Math.floor(n / 2 ** i) % 2;

function decompose(index: number, size: number): [inner: number, border: number] {
  const inner = bitLength(xor(index, size - 1));
  return [inner, popCount(Math.floor(index / 2 ** inner))];
}

function chainInner(seed: Hash, proof: readonly Hash[], index: number): Hash {
  return proof.reduce((h, p, i) => (bit(index, i) === 0 ? nodeHash(h, p) : nodeHash(p, h)), seed);
}
function chainInnerRight(seed: Hash, proof: readonly Hash[], index: number): Hash {
  return proof.reduce((h, p, i) => (bit(index, i) === 1 ? nodeHash(p, h) : h), seed);
}
const chainBorderRight = (seed: Hash, proof: readonly Hash[]) => proof.reduce((h, p) => nodeHash(p, h), seed);

/** Indexes and sizes come from proof files (`Number(json field)`): NaN, fractions and negatives are refused here, not crashed on. */
function checkCount(what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new ProofError(`${what} ${n} is not a whole number below 2^53`);
}

function checkSizes(proof: readonly Hash[]): void {
  if (proof.some((p) => p.byteLength !== HASH_SIZE)) throw new ProofError(`a proof hash is not ${HASH_SIZE} bytes`);
}

export function rootFromInclusionProof(index: number, size: number, leaf: Hash, proof: readonly Hash[]): Hash {
  checkCount("index", index);
  checkCount("tree size", size);
  if (!(index < size)) throw new ProofError(`index ${index} is beyond tree size ${size}`);
  if (leaf.byteLength !== HASH_SIZE) throw new ProofError(`leaf hash is ${leaf.byteLength} bytes, want ${HASH_SIZE}`);
  checkSizes(proof);
  const [inner, border] = decompose(index, size);
  if (proof.length !== inner + border) throw new ProofError(`inclusion proof has ${proof.length} hashes, want ${inner + border}`);
  return chainBorderRight(chainInner(leaf, proof.slice(0, inner), index), proof.slice(inner));
}

/** Throws ProofError unless `leaf` is at `index` in the tree of `size` with `root`. */
export function verifyInclusion(index: number, size: number, leaf: Hash, proof: readonly Hash[], root: Hash): void {
  const got = rootFromInclusionProof(index, size, leaf, proof);
  if (!equalBytes(got, root)) throw new ProofError("inclusion proof does not lead to the root");
}

/**
 * Throws ProofError unless the tree of size1/root1 is a prefix of the tree of size2/root2.
 * Size 0 is refused as RFC 9162 defines proofs only for 0 < size1 (and the reference vectors agree):
 * "everything extends the empty tree" is the caller's decision (see consistentWithPrevious).
 */
export function verifyConsistency(size1: number, size2: number, proof: readonly Hash[], root1: Hash, root2: Hash): void {
  checkCount("size1", size1);
  checkCount("size2", size2);
  checkSizes(proof);
  if (size2 < size1) throw new ProofError(`size2 (${size2}) < size1 (${size1})`);
  if (size1 === 0) throw new ProofError("a consistency proof from the empty tree is meaningless");
  if (size1 === size2) {
    if (proof.length) throw new ProofError("size1 = size2, but the proof is not empty");
    if (!equalBytes(root1, root2)) throw new ProofError("equal sizes, different roots");
    return;
  }
  if (!proof.length) throw new ProofError("empty consistency proof");
  const [fullInner, border] = decompose(size1 - 1, size2);
  const shift = trailingZeros(size1);
  const inner = fullInner - shift;
  const [seed, start] = size1 === 2 ** shift ? [root1, 0] : [proof[0] as Hash, 1];
  if (proof.length !== start + inner + border) throw new ProofError(`consistency proof has ${proof.length} hashes, want ${start + inner + border}`);
  const rest = proof.slice(start);
  const mask = Math.floor((size1 - 1) / 2 ** shift);
  const hash1 = chainBorderRight(chainInnerRight(seed, rest.slice(0, inner), mask), rest.slice(inner));
  if (!equalBytes(hash1, root1)) throw new ProofError("consistency proof does not lead to the old root");
  const hash2 = chainBorderRight(chainInner(seed, rest.slice(0, inner), mask), rest.slice(inner));
  if (!equalBytes(hash2, root2)) throw new ProofError("consistency proof does not lead to the new root");
}

/**
 * The check a monitor or witness makes between two checkpoints: any tree extends the empty tree
 * (C2SP tlog-witness accepts old size 0 with an empty proof), otherwise verifyConsistency.
 */
export function consistentWithPrevious(size1: number, size2: number, proof: readonly Hash[], root1: Hash, root2: Hash): void {
  checkCount("size1", size1);
  checkCount("size2", size2);
  if (size1 === 0) {
    if (!equalBytes(root1, EMPTY_ROOT)) throw new ProofError("a size-0 checkpoint must have the empty-tree root");
    if (proof.length) throw new ProofError("a proof from the empty tree must be empty");
    return;
  }
  verifyConsistency(size1, size2, proof, root1, root2);
}

/** Hash of the perfect subtree at `level` (2^level leaves) and position `index` within that level. */
export type NodeSource = (level: number, index: number) => Promise<Hash>;

const largestPowerOf2Below = (n: number) => 2 ** (bitLength(n - 1) - 1);

/** MTH(D[start:end]) for end - start > 0, from perfect subtree hashes. */
export async function subtreeRoot(start: number, end: number, node: NodeSource): Promise<Hash> {
  const n = end - start;
  const level = bitLength(n) - 1;
  if (2 ** level === n && start % n === 0) return node(level, start / n);
  const k = largestPowerOf2Below(n);
  return nodeHash(await subtreeRoot(start, start + k, node), await subtreeRoot(start + k, end, node));
}

export async function treeRoot(size: number, node: NodeSource): Promise<Hash> {
  return size === 0 ? EMPTY_ROOT : subtreeRoot(0, size, node);
}

/** PATH(m, D[start:end]) of RFC 6962 §2.1.1, leaf's sibling first. */
export async function inclusionProof(index: number, size: number, node: NodeSource, start = 0): Promise<Hash[]> {
  if (!(index < size)) throw new ProofError(`index ${index} is beyond tree size ${size}`);
  const n = size - start;
  if (n === 1) return [];
  const k = largestPowerOf2Below(n);
  if (index - start < k) return [...(await inclusionProof(index, start + k, node, start)), await subtreeRoot(start + k, size, node)];
  return [...(await inclusionProof(index, size, node, start + k)), await subtreeRoot(start, start + k, node)];
}

/** PROOF(m, D[n]) of RFC 6962 §2.1.2 (SUBPROOF with b = true), for 0 < m <= n. */
export async function consistencyProof(m: number, n: number, node: NodeSource): Promise<Hash[]> {
  if (!(0 < m && m <= n)) throw new ProofError(`no consistency proof from size ${m} to ${n}`);
  const sub = async (m: number, start: number, end: number, b: boolean): Promise<Hash[]> => {
    const size = end - start;
    if (m === size) return b ? [] : [await subtreeRoot(start, end, node)];
    const k = largestPowerOf2Below(size);
    if (m <= k) return [...(await sub(m, start, start + k, b)), await subtreeRoot(start + k, end, node)];
    return [...(await sub(m - k, start + k, end, false)), await subtreeRoot(start, start + k, node)];
  };
  return sub(m, 0, n, true);
}

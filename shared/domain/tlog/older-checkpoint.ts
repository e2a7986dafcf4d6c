/**
 * What a monitor makes of a signed checkpoint smaller than the tree it verified last time. The
 * monitor keeps only the compact range of that tree, which cannot give the root of an arbitrary
 * prefix, so it reads the prefix root and a consistency proof to the verified size from the log's
 * own tiles, and checks the proof against the root it holds: once that passes, the prefix root is
 * proven, whatever served the tiles. A log must never go back, so each outcome is an alert; the
 * words say which: a fork (the signed root is not the proven prefix root: two histories signed),
 * a rollback (it is: the log hides what came after, or a cache serves an old head), or a
 * rollback the log's tiles cannot be made to explain.
 */
import { EMPTY_ROOT, type Hash, b64, equalBytes } from "./hash";
import { consistencyProof, treeRoot, verifyConsistency } from "./proof";
import { type ReadBytes, TileReader } from "./tile-reader";

export interface OlderVerdict {
  readonly kind: "fork" | "rollback" | "unproven";
  readonly alert: string;
}

/** The root of the verified tree's first `size` leaves, proven against `verified.root`; a thrown error says why not. */
async function provenPrefixRoot(read: ReadBytes, size: number, verified: { size: number; root: Hash }): Promise<Hash> {
  if (size === 0) return EMPTY_ROOT;
  const prefix = await treeRoot(size, new TileReader(read, size, verified.size).node);
  const proof = await consistencyProof(size, verified.size, new TileReader(read, verified.size).node);
  verifyConsistency(size, verified.size, proof, prefix, verified.root);
  return prefix;
}

export async function checkOlderCheckpoint(
  read: ReadBytes,
  older: { size: number; root: Hash },
  verified: { size: number; root: Hash },
): Promise<OlderVerdict> {
  const what = `the log now publishes a signed checkpoint of size ${older.size} (root ${b64(older.root)}), older than the size ${verified.size} verified before (root ${b64(verified.root)})`;
  let prefix: Hash;
  try {
    prefix = await provenPrefixRoot(read, older.size, verified);
  } catch (e) {
    return {
      kind: "unproven",
      alert: `ROLLBACK: ${what}; the log's tiles do not prove the prefix root (${(e as Error).message}), so a fork cannot be ruled out`,
    };
  }
  if (!equalBytes(prefix, older.root)) {
    return {
      kind: "fork",
      alert: `INCONSISTENT CHECKPOINT: ${what}, but the first ${older.size} entries of the verified tree have root ${b64(prefix)}: the log signed two different histories`,
    };
  }
  return {
    kind: "rollback",
    alert: `ROLLBACK: ${what}; it is the verified tree's prefix, so the log (or a cache in front of it) hides entries ${older.size}..${verified.size - 1}`,
  };
}

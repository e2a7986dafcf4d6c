/**
 * Checking a proof file offline, as a user does with a release's `upload.tlog-proof` or
 * `log.json` and the log's published verifier key: the checkpoint's signature and origin, then the
 * proof against its root. The entry is what the proof is about: taken from the file (tlog-proof's
 * extra, log.json's entry) or given by the user; a leaf hash the file states must be the entry's.
 */
import { createHash } from "node:crypto";
import { type UploadEntry, readLogEntry } from "./entry";
import type { PatchEntry } from "./patch-entry";
import { type Hash, b64, equalBytes, leafHash } from "./hash";
import type { Verifier } from "./note";
import { consistentWithPrevious, verifyInclusion } from "./proof";
import { type ConsistencyClaim, type InclusionClaim, ProofFileError } from "./proof-file";
import { openCheckpointNote } from "./verify";

export type CheckedProof =
  | {
      readonly type: "inclusion";
      readonly origin: string;
      readonly size: number;
      readonly index: number;
      readonly leafHash: Hash;
      readonly entry?: string;
      readonly upload?: UploadEntry;
      readonly patch?: PatchEntry;
    }
  | { readonly type: "consistency"; readonly origin: string; readonly size: number; readonly size1: number; readonly root1: Hash };

export interface CheckOptions {
  /** The checkpoint to check against instead of the file's own (e.g. one a monitor verified). */
  readonly checkpoint?: string;
  readonly origin?: string;
  /** The entry's exact bytes, when the file does not carry them (or to check it is this one). */
  readonly entry?: Uint8Array;
}

function leafOf(claim: InclusionClaim, given: Uint8Array | undefined): { leaf: Hash; entry?: Uint8Array } {
  if (given && claim.entry && !equalBytes(given, claim.entry)) throw new ProofFileError("the given entry is not the one the proof file carries");
  const entry = given ?? claim.entry;
  if (!entry && !claim.leafHash) throw new ProofFileError("the proof file does not carry its entry: give it (--entry)");
  const leaf = entry ? leafHash(entry) : (claim.leafHash as Hash);
  if (claim.leafHash && !equalBytes(leaf, claim.leafHash))
    throw new ProofFileError(`the file's leaf hash ${b64(claim.leafHash)} is not its entry's (${b64(leaf)})`);
  return { leaf, ...(entry ? { entry } : {}) };
}

export function checkProof(claim: InclusionClaim | ConsistencyClaim, verifiers: readonly Verifier[], o: CheckOptions = {}): CheckedProof {
  const cp = openCheckpointNote(o.checkpoint ?? claim.checkpoint, verifiers, o.origin);
  if (claim.type === "consistency") {
    if (claim.size2 !== cp.size) throw new ProofFileError(`proof ends at size ${claim.size2}, the checkpoint has ${cp.size}`);
    consistentWithPrevious(claim.size1, cp.size, claim.proof, claim.root1, cp.root);
    return { type: "consistency", origin: cp.origin, size: cp.size, size1: claim.size1, root1: claim.root1 };
  }
  if (claim.treeSize !== undefined && claim.treeSize !== cp.size)
    throw new ProofFileError(`proof is for tree size ${claim.treeSize}, the checkpoint has ${cp.size}`);
  const { leaf, entry } = leafOf(claim, o.entry);
  verifyInclusion(claim.index, cp.size, leaf, claim.proof, cp.root);
  const text = entry ? new TextDecoder("utf-8", { fatal: false }).decode(entry) : undefined;
  const { upload, patch } = text === undefined ? {} : readLogEntry(text);
  return {
    type: "inclusion",
    origin: cp.origin,
    size: cp.size,
    index: claim.index,
    leafHash: leaf,
    ...(text !== undefined ? { entry: text } : {}),
    ...(upload ? { upload } : {}),
    ...(patch ? { patch } : {}),
  };
}

/** Is `archive` the file the entry (an upload, or a patched archive) describes? Its name, size and sha256; the problems, or none. */
export function archiveProblems(upload: Pick<UploadEntry, "path" | "sha256" | "size">, name: string, archive: Uint8Array): string[] {
  const problems: string[] = [];
  const logged = upload.path.split("/").pop();
  if (name !== logged) problems.push(`the archive is named ${name}, the entry is for ${logged}`);
  if (archive.byteLength !== upload.size) problems.push(`the archive is ${archive.byteLength} bytes, the entry says ${upload.size}`);
  const sha256 = createHash("sha256").update(archive).digest("hex");
  if (sha256 !== upload.sha256) problems.push(`the archive's sha256 is ${sha256}, the entry says ${upload.sha256}`);
  return problems;
}

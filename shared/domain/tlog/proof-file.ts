/**
 * The proof files a user checks offline, in the three shapes the project writes: C2SP tlog-proof
 * (`upload.tlog-proof`, with the entry as its `extra` data), the pipeline's `log.json`, and what
 * `cpansec log prove` prints. Parsed strictly at the boundary: anything else is a ProofFileError
 * naming what is wrong, never a crash.
 */
import * as z from "zod/mini";
import { type Hash, HASH_SIZE, b64 } from "./hash";

export class ProofFileError extends Error {
  override readonly name = "ProofFileError";
}

export const TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1";
/** A tree below 2^63 leaves has inclusion and consistency proofs of at most ~2·63 hashes. */
const MAX_PROOF_HASHES = 128;

export interface InclusionClaim {
  readonly type: "inclusion";
  readonly index: number;
  /** The entry's exact bytes, when the file carries them (log.json; tlog-proof's extra). */
  readonly entry?: Uint8Array;
  /** The leaf hash the file states (log.json, `log prove`): checked against the entry when both are there. */
  readonly leafHash?: Hash;
  readonly treeSize?: number;
  readonly proof: readonly Hash[];
  readonly checkpoint: string;
}

export interface ConsistencyClaim {
  readonly type: "consistency";
  readonly size1: number;
  readonly size2: number;
  readonly root1: Hash;
  readonly proof: readonly Hash[];
  readonly checkpoint: string;
}

/** c2sp.org/tlog-proof@v1: [extra], index, the inclusion proof, a blank line, the signed checkpoint. */
export function formatTlogProof(index: number, proof: readonly Uint8Array[], checkpoint: string, extra?: Uint8Array): string {
  return `${TLOG_PROOF_HEADER}\n${extra ? `extra ${b64(extra)}\n` : ""}index ${index}\n${proof.map((h) => `${b64(h)}\n`).join("")}\n${checkpoint}`;
}

function base64(what: string, s: string): Uint8Array {
  const bytes = Buffer.from(s, "base64");
  if (!s || bytes.toString("base64") !== s) throw new ProofFileError(`${what} is not canonical base64`);
  return new Uint8Array(bytes);
}
function hash(what: string, s: string): Hash {
  const h = base64(what, s);
  if (h.byteLength !== HASH_SIZE) throw new ProofFileError(`${what} is ${h.byteLength} bytes, want ${HASH_SIZE}`);
  return h;
}
function count(what: string, s: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(s) || !Number.isSafeInteger(Number(s))) throw new ProofFileError(`${what} ${JSON.stringify(s)} is not a whole number`);
  return Number(s);
}
function hashes(list: readonly string[]): Hash[] {
  if (list.length > MAX_PROOF_HASHES) throw new ProofFileError(`more than ${MAX_PROOF_HASHES} proof hashes`);
  return list.map((s, i) => hash(`proof hash ${i + 1}`, s));
}

export function parseTlogProof(text: string): InclusionClaim {
  const lines = text.split("\n");
  let at = 0;
  if (lines[at++] !== TLOG_PROOF_HEADER) throw new ProofFileError(`not a tlog-proof: the first line is not ${TLOG_PROOF_HEADER}`);
  let entry: Uint8Array | undefined;
  if (lines[at]?.startsWith("extra ")) entry = base64("extra", (lines[at++] as string).slice(6));
  const m = /^index (.*)$/.exec(lines[at++] ?? "");
  if (!m) throw new ProofFileError("tlog-proof: no index line");
  const index = count("index", m[1] as string);
  const end = lines.indexOf("", at);
  if (end < 0) throw new ProofFileError("tlog-proof: no blank line before the checkpoint");
  const proof = hashes(lines.slice(at, end));
  return { type: "inclusion", index, ...(entry ? { entry } : {}), proof, checkpoint: lines.slice(end + 1).join("\n") };
}

const wholeNumber = z.number().check(z.int(), z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER));
const logJson = z.object({
  index: wholeNumber,
  leafHash: z.string(),
  entry: z.string(),
  treeSize: wholeNumber,
  checkpoint: z.string(),
  inclusionProof: z.array(z.string()),
});
const proveInclusion = z.object({
  type: z.literal("inclusion"),
  index: wholeNumber,
  treeSize: wholeNumber,
  leafHash: z.string(),
  proof: z.array(z.string()),
  checkpoint: z.string(),
});
const proveConsistency = z.object({
  type: z.literal("consistency"),
  size1: wholeNumber,
  size2: wholeNumber,
  root1: z.string(),
  proof: z.array(z.string()),
  checkpoint: z.string(),
});

function shape<T>(schema: z.ZodMiniType<T>, v: unknown, what: string): T {
  const r = schema.safeParse(v);
  if (!r.success) throw new ProofFileError(`${what}: ${r.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`).join("; ")}`);
  return r.data;
}

/** Any of the three shapes, told apart by their first bytes and fields. */
export function parseProofFile(text: string): InclusionClaim | ConsistencyClaim {
  if (text.startsWith(`${TLOG_PROOF_HEADER}\n`)) return parseTlogProof(text);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ProofFileError(`not a proof file: neither ${TLOG_PROOF_HEADER} nor JSON`);
  }
  const type = typeof v === "object" && v !== null && "type" in v ? (v as { type: unknown }).type : undefined;
  if (type === "consistency") {
    const p = shape(proveConsistency, v, "consistency proof");
    return { type, size1: p.size1, size2: p.size2, root1: hash("root1", p.root1), proof: hashes(p.proof), checkpoint: p.checkpoint };
  }
  if (type === "inclusion") {
    const p = shape(proveInclusion, v, "inclusion proof");
    return { type, index: p.index, treeSize: p.treeSize, leafHash: hash("leafHash", p.leafHash), proof: hashes(p.proof), checkpoint: p.checkpoint };
  }
  if (type !== undefined) throw new ProofFileError(`unknown proof type ${JSON.stringify(type)}`);
  const p = shape(logJson, v, "log.json");
  return {
    type: "inclusion",
    index: p.index,
    treeSize: p.treeSize,
    entry: new TextEncoder().encode(p.entry),
    leafHash: hash("leafHash", p.leafHash),
    proof: hashes(p.inclusionProof),
    checkpoint: p.checkpoint,
  };
}

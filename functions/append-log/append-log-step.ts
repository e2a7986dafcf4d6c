/**
 * The append-log queue step: one sequencer batch for a batch of releases, then per release
 * log.json (index, leaf hash, checkpoint, inclusion proof) and upload.tlog-proof (C2SP tlog-proof).
 */
import { buildEntry } from "../../shared/domain/tlog/entry";
import { b64, leafHash } from "../../shared/domain/tlog/hash";
import { inclusionProof } from "../../shared/domain/tlog/proof";
import { TileReader } from "../../shared/domain/tlog/tile-reader";
import { checkpointSize } from "../../shared/domain/tlog/checkpoint";
import { formatTlogProof } from "../../shared/domain/tlog/proof-file";
import type { LogDocument } from "../../shared/domain/pipeline/documents";
import { tlogProofKey } from "../../shared/domain/pipeline/keys";
import type { ReleaseRecord } from "../../shared/domain/pipeline/record";
import type { StepJob } from "../../shared/messages/jobs";
import { announceIfComplete, completeStep, emit } from "../../shared/pipeline/complete";
import type { AppendLogDeps } from "../../shared/ports/deps";
import { publishLogJson } from "../../shared/pipeline/documents";
import { TransientError } from "../../shared/ports/errors";
import { appendEntries } from "./append-log";

const enc = new TextEncoder();

/**
 * Appends a batch and writes each release's proof documents. The append is all or nothing (it
 * throws); what follows is per release, so one release's failed write fails only its own job:
 * the result maps job positions to their errors, and a retried job finds its entry already logged.
 */
export async function appendLogBatch(deps: AppendLogDeps, jobs: readonly StepJob[]): Promise<Map<number, unknown>> {
  const failed = new Map<number, unknown>();
  const records: { at: number; r: ReleaseRecord }[] = [];
  for (const [at, j] of jobs.entries()) {
    try {
      const r = await deps.releases.get(j.id);
      if (!r) throw new TransientError(`release ${j.id} is not in the releases table`);
      if (!r.sha256 || r.size === undefined) throw new TransientError(`release ${j.id} has no verified sha256 yet`);
      if (r.steps.log)
        await announceIfComplete(deps, r); // a redelivery: finish what the first run may not have
      else if (!records.some((x) => x.r.id === r.id)) records.push({ at, r });
    } catch (e) {
      failed.set(at, e);
    }
  }
  if (!records.length) return failed;
  const entries = records.map(({ r }) => buildEntry({ path: r.path, sha256: r.sha256 as string, size: r.size as number, uploaded: r.uploaded }));
  const result = await appendEntries(
    deps.log,
    entries.map((e) => enc.encode(e)),
  );
  const size = checkpointSize(result.checkpoint);
  const reader = new TileReader((p) => deps.log.tiles.read(p), size);
  for (const [i, { at, r }] of records.entries()) {
    try {
      const index = result.indexes[i] as number;
      const proof = await inclusionProof(index, size, reader.node);
      const entry = entries[i] as string;
      const leaf = b64(leafHash(enc.encode(entry)));
      const doc: LogDocument = { index, leafHash: leaf, entry, treeSize: size, checkpoint: result.checkpoint, inclusionProof: proof.map(b64) };
      await publishLogJson(deps.blobs, r, doc);
      // The entry rides as the proof's extra data: its upload time cannot be rebuilt from the archive,
      // and a checker needs the exact bytes to hash (they are proven by the proof, not trusted).
      await deps.blobs.publish(tlogProofKey(r), enc.encode(formatTlogProof(index, proof, result.checkpoint, enc.encode(entry))));
      if (result.mismatched.includes(i))
        await emit(deps, "integrity.alert", r, `${r.id}\nlog`, { reason: `${r.path} is already in the log with a different entry (index ${index})` });
      await completeStep(deps, r.id, "log", { status: "done" });
    } catch (e) {
      failed.set(at, e);
    }
  }
  return failed;
}

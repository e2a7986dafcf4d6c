/**
 * The transparency log as publish-overlay sees it on AWS: read only (only append-log holds the
 * log key). An entry is logged when the log index has its id (`patched:<path>`) and the published
 * checkpoint, signed with the published vkey, covers it with an inclusion proof for these very
 * bytes; the proof then goes beside the archive. Under the same id with other bytes: mismatched.
 * Anything else (not indexed yet, or past the checkpoint published) is sent to append-log, which
 * appends it and queues the overlay again: pending, and not listed by this run.
 */
import { createHash } from "node:crypto";
import { parseCheckpoint } from "../../shared/domain/tlog/checkpoint";
import { entryId } from "../../shared/domain/tlog/entry";
import { leafHash } from "../../shared/domain/tlog/hash";
import { openNote, parseVerifierKey } from "../../shared/domain/tlog/note";
import { ProofError, inclusionProof, verifyInclusion } from "../../shared/domain/tlog/proof";
import { formatTlogProof } from "../../shared/domain/tlog/proof-file";
import { parsePatchEntry } from "../../shared/domain/tlog/patch-entry";
import { TileReader } from "../../shared/domain/tlog/tile-reader";
import { type LogJob, MAX_PATCHED_PER_JOB } from "../../shared/messages/jobs";
import type { JobQueue } from "../../shared/ports";
import type { OverlayTarget } from "../../shared/ports/deps";
import type { EntryRecord, OverlayLog } from "../publish-patches/overlay-log";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** `patches`: the registry the job is for, sent along so append-log queues the overlay for it again. */
export function queuedLog(log: OverlayTarget["log"], queue: JobQueue<LogJob>, patches: string): OverlayLog {
  return {
    async record(entries) {
      const ids = entries.map((e) => entryId(e, () => createHash("sha256").update(e).digest("hex")));
      const known = await log.index.getMany([...new Set(ids)]);
      const note = known.size ? await log.files.read("checkpoint") : undefined;
      const vkey = note ? await log.files.read("vkey") : undefined;
      const cp = note && vkey ? parseCheckpoint(openNote(dec.decode(note), [parseVerifierKey(dec.decode(vkey).trim())]).text) : undefined;
      const reader = cp && new TileReader((p) => log.files.read(p), cp.size);
      const out: EntryRecord[] = [];
      const pending: { path: string; entry: string }[] = [];
      for (const [i, entry] of entries.entries()) {
        const at = known.get(ids[i] as string);
        if (at === undefined || !cp || !reader || at >= cp.size) {
          pending.push({ path: parsePatchEntry(entry).path, entry });
          out.push({ status: "pending" });
          continue;
        }
        const proof = await inclusionProof(at, cp.size, reader.node);
        try {
          verifyInclusion(at, cp.size, leafHash(enc.encode(entry)), proof, cp.root);
        } catch (e) {
          if (!(e instanceof ProofError)) throw e;
          out.push({ status: "mismatched" });
          continue;
        }
        out.push({ status: "logged", index: at, proof: formatTlogProof(at, proof, dec.decode(note as Uint8Array), enc.encode(entry)) });
      }
      const jobs: LogJob[] = [];
      for (let i = 0; i < pending.length; i += MAX_PATCHED_PER_JOB) jobs.push({ v: 1, patches, patched: pending.slice(i, i + MAX_PATCHED_PER_JOB) });
      if (jobs.length) await queue.send(jobs);
      return out;
    },
  };
}

/**
 * How publishPatched records its archives' cpansec-patch/v1 entries in the transparency log: the
 * commit point after which an archive may be listed. Embedded (and `cpansec patch publish`), the
 * publisher holds the log and appends them itself (appendingLog). On AWS only append-log holds the
 * log key: publish-overlay sends it the entries and lists them in a later run, once they are logged
 * (functions/publish-overlay/queued-log.ts).
 */
import type { LogDeps } from "../../shared/ports/deps";
import { appendEntries } from "../append-log/append-log";
import { proofFiles } from "./proofs";

/** An entry logged (its index and `.tlog-proof` text), logged before with other bytes, or sent to the log's writer and not logged yet. */
export type EntryRecord =
  | { readonly status: "logged"; readonly index: number; readonly proof: string }
  | { readonly status: "mismatched" }
  | { readonly status: "pending" };

export interface OverlayLog {
  /** One record per entry, in order. */
  record(entries: readonly string[]): Promise<readonly EntryRecord[]>;
}

const enc = new TextEncoder();

/** The log appended to directly, in one batch (deduplicated by overlay path: a retry gets the indexes back). */
export function appendingLog(log: LogDeps): OverlayLog {
  return {
    async record(entries) {
      const result = await appendEntries(
        log,
        entries.map((e) => enc.encode(e)),
      );
      const proofs = await proofFiles((p) => log.tiles.read(p), result.checkpoint, result.indexes, entries);
      const mismatched = new Set(result.mismatched);
      return entries.map((_, i) =>
        mismatched.has(i) ? { status: "mismatched" } : { status: "logged", index: result.indexes[i] as number, proof: proofs[i] as string },
      );
    },
  };
}

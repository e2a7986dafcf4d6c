/**
 * A patched archive's `<name>.tlog-proof` (C2SP tlog-proof, the entry as its extra data), beside
 * it in the overlay: anyone holding the log's verifier key can check offline, with
 * `cpansec log check-proof PROOF --archive ARCHIVE`, that the archive is the one logged and what it
 * was made from. As for an upload's proof, the checkpoint is the one the append signed.
 */
import type { AppendResult } from "../append-log/append-log";
import { parseCheckpoint } from "../../shared/domain/tlog/checkpoint";
import { inclusionProof } from "../../shared/domain/tlog/proof";
import { formatTlogProof } from "../../shared/domain/tlog/proof-file";
import { TileReader } from "../../shared/domain/tlog/tile-reader";
import type { LogDeps } from "../../shared/ports/deps";

export async function proofFiles(log: LogDeps, result: AppendResult, entries: readonly string[]): Promise<string[]> {
  const size = parseCheckpoint(result.checkpoint.slice(0, result.checkpoint.indexOf("\n\n") + 1)).size;
  const reader = new TileReader((p) => log.tiles.read(p), size);
  const out: string[] = [];
  for (const [i, entry] of entries.entries()) {
    const index = result.indexes[i] as number;
    out.push(formatTlogProof(index, await inclusionProof(index, size, reader.node), result.checkpoint, new TextEncoder().encode(entry)));
  }
  return out;
}

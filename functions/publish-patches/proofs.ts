/**
 * A patched archive's `<name>.tlog-proof` (C2SP tlog-proof, the entry as its extra data), beside
 * it in the overlay: anyone holding the log's verifier key can check offline, with
 * `cpansec log check-proof PROOF --archive ARCHIVE`, that the archive is the one logged and what it
 * was made from. As for an upload's proof, the checkpoint is one the log signed (the append's, or
 * the published one that covers the entry).
 */
import { checkpointSize } from "../../shared/domain/tlog/checkpoint";
import { inclusionProof } from "../../shared/domain/tlog/proof";
import { formatTlogProof } from "../../shared/domain/tlog/proof-file";
import { TileReader } from "../../shared/domain/tlog/tile-reader";

export async function proofFiles(
  read: (path: string) => Promise<Uint8Array | undefined>,
  checkpoint: string,
  indexes: readonly number[],
  entries: readonly string[],
): Promise<string[]> {
  const size = checkpointSize(checkpoint);
  const reader = new TileReader(read, size);
  const out: string[] = [];
  for (const [i, entry] of entries.entries()) {
    const index = indexes[i] as number;
    out.push(formatTlogProof(index, await inclusionProof(index, size, reader.node), checkpoint, new TextEncoder().encode(entry)));
  }
  return out;
}

/**
 * The patches in force as PatchRecords, from the pipeline's own copies of their bytes (stored by
 * sha256 when the registry was refreshed): the overlay is built from what the findings cite, not
 * from what the source serves now. Bytes that are missing or no longer hash to the cited sha256
 * are named in `problems` and not used; each patch is parsed again, as any patch is.
 */
import { createHash } from "node:crypto";
import { PatchError } from "../../shared/domain/patches/errors";
import { type PatchRecord, readPatchRecord } from "../../shared/domain/patches/registry";

export interface CitedPatch {
  readonly path: string;
  readonly sha256: string;
  readonly url?: string;
}

export async function storedPatchRecords(
  cited: readonly CitedPatch[],
  read: (sha256: string) => Promise<Uint8Array | undefined>,
): Promise<{ records: PatchRecord[]; problems: string[] }> {
  const records: PatchRecord[] = [];
  const problems: string[] = [];
  for (const c of cited) {
    const bytes = await read(c.sha256);
    if (!bytes || createHash("sha256").update(bytes).digest("hex") !== c.sha256) {
      problems.push(`${c.path}: the stored copy of ${c.sha256} is ${bytes ? "other bytes" : "missing"}; not applied`);
      continue;
    }
    try {
      records.push(readPatchRecord(c.path, bytes, undefined, c.url));
    } catch (e) {
      if (!(e instanceof PatchError)) throw e;
      problems.push(e.message);
    }
  }
  return { records, problems };
}

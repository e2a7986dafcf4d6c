/**
 * Writing a publication over the previous one, rewriting only what changed: a file the exporter
 * read back is compared by its bytes, any other by the sha256 the previous index.json lists for
 * it; equal ones are not written. index.json goes last, so it never lists a file before the file
 * is there; a crash in between leaves an index older than some files, and the next run rewrites
 * those (their hashes differ from the old index's) with the same bytes.
 */
import { createHash } from "node:crypto";
import { type Publication, type PublicationIndex, INDEX_FILE, indexBytes } from "../domain/publish/publication";
import type { ObjectStore } from "../ports";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const same = (a: Uint8Array, b: Uint8Array) => a.byteLength === b.byteLength && Buffer.from(a).equals(Buffer.from(b));

/** Reads through to `store`, remembering what it read (missing files too) for publishChanged. */
export function readCache(store: ObjectStore): { read: (path: string) => Promise<Uint8Array | undefined>; seen: ReadonlyMap<string, Uint8Array | undefined> } {
  const seen = new Map<string, Uint8Array | undefined>();
  return {
    seen,
    read: async (path) => {
      if (!seen.has(path)) seen.set(path, await store.read(path));
      return seen.get(path);
    },
  };
}

export async function publishChanged(
  store: ObjectStore,
  p: Publication,
  previous: PublicationIndex | undefined,
  seen: ReadonlyMap<string, Uint8Array | undefined>,
): Promise<{ written: number; unchanged: number }> {
  let written = 0;
  for (const f of p.files) {
    const old = seen.get(f.path);
    const unchanged = seen.has(f.path) ? !!old && same(old, f.bytes) : previous?.files[f.path] === sha256(f.bytes);
    if (unchanged) continue;
    await store.publish(f.path, f.bytes);
    written++;
  }
  const index = indexBytes(p.index);
  const oldIndex = seen.get(INDEX_FILE);
  if (!oldIndex || !same(oldIndex, index)) {
    await store.publish(INDEX_FILE, index);
    written++;
  }
  return { written, unchanged: p.files.length + 1 - written };
}

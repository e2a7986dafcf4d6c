/** The steps after ingest work from the stored archive: re-read it (cheap next to the network). */
import { createHash } from "node:crypto";
import { type Release, describeRelease } from "../domain/cpan/release";
import { archiveKey } from "../domain/pipeline/keys";
import type { ReleaseRecord } from "../domain/pipeline/record";
import { bundledKeep } from "../domain/sbom/bundled";
import { TransientError } from "../ports/errors";
import type { ReleaseReadDeps } from "../ports/deps";

/**
 * The last few descriptions, by path and the archive's sha256. Ingest, generate-sbom and
 * match-advisories describe the same bytes one after the other when they share a process (the
 * embedded runner; a warm Lambda given a retry), and describing is most of each step's CPU
 * (inflate, hash every file). describeRelease is a function of path and bytes, and a Release is
 * never changed after it is made, so a hit is the same answer. Bounded in count and in the file
 * bytes the descriptions keep (META and bundled-code samples).
 */
const described = new Map<string, { release: Release; bytes: number }>();
const KEEP = 32;
const KEEP_BYTES = 64 * 2 ** 20;
let keptBytes = 0;

/** describeRelease as every pipeline step needs it: SHA-1 of each file (SPDX) and the bundled-code samples. */
export async function describeStored(path: string, bytes: Uint8Array): Promise<Release> {
  const key = `${path}\0${createHash("sha256").update(bytes).digest("hex")}`;
  const hit = described.get(key);
  if (hit) {
    described.delete(key); // most recently used last
    described.set(key, hit);
    return hit.release;
  }
  const release = await describeRelease(path, bytes, { sha1: true, keep: bundledKeep });
  let size = 0;
  for (const b of release.files.values()) size += b.byteLength;
  described.set(key, { release, bytes: size });
  keptBytes += size;
  for (const [k, v] of described) {
    if (described.size <= KEEP && keptBytes <= KEEP_BYTES) break;
    described.delete(k);
    keptBytes -= v.bytes;
  }
  return release;
}

export async function loadRelease(deps: ReleaseReadDeps, id: string): Promise<{ record: ReleaseRecord; release: Release }> {
  const record = await deps.releases.get(id);
  if (!record) throw new TransientError(`release ${id} is not in the releases table`);
  const bytes = await deps.blobs.read(archiveKey(record));
  if (!bytes) throw new TransientError(`${archiveKey(record)} is not stored yet`);
  return { record, release: await describeStored(record.path, bytes) };
}

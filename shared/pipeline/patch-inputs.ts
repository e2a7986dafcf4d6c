/**
 * The patch registry in the artifacts store, like the feed (shared/domain/patches/snapshot.ts):
 * refresh reads the source, keeps each patch's bytes and the snapshot (create: immutable, named
 * by sha256) and moves the pointer last, so the pointer never names a snapshot that is not there.
 * A source that cannot be read throws before anything is written: the snapshot in use stays.
 */
import { createHash } from "node:crypto";
import { loadRegistry, type PatchSource } from "../domain/patches/registry";
import { type PatchPointer, type PatchSnapshot, changedPatchDistributions, parseSnapshot, serializeSnapshot, snapshotOf } from "../domain/patches/snapshot";
import { PATCHES_POINTER_KEY, patchFileKey, patchSnapshotKey } from "../domain/pipeline/keys";
import type { BlobStore } from "../ports";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

export async function readPatchPointer(blobs: BlobStore): Promise<PatchPointer | undefined> {
  const bytes = await blobs.read(PATCHES_POINTER_KEY);
  return bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as PatchPointer) : undefined;
}

export async function loadPatchSnapshot(blobs: BlobStore, sha: string): Promise<PatchSnapshot> {
  const bytes = await blobs.read(patchSnapshotKey(sha));
  if (!bytes) throw new Error(`${PATCHES_POINTER_KEY} names ${patchSnapshotKey(sha)}, which is missing`);
  return parseSnapshot(bytes, patchSnapshotKey(sha));
}

export type PatchRefreshResult =
  | { readonly status: "unchanged"; readonly sha256: string; readonly patches: number; readonly problems: number }
  | {
      readonly status: "updated";
      readonly sha256: string;
      readonly patches: number;
      readonly problems: number;
      /** Distributions whose patches in force changed. */
      readonly changed: readonly string[];
    };

export interface PatchRefreshDeps {
  readonly blobs: BlobStore;
  readonly source: PatchSource;
  /** A URL for a patch its source has none for (a directory: file://…). */
  readonly urlFor: (path: string) => string;
  readonly now: () => Date;
}

export async function refreshPatches(deps: PatchRefreshDeps): Promise<PatchRefreshResult> {
  const registry = await loadRegistry(deps.source);
  const snapshot = snapshotOf(registry, deps.source.location, deps.urlFor);
  const bytes = serializeSnapshot(snapshot);
  const sha = sha256(bytes);
  const pointer = await readPatchPointer(deps.blobs);
  const counts = { patches: snapshot.patches.length, problems: snapshot.problems.length };
  if (pointer?.sha256 === sha) return { status: "unchanged", sha256: sha, ...counts };
  const previous = pointer ? await loadPatchSnapshot(deps.blobs, pointer.sha256).catch(() => undefined) : undefined;
  for (const p of registry.current) await deps.blobs.create(patchFileKey(p.sha256), p.bytes);
  await deps.blobs.create(patchSnapshotKey(sha), bytes);
  const written: PatchPointer = { sha256: sha, source: snapshot.source, ...counts, takenAt: deps.now().toISOString() };
  await deps.blobs.publish(PATCHES_POINTER_KEY, new TextEncoder().encode(`${JSON.stringify(written)}\n`));
  return { status: "updated", sha256: sha, ...counts, changed: changedPatchDistributions(previous, snapshot) };
}

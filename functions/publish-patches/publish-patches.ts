/**
 * Publishing the patched CPAN overlay: each (original, patches) pair built once, keyed by the
 * original's sha256 and each patch's (docs/patches.md, "The overlay"). Order, for crash safety:
 *
 * 1. read the overlay's model; pairs already in it are done;
 * 2. build each new archive (reproducible: a rebuild gives the same bytes) and create it and its
 *    SBOMs in the overlay (create-only: identical bytes are a retry, other bytes a ConflictError);
 * 3. record their cpansec-patch/v1 entries in the log (./overlay-log.ts: appended in one batch,
 *    deduplicated by overlay path, so a retry finds them logged and gets their indexes back; or,
 *    on AWS, sent to append-log and found logged by a later run, `pending` until then);
 * 4. create each logged archive's `<name>.tlog-proof` beside it (./proofs.ts);
 * 5. only then publish the index files and the model: nothing is listed before it is logged.
 *
 * A crash anywhere leaves files the next run recreates identically. One publisher at a time (the
 * step runs alone): two at once could each publish a model lacking the other's archive, which the
 * next run adds back, since its inputs are again every pair.
 */
import type { PrivateKey } from "openpgp";
import { authorPath } from "../../shared/domain/cpan/distname";
import type { IndexedModule } from "../../shared/domain/cpan/packages";
import { epochOf } from "../../shared/domain/cpan/recent";
import { buildPatchedArtifact, newestPatchDate, patchLogEntry, providedPackages } from "../../shared/domain/overlay/artifact";
import { checksumFields } from "../../shared/domain/overlay/checksums-write";
import { overlayIndexFiles } from "../../shared/domain/overlay/index-files";
import { type OverlayModel, type OverlayRelease, buildKey, releaseKey } from "../../shared/domain/overlay/model";
import type { PatchRecord } from "../../shared/domain/patches/registry";
import type { ObjectStore } from "../../shared/ports";
import { readOverlayModel } from "../../shared/pipeline/overlay-model";
import type { OverlayLog } from "./overlay-log";

export { readOverlayModel };
import { createHash } from "node:crypto";

export interface OverlayDeps {
  /** The public overlay: the public bucket's `patched-cpan/` prefix, or `<data>/patched-cpan/`. */
  readonly overlay: ObjectStore;
  /** Where the archives' entries are logged (./overlay-log.ts). */
  readonly log: OverlayLog;
  /** The deployment's OpenPGP key: it signs the overlay's CHECKSUMS. */
  readonly key: PrivateKey;
  /** The PAUSE-style id of the overlay's author directory, e.g. CPANSEC. */
  readonly author: string;
  /** The overlay's public URL (02packages' header). */
  readonly url: string;
  readonly clock: () => Date;
  readonly tool: { readonly name: string; readonly version: string };
  /** CPAN's 02packages, when known (which packages to list, and at what version). */
  readonly cpan?: ReadonlyMap<string, IndexedModule>;
}

export interface PatchPair {
  /** The original upload: its CPAN path (authors/id/...) and bytes (the ones PAUSE's CHECKSUMS vouched for). */
  readonly original: { readonly path: string; readonly bytes: Uint8Array };
  /** The patches in force for its distribution and version, in the order applied. */
  readonly patches: readonly PatchRecord[];
}

export interface PublishResult {
  readonly added: readonly OverlayRelease[];
  readonly existing: number;
  /** Pairs that could not be built (a patch that does not apply, an unreadable original): by original path. */
  readonly failed: readonly { readonly path: string; readonly error: string }[];
  /** Overlay paths the log already held with other bytes (an integrity alert for the caller). */
  readonly mismatched: readonly string[];
  /** Overlay paths built whose entries are sent to the log's writer, not logged yet: not listed. */
  readonly pending: readonly string[];
}

const enc = new TextEncoder();
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

export async function publishPatched(deps: OverlayDeps, pairs: readonly PatchPair[]): Promise<PublishResult> {
  const model = await readOverlayModel(deps.overlay);
  const known = new Set(model.releases.map(releaseKey));
  const now = deps.clock();
  const built: { release: Omit<OverlayRelease, "logIndex">; entry: string }[] = [];
  const failed: { path: string; error: string }[] = [];
  let existing = 0;
  for (const pair of pairs) {
    const key = buildKey(
      sha256(pair.original.bytes),
      pair.patches.map((p) => p.sha256),
    );
    if (known.has(key) || built.some((b) => releaseKey(b.release as OverlayRelease) === key)) {
      existing++;
      continue;
    }
    try {
      const a = await buildPatchedArtifact(pair.original, pair.patches, newestPatchDate(pair.patches), deps.tool);
      const path = authorPath(deps.author, a.fileName);
      const taken = model.releases.find((r) => r.path === path);
      if (taken) throw new Error(`${path} is already in the overlay, built from ${taken.original.path} (sha256 ${taken.original.sha256})`);
      const dir = path.slice(0, path.lastIndexOf("/"));
      const files: Record<string, ReturnType<typeof checksumFields>> = {};
      for (const [name, bytes] of [
        [a.fileName, a.bytes],
        [`${a.topDir}.cdx.json`, enc.encode(a.cyclonedx)],
        [`${a.topDir}.spdx.json`, enc.encode(a.spdx)],
      ] as const) {
        await deps.overlay.create(`${dir}/${name}`, bytes);
        files[name] = checksumFields(name, bytes, now);
      }
      const cpanRows = deps.cpan ? [...deps.cpan].filter(([, m]) => `authors/id/${m.path}` === pair.original.path).map(([name, m]) => ({ name, ...m })) : [];
      built.push({
        release: {
          path,
          sha256: a.patched.archive.sha256,
          size: a.patched.archive.size,
          dist: a.original.distribution as string,
          version: a.original.version as string,
          original: { path: pair.original.path, sha256: a.original.archive.sha256, size: a.original.archive.size },
          patches: a.patches.map((p) => ({ path: p.path, sha256: p.sha256, cve: p.cve, revision: p.revision, ...(p.url ? { url: p.url } : {}) })),
          packages: providedPackages(a, cpanRows),
          published: epochOf(now),
          files,
        },
        entry: patchLogEntry(a, pair.original.path, path),
      });
    } catch (e) {
      failed.push({ path: pair.original.path, error: (e as Error).message });
    }
  }
  if (!built.length) return { added: [], existing, failed, mismatched: [], pending: [] };
  // The commit point for each archive is its log entry: it is listed only after it is logged.
  const records = await deps.log.record(built.map((b) => b.entry));
  const added: OverlayRelease[] = [];
  const mismatched: string[] = [];
  const pending: string[] = [];
  for (const [i, b] of built.entries()) {
    const logged = records[i];
    // An entry the log already holds with other bytes under the same path is not this archive's
    // record: it is reported and neither listed nor given a proof (which could never verify).
    if (logged?.status !== "logged") {
      (logged?.status === "mismatched" ? mismatched : pending).push(b.release.path);
      continue;
    }
    const name = `${b.release.path.slice(b.release.path.lastIndexOf("/") + 1).replace(/\.tar\.gz$/, "")}.tlog-proof`;
    const at = `${b.release.path.slice(0, b.release.path.lastIndexOf("/"))}/${name}`;
    // A retry after a crash gets the entry's index back with a later checkpoint: the proof
    // already written is as good, and stays.
    let bytes = await deps.overlay.read(at);
    if (!bytes) await deps.overlay.create(at, (bytes = enc.encode(logged.proof)));
    added.push({ ...b.release, files: { ...b.release.files, [name]: checksumFields(name, bytes, now) }, logIndex: logged.index });
  }
  if (!added.length) return { added, existing, failed, mismatched, pending };
  const next: OverlayModel = { v: 1, releases: [...model.releases, ...added] };
  for (const [path, bytes] of await overlayIndexFiles(next, {
    key: deps.key,
    now,
    writtenBy: `${deps.tool.name} (v${deps.tool.version})`,
    url: deps.url,
    ...(deps.cpan ? { cpan: deps.cpan } : {}),
  }))
    await deps.overlay.publish(path, bytes);
  return { added, existing, failed, mismatched, pending };
}

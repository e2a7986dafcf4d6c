/**
 * The overlay step of a refresh, once the patch pointer has moved: the patches in force (the
 * pipeline's stored copies, ./stored-patches.ts) applied to the stored releases they are for and
 * published (./publish-stored.ts), then a forced re-match for every stored answer the overlay's
 * archives change: the originals whose findings do not name their patched archive yet, and, for an
 * archive just added, the releases indexed under its distribution (prerequisite findings name it
 * too). The originals are found by comparing, not from what was added, so a crash between the
 * publication and the queueing is repaired by the next refresh; an answer already naming its
 * archive is not queued, so a pass with nothing new queues nothing.
 */
import { distKey } from "../../shared/domain/advisories/rematch";
import { type BuiltLookup, releasePatches } from "../../shared/domain/patches/citations";
import { builtWith } from "../../shared/domain/overlay/model";
import { patchFileKey } from "../../shared/domain/pipeline/keys";
import { loadPatchSnapshot, readPatchPointer } from "../../shared/pipeline/patch-inputs";
import type { PipelineDeps } from "../../shared/ports/deps";
import { publishStoredPatches } from "./publish-stored";
import { type OverlayDeps, readOverlayModel } from "./publish-patches";
import { storedPatchRecords } from "./stored-patches";

export interface OverlayOutcome {
  /** Patched archives in the overlay now, and how many this step added. */
  readonly archives: number;
  readonly added: readonly string[];
  readonly failed: readonly { readonly path: string; readonly error: string }[];
  readonly mismatched: readonly string[];
  /** Built, their log entries sent to the log's writer: listed by a later run, once logged (AWS). */
  readonly pending: readonly string[];
  readonly problems: readonly string[];
  /** Stored releases queued for a forced re-match. */
  readonly queued: number;
  /** What findings name from now on (the embedded pipeline's `patched` port serves it). */
  readonly lookup: BuiltLookup;
}

export type OverlayStepDeps = Pick<PipelineDeps, "releases" | "blobs" | "findings" | "matchIndex" | "queues">;

export async function refreshOverlay(deps: OverlayStepDeps, overlay: Omit<OverlayDeps, "cpan">): Promise<OverlayOutcome | undefined> {
  const pointer = await readPatchPointer(deps.blobs);
  if (!pointer) return undefined;
  const snapshot = await loadPatchSnapshot(deps.blobs, pointer.sha256);
  const { records, problems } = await storedPatchRecords(snapshot.patches, (sha) => deps.blobs.read(patchFileKey(sha)));
  const result = await publishStoredPatches(deps, overlay, records);
  const model = await readOverlayModel(overlay.overlay);
  const lookup = builtWith(model);
  const ids = new Set<string>();
  for (const a of model.releases) {
    const original = (await deps.releases.byDistribution(a.dist)).find((r) => r.path === a.original.path);
    if (!original?.steps.advisories) continue;
    const named = releasePatches(await deps.findings.byRelease(original.id));
    const stale = a.patches.some((p) => {
      const ref = named.get(p.sha256)?.patch;
      return ref && ref.patched !== lookup({ sha256: p.sha256, dist: a.dist, version: a.version });
    });
    if (stale) ids.add(original.id);
  }
  const dists = [...new Set(result.added.map((a) => distKey(a.dist)))];
  if (dists.length) for (const id of await deps.matchIndex.releases(dists)) ids.add(id);
  const jobs = [...ids].map((id) => ({ v: 1 as const, id, force: true as const }));
  for (let i = 0; i < jobs.length; i += 100) await deps.queues.advisories.send(jobs.slice(i, i + 100));
  return {
    archives: model.releases.length,
    added: result.added.map((a) => a.path),
    failed: result.failed,
    mismatched: result.mismatched,
    pending: result.pending,
    problems: [...problems, ...result.problems],
    queued: ids.size,
    lookup,
  };
}

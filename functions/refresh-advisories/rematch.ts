/**
 * After the feed, 02packages or the patch registry moved: queue a match-advisories job for every stored release whose
 * answer the change can alter, found through the match index (shared/domain/advisories/rematch.ts).
 * The match step does the matching, as for a new upload, with whatever the pointers name.
 *
 * The cursor `advisories.rematched` names the inputs every stored answer has been brought to (or
 * queued for), and PACKAGES_REMATCHED_KEY keeps that 02packages to diff against. Both move only
 * after the jobs are queued, so a crash means the next refresh selects again (a superset), never
 * that a change is lost. docs/decisions/0011-rematching.md.
 */
import { NO_FEED_KEY, changedDistributions, distKey, moduleKey, resolutionChanges } from "../../shared/domain/advisories/rematch";
import type { Feed } from "../../shared/domain/advisories/feed";
import type { PackagesIndex } from "../../shared/domain/cpan/packages";
import { PACKAGES_KEY, PACKAGES_REMATCHED_KEY, REMATCHED_CURSOR } from "../../shared/domain/pipeline/keys";
import { type MatchIdentity, sameInputs } from "../../shared/domain/pipeline/record";
import { moduleResolver } from "../../shared/domain/sbom/resolve";
import type { RematchDeps } from "../../shared/ports/deps";
import { currentIdentity, loadFeedSnapshot, parsePackagesGz, sha256 } from "../../shared/pipeline/match-inputs";
import { changedPatchDistributions, type PatchSnapshot } from "../../shared/domain/patches/snapshot";
import { loadPatchSnapshot } from "../../shared/pipeline/patch-inputs";

export interface RematchResult {
  /** Stored releases queued for re-matching. */
  readonly queued: number;
  /** How they were selected: by index keys, or all of them (no earlier state to diff against). */
  readonly selectedBy: "index" | "all";
  readonly keys: number;
}

interface State {
  readonly feed: Feed | undefined;
  readonly packages: PackagesIndex | undefined;
  /** The patch registry: a release's findings name the patches for its distributions. */
  readonly patches?: PatchSnapshot | undefined;
}

const resolution = (s: State) => ({
  modules: [...(s.packages?.modules.keys() ?? []), ...Object.keys(s.feed?.module2dist ?? {})],
  resolve: moduleResolver(s.packages, s.feed?.module2dist),
});

/** The keys whose answers differ between two states. */
export function changedKeys(before: State, after: State): string[] {
  return [
    ...(!before.feed && after.feed ? [NO_FEED_KEY] : []),
    ...changedDistributions(before.feed, after.feed).map(distKey),
    ...changedPatchDistributions(before.patches, after.patches).map(distKey),
    ...resolutionChanges(resolution(before), resolution(after)).map(moduleKey),
  ];
}

async function storedState(deps: RematchDeps, done: MatchIdentity): Promise<State | undefined> {
  const feed = done.feed ? await loadFeedSnapshot(deps.blobs, done.feed) : undefined;
  const patches = done.patches ? await loadPatchSnapshot(deps.blobs, done.patches) : undefined;
  if (!done.packages) return { feed, packages: undefined, patches };
  const gz = await deps.blobs.read(PACKAGES_REMATCHED_KEY);
  // Missing or not the one the cursor names (a crash between the two writes): no base to diff.
  return gz && sha256(gz) === done.packages ? { feed, packages: parsePackagesGz(gz), patches } : undefined;
}

export async function queueRematches(deps: RematchDeps): Promise<RematchResult | undefined> {
  const named = await currentIdentity(deps.blobs);
  const gz = named.packages ? await deps.blobs.read(PACKAGES_KEY) : undefined;
  const now: MatchIdentity = { ...named, packages: gz ? sha256(gz) : null };
  const text = await deps.cursors.get(REMATCHED_CURSOR);
  const done = text ? (JSON.parse(text) as MatchIdentity) : undefined;
  if (done && sameInputs(done, now)) return undefined;
  // Trust changes every advisories.json (it records the verification); no cursor: answers
  // stored before the index existed. Both: every stored release.
  const before = done && done.feedKey === now.feedKey ? await storedState(deps, done) : undefined;
  let ids: string[];
  let keys = 0;
  if (before) {
    const after = {
      feed: now.feed ? await loadFeedSnapshot(deps.blobs, now.feed) : undefined,
      packages: gz ? parsePackagesGz(gz) : undefined,
      patches: now.patches ? await loadPatchSnapshot(deps.blobs, now.patches) : undefined,
    };
    const changed = changedKeys(before, after);
    keys = changed.length;
    ids = changed.length ? await deps.matchIndex.releases(changed) : [];
  } else {
    ids = (await deps.releases.list()).filter((r) => r.steps.advisories).map((r) => r.id);
  }
  for (let i = 0; i < ids.length; i += 100) await deps.queues.advisories.send(ids.slice(i, i + 100).map((id) => ({ v: 1 as const, id })));
  if (gz && done?.packages !== now.packages) await deps.blobs.publish(PACKAGES_REMATCHED_KEY, gz);
  await deps.cursors.put(REMATCHED_CURSOR, JSON.stringify(now));
  return { queued: ids.length, selectedBy: before ? "index" : "all", keys };
}

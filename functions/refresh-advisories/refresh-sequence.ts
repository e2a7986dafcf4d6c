/**
 * The refresh, in the one order every backend runs it (the hourly Lambda, each `cpansec run` pass):
 * the inputs first (the advisory feed, the mirror's 02packages, the CPANSec patch registry), then
 * the re-matching of the stored answers they can change, so every queued match runs with what the pointers name now,
 * then (with a patch source and an overlay wired) the patched CPAN overlay, whose archives those matches name.
 * A step the refresh gains (another feed, publishing) is added here, once.
 *
 * Limits: the feed, its signature and the index are fetched under FETCH_LIMITS (one file); a feed
 * source that is not a fetch (a test, a file read whole) is held to the same cap here.
 */
import type { PublicKey } from "openpgp";
import type { CveFiles } from "../../shared/domain/advisories/cve-set";
import { FETCH_LIMITS } from "../../shared/domain/fetch-limits";
import { currentFeed, publishPackages, readFeedPointer } from "../../shared/pipeline/match-inputs";
import { type PatchRefreshResult, readPatchPointer, refreshPatches } from "../../shared/pipeline/patch-inputs";
import type { Feed } from "../../shared/domain/advisories/feed";
import type { PatchSource } from "../../shared/domain/patches/registry";
import type { OverlayOutcome } from "../publish-patches/overlay-step";
import { MirrorLimitError } from "../../shared/ports";
import type { PipelineDeps } from "../../shared/ports/deps";
import { type RefreshResult, refreshAdvisories } from "./refresh-advisories";
import { type RematchResult, queueRematches } from "./rematch";

export const PACKAGES_PATH = "modules/02packages.details.txt.gz";

export interface RefreshSources {
  /**
   * The feed's bytes (read under FETCH_LIMITS.advisoryFeed); undefined: it cannot be had now
   * (offline), and the feed in use stays. Absent: no feed is configured, matching waits for one.
   */
  readonly feed?: () => Promise<Uint8Array | undefined>;
  /** Keys trusted to sign the feed; with them, a feed whose signature fails is not used. */
  readonly feedKeys?: readonly PublicKey[];
  /** The feed's detached signature (`<feed>.gpg`), asked for only when feedKeys are given. */
  readonly feedSignature?: () => Promise<Uint8Array | undefined>;
  /**
   * CVE JSON 5 records merged into the feed when it is refreshed (with-cve.ts); absent: none.
   * Undefined: they cannot be read now, and the feed in use (with the records it had) stays.
   */
  readonly cveRecords?: () => Promise<CveFiles | undefined>;
  /** The CPANSec patch source; absent: findings name no patches. */
  readonly patches?: PatchSourceConfig;
  /**
   * The patched CPAN overlay's step (functions/publish-patches/overlay-step.ts, wired by the
   * backend with its overlay store and key), run with a patch source, after the re-matching is
   * queued: the queued matches then name the archives it built (embedded).
   */
  readonly overlay?: () => Promise<OverlayOutcome | undefined>;
  /**
   * Instead, queue the overlay's own step (publish-overlay) for the patch registry in use, when
   * there is one, after the re-matching (AWS: the step holds the overlay key, the refresh does not).
   */
  readonly queueOverlay?: boolean;
}

export interface PatchSourceConfig {
  /** The source, given the feed in use (a site has no listing: the feed's references name its patches). */
  readonly source: (feed: Feed | undefined) => PatchSource;
  /** A URL for a patch the source gives none for (a directory's file: URL, a bucket's s3: URL). */
  readonly urlFor: (path: string) => string;
}

export interface RefreshOutcome {
  /** Absent: no feed was read this time. */
  readonly feed?: RefreshResult;
  /** `bytes`: the index fetched (absent: the mirror has none); `problem`: why it was not used (the last good one stays). */
  readonly packages: { readonly bytes?: number; readonly problem?: string };
  /** Absent: no patch source; `problem`: it could not be read (the snapshot in use stays). */
  readonly patches?: PatchRefreshResult | { readonly status: "failed"; readonly problem: string };
  /** Absent: nothing any stored answer depends on moved. */
  readonly rematch?: RematchResult;
  /** The feed snapshot publish-advisories was asked to publish (absent: there is no feed yet). */
  readonly published?: string;
  /** Absent: no overlay step, or no patch registry yet. */
  readonly overlay?: OverlayOutcome;
  /** The patch snapshot publish-overlay was asked to publish the overlay for (queueOverlay). */
  readonly overlayQueued?: string;
}

export type RefreshSequenceDeps = Pick<PipelineDeps, "blobs" | "mirror" | "clock" | "queues"> & Parameters<typeof queueRematches>[0];

async function refreshFeed(deps: RefreshSequenceDeps, s: RefreshSources): Promise<RefreshResult | undefined> {
  const bytes = await s.feed?.();
  if (!bytes) return undefined;
  const cve = await s.cveRecords?.();
  if (s.cveRecords && !cve) return undefined;
  if (bytes.byteLength > FETCH_LIMITS.advisoryFeed)
    return { status: "rejected", reason: `the feed is ${bytes.byteLength} bytes, over the ${FETCH_LIMITS.advisoryFeed}-byte limit` };
  return refreshAdvisories({
    blobs: deps.blobs,
    fetchFeed: async () => bytes,
    ...(s.feedKeys ? { feedKeys: s.feedKeys } : {}),
    ...(s.feedSignature ? { fetchSignature: s.feedSignature } : {}),
    ...(cve ? { cveRecords: async () => cve } : {}),
    now: deps.clock,
  });
}

/** An index that cannot be read, is over its limit or does not parse is not published; the refresh goes on. */
async function refreshPackages(deps: RefreshSequenceDeps): Promise<RefreshOutcome["packages"]> {
  let index: Uint8Array | undefined;
  try {
    index = await deps.mirror.fetch(PACKAGES_PATH, { maxBytes: FETCH_LIMITS.packagesIndex });
  } catch (e) {
    if (!(e instanceof MirrorLimitError)) throw e;
    return { problem: e.message };
  }
  if (!index) return {};
  return publishPackages(deps.blobs, index).then(
    () => ({ bytes: index.byteLength }),
    (e: Error) => ({ bytes: index.byteLength, problem: e.message }),
  );
}

/** A source that cannot be read (offline, refused) is reported; the refresh and the re-matching go on. */
async function refreshPatchRegistry(deps: RefreshSequenceDeps, c: PatchSourceConfig): Promise<NonNullable<RefreshOutcome["patches"]>> {
  try {
    return await refreshPatches({ blobs: deps.blobs, source: c.source(await currentFeed(deps.blobs)), urlFor: c.urlFor, now: deps.clock });
  } catch (e) {
    return { status: "failed", problem: e instanceof Error ? e.message : String(e) };
  }
}

export async function runRefresh(deps: RefreshSequenceDeps, sources: RefreshSources): Promise<RefreshOutcome> {
  const feed = await refreshFeed(deps, sources);
  const packages = await refreshPackages(deps);
  const patches = sources.patches ? await refreshPatchRegistry(deps, sources.patches) : undefined;
  const rematch = await queueRematches(deps);
  // Every refresh publishes the feed in use next to the log; the step writes only what changed,
  // and nothing at all for a feed it has published already.
  const pointer = await readFeedPointer(deps.blobs);
  if (pointer) await deps.queues.publish.send([{ v: 1, feed: pointer.sha256 }]);
  const overlay = sources.patches ? await sources.overlay?.() : undefined;
  const patchPointer = sources.queueOverlay ? await readPatchPointer(deps.blobs) : undefined;
  if (patchPointer) await deps.queues.overlay.send([{ v: 1, patches: patchPointer.sha256 }]);
  return {
    ...(feed ? { feed } : {}),
    packages,
    ...(patches ? { patches } : {}),
    ...(rematch ? { rematch } : {}),
    ...(pointer ? { published: pointer.sha256 } : {}),
    ...(overlay ? { overlay } : {}),
    ...(patchPointer ? { overlayQueued: patchPointer.sha256 } : {}),
  };
}

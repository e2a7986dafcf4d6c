/**
 * Refreshes the advisory feed: fetch, validate, keep a snapshot, move the pointer, and say what
 * changed. A feed that fails validation is rejected and the previous one stays in use.
 *
 * Storage (the artifacts bucket): `advisories/db/<sha256>.json` (immutable snapshots) and
 * `advisories/current.json` (the pointer: sha256, feed date and commit, when it was taken).
 */
import { type FeedDiff, diffFeeds } from "../../shared/domain/advisories/diff";
import { type Feed, FeedError, type FeedVersion, parseFeed } from "../../shared/domain/advisories/feed";
import { isReleaseFinding, releaseFindings } from "../../shared/domain/advisories/findings";
import { compileFeed } from "../../shared/domain/advisories/match";
import { advisoriesKey } from "../../shared/domain/pipeline/keys";
import { emit } from "../../shared/pipeline/complete";
import type { PipelineDeps } from "../../shared/pipeline/deps";
import type { BlobStore } from "../../shared/ports";

export const CURRENT = "advisories/current.json";
const snapshot = (sha256: string) => `advisories/db/${sha256}.json`;

interface Pointer extends FeedVersion {
  readonly takenAt: string;
}

export type RefreshResult =
  | { readonly status: "unchanged"; readonly feed: FeedVersion }
  | { readonly status: "updated"; readonly feed: FeedVersion; readonly previous?: FeedVersion; readonly diff: FeedDiff }
  | { readonly status: "rejected"; readonly reason: string; readonly feed?: FeedVersion };

/** The feed currently in use, or undefined before the first refresh. */
export async function currentFeed(blobs: BlobStore): Promise<Feed | undefined> {
  const ptr = await blobs.read(CURRENT);
  if (!ptr) return undefined;
  const { sha256 } = JSON.parse(new TextDecoder().decode(ptr)) as Pointer;
  const bytes = await blobs.read(snapshot(sha256));
  if (!bytes) throw new Error(`${CURRENT} points at ${snapshot(sha256)}, which is missing`);
  return parseFeed(bytes);
}

export async function refreshAdvisories(deps: { blobs: BlobStore; fetchFeed: () => Promise<Uint8Array>; now: () => Date }): Promise<RefreshResult> {
  const previous = await currentFeed(deps.blobs);
  const bytes = await deps.fetchFeed();
  let next: Feed;
  try {
    next = parseFeed(bytes);
  } catch (e) {
    if (!(e instanceof FeedError)) throw e;
    return { status: "rejected", reason: e.message, ...(previous ? { feed: previous.version } : {}) };
  }
  if (previous?.version.sha256 === next.version.sha256) return { status: "unchanged", feed: next.version };
  // Snapshot first, pointer last: the pointer never names a snapshot that is not there.
  await deps.blobs.create(snapshot(next.version.sha256), bytes);
  const pointer: Pointer = { ...next.version, takenAt: deps.now().toISOString() };
  await deps.blobs.publish(CURRENT, new TextEncoder().encode(`${JSON.stringify(pointer)}\n`));
  return { status: "updated", feed: next.version, ...(previous ? { previous: previous.version } : {}), diff: diffFeeds(previous, next) };
}

/**
 * After a feed update: re-match the stored releases of every distribution the diff touches,
 * replace their findings and advisories.json, and raise `advisory.published` for each release a
 * new or changed advisory now affects directly (on the release or its bundled code).
 */
export async function rematchAfterRefresh(deps: PipelineDeps, diff: FeedDiff): Promise<{ rematched: number; published: number }> {
  const feed = await deps.feed();
  if (!feed) return { rematched: 0, published: 0 };
  const fresh = new Set([...diff.added, ...diff.changed]);
  const strict = compileFeed(feed, "strict");
  const audit = compileFeed(feed, "cpan-audit");
  let rematched = 0;
  let published = 0;
  for (const dist of diff.distributions) {
    for (const r of await deps.releases.byDistribution(dist)) {
      if (!r.steps.advisories || !r.distribution || !r.version) continue;
      const findings = releaseFindings(strict, audit, { distribution: r.distribution, version: r.version }).filter(isReleaseFinding);
      // Prerequisite findings need the archive's META; those stay as matched at upload time.
      const kept = (await deps.findings.byRelease(r.id)).filter((f) => !isReleaseFinding(f));
      await deps.findings.replace(r.id, [...findings, ...kept]);
      const doc = { release: { id: r.id, distribution: r.distribution, version: r.version, sha256: r.sha256 }, feed: feed.version, mode: "strict", findings: [...findings, ...kept] };
      await deps.blobs.publish(advisoriesKey(r), new TextEncoder().encode(`${JSON.stringify(doc, null, 2)}\n`));
      rematched++;
      for (const f of findings.filter((x) => fresh.has(x.advisory))) {
        await emit(deps, "advisory.published", r, `${r.id}\n${f.advisory}\n${feed.version.sha256}`, { advisory: f.advisory, kind: f.kind, severity: f.severity, cves: f.cves }, { advisories: advisoriesKey(r) });
        published++;
      }
    }
  }
  return { rematched, published };
}

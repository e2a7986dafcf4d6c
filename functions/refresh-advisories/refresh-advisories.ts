/**
 * Refreshes the advisory feed: fetch, validate, keep a snapshot, move the pointer, and say what
 * changed. A feed that fails validation is rejected and the previous one stays in use.
 *
 * Storage (the artifacts bucket): `advisories/db/<sha256>.json` (immutable snapshots) and
 * `advisories/current.json` (the pointer: sha256, feed date and commit, when it was taken).
 */
import { type FeedDiff, diffFeeds } from "../../shared/domain/advisories/diff";
import { type Feed, FeedError, type FeedVersion, parseFeed } from "../../shared/domain/advisories/feed";
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

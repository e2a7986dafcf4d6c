/**
 * Refreshes the advisory feed: fetch, verify its signature when a feed key is trusted, validate,
 * keep a snapshot, move the pointer, and say what changed. A feed that fails verification or
 * validation is rejected and the previous one stays in use.
 *
 * Storage (the artifacts bucket): `advisories/db/<sha256>.json` (immutable snapshots) and
 * `advisories/current.json` (the pointer: sha256, feed date and commit, when it was taken, and
 * `verified`: the fingerprint of the key that verified it, or false).
 */
import type { PublicKey } from "openpgp";
import { type FeedDiff, diffFeeds } from "../../shared/domain/advisories/diff";
import { type Feed, FeedError, type FeedVersion, parseFeed } from "../../shared/domain/advisories/feed";
import { verifyFeedSignature } from "../../shared/domain/advisories/feed-signature";
import { FEED_POINTER_KEY, feedSnapshotKey } from "../../shared/domain/pipeline/keys";
import { type FeedPointer, loadFeedSnapshot, readFeedPointer } from "../../shared/pipeline/match-inputs";
import type { FeedTrust } from "../../shared/ports/deps";
import type { BlobStore } from "../../shared/ports";
import type { CveFiles } from "../../shared/domain/advisories/cve-set";
import { withCveRecords } from "./with-cve";

export const CURRENT = FEED_POINTER_KEY;

/** `cve`: what merging the CVE records found (with-cve.ts), when there are any. */
export type RefreshResult =
  | { readonly status: "unchanged"; readonly feed: FeedVersion; readonly verified: FeedTrust; readonly cve?: readonly string[] }
  | {
      readonly status: "updated";
      readonly feed: FeedVersion;
      readonly verified: FeedTrust;
      readonly previous?: FeedVersion;
      readonly diff: FeedDiff;
      readonly cve?: readonly string[];
    }
  | { readonly status: "rejected"; readonly reason: string; readonly feed?: FeedVersion };

export interface RefreshDeps {
  readonly blobs: BlobStore;
  readonly fetchFeed: () => Promise<Uint8Array>;
  /** Keys trusted to sign the feed; none: the feed is used unverified, and says so. */
  readonly feedKeys?: readonly PublicKey[];
  /** The detached signature (`<feed>.gpg`); asked for only when feedKeys are given. */
  readonly fetchSignature?: () => Promise<Uint8Array | undefined>;
  readonly now: () => Date;
  /** CVE JSON 5 records to merge into the feed (docs/cve-records.md); absent: none. */
  readonly cveRecords?: () => Promise<CveFiles>;
}

async function verify(deps: RefreshDeps, bytes: Uint8Array): Promise<FeedTrust> {
  if (!deps.feedKeys?.length) return false;
  const signature = await deps.fetchSignature?.();
  if (!signature) throw new FeedError("a feed key is configured, but the feed has no signature (<feed>.gpg)");
  return { key: await verifyFeedSignature(bytes, signature, deps.feedKeys) };
}

export async function refreshAdvisories(deps: RefreshDeps): Promise<RefreshResult> {
  const pointer = await readFeedPointer(deps.blobs);
  const previous = pointer ? await loadFeedSnapshot(deps.blobs, pointer.sha256) : undefined;
  const published = await deps.fetchFeed();
  let parsed: Feed;
  let verified: FeedTrust;
  try {
    verified = await verify(deps, published);
    parsed = parseFeed(published);
  } catch (e) {
    if (!(e instanceof FeedError)) throw e;
    return { status: "rejected", reason: e.message, ...(previous ? { feed: previous.version } : {}) };
  }
  const { feed: next, bytes, cve } = withCveRecords(parsed, published, await deps.cveRecords?.());
  const report = cve ? { cve } : {};
  const sameTrust = JSON.stringify(pointer?.verified ?? false) === JSON.stringify(verified);
  if (previous?.version.sha256 === next.version.sha256 && sameTrust) return { status: "unchanged", feed: next.version, verified, ...report };
  // Snapshot first, pointer last: the pointer never names a snapshot that is not there.
  await deps.blobs.create(feedSnapshotKey(next.version.sha256), bytes);
  const written: FeedPointer = { ...next.version, takenAt: deps.now().toISOString(), verified };
  await deps.blobs.publish(CURRENT, new TextEncoder().encode(`${JSON.stringify(written)}\n`));
  return { status: "updated", feed: next.version, verified, ...(previous ? { previous: previous.version } : {}), diff: diffFeeds(previous, next), ...report };
}

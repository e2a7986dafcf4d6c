/**
 * publish-advisories: the feed in use, published next to the log as OSV records, a CSAF provider
 * directory and index.json (shared/domain/publish/publication.ts; docs/publishing.md), rewriting
 * only the files whose bytes change. Queued by every refresh (runRefresh) on a FIFO queue, so one
 * publication is written at a time. A feed already published by the same generator at the same
 * URL is left as it is, unread beyond index.json: the export is a function of the feed and the
 * previous export, and re-exporting its own output gives the same bytes.
 */
import { PreviousExportError } from "../../shared/domain/publish/published";
import {
  INDEX_FILE,
  type Publication,
  type PublicationOptions,
  buildPublication,
  parsePublicationIndex,
  samePublication,
} from "../../shared/domain/publish/publication";
import type { PublishJob } from "../../shared/messages/jobs";
import { publishChanged, readCache } from "../../shared/pipeline/publish-changed";
import { loadFeedSnapshot, readFeedPointer } from "../../shared/pipeline/match-inputs";
import { type Feed, parseFeed } from "../../shared/domain/advisories/feed";
import { feedSnapshotKey } from "../../shared/domain/pipeline/keys";
import { PermanentError } from "../../shared/ports/errors";
import type { PublishDeps } from "../../shared/ports/deps";

export type PublishResult =
  | { readonly status: "no feed" }
  | { readonly status: "unchanged"; readonly feed: string }
  | {
      readonly status: "published";
      readonly feed: string;
      readonly records: number;
      readonly documents: number;
      readonly written: number;
      readonly unchanged: number;
      /** Records and documents kept from the previous publication (the advisories the feed left alike), not exported again. */
      readonly kept: Publication["kept"];
      readonly problems: readonly string[];
    };

/**
 * The feed the previous publication was made from, when its snapshot is still stored: with it,
 * only the advisories that differ are exported again. Without it (or unreadable), everything is:
 * slower, the same bytes.
 */
async function previousFeed(deps: PublishDeps, sha256: string): Promise<Feed | undefined> {
  const bytes = await deps.blobs.read(feedSnapshotKey(sha256));
  if (!bytes) return undefined;
  try {
    return parseFeed(bytes);
  } catch {
    return undefined;
  }
}

export async function publishAdvisories(deps: PublishDeps, _job: PublishJob): Promise<PublishResult> {
  // The feed the pointer names now (a newer refresh may have queued this job's successor: the
  // newest feed is the one to publish either way).
  // Read fresh, not through a warm function's cached feed: the refresh that queued this just moved it.
  const pointer = await readFeedPointer(deps.blobs);
  if (!pointer) return { status: "no feed" };
  const feed = await loadFeedSnapshot(deps.blobs, pointer.sha256);
  const store = deps.publication.store;
  const o: PublicationOptions = { ...deps.publication.options, fallbackTime: pointer.takenAt };
  try {
    const cache = readCache(store);
    const stored = await cache.read(INDEX_FILE);
    const previous = stored ? parsePublicationIndex(stored) : undefined;
    if (samePublication(previous, feed, o)) return { status: "unchanged", feed: feed.version.sha256 };
    const since = previous && (await previousFeed(deps, previous.feed.sha256));
    const p = await buildPublication(feed, cache.read, o, since ? { index: previous, feed: since } : undefined);
    const { written, unchanged } = await publishChanged(store, p, previous, cache.seen);
    return {
      status: "published",
      feed: feed.version.sha256,
      records: p.index.osv.records,
      documents: p.index.csaf.documents,
      written,
      unchanged,
      kept: p.kept,
      problems: p.index.problems,
    };
  } catch (e) {
    // A previous publication this exporter did not write: no retry changes that; an operator must look.
    if (e instanceof PreviousExportError) throw new PermanentError(e.message);
    throw e;
  }
}

/**
 * The feed in use, with CVE JSON 5 records merged in (docs/cve-records.md): when the refresh has
 * records, the snapshot it stores is the union written in the feed's own shape (feed-serialise.ts),
 * so its sha256, the pointer, every advisories.json and the re-matching all name the union, and a
 * changed record re-matches what it touches as a changed feed row would. No records: the
 * published bytes, unchanged. The feed's signature (when checked) is over the published bytes.
 */
import { type CveFiles, applyCveFiles } from "../../shared/domain/advisories/cve-set";
import { type Feed, parseFeed } from "../../shared/domain/advisories/feed";
import { serialiseFeed } from "../../shared/domain/advisories/feed-serialise";

export interface WithCve {
  readonly feed: Feed;
  /** What the snapshot stores. */
  readonly bytes: Uint8Array;
  /** The report (cve-report.ts); absent without records. */
  readonly cve?: readonly string[];
}

export function withCveRecords(feed: Feed, bytes: Uint8Array, set: CveFiles | undefined): WithCve {
  if (!set || (!set.files.length && !set.refused.length)) return { feed, bytes };
  const applied = applyCveFiles(feed, set);
  if (!applied.records.length) return { feed, bytes, cve: applied.lines };
  const union = serialiseFeed(applied.feed);
  return { feed: parseFeed(union), bytes: union, cve: applied.lines };
}

/**
 * A Feed written back in the feed's own JSON shape, so that parseFeed reads it as the same Feed
 * (test/unit/advisories/feed-serialise.test.ts holds both real feeds to that). The pipeline
 * stores the feed in use as such bytes when CVE records are merged into the published feed: the
 * snapshot, its sha256 and everything that loads it then mean the union (docs/cve-records.md).
 * Only what the model keeps is written (not the feed's version dates or comments).
 */
import type { AdvisoryRow, DistEntry, Feed } from "./feed";

const row = (r: AdvisoryRow) => ({
  id: r.id,
  distribution: r.distribution,
  affected_versions: r.affected,
  fixed_versions: r.fixed,
  cves: r.cves,
  description: r.description,
  ...(r.reported ? { reported: r.reported } : {}),
  severity: r.severityText,
  references: r.references,
  ...(r.bundled ? { embedded_vulnerability: { name: r.bundled } } : {}),
});

const dist = (d: DistEntry) => ({
  ...(d.mainModule ? { main_module: d.mainModule } : {}),
  versions: d.versions.map((version) => ({ version })),
  advisories: d.advisories.map(row),
});

export function serialiseFeed(feed: Feed): Uint8Array {
  const v = feed.version;
  const meta = { ...(v.date ? { date: v.date } : {}), ...(v.commit ? { commit: v.commit } : {}), ...(v.cve ? { cve_records: v.cve } : {}) };
  const dists: Record<string, unknown> = {};
  for (const [name, d] of Object.entries(feed.dists)) dists[name] = dist(d);
  return new TextEncoder().encode(`${JSON.stringify({ meta, module2dist: feed.module2dist, dists })}\n`);
}

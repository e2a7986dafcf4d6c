/**
 * What changed between two feeds: advisories added or changed (by content, over all rows of an id)
 * and the distributions they touch. The pipeline re-matches stored releases of those distributions.
 */
import { createHash } from "node:crypto";
import type { AdvisoryRow, Feed } from "./feed";

export interface FeedDiff {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  /** Distributions with an added or changed advisory. */
  readonly distributions: readonly string[];
}

function digests(feed: Feed): Map<string, { digest: string; dists: Set<string> }> {
  const rows = new Map<string, AdvisoryRow[]>();
  for (const [dist, entry] of Object.entries(feed.dists)) {
    for (const r of entry.advisories) rows.set(r.id, [...(rows.get(r.id) ?? []), { ...r, distribution: r.distribution || dist }]);
  }
  const out = new Map<string, { digest: string; dists: Set<string> }>();
  for (const [id, rs] of rows) {
    // Canonical content: rows in a stable order, keys sorted, so reordering is not a change.
    const canon = rs.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
    out.set(id, { digest: createHash("sha256").update(canon.join("\n")).digest("hex"), dists: new Set(rs.map((r) => r.distribution)) });
  }
  return out;
}

export function diffFeeds(previous: Feed | undefined, next: Feed): FeedDiff {
  const before = previous ? digests(previous) : new Map<string, { digest: string; dists: Set<string> }>();
  const after = digests(next);
  const added: string[] = [];
  const changed: string[] = [];
  const dists = new Set<string>();
  for (const [id, a] of after) {
    const b = before.get(id);
    if (b && b.digest === a.digest) continue;
    (b ? changed : added).push(id);
    for (const d of a.dists) dists.add(d);
  }
  const removed = [...before.keys()].filter((id) => !after.has(id));
  return { added: added.sort(), changed: changed.sort(), removed: removed.sort(), distributions: [...dists].sort() };
}

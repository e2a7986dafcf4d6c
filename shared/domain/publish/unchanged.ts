/**
 * Which advisories a feed refresh left as they were, so a publication over the previous feed's
 * can keep their files without building them again. An advisory's OSV record (all but `modified`)
 * and CSAF document (all but its tracking) are functions of its rows and of the versions the feed
 * lists for its distributions (advisories.ts; the feed's time only dates what changed): the same
 * rows and version lists give the same published files, which the previous publication holds.
 */
import type { Feed } from "../advisories/feed";

/** Per advisory id, its rows and its distributions' version lists, as text to compare. */
function inputs(feed: Feed): Map<string, string> {
  const parts = new Map<string, string[]>();
  // Distributions in name order (advisories.ts sorts them), rows in feed order within each.
  for (const dist of Object.keys(feed.dists).sort()) {
    const entry = feed.dists[dist]!;
    if (!entry.advisories.length) continue;
    const versions = JSON.stringify([dist, entry.versions]);
    for (const row of entry.advisories) (parts.get(row.id) ?? parts.set(row.id, []).get(row.id)!).push(versions, JSON.stringify(row));
  }
  return new Map([...parts].map(([id, list]) => [id, list.join("\n")]));
}

/**
 * Whether advisory `id` is the same in both feeds (in neither counts as the same: a record
 * withdrawn before stays as it is).
 */
export function unchangedAdvisories(previous: Feed, next: Feed): (id: string) => boolean {
  const before = inputs(previous);
  const after = inputs(next);
  return (id) => before.get(id) === after.get(id);
}

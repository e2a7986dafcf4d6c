/**
 * The feed as the publishers see it: one advisory per id (an id can span several rows and, rarely,
 * several distributions), each distribution with its strict-mode version set and the released
 * versions that set affects. Both OSV and CSAF are built from this, so they cannot disagree.
 */
import type { AdvisoryRow, Feed } from "../advisories/feed";
import { type CompiledFeed, type DataWarning, compileFeed, releasedVersions } from "../advisories/match";
import type { PerlVersion } from "../cpan/version";
import { type VersionSet, rowSet, union } from "./intervals";

export interface Released {
  readonly s: string;
  readonly v: PerlVersion;
  readonly affected: boolean;
}

export interface AffectedDist {
  readonly dist: string;
  readonly rows: readonly AdvisoryRow[];
  readonly set: VersionSet;
  /** Every version the feed lists for the distribution, in version order. */
  readonly released: readonly Released[];
  /** Clauses strict mode could not read (their element never matches). */
  readonly warnings: readonly string[];
}

export interface Advisory {
  readonly id: string;
  readonly dists: readonly AffectedDist[];
  readonly rows: readonly AdvisoryRow[];
}

const sortedUnique = (xs: Iterable<string>) => [...new Set(xs)].sort();

/**
 * The feed's advisories, listed once per feed object: OSV and CSAF are built from the same list in
 * one publication, and a Feed is never changed after it is parsed. Each advisory's distributions
 * (version sets, released versions: the costly part, and the compiled feed they need) are made
 * when first read, so a publication that keeps most advisories as published makes only the others.
 */
const made = new WeakMap<Feed, Advisory[]>();

export function advisories(feed: Feed): Advisory[] {
  let list = made.get(feed);
  if (!list) made.set(feed, (list = build(feed)));
  return list;
}

function build(feed: Feed): Advisory[] {
  const byId = new Map<string, Map<string, AdvisoryRow[]>>();
  for (const [dist, entry] of Object.entries(feed.dists))
    for (const row of entry.advisories) {
      const dists = byId.get(row.id) ?? byId.set(row.id, new Map()).get(row.id)!;
      (dists.get(dist) ?? dists.set(dist, []).get(dist)!).push(row);
    }
  let compiled: { feed: CompiledFeed; warningsOf: Map<string, DataWarning[]> } | undefined;
  const strict = () => {
    if (compiled) return compiled;
    const c = compileFeed(feed, "strict");
    const warningsOf = new Map<string, DataWarning[]>();
    for (const w of c.warnings) (warningsOf.get(w.id) ?? warningsOf.set(w.id, []).get(w.id)!).push(w);
    return (compiled = { feed: c, warningsOf });
  };
  return [...byId.keys()].sort().map((id) => {
    const byDist = [...byId.get(id)!].sort(([a], [b]) => (a < b ? -1 : 1));
    const rows = byDist.flatMap(([, r]) => r);
    let dists: AffectedDist[] | undefined;
    return {
      id,
      rows,
      get dists() {
        dists ??= distributions(id, byDist, strict());
        return dists;
      },
    };
  });
}

function distributions(
  id: string,
  byDist: readonly [string, AdvisoryRow[]][],
  { feed: compiled, warningsOf }: { feed: CompiledFeed; warningsOf: Map<string, DataWarning[]> },
): AffectedDist[] {
  return byDist.map(([dist, rows]): AffectedDist => {
    const ids = new Set(rows);
    return {
      dist,
      rows,
      set: union(...rows.map((r) => rowSet(r.affected, r.fixed))),
      released: releasedVersions(compiled, dist).map((r) => ({ s: r.s, v: r.v, affected: r.rows.some((c) => ids.has(c.row)) })),
      warnings: sortedUnique(
        (warningsOf.get(id) ?? [])
          .filter((w) => rows.some((r) => r[w.field === "affected_versions" ? "affected" : "fixed"].includes(w.element)))
          .map((w) => `${w.field} ${JSON.stringify(w.element)}: ${w.problem}`),
      ),
    };
  });
}

export const cves = (a: Advisory) => sortedUnique(a.rows.flatMap((r) => r.cves.map((c) => c.trim()).filter(Boolean)));
export const bundledLibrary = (a: Advisory) => a.rows.find((r) => r.bundled)?.bundled;
export const references = (a: Advisory) => sortedUnique(a.rows.flatMap((r) => r.references.map((u) => u.trim()).filter(Boolean)));
/** The rows' descriptions, each once, in feed order. */
export const description = (a: Advisory) => [...new Set(a.rows.map((r) => r.description.trim()).filter(Boolean))].join("\n\n");
/** The highest severity the rows give, as written in the feed. */
export function severityText(a: Advisory): string | undefined {
  const rank = { low: 1, medium: 2, high: 3, critical: 4 } as const;
  const best = [...a.rows].filter((r) => r.severity).sort((x, y) => rank[y.severity!] - rank[x.severity!])[0];
  return best?.severityText ?? undefined;
}

/** The earliest `reported` date (YYYY-MM-DD) as an RFC 3339 time, or undefined when none reads as a date. */
export function reportedTime(a: Advisory): string | undefined {
  const days = a.rows
    .flatMap((r) => (r.reported && /^\d{4}-\d{2}-\d{2}$/.test(r.reported) && !Number.isNaN(Date.parse(`${r.reported}T00:00:00Z`)) ? [r.reported] : []))
    .sort();
  return days[0] ? `${days[0]}T00:00:00Z` : undefined;
}

/** The first sentence of the description (at most 120 characters, as OSV recommends), or the id. */
export function summary(a: Advisory): string {
  const text = description(a).replace(/\s+/g, " ").trim();
  const sentence = /^(.+?[.!?])(\s|$)/.exec(text)?.[1] ?? text;
  if (!sentence) return a.id;
  if (sentence.length <= 120) return sentence;
  const cut = sentence.slice(0, 119);
  return `${cut.slice(0, cut.lastIndexOf(" ") > 60 ? cut.lastIndexOf(" ") : 119)}…`;
}

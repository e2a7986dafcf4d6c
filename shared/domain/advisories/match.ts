/**
 * Which advisories affect a distribution version. Rows are compiled once per feed and mode, so
 * matching every version of every distribution takes well under a second.
 */
import { compareVersions, type PerlVersion } from "../cpan/version";
import type { AdvisoryRow, Feed } from "./feed";
import { type MatchMode, type Matcher, cpanAuditElement, parseLaxVersion, strictElement } from "./ranges";

export interface CompiledRow {
  readonly row: AdvisoryRow;
  readonly affected: readonly Matcher[];
  readonly fixed: readonly Matcher[];
}

/** A clause strict mode could not read: the advisory id and the text, for the feed's maintainers. */
export interface DataWarning {
  readonly id: string;
  readonly field: "affected_versions" | "fixed_versions";
  readonly element: string;
  readonly problem: string;
}

export interface CompiledFeed {
  readonly feed: Feed;
  readonly mode: MatchMode;
  readonly rows: ReadonlyMap<string, readonly CompiledRow[]>;
  readonly warnings: readonly DataWarning[];
}

export function compileFeed(feed: Feed, mode: MatchMode = "strict"): CompiledFeed {
  const warnings: DataWarning[] = [];
  const rows = new Map<string, CompiledRow[]>();
  for (const [dist, entry] of Object.entries(feed.dists)) {
    rows.set(
      dist,
      entry.advisories.map((row) => {
        const compile = (elements: readonly string[], kind: "affected" | "fixed") =>
          elements.map((element) => {
            if (mode === "cpan-audit") return cpanAuditElement(element);
            const { match, problem } = strictElement(element, kind);
            if (problem) warnings.push({ id: row.id, field: `${kind}_versions`, element, problem });
            return match;
          });
        return { row, affected: compile(row.affected, "affected"), fixed: compile(row.fixed, "fixed") };
      }),
    );
  }
  return { feed, mode, rows, warnings };
}

/** Affected = some affected element matches and no fixed element does. */
export const rowAffects = (r: CompiledRow, v: PerlVersion) => r.affected.some((m) => m(v)) && !r.fixed.some((m) => m(v));

/**
 * The rows that affect `version` of `dist` (the uploaded version itself, listed in the feed or
 * not). An unparseable version matches nothing; callers report it.
 */
export function affectingRows(c: CompiledFeed, dist: string, version: string | PerlVersion): CompiledRow[] {
  const v = typeof version === "string" ? parseLaxVersion(version) : version;
  if (!v) return [];
  return (c.rows.get(dist) ?? []).filter((r) => rowAffects(r, v));
}

export interface ReleasedVersion {
  readonly s: string;
  readonly v: PerlVersion;
  /** The rows that affect this version. */
  readonly rows: readonly CompiledRow[];
}

const releasedCache = new WeakMap<CompiledFeed, Map<string, ReleasedVersion[]>>();

/**
 * The released versions the feed lists for a distribution, parsed, in version order, each with
 * the rows affecting it: computed once per feed and distribution, since every release that
 * requires the distribution asks the same question.
 */
export function releasedVersions(c: CompiledFeed, dist: string): readonly ReleasedVersion[] {
  let byDist = releasedCache.get(c);
  if (!byDist) releasedCache.set(c, (byDist = new Map()));
  let list = byDist.get(dist);
  if (!list) {
    const rows = c.rows.get(dist) ?? [];
    list = (c.feed.dists[dist]?.versions ?? [])
      .map((s) => ({ s, v: parseLaxVersion(s) }))
      .filter((x): x is { s: string; v: PerlVersion } => !!x.v)
      .sort((a, b) => compareVersions(a.v, b.v))
      .map((x) => ({ ...x, rows: rows.filter((r) => rowAffects(r, x.v)) }));
    byDist.set(dist, list);
  }
  return list;
}

/** Sorted unique advisory ids affecting a version. */
export function advisoryIds(c: CompiledFeed, dist: string, version: string): string[] {
  return [...new Set(affectingRows(c, dist, version).map((r) => r.row.id))].sort();
}

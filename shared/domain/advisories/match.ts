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
  // Many rows share their range texts ("<1.5"): each text is read once per kind.
  const seen = new Map<string, { match: Matcher; problem?: string }>();
  const element = (text: string, kind: "affected" | "fixed") => {
    const key = `${kind}\0${text}`;
    let r = seen.get(key);
    if (!r) seen.set(key, (r = mode === "cpan-audit" ? { match: cpanAuditElement(text) } : strictElement(text, kind)));
    return r;
  };
  for (const [dist, entry] of Object.entries(feed.dists)) {
    rows.set(
      dist,
      entry.advisories.map((row) => {
        const compile = (elements: readonly string[], kind: "affected" | "fixed") =>
          elements.map((text) => {
            const { match, problem } = element(text, kind);
            if (problem) warnings.push({ id: row.id, field: `${kind}_versions`, element: text, problem });
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
  const rows = c.rows.get(dist);
  if (!rows?.length) return [];
  const v = typeof version === "string" ? parseLaxVersion(version) : version;
  if (!v) return [];
  return rows.filter((r) => rowAffects(r, v));
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
  const rows = affectingRows(c, dist, version);
  // Most answers are none or one id: no Set to build for them (this runs once per input line).
  if (rows.length < 2) return rows.map((r) => r.row.id);
  return [...new Set(rows.map((r) => r.row.id))].sort();
}

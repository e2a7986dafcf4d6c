/**
 * Which advisories affect a distribution version. Rows are compiled once per feed and mode, so
 * matching every version of every distribution takes well under a second.
 */
import { compareVersions, type PerlVersion } from "../cpan/version";
import type { AdvisoryRow, Feed, FeedVersion } from "./feed";
import { Cells } from "./cells";
import { type Element, type MatchMode, type Matcher, cpanAuditRange, parseLaxVersion, strictElement } from "./ranges";

/** What matching reads of a row: its id and ranges. */
export interface MatchRow {
  readonly id: string;
  readonly affected: readonly string[];
  readonly fixed: readonly string[];
}

/** What matching reads of a feed. A Feed is one; so is the projection `advisories match` caches (feed-cache.ts). */
export interface MatchFeed {
  readonly version: FeedVersion;
  readonly module2dist: Readonly<Record<string, string>>;
  readonly dists: Readonly<Record<string, { readonly advisories: readonly MatchRow[] }>>;
}

type RowOf<F extends MatchFeed> = F["dists"][string]["advisories"][number];

export interface CompiledRow<R extends MatchRow = AdvisoryRow> {
  readonly row: R;
  readonly affected: readonly Matcher[];
  readonly fixed: readonly Matcher[];
  /** The versions its elements compare against (ranges.ts Element.bounds). */
  readonly bounds: readonly PerlVersion[];
}

/** A clause strict mode could not read: the advisory id and the text, for the feed's maintainers. */
export interface DataWarning {
  readonly id: string;
  readonly field: "affected_versions" | "fixed_versions";
  readonly element: string;
  readonly problem: string;
}

export interface CompiledFeed<F extends MatchFeed = Feed> {
  readonly feed: F;
  readonly mode: MatchMode;
  readonly rows: ReadonlyMap<string, readonly CompiledRow<RowOf<F>>[]>;
  readonly warnings: readonly DataWarning[];
}

export function compileFeed<F extends MatchFeed>(feed: F, mode: MatchMode = "strict"): CompiledFeed<F> {
  const warnings: DataWarning[] = [];
  const rows = new Map<string, CompiledRow<RowOf<F>>[]>();
  // Many rows share their range texts ("<1.5"): each text is read once per kind.
  const seen = new Map<string, Element>();
  const element = (text: string, kind: "affected" | "fixed") => {
    // cpan-audit mode reads both kinds alike.
    const key = mode === "cpan-audit" ? text : `${kind}\0${text}`;
    let r = seen.get(key);
    if (!r) seen.set(key, (r = mode === "cpan-audit" ? cpanAuditRange(text) : strictElement(text, kind)));
    return r;
  };
  for (const [dist, entry] of Object.entries(feed.dists)) {
    rows.set(
      dist,
      entry.advisories.map((row: RowOf<F>) => {
        const bounds: PerlVersion[] = [];
        const compile = (elements: readonly string[], kind: "affected" | "fixed") =>
          elements.map((text) => {
            const e = element(text, kind);
            if (e.problem) warnings.push({ id: row.id, field: `${kind}_versions`, element: text, problem: e.problem });
            bounds.push(...e.bounds);
            return e.match;
          });
        return { row, affected: compile(row.affected, "affected"), fixed: compile(row.fixed, "fixed"), bounds };
      }),
    );
  }
  return { feed, mode, rows, warnings };
}

/** Affected = some affected element matches and no fixed element does. */
export const rowAffects = (r: CompiledRow<MatchRow>, v: PerlVersion) => r.affected.some((m) => m(v)) && !r.fixed.some((m) => m(v));

interface Answer<R extends MatchRow> {
  readonly rows: readonly CompiledRow<R>[];
  ids?: readonly string[];
}

const NONE: Answer<never> = { rows: [], ids: [] };
const cellsCache = new WeakMap<CompiledFeed<MatchFeed>, Map<string, Cells<Answer<MatchRow>>>>();

/** The answer for `version` of `dist`, kept per cell of the distribution's bounds (cells.ts). */
function answer<F extends MatchFeed>(c: CompiledFeed<F>, dist: string, version: string | PerlVersion): Answer<RowOf<F>> {
  const rows = c.rows.get(dist);
  if (!rows?.length) return NONE;
  const v = typeof version === "string" ? parseLaxVersion(version) : version;
  if (!v) return NONE;
  let byDist = cellsCache.get(c);
  if (!byDist) cellsCache.set(c, (byDist = new Map()));
  let cells = byDist.get(dist) as Cells<Answer<RowOf<F>>> | undefined;
  if (!cells) byDist.set(dist, (cells = new Cells(rows.flatMap((r) => r.bounds))));
  return cells.get(v, (x) => ({ rows: rows.filter((r) => rowAffects(r, x)) }));
}

/**
 * The rows that affect `version` of `dist` (the uploaded version itself, listed in the feed or
 * not). An unparseable version matches nothing; callers report it.
 */
export function affectingRows<F extends MatchFeed>(c: CompiledFeed<F>, dist: string, version: string | PerlVersion): readonly CompiledRow<RowOf<F>>[] {
  return answer(c, dist, version).rows;
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
export function advisoryIds(c: CompiledFeed<MatchFeed>, dist: string, version: string | PerlVersion): readonly string[] {
  const a = answer(c, dist, version);
  a.ids ??= [...new Set(a.rows.map((r) => r.row.id))].sort();
  return a.ids;
}

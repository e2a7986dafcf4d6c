/**
 * A strict-mode range as a set of versions: sorted, disjoint intervals in version.pm order. This is
 * what lets the exporters write OSV events and CSAF statuses that mean exactly what strict mode
 * means (docs/decisions/0005-advisory-ranges.md); test/unit/publish/osv-equivalence.test.ts holds
 * the two to the same answers over both feeds.
 *
 * Nothing sorts below version 0 (version.pm refuses negative versions), so "from the start" is a
 * closed lower bound at 0, and every interval has a lower bound.
 */
import { InvalidVersionError, compareVersions, parseVersion, parseVersionExact, type PerlVersion } from "../cpan/version";
import type { RangeKind } from "../advisories/ranges";

export interface Bound {
  readonly v: PerlVersion;
  /** As the feed spells it: OSV events and notes quote it. */
  readonly s: string;
  readonly closed: boolean;
}

/** `hi` absent: no upper bound. */
export interface Interval {
  readonly lo: Bound;
  readonly hi?: Bound;
}

export type VersionSet = readonly Interval[];

const ZERO: Bound = { v: parseVersion("0"), s: "0", closed: true };
export const ALL: VersionSet = [{ lo: ZERO }];

/** The interval starts at the lowest version there is. */
export const fromStart = (i: Interval) => i.lo.closed && compareVersions(i.lo.v, ZERO.v) === 0;
export const isSingleton = (i: Interval) => !!i.hi && i.lo.closed && i.hi.closed && compareVersions(i.lo.v, i.hi.v) === 0;

/** Lower bounds: a higher version is tighter; at the same version, open is tighter. */
const cmpLo = (a: Bound, b: Bound) => compareVersions(a.v, b.v) || (a.closed === b.closed ? 0 : a.closed ? -1 : 1);
/** Upper bounds (absent = infinity): a lower version is tighter; at the same version, open is tighter. */
const cmpHi = (a?: Bound, b?: Bound) => (!a || !b ? (a ? -1 : b ? 1 : 0) : compareVersions(a.v, b.v) || (a.closed === b.closed ? 0 : a.closed ? 1 : -1));

function nonEmpty(i: Interval): boolean {
  if (!i.hi) return true;
  const c = compareVersions(i.lo.v, i.hi.v);
  return c < 0 || (c === 0 && i.lo.closed && i.hi.closed);
}

/** Sorted, overlapping or touching intervals merged (`<1` and `>=1` touch; `<1` and `>1` do not). */
export function union(...sets: VersionSet[]): VersionSet {
  const all = sets
    .flat()
    .filter(nonEmpty)
    .sort((a, b) => cmpLo(a.lo, b.lo));
  const out: Interval[] = [];
  for (const i of all) {
    const last = out[out.length - 1];
    const touches =
      last && (!last.hi || compareVersions(i.lo.v, last.hi.v) < 0 || (compareVersions(i.lo.v, last.hi.v) === 0 && (i.lo.closed || last.hi.closed)));
    if (last && touches) out[out.length - 1] = { lo: last.lo, ...(cmpHi(last.hi, i.hi) >= 0 ? (last.hi ? { hi: last.hi } : {}) : i.hi ? { hi: i.hi } : {}) };
    else out.push(i);
  }
  return out;
}

export function intersect(a: VersionSet, b: VersionSet): VersionSet {
  const out: Interval[] = [];
  for (const x of a)
    for (const y of b) {
      const hi = cmpHi(x.hi, y.hi) <= 0 ? x.hi : y.hi;
      const i: Interval = { lo: cmpLo(x.lo, y.lo) >= 0 ? x.lo : y.lo, ...(hi ? { hi } : {}) };
      if (nonEmpty(i)) out.push(i);
    }
  return union(out);
}

export function complement(a: VersionSet): VersionSet {
  const out: Interval[] = [];
  let lo: Bound | undefined = ZERO;
  for (const i of union(a)) {
    if (lo) out.push({ lo, hi: { ...i.lo, closed: !i.lo.closed } });
    lo = i.hi ? { ...i.hi, closed: !i.hi.closed } : undefined;
  }
  if (lo) out.push({ lo });
  return union(out);
}

export const subtract = (a: VersionSet, b: VersionSet) => intersect(a, complement(b));

const bound = (b: Bound, closed: boolean): Bound => ({ ...b, closed });
const CLAUSE: Record<string, (b: Bound) => VersionSet> = {
  "<": (b) => [{ lo: ZERO, hi: bound(b, false) }],
  "<=": (b) => [{ lo: ZERO, hi: bound(b, true) }],
  ">": (b) => [{ lo: bound(b, false) }],
  ">=": (b) => [{ lo: bound(b, true) }],
  "==": (b) => [{ lo: bound(b, true), hi: bound(b, true) }],
  "!=": (b) => [{ lo: ZERO, hi: bound(b, false) }, { lo: bound(b, false) }],
};

/**
 * One element of affected_versions or fixed_versions, read as strict mode reads it: `=` is `==`,
 * a bare version is `==` when affected and `>=` when fixed, comma clauses are AND'd, and an
 * element with a clause that does not parse is empty (it never matches).
 */
export function elementSet(element: string, kind: RangeKind): VersionSet {
  let set: VersionSet = ALL;
  for (const clause of element.split(",").map((c) => c.trim())) {
    const m = /^(<=|<|>=|>|==|!=|=)?\s*(\S+)$/.exec(clause);
    if (!m) return [];
    const op = m[1] === "=" ? "==" : (m[1] ?? (kind === "affected" ? "==" : ">="));
    let v: PerlVersion;
    try {
      v = parseVersionExact(m[2] as string);
    } catch (e) {
      if (e instanceof InvalidVersionError) return [];
      throw e;
    }
    set = intersect(set, (CLAUSE[op] as (b: Bound) => VersionSet)({ v, s: m[2] as string, closed: true }));
  }
  return set;
}

/** A feed row: some affected element and no fixed element. */
export const rowSet = (affected: readonly string[], fixed: readonly string[]): VersionSet =>
  subtract(union(...affected.map((e) => elementSet(e, "affected"))), union(...fixed.map((e) => elementSet(e, "fixed"))));

export const contains = (set: VersionSet, v: PerlVersion) =>
  set.some((i) => cmpLo(i.lo, { v, s: "", closed: true }) <= 0 && cmpHi({ v, s: "", closed: true }, i.hi) <= 0);

/** `>= 1.2, < 2`, `== 1.5`, `> 0`: an interval as range text, for notes and documents. */
export function intervalText(i: Interval): string {
  if (isSingleton(i)) return `== ${i.lo.s}`;
  const lo = fromStart(i) ? [] : [`${i.lo.closed ? ">=" : ">"} ${i.lo.s}`];
  const hi = i.hi ? [`${i.hi.closed ? "<=" : "<"} ${i.hi.s}`] : [];
  return [...lo, ...hi].join(", ") || ">= 0";
}

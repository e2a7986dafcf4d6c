/**
 * A strict-mode version set as OSV ECOSYSTEM ranges. OSV events can say `[a, b)` (introduced,
 * fixed), `[a, b]` (introduced, last_affected) and `[a, ...)`; they cannot say an open lower bound
 * (`> a`, or the far side of a `!=` hole), and a single version `[a, a]` would need an introduced
 * and a last_affected event at the same version, whose order the OSV algorithm leaves to the sort
 * (osv-scanner's sort is not stable), so those go in `versions` instead. An interval that opens
 * above `a` starts its events at the first released version inside it: the events then still
 * never name a version strict mode does not, and only unreleased versions between `a` and that
 * release are missed; the record says so (`database_specific.inexact`).
 */
import { compareVersions, type PerlVersion } from "../cpan/version";
import { type Interval, type VersionSet, fromStart, intervalText, isSingleton } from "./intervals";

export type OsvEvent = { introduced: string } | { fixed: string } | { last_affected: string };
export interface OsvRange {
  readonly type: "ECOSYSTEM";
  readonly events: readonly OsvEvent[];
}

export interface Inexact {
  /** The interval as strict mode reads it. */
  readonly range: string;
  /** Where the events start instead (the first released version inside it), or absent: not in the events at all. */
  readonly events_from?: string;
}

export interface OsvRanges {
  readonly ranges: readonly OsvRange[];
  /** Exact versions the set names (carried by `versions`). */
  readonly singletons: readonly { s: string; v: PerlVersion }[];
  readonly inexact: readonly Inexact[];
}

export function osvRanges(set: VersionSet, released: readonly { s: string; v: PerlVersion }[]): OsvRanges {
  const upTo: OsvEvent[] = [];
  const through: OsvEvent[] = [];
  const singletons: { s: string; v: PerlVersion }[] = [];
  const inexact: Inexact[] = [];
  for (const i of set) {
    if (isSingleton(i)) {
      singletons.push(i.lo);
      continue;
    }
    let start = fromStart(i) ? "0" : i.lo.s;
    if (!i.lo.closed) {
      const first = released.find((r) => compareVersions(r.v, i.lo.v) > 0 && inUpper(i, r.v));
      inexact.push({ range: intervalText(i), ...(first ? { events_from: first.s } : {}) });
      if (!first) continue;
      if (i.hi?.closed && compareVersions(first.v, i.hi.v) === 0) {
        singletons.push(first);
        continue;
      }
      start = first.s;
    }
    // last_affected and fixed may not share a range (the schema says so): one range for each.
    const events = i.hi?.closed ? through : upTo;
    events.push({ introduced: start });
    if (i.hi) events.push(i.hi.closed ? { last_affected: i.hi.s } : { fixed: i.hi.s });
  }
  const ranges = [upTo, through].filter((e) => e.length).map((events): OsvRange => ({ type: "ECOSYSTEM", events }));
  return { ranges, singletons, inexact };
}

const inUpper = (i: Interval, v: PerlVersion) => !i.hi || (i.hi.closed ? compareVersions(v, i.hi.v) <= 0 : compareVersions(v, i.hi.v) < 0);

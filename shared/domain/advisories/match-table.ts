/**
 * Every answer matching can give for a feed in one mode, worked out ahead: per distribution, the
 * order keys (cpan/version.ts orderKey) of its rows' bounds and, per cell (cells.ts: equal to a
 * bound, or strictly between two neighbours), the index of that cell's sorted ids in a shared list.
 * Matching a version is then one key and a binary search over strings; nothing is compiled when a
 * table is loaded (`advisories match` caches tables, match-cache.ts).
 */
import { type PerlVersion, orderKey } from "../cpan/version";
import { type CompiledFeed, type MatchFeed, rowAffects } from "./match";

/** A distribution's bound keys, ascending and unique, and one answer index per cell: 2 × keys + 1 of them. */
export interface DistCells {
  readonly keys: readonly string[];
  readonly cells: readonly number[];
}

export interface MatchTable {
  /** Sorted unique ids; each list once, the first []. */
  readonly answers: readonly (readonly string[])[];
  /** Every distribution of the feed, with rows or not. */
  readonly dists: ReadonlyMap<string, DistCells>;
}

const ZERO = orderKey({ original: "0", parts: [0], qv: false, alpha: false });
const partsOf = (key: string) => key.split(".").map(Number);
/** A version with these components (only its components are compared: ranges.ts matchers use compareVersions). */
const version = (parts: number[]): PerlVersion => ({ original: `v${parts.join(".")}`, parts, qv: true, alpha: false });

/**
 * A version in each cell, or undefined for the cell below a first bound of 0 (no version is
 * below 0). Between bounds a < b: a's components, zero-padded to b's length, then a 1: above a,
 * and below b at the first component where the padded a and b differ.
 */
function representatives(keys: readonly string[]): (PerlVersion | undefined)[] {
  const out: (PerlVersion | undefined)[] = [keys[0] === undefined || keys[0] > ZERO ? version([0]) : undefined];
  keys.forEach((key, i) => {
    const a = partsOf(key);
    out.push(version(a));
    const next = keys[i + 1];
    const between = [...a];
    if (next !== undefined) while (between.length < partsOf(next).length) between.push(0);
    out.push(version([...between, 1]));
  });
  return out;
}

export function buildMatchTable(c: CompiledFeed<MatchFeed>): MatchTable {
  const answers: string[][] = [[]];
  const index = new Map<string, number>([["[]", 0]]);
  const dists = new Map<string, DistCells>();
  for (const [dist, rows] of c.rows) {
    const keys = [...new Set(rows.flatMap((r) => r.bounds.map(orderKey)))].sort();
    const cells = representatives(keys).map((v) => {
      const ids = v ? [...new Set(rows.filter((r) => rowAffects(r, v)).map((r) => r.row.id))].sort() : [];
      const text = JSON.stringify(ids);
      let i = index.get(text);
      if (i === undefined) index.set(text, (i = answers.push(ids) - 1));
      return i;
    });
    dists.set(dist, { keys, cells });
  }
  return { answers, dists };
}

/** The cell of `key` among `keys` (ascending): 2i+1 when it is key i, 2i when it is below key i and above key i-1. */
export function cellOf(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const k = keys[mid] as string;
    if (key === k) return 2 * mid + 1;
    if (key < k) hi = mid;
    else lo = mid + 1;
  }
  return 2 * lo;
}

/** The index in `answers` of the ids affecting the version with order key `key`; 0 ([]) for a distribution the feed does not have. */
export function answerIndex(t: MatchTable, dist: string, key: string): number {
  const d = t.dists.get(dist);
  return d ? (d.cells[cellOf(d.keys, key)] as number) : 0;
}

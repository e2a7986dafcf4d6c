/**
 * A distribution's ranges compare a version with a few bounds only (ranges.ts Element.bounds), so
 * every version in one cell (equal to a bound, or strictly between two neighbouring bounds) gets
 * the same answer. Cells keep each answer once it is computed: matching many versions of a
 * distribution (a whole installation, every release the feed lists) evaluates its rows once per
 * cell instead of once per version.
 */
import { compareVersions, type PerlVersion } from "../cpan/version";

export class Cells<T> {
  private readonly bounds: PerlVersion[] = [];
  private readonly answers: (T | undefined)[];

  constructor(bounds: readonly PerlVersion[]) {
    // Sorted, and one of each class of equal versions ("1.5" and "1.50" are one bound).
    for (const b of [...bounds].sort(compareVersions)) {
      const last = this.bounds[this.bounds.length - 1];
      if (!last || compareVersions(last, b) !== 0) this.bounds.push(b);
    }
    this.answers = new Array(2 * this.bounds.length + 1);
  }

  /** 2i+1 when `v` equals bound i; 2i when it is below bound i and above bound i-1 (2n: above all). */
  cell(v: PerlVersion): number {
    let lo = 0;
    let hi = this.bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = compareVersions(v, this.bounds[mid] as PerlVersion);
      if (c === 0) return 2 * mid + 1;
      if (c < 0) hi = mid;
      else lo = mid + 1;
    }
    return 2 * lo;
  }

  /** The answer for `v`'s cell, computed from `v` the first time that cell is asked about. */
  get(v: PerlVersion, compute: (v: PerlVersion) => T): T {
    const i = this.cell(v);
    let a = this.answers[i];
    if (a === undefined) this.answers[i] = a = compute(v);
    return a;
  }
}

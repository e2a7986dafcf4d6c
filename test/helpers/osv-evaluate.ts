// The OSV specification's own evaluation algorithm (osv-schema docs/schema.md, "Evaluation"),
// written from its pseudocode, with the ecosystem's version order passed in. Kept apart from the
// exporter so that a test can hold the exporter's records to it.
export interface OsvEventLike {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}
export interface OsvAffectedLike {
  readonly package: { readonly ecosystem: string; readonly name: string };
  readonly ranges?: readonly { readonly type: string; readonly events: readonly OsvEventLike[] }[];
  readonly versions?: readonly string[];
}

export type Compare = (a: string, b: string) => number;

const eventVersion = (e: OsvEventLike) => (e.introduced ?? e.fixed ?? e.last_affected ?? e.limit) as string;

/** `sorted(range.events)`: by version, "0" (introduced) sorting before any other version. */
function sortedEvents(events: readonly OsvEventLike[], cmp: Compare): OsvEventLike[] {
  const key = (e: OsvEventLike) => (e.introduced === "0" ? null : eventVersion(e));
  return [...events].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x === null ? (y === null ? 0 : -1) : y === null ? 1 : cmp(x, y);
  });
}

function beforeLimits(v: string, events: readonly OsvEventLike[], cmp: Compare): boolean {
  const limits = events.filter((e) => e.limit !== undefined);
  return !limits.length || limits.some((e) => e.limit === "*" || cmp(v, e.limit as string) < 0);
}

export function includedInRanges(v: string, ranges: OsvAffectedLike["ranges"], cmp: Compare): boolean {
  for (const range of ranges ?? []) {
    if (range.type !== "ECOSYSTEM" || !beforeLimits(v, range.events, cmp)) continue;
    let vulnerable = false;
    for (const e of sortedEvents(range.events, cmp)) {
      if (e.introduced !== undefined && (e.introduced === "0" || cmp(v, e.introduced) >= 0)) vulnerable = true;
      else if (e.fixed !== undefined && cmp(v, e.fixed) >= 0) vulnerable = false;
      else if (e.last_affected !== undefined && cmp(v, e.last_affected) > 0) vulnerable = false;
    }
    if (vulnerable) return true;
  }
  return false;
}

/** IsVulnerable(pkg, v, osv) for one record. `versions` compares as strings, as the spec's `v == version`. */
export function isVulnerable(
  affected: readonly OsvAffectedLike[],
  ecosystem: string,
  name: string,
  v: string,
  cmp: Compare,
  opts: { rangesOnly?: boolean } = {},
): boolean {
  return affected.some(
    (a) =>
      a.package.ecosystem === ecosystem &&
      a.package.name === name &&
      ((!opts.rangesOnly && (a.versions ?? []).includes(v)) || includedInRanges(v, a.ranges, cmp)),
  );
}

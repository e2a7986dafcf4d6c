/**
 * Findings for one release: advisories on the release itself, on code bundled in it (the feed's
 * third-party rows, e.g. DBD-SQLite's SQLite), and on its prerequisites whose declared range admits
 * an affected released version, with the lowest safe version in that range as advice.
 */
import type { Prereqs } from "../cpan/meta";
import { type Range, accepts, parseRange } from "../cpan/requirements";
import type { PerlVersion } from "../cpan/version";
import type { AdvisoryRow, FeedVersion, Severity } from "./feed";
import { type CompiledFeed, type ReleasedVersion, affectingRows, releasedVersions } from "./match";
import { type MatchMode, parseLaxVersion } from "./ranges";

export type FindingKind = "self" | "bundled" | "dependency";

export interface Finding {
  readonly advisory: string;
  readonly kind: FindingKind;
  /** The distribution the advisory is about. */
  readonly distribution: string;
  readonly cves: readonly string[];
  readonly severity: Severity | null;
  readonly description: string;
  readonly references: readonly string[];
  readonly reported?: string;
  /** Every mode in which this finding holds (the report itself is in the mode the caller chose). */
  readonly modes: readonly MatchMode[];
  readonly feed: FeedVersion;
  /** self and bundled: the release version matched. */
  readonly version?: string;
  /** bundled: the library inside the archive. */
  readonly component?: string;
  /** dependency: how the release asks for it. */
  readonly dependency?: {
    readonly module: string;
    readonly phase: string;
    readonly relationship: string;
    readonly range: string;
    /**
     * Released versions of the distribution that the range admits and the advisory affects: how
     * many, and the lowest and highest (the full list can run to hundreds of versions).
     */
    readonly admitsAffected: { readonly count: number; readonly lowest: string; readonly highest: string };
    /** The lowest released version in the range that no advisory affects, if any. */
    readonly safeMinimum?: string;
    readonly advice: string;
  };
}

/** Module → distribution; the feed's module2dist unless the caller knows better (02packages). */
export type Resolver = (module: string) => string | undefined;

export interface ReleaseFindingsInput {
  readonly distribution: string;
  readonly version: string;
  readonly prereqs?: Prereqs;
}

function base(row: AdvisoryRow, c: CompiledFeed, modes: MatchMode[]): Omit<Finding, "kind"> {
  return {
    advisory: row.id,
    distribution: row.distribution,
    cves: row.cves,
    severity: row.severity,
    description: row.description,
    references: row.references,
    ...(row.reported ? { reported: row.reported } : {}),
    modes,
    feed: c.feed.version,
  };
}

/** Merges rows sharing an id (one per range) into one finding per id. */
function byId<T extends { advisory: string }>(findings: T[]): T[] {
  const seen = new Map<string, T>();
  for (const f of findings) if (!seen.has(f.advisory)) seen.set(f.advisory, f);
  return [...seen.values()];
}

export function releaseFindings(chosen: CompiledFeed, other: CompiledFeed, input: ReleaseFindingsInput, resolve?: Resolver): Finding[] {
  const modesFor = (dist: string, v: PerlVersion, id: string): MatchMode[] => {
    const otherHit = affectingRows(other, dist, v).some((r) => r.row.id === id);
    return otherHit ? [chosen.mode, other.mode] : [chosen.mode];
  };
  const out: Finding[] = [];
  const v = parseLaxVersion(input.version);
  if (v) {
    for (const r of affectingRows(chosen, input.distribution, v)) {
      out.push({
        ...base(r.row, chosen, modesFor(input.distribution, v, r.row.id)),
        kind: r.row.bundled ? "bundled" : "self",
        version: input.version,
        ...(r.row.bundled ? { component: r.row.bundled } : {}),
      });
    }
  }
  const lookup = resolve ?? ((m: string) => chosen.feed.module2dist[m]);
  for (const [phase, rels] of Object.entries(input.prereqs ?? {})) {
    for (const [relationship, modules] of Object.entries(rels)) {
      for (const [module, range] of Object.entries(modules)) {
        if (module === "perl") continue; // the interpreter: see docs/decisions/0005-advisory-ranges.md
        const dist = lookup(module);
        if (!dist || dist === input.distribution) continue;
        out.push(...dependencyFindings(chosen, other, dist, { module, phase, relationship, range }));
      }
    }
  }
  return byId(out.filter((f) => f.kind !== "dependency")).concat(out.filter((f) => f.kind === "dependency"));
}

const admittedCache = new WeakMap<CompiledFeed, Map<string, readonly ReleasedVersion[]>>();

/** Released versions a range admits: many releases require the same distribution with the same range. */
function admitted(c: CompiledFeed, dist: string, text: string, range: Range): readonly ReleasedVersion[] {
  let m = admittedCache.get(c);
  if (!m) admittedCache.set(c, (m = new Map()));
  const key = `${dist}\0${text}`;
  let list = m.get(key);
  if (!list) m.set(key, (list = releasedVersions(c, dist).filter((x) => accepts(range, x.v))));
  return list;
}

function dependencyFindings(chosen: CompiledFeed, other: CompiledFeed, dist: string, dep: { module: string; phase: string; relationship: string; range: string }): Finding[] {
  let range: Range;
  try {
    range = parseRange(dep.range, dep.module);
  } catch {
    return []; // META problems are reported by the scan, not as advisories
  }
  if (!chosen.rows.get(dist)?.length) return [];
  const released = admitted(chosen, dist, dep.range, range);
  const safe = released.find((x) => !x.rows.length);
  const advice = safe ? `require ${dep.module} >= ${safe.s} (${dist} ${safe.s} has no known advisory)` : `no released version of ${dist} in "${dep.range}" is free of advisories`;
  const otherHits = new Set(admitted(other, dist, dep.range, range).flatMap((x) => x.rows.map((r) => r.row.id)));
  const hits = new Map<string, { row: AdvisoryRow; versions: string[] }>();
  for (const x of released) {
    for (const r of x.rows) {
      const h = hits.get(r.row.id) ?? { row: r.row, versions: [] };
      h.versions.push(x.s);
      hits.set(r.row.id, h);
    }
  }
  const found = new Map<string, Finding>();
  for (const [id, h] of hits) {
    found.set(id, {
      ...base(h.row, chosen, otherHits.has(id) ? [chosen.mode, other.mode] : [chosen.mode]),
      kind: "dependency",
      dependency: { ...dep, admitsAffected: { count: h.versions.length, lowest: h.versions[0] as string, highest: h.versions[h.versions.length - 1] as string }, ...(safe ? { safeMinimum: safe.s } : {}), advice },
    });
  }
  return [...found.values()];
}

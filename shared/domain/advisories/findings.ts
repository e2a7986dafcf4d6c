/**
 * Findings for one release (docs/decisions/0005-advisory-ranges.md):
 * - self, bundled: one per advisory on the release itself or on code bundled in it;
 * - dependency: one per prerequisite distribution whose declared range admits affected released
 *   versions, listing those advisories and the lowest released version in the range free of all;
 * - interpreter: the `perl` prerequisite against the perl distribution's advisories.
 * A module that resolves to perl is provided by the interpreter: it never yields a dependency
 * finding (a module's range is never compared with perl's versions).
 */
import type { Prereqs } from "../cpan/meta";
import { type Resolution, moduleResolver, resolvedDistributions } from "../sbom/resolve";
import { byCodePoint } from "../order";
import { type Requirement, rangeFinding } from "./dependencies";
import type { AdvisoryRow, FeedVersion, Severity } from "./feed";
import { type CompiledFeed, affectingRows } from "./match";
import { type MatchMode, parseLaxVersion } from "./ranges";
import type { PatchRef } from "../patches/snapshot";

export type FindingKind = "self" | "bundled" | "dependency" | "interpreter";
export type { Requirement } from "./dependencies";

/** Which prerequisites dependency findings consider. */
export type DependencyScope = "requires" | "all";
export const SCOPE_TEXT: Record<DependencyScope, string> = {
  requires: "requires of the runtime, configure, build and test phases",
  all: "every phase and relationship but conflicts",
};
const DEFAULT_PHASES = new Set(["runtime", "configure", "build", "test"]);
export const inScope = (scope: DependencyScope, phase: string, relationship: string) =>
  relationship !== "conflicts" && (scope === "all" || (relationship === "requires" && DEFAULT_PHASES.has(phase)));

/** Released versions: how many, the lowest and the highest (full lists can run to hundreds). */
export interface VersionSpan {
  readonly count: number;
  readonly lowest: string;
  readonly highest: string;
}

/** One advisory as a dependency or interpreter finding cites it. */
export interface AdvisoryRef {
  readonly id: string;
  readonly cves: readonly string[];
  readonly severity: Severity | null;
  readonly description: string;
  readonly references: readonly string[];
  readonly reported?: string;
  readonly modes: readonly MatchMode[];
  /** The released versions inside the declared range that this advisory affects. */
  readonly affects: VersionSpan;
  /** CPANSec patches for versions in the range that resolve one of its CVEs (shared/domain/patches/citations.ts). */
  readonly patches?: readonly PatchRef[];
}

interface FindingBase {
  /** The distribution the advisories are about: the release's own, a prerequisite's, or perl. */
  readonly distribution: string;
  /** The highest severity among the advisories (null when none is rated). */
  readonly severity: Severity | null;
  /** Every mode in which this finding holds (the report itself is in the mode the caller chose). */
  readonly modes: readonly MatchMode[];
  readonly feed: FeedVersion;
}

/** An advisory on the release itself or on code bundled in it. */
export interface ReleaseFinding extends FindingBase {
  readonly kind: "self" | "bundled";
  readonly advisory: string;
  readonly cves: readonly string[];
  readonly description: string;
  readonly references: readonly string[];
  readonly reported?: string;
  /** The release version matched. */
  readonly version: string;
  /** bundled: the library inside the archive. */
  readonly component?: string;
  /** CPANSec patches for this release's exact version that resolve one of its CVEs. */
  readonly patches?: readonly PatchRef[];
}

/** A prerequisite (a CPAN distribution, or perl itself) whose declared range admits affected versions. */
export interface RangeFinding extends FindingBase {
  readonly kind: "dependency" | "interpreter";
  readonly advisories: readonly AdvisoryRef[];
  readonly dependency: {
    /** How the release asks for it: each module (in scope) that resolves to this distribution. */
    readonly requirements: readonly Requirement[];
    /** Their ranges merged (CPAN::Meta::Requirements' text): the versions an installer may pick. */
    readonly range: string;
    readonly resolvedVia: "02packages" | "module2dist" | "perl";
    /** 02packages and the feed's module2dist named different distributions for a module. */
    readonly disagreement?: string;
    /** Released versions inside the range that some advisory affects. */
    readonly admitsAffected: VersionSpan;
    /** The lowest admitted released version above every affected one (so `>= it` excludes them all), if any. */
    readonly safeMinimum?: string;
    readonly advice: string;
  };
}

export type Finding = ReleaseFinding | RangeFinding;

export const isReleaseFinding = (f: Finding): f is ReleaseFinding => f.kind === "self" || f.kind === "bundled";

/** What a finding is stored under: the advisory id, or the distribution a range finding is about. */
export const findingKey = (f: Finding): string => (isReleaseFinding(f) ? f.advisory : `${f.kind}:${f.distribution}`);

/** What the prerequisites resolved to, besides the findings: what a reader needs to trust them. */
export interface PrerequisiteSummary {
  /** Modules perl itself provides (no dependency finding: they are the interpreter's). */
  readonly providedByPerl: readonly string[];
  /** Modules no index names a distribution for; `dualLife`: they ship with perl and are on CPAN too. */
  readonly unresolved: ReadonlyArray<{ readonly module: string; readonly dualLife?: true }>;
  /** 02packages and module2dist disagree: both distributions are matched. */
  readonly disagreements: ReadonlyArray<{ readonly module: string; readonly packages: string; readonly module2dist: string }>;
}

export interface ReleaseMatch {
  readonly findings: Finding[];
  readonly scope: DependencyScope;
  readonly prerequisites: PrerequisiteSummary;
}

export interface ReleaseFindingsInput {
  readonly distribution: string;
  readonly version: string;
  readonly prereqs?: Prereqs;
}

export interface MatchOptions {
  /** Module → distribution (default: the feed's module2dist, then perl's own modules). */
  readonly resolve?: (module: string) => Resolution;
  readonly scope?: DependencyScope;
}

function releaseFinding(row: AdvisoryRow, c: CompiledFeed, modes: MatchMode[], version: string): ReleaseFinding {
  return {
    kind: row.bundled ? "bundled" : "self",
    advisory: row.id,
    distribution: row.distribution,
    cves: row.cves,
    severity: row.severity,
    description: row.description,
    references: row.references,
    ...(row.reported ? { reported: row.reported } : {}),
    modes,
    feed: c.feed.version,
    version,
    ...(row.bundled ? { component: row.bundled } : {}),
  };
}

export function matchRelease(chosen: CompiledFeed, other: CompiledFeed, input: ReleaseFindingsInput, options: MatchOptions = {}): ReleaseMatch {
  const scope = options.scope ?? "requires";
  const out: Finding[] = [];
  const v = parseLaxVersion(input.version);
  const seen = new Set<string>();
  for (const r of v ? affectingRows(chosen, input.distribution, v) : []) {
    if (seen.has(r.row.id)) continue; // rows sharing an id (one per range): one finding
    seen.add(r.row.id);
    const both = affectingRows(other, input.distribution, v as NonNullable<typeof v>).some((o) => o.row.id === r.row.id);
    out.push(releaseFinding(r.row, chosen, both ? [chosen.mode, other.mode] : [chosen.mode], input.version));
  }
  const resolve = options.resolve ?? moduleResolver(undefined, chosen.feed.module2dist);
  const byDist = new Map<string, { requirements: Requirement[]; via: RangeFinding["dependency"]["resolvedVia"]; disagreement?: string }>();
  const providedByPerl = new Set<string>();
  const unresolved = new Map<string, { module: string; dualLife?: true }>();
  const disagreements: PrerequisiteSummary["disagreements"][number][] = [];
  for (const [phase, rels] of Object.entries(input.prereqs ?? {})) {
    for (const [relationship, modules] of Object.entries(rels)) {
      if (!inScope(scope, phase, relationship)) continue;
      for (const [module, range] of Object.entries(modules)) {
        const req = { module, phase, relationship, range };
        if (module === "perl") {
          const g = byDist.get("\0perl") ?? { requirements: [], via: "perl" as const };
          g.requirements.push(req);
          byDist.set("\0perl", g);
          continue;
        }
        const r = resolve(module);
        if (!r.distribution) {
          unresolved.set(module, { module, ...(r.via === "unresolved" && r.dualLife ? { dualLife: true as const } : {}) });
          continue;
        }
        const disagreement =
          r.via === "02packages" && r.module2dist
            ? `02packages names ${r.distribution} for ${module}, the feed's module2dist ${r.module2dist}: both are matched`
            : undefined;
        if (disagreement && !disagreements.some((d) => d.module === module))
          disagreements.push({ module, packages: r.distribution, module2dist: r.module2dist as string });
        for (const dist of resolvedDistributions(r)) {
          if (dist === "perl") {
            providedByPerl.add(module);
            continue;
          }
          if (dist === input.distribution) continue;
          const g = byDist.get(dist) ?? {
            requirements: [],
            via: r.via === "02packages" && dist === r.distribution ? ("02packages" as const) : ("module2dist" as const),
          };
          g.requirements.push(req);
          if (disagreement) g.disagreement = disagreement;
          byDist.set(dist, g);
        }
      }
    }
  }
  const ranged: Finding[] = [];
  for (const [key, g] of byDist) {
    const f = rangeFinding(chosen, other, key === "\0perl" ? "perl" : key, key === "\0perl" ? "interpreter" : "dependency", g);
    if (f) ranged.push(f);
  }
  ranged.sort((a, b) => (a.kind === b.kind ? byCodePoint(a.distribution, b.distribution) : a.kind === "interpreter" ? -1 : 1));
  return {
    findings: [...out, ...ranged],
    scope,
    prerequisites: {
      providedByPerl: [...providedByPerl].sort(byCodePoint),
      unresolved: [...unresolved.values()].sort((a, b) => byCodePoint(a.module, b.module)),
      disagreements,
    },
  };
}

/** The findings alone (see matchRelease for what the prerequisites resolved to). */
export function releaseFindings(chosen: CompiledFeed, other: CompiledFeed, input: ReleaseFindingsInput, options: MatchOptions = {}): Finding[] {
  return matchRelease(chosen, other, input, options).findings;
}

/**
 * The audit of an application: one item per vulnerable distribution (a pinned version, a
 * cpanfile range, or the perl a cpanfile asks for), with its advisories, the highest severity,
 * and the upgrade to make. Accepted risks are marked on their advisories, not dropped.
 */
import type { FeedVersion, Severity } from "../advisories/feed";
import { type DependencyScope, matchRelease, type RangeFinding } from "../advisories/findings";
import { highestSeverity } from "../advisories/dependencies";
import type { CompiledFeed } from "../advisories/match";
import type { MatchMode } from "../advisories/ranges";
import { prerequisiteLine } from "../advisories/render";
import type { Resolution } from "../sbom/resolve";
import { type Exclusion, type ExclusionState, exclusionFor } from "./exclusions";
import type { InputKind, Inventory, Location } from "./inventory";
import { pinnedHits, upgradeTarget } from "./pinned";
import { resolvedBy } from "./pedigree";
import { patchesFor, withPatches } from "../patches/citations";
import type { PatchRef, PatchSnapshot } from "../patches/snapshot";

export interface AuditAdvisory {
  readonly id: string;
  readonly cves: readonly string[];
  readonly severity: Severity | null;
  readonly description: string;
  readonly references: readonly string[];
  readonly modes: readonly MatchMode[];
  /** cpan-audit mode on a pinned version: false when only later listed releases are affected. */
  readonly affectsVersion?: boolean;
  /** The accepted-risk entry it falls under (`expired`: it counts again). */
  readonly exclusion?: ExclusionState;
  /** Fixed in this component by the patches its pedigree names (the ids they resolve): it does not count. */
  readonly resolved?: { readonly by: "pedigree"; readonly ids: readonly string[] };
  /** CPANSec patches for this version that resolve its CVEs (`--patches`). */
  readonly patches?: readonly PatchRef[];
}

export interface AuditItem {
  readonly kind: "distribution" | "dependency" | "interpreter";
  readonly distribution: string;
  readonly version?: string;
  /** cpanfile: the merged declared range. */
  readonly range?: string;
  /** Highest severity among the advisories that count (not accepted); null when none is rated. */
  readonly severity: Severity | null;
  /** True when no advisory counts and some is an accepted risk in force. */
  readonly accepted: boolean;
  /** True when the component's patches resolve every advisory (a patched release). */
  readonly resolved: boolean;
  readonly advisories: readonly AuditAdvisory[];
  /** The version to move to, when a release free of the advisories exists. */
  readonly fix?: string;
  readonly advice: string;
  readonly location: Location;
}

export interface AuditReport {
  readonly tool: { readonly name: string; readonly version: string };
  readonly mode: MatchMode;
  readonly feed: FeedVersion;
  readonly input: { readonly kind: InputKind; readonly files: readonly string[] };
  readonly today: string;
  readonly items: readonly AuditItem[];
  readonly summary: {
    readonly distributions: number;
    readonly unversioned: number;
    readonly vulnerable: number;
    readonly advisories: number;
    readonly accepted: number;
    /** Advisories the components' own patches resolve. */
    readonly resolved: number;
    readonly bySeverity: Readonly<Record<Severity | "unknown", number>>;
  };
  readonly unusedExclusions: readonly Exclusion[];
  readonly notes: readonly string[];
}

export interface AuditOptions {
  readonly chosen: CompiledFeed;
  readonly other: CompiledFeed;
  readonly resolve: (module: string) => Resolution;
  readonly scope: DependencyScope;
  readonly exclusions: readonly Exclusion[];
  /** YYYY-MM-DD: exclusions expire after their day. */
  readonly today: string;
  readonly tool: { readonly name: string; readonly version: string };
  /** The patch registry (`--patches`): advisories name the patches for their version. */
  readonly patches?: PatchSnapshot;
}

export const countsAdvisory = (a: AuditAdvisory) => !a.resolved && (!a.exclusion || a.exclusion.expired);

function item(base: Omit<AuditItem, "severity" | "accepted" | "resolved">): AuditItem {
  const counted = base.advisories.filter(countsAdvisory);
  const resolved = base.advisories.every((a) => a.resolved);
  return {
    ...base,
    severity: highestSeverity((counted.length ? counted : base.advisories).map((a) => a.severity)),
    accepted: counted.length === 0 && !resolved,
    resolved,
  };
}

function rangeItem(
  f: RangeFinding,
  file: string,
  line: number | undefined,
  mark: (a: { id: string; cves: readonly string[] }) => ExclusionState | undefined,
): AuditItem {
  return item({
    kind: f.kind === "interpreter" ? "interpreter" : "dependency",
    distribution: f.distribution,
    range: f.dependency.range,
    advisories: f.advisories.map((a) => ({
      id: a.id,
      cves: a.cves,
      severity: a.severity,
      description: a.description,
      references: a.references,
      modes: a.modes,
      ...(mark(a) ? { exclusion: mark(a) } : {}),
      ...(a.patches ? { patches: a.patches } : {}),
    })),
    ...(f.dependency.safeMinimum ? { fix: f.dependency.safeMinimum } : {}),
    advice: f.dependency.advice,
    location: { file, ...(line ? { line } : {}) },
  });
}

export function auditInventory(inv: Inventory, o: AuditOptions): AuditReport {
  const used = new Set<string>();
  const mark = (a: { id: string; cves: readonly string[] }) => {
    const e = exclusionFor(o.exclusions, o.today, a);
    if (e) used.add(e.id);
    return e;
  };
  const items: AuditItem[] = [];
  const notes = [...inv.notes];
  for (const d of inv.distributions) {
    if (!d.version) continue;
    // a patched release is the original's version with some advisories fixed
    const version = d.pedigree?.base ?? d.version;
    const hits = pinnedHits(o.chosen, o.other, d.name, version);
    if (!hits.length) continue;
    const { fix, newest } = upgradeTarget(o.chosen, d.name, version);
    const resolved = new Map(hits.map((h) => [h.row.id, resolvedBy(h.row, d.pedigree)] as const));
    const open = hits.filter((h) => !resolved.get(h.row.id));
    const ids = (open.length ? open : hits).map((h) => h.row.id).join(", ");
    items.push(
      item({
        kind: "distribution",
        distribution: d.name,
        version: d.version,
        advisories: hits.map((h) => ({
          id: h.row.id,
          cves: h.row.cves,
          severity: h.row.severity,
          description: h.row.description,
          references: h.row.references,
          modes: h.inOtherMode ? [o.chosen.mode, o.other.mode] : [o.chosen.mode],
          ...(o.chosen.mode === "cpan-audit" ? { affectsVersion: h.affectsVersion } : {}),
          ...(mark(h.row) ? { exclusion: mark(h.row) } : {}),
          ...(resolved.get(h.row.id) ? { resolved: { by: "pedigree" as const, ids: resolved.get(h.row.id) as readonly string[] } } : {}),
          ...patchesOf(o.patches, d.name, version, h.row.cves, !!resolved.get(h.row.id)),
        })),
        ...(fix ? { fix } : {}),
        advice: !open.length
          ? `patched: ${d.name} ${version} with patches resolving ${ids}`
          : fix
            ? fix === version
              ? `${version} itself is not affected; later releases are (${ids})`
              : `upgrade ${d.name} to ${fix} or later`
            : `no ${d.name} release from ${version} on is free of ${ids}${newest ? ` (the newest listed, ${newest}, is affected)` : ""}`,
        location: d.location,
      }),
    );
  }
  if (inv.cpanfile) {
    const file = inv.files[0] as string;
    const m = matchRelease(
      o.chosen,
      o.other,
      { distribution: "\0application", version: "0", prereqs: inv.cpanfile.prereqs },
      { resolve: o.resolve, scope: o.scope },
    );
    for (const f of withPatches(m.findings, { distribution: "\0application", version: "0" }, o.patches)) {
      if (f.kind !== "dependency" && f.kind !== "interpreter") continue;
      const first = f.dependency.requirements[0]?.module;
      items.push(rangeItem(f, file, first ? inv.cpanfile.lines.get(first) : undefined, mark));
    }
    notes.push(prerequisiteLine(o.scope, m.prerequisites));
  }
  const bySeverity: Record<Severity | "unknown", number> = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
  let advisories = 0;
  let accepted = 0;
  let resolvedCount = 0;
  for (const it of items) {
    for (const a of it.advisories) {
      if (a.resolved) {
        resolvedCount++;
        continue;
      }
      if (!countsAdvisory(a)) {
        accepted++;
        continue;
      }
      advisories++;
      bySeverity[a.severity ?? "unknown"]++;
    }
  }
  const versioned = inv.distributions.filter((d) => d.version).length;
  return {
    tool: o.tool,
    mode: o.chosen.mode,
    feed: o.chosen.feed.version,
    input: { kind: inv.kind, files: inv.files },
    today: o.today,
    items,
    summary: {
      distributions: inv.cpanfile ? countModules(inv) : inv.distributions.length,
      unversioned: inv.cpanfile ? 0 : inv.distributions.length - versioned,
      vulnerable: items.filter((i) => !i.accepted && !i.resolved).length,
      advisories,
      accepted,
      resolved: resolvedCount,
      bySeverity,
    },
    unusedExclusions: o.exclusions.filter((e) => !used.has(e.id)),
    notes,
  };
}

/** The patches for an advisory at this version, unless the component's own patches already fix it. */
function patchesOf(s: PatchSnapshot | undefined, dist: string, version: string, cves: readonly string[], fixed: boolean) {
  const refs = fixed ? [] : patchesFor(s, dist, version, cves);
  return refs.length ? { patches: refs } : {};
}

const countModules = (inv: Inventory) =>
  new Set(Object.values(inv.cpanfile?.prereqs ?? {}).flatMap((r) => Object.values(r).flatMap((m) => Object.keys(m)))).size;

const RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

/**
 * Whether CI should fail: an advisory that counts at or above `threshold`. An advisory with no
 * severity counts at every threshold: unrated is not the same as low.
 */
export function failsAt(report: AuditReport, threshold: Severity): boolean {
  return report.items.some((i) => i.advisories.some((a) => countsAdvisory(a) && (a.severity === null || RANK[a.severity] >= RANK[threshold])));
}

/**
 * Which patches a finding names. A patch is for one exact release (the version as its file name
 * spells it) and resolves one CVE, so:
 * - a finding on a release (self, bundled) names the patches for that distribution and version
 *   whose CVE is one of the advisory's;
 * - a prerequisite finding (perl's too) names, per advisory, the patches for the prerequisite at versions its
 *   declared range admits (an installer could pick the patched one);
 * - an audited distribution at a pinned version names those for that version (patchesFor).
 * An advisory without a CVE has no patch: CPANSec names patches by CVE.
 */
import type { Finding, RangeFinding, ReleaseFinding } from "../advisories/findings";
import { satisfies } from "../cpan/requirements";
import type { PatchEntry, PatchRef, PatchSnapshot } from "./snapshot";

/** The patched archive built from a patch, when the overlay has it. */
export type BuiltLookup = (p: PatchEntry) => string | undefined;

export function patchRef(p: PatchEntry, built?: BuiltLookup): PatchRef {
  const patched = built?.(p);
  return { path: p.path, url: p.url, sha256: p.sha256, cve: p.cve, revision: p.revision, version: p.version, ...(patched ? { patched } : {}) };
}

/** The patches in force for `dist` at exactly `version` that resolve one of `cves`. */
export function patchesFor(s: PatchSnapshot | undefined, dist: string, version: string, cves: readonly string[], built?: BuiltLookup): PatchRef[] {
  if (!s || !cves.length) return [];
  return s.patches.filter((p) => p.dist === dist && p.version === version && cves.includes(p.cve)).map((p) => patchRef(p, built));
}

function admits(range: string, version: string): boolean {
  try {
    return satisfies(version, range);
  } catch {
    return false; // a version the range cannot be asked about is not offered
  }
}

function rangePatches(f: RangeFinding, s: PatchSnapshot, built?: BuiltLookup): RangeFinding {
  const mine = s.patches.filter((p) => p.dist === f.distribution && admits(f.dependency.range, p.version));
  if (!mine.length) return f;
  return {
    ...f,
    advisories: f.advisories.map((a) => {
      const refs = mine.filter((p) => a.cves.includes(p.cve)).map((p) => patchRef(p, built));
      return refs.length ? { ...a, patches: refs } : a;
    }),
  };
}

/** The findings of `release`, each naming the patches that exist for it (none: unchanged). */
export function withPatches(
  findings: readonly Finding[],
  release: { readonly distribution: string; readonly version: string },
  s: PatchSnapshot | undefined,
  built?: BuiltLookup,
): Finding[] {
  if (!s?.patches.length) return [...findings];
  return findings.map((f) => {
    if (f.kind === "dependency" || f.kind === "interpreter") return rangePatches(f, s, built);
    const refs = patchesFor(s, release.distribution, release.version, (f as ReleaseFinding).cves, built);
    return refs.length ? { ...f, patches: refs } : f;
  });
}

/** Every patch a finding names, by sha256, with the advisories it is named for (self and bundled only). */
export function releasePatches(findings: readonly Finding[]): Map<string, { patch: PatchRef; findings: ReleaseFinding[] }> {
  const out = new Map<string, { patch: PatchRef; findings: ReleaseFinding[] }>();
  for (const f of findings) {
    if (f.kind !== "self" && f.kind !== "bundled") continue;
    for (const p of f.patches ?? []) {
      const e = out.get(p.sha256) ?? { patch: p, findings: [] };
      e.findings.push(f);
      out.set(p.sha256, e);
    }
  }
  return out;
}

/**
 * An application SBOM as input: CycloneDX (any 1.x JSON) or SPDX 2.x JSON, from this project or
 * others (App::CPAN::SBOM). Every component or package with a `pkg:cpan` purl is a distribution
 * at the purl's version (or the component's). A purl naming a module (`pkg:cpan/Foo::Bar@1`, an
 * older habit) is resolved to its distribution like any module. Other purls are counted, not
 * audited; the CycloneDX dependency graph is kept for the application SBOM.
 */
import { PackageURL } from "packageurl-js";
import { type DeclaredLicense, isSpdxExpression } from "../sbom/licenses";
import type { Resolution } from "../sbom/resolve";
import type { AppDistribution, Inventory } from "./inventory";
import { type Pedigree, cycloneDxPedigree, spdxPedigrees } from "./pedigree";

export class SbomInputError extends Error {
  override readonly name = "SbomInputError";
}

type Json = Record<string, unknown>;
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === "object") as Json[]) : []);
const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);

function cdxLicense(c: Json): DeclaredLicense | undefined {
  const ls = arr(c.licenses);
  const expr = ls.map((l) => str(l.expression)).find((e) => e && isSpdxExpression(e));
  if (expr) return { expression: expr, named: [], source: "license", problems: [] };
  const ids = ls.map((l) => str((l.license as Json | undefined)?.id)).filter((x): x is string => !!x);
  if (ids.length) return { expression: ids.join(" OR "), named: [], source: "license", problems: [] };
  const named = ls.map((l) => str((l.license as Json | undefined)?.name)).filter((x): x is string => !!x);
  return named.length ? { named, source: "license", problems: [] } : undefined;
}

interface Candidate {
  purl: string;
  version?: string;
  license?: DeclaredLicense;
  ref?: string;
  /** A patched release: its pedigree, given the distribution's name. */
  pedigree?: (name: string) => Pedigree | undefined;
}

export function parseSbomInventory(text: string, file: string, resolve: (module: string) => Resolution): Inventory {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (e) {
    throw new SbomInputError(`${file}: not JSON: ${(e as Error).message}`);
  }
  const cands: Candidate[] = [];
  const edges: Array<[string, string[]]> = [];
  if (doc.bomFormat === "CycloneDX") {
    const visit = (c: Json) => {
      const purl = str(c.purl);
      if (purl)
        cands.push({
          purl,
          ...(str(c.version) ? { version: str(c.version) } : {}),
          ...(cdxLicense(c) ? { license: cdxLicense(c) } : {}),
          ...(str(c["bom-ref"]) ? { ref: str(c["bom-ref"]) } : {}),
          pedigree: (name) => cycloneDxPedigree(c, name),
        });
      arr(c.components).forEach(visit);
    };
    const meta = (doc.metadata ?? {}) as Json;
    if (meta.component && typeof meta.component === "object") visit(meta.component as Json);
    arr(doc.components).forEach(visit);
    for (const d of arr(doc.dependencies))
      if (str(d.ref)) edges.push([d.ref as string, Array.isArray(d.dependsOn) ? d.dependsOn.filter((x): x is string => typeof x === "string") : []]);
  } else if (typeof doc.spdxVersion === "string") {
    const pedigrees = spdxPedigrees(doc);
    for (const p of arr(doc.packages)) {
      // the original a patched release descends from is its pedigree, not a component it runs
      if (pedigrees.ancestors.has(str(p.SPDXID) ?? "")) continue;
      const purl = arr(p.externalRefs).find((r) => r.referenceType === "purl")?.referenceLocator;
      const lic = str(p.licenseDeclared);
      if (str(purl))
        cands.push({
          purl: purl as string,
          ...(str(p.versionInfo) ? { version: str(p.versionInfo) } : {}),
          ...(lic && lic !== "NOASSERTION" && lic !== "NONE" && isSpdxExpression(lic)
            ? { license: { expression: lic, named: [], source: "license" as const, problems: [] } }
            : {}),
          ...(str(p.SPDXID) ? { ref: str(p.SPDXID) } : {}),
          pedigree: () => pedigrees.byId.get(str(p.SPDXID) ?? ""),
        });
    }
    for (const r of arr(doc.relationships))
      if (r.relationshipType === "DEPENDS_ON" && str(r.spdxElementId) && str(r.relatedSpdxElement))
        edges.push([r.spdxElementId as string, [r.relatedSpdxElement as string]]);
  } else throw new SbomInputError(`${file}: neither CycloneDX (bomFormat) nor SPDX (spdxVersion) JSON`);

  const notes: string[] = [];
  const byRef = new Map<string, string>();
  const seen = new Map<string, AppDistribution>();
  let other = 0;
  for (const c of cands) {
    let u: PackageURL;
    try {
      u = PackageURL.fromString(c.purl);
    } catch (e) {
      notes.push(`${file}: purl ${JSON.stringify(c.purl)} does not parse (${(e as Error).message}); not audited`);
      continue;
    }
    if (u.type !== "cpan") {
      other++;
      continue;
    }
    let name = u.name;
    if (name.includes("::")) {
      const r = resolve(name);
      if (!r.distribution || r.distribution === "perl") {
        notes.push(`${file}: ${c.purl} names module ${name}, which resolves to ${r.distribution ?? "no distribution"}; not audited`);
        continue;
      }
      name = r.distribution;
    }
    const version = u.version ?? c.version;
    const author = str(u.qualifiers?.author) ?? (u.namespace && !u.namespace.includes("::") ? u.namespace : undefined);
    if (c.ref) byRef.set(c.ref, name);
    const key = `${name}@${version ?? ""}`;
    if (seen.has(key)) continue;
    const pedigree = c.pedigree?.(name);
    seen.set(key, {
      name,
      ...(version ? { version } : {}),
      ...(pedigree ? { pedigree } : {}),
      ...(author ? { author } : {}),
      ...(c.license ? { license: c.license } : {}),
      source: "sbom",
      location: { file },
    });
  }
  if (other) notes.push(`${file}: ${other} component(s) with non-CPAN purls; not audited`);
  const dependencies = new Map<string, Set<string>>();
  for (const [from, tos] of edges) {
    const f = byRef.get(from);
    if (!f) continue;
    const set = dependencies.get(f) ?? new Set<string>();
    for (const t of tos) {
      const d = byRef.get(t);
      if (d && d !== f) set.add(d);
    }
    dependencies.set(f, set);
  }
  return { kind: "sbom", files: [file], distributions: [...seen.values()], dependencies, notes };
}

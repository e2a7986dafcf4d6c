/**
 * A component that is a patched release says so in its SBOM: CycloneDX `pedigree` (ancestors:
 * the original, with its purl; patches: each with `resolves`, naming the vulnerability it fixes),
 * as `cpansec patch apply` writes it and as CycloneDX defines it for any tool. The audit then
 * matches the original's version and counts what the patches resolve as fixed. SPDX has no field
 * for "resolves": a package DESCENDANT_OF a CPAN package is matched at that package's version,
 * and what it resolves is read from the `cpansec:patched:` annotation `cpansec patch apply`
 * writes; an SPDX document from elsewhere gets the base version, and no advisory counts as fixed.
 */
import { PackageURL } from "packageurl-js";

type Json = Record<string, unknown>;
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === "object") as Json[]) : []);
const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);

export interface Pedigree {
  /** Vulnerability ids (CVEs, advisory ids) the component's patches resolve. */
  readonly resolves: readonly string[];
  /** The original release's version, when an ancestor is the same CPAN distribution. */
  readonly base?: string;
}

function cpanVersion(purl: string | undefined, name: string): string | undefined {
  if (!purl) return undefined;
  try {
    const u = PackageURL.fromString(purl);
    return u.type === "cpan" && u.name === name ? u.version : undefined;
  } catch {
    return undefined;
  }
}

/** A CycloneDX component's pedigree, for the distribution `name`; undefined when it has none. */
export function cycloneDxPedigree(c: Json, name: string): Pedigree | undefined {
  const p = c.pedigree;
  if (!p || typeof p !== "object") return undefined;
  const resolves = arr((p as Json).patches).flatMap((x) => arr(x.resolves).flatMap((r) => [str(r.id)].filter((id): id is string => !!id)));
  const base = arr((p as Json).ancestors)
    .map((a) => cpanVersion(str(a.purl), name) ?? (str(a.name) === name ? str(a.version) : undefined))
    .find((v) => v);
  if (!resolves.length && !base) return undefined;
  return { resolves: [...new Set(resolves)].sort(), ...(base ? { base } : {}) };
}

const RESOLVES = /^cpansec:patched: .*; resolves ((?:[A-Za-z0-9._:-]+)(?:, [A-Za-z0-9._:-]+)*)$/s;

/** SPDX: each package that descends from another CPAN package, by SPDXID; and the ancestors' ids. */
export function spdxPedigrees(doc: Json): { byId: Map<string, Pedigree>; ancestors: Set<string> } {
  const packages = new Map(arr(doc.packages).map((p) => [str(p.SPDXID) ?? "", p] as const));
  const byId = new Map<string, Pedigree>();
  const ancestors = new Set<string>();
  for (const r of arr(doc.relationships)) {
    if (r.relationshipType !== "DESCENDANT_OF") continue;
    const child = packages.get(str(r.spdxElementId) ?? "");
    const parent = packages.get(str(r.relatedSpdxElement) ?? "");
    if (!child || !parent) continue;
    const purl = str(arr(parent.externalRefs).find((x) => x.referenceType === "purl")?.referenceLocator);
    const name = str(child.name) ?? "";
    const base = cpanVersion(purl, name);
    if (!base) continue;
    ancestors.add(str(r.relatedSpdxElement) as string);
    const said = arr(child.annotations)
      .map((a) => RESOLVES.exec(str(a.comment) ?? ""))
      .find((m) => m)?.[1];
    byId.set(str(r.spdxElementId) as string, { resolves: said ? said.split(", ").sort() : [], base });
  }
  return { byId, ancestors };
}

/** Whether an advisory is fixed by the patches a pedigree names: by its id, or every one of its CVEs. */
export function resolvedBy(a: { readonly id: string; readonly cves: readonly string[] }, p: Pedigree | undefined): readonly string[] | undefined {
  if (!p?.resolves.length) return undefined;
  if (p.resolves.includes(a.id)) return [a.id];
  return a.cves.length && a.cves.every((c) => p.resolves.includes(c)) ? [...a.cves] : undefined;
}

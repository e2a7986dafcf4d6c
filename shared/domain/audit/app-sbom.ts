/**
 * The application's CycloneDX 1.6 SBOM and its VEX (a second CycloneDX document beside it whose
 * vulnerabilities point into the SBOM by BOM-Link). The SBOM: the application as the described
 * component, each distribution a component (purl, version, licence where the input says), and the
 * dependency graph when the input has one (a snapshot's requirements, an input SBOM's
 * dependencies); the application depends on the distributions nothing else depends on. The VEX:
 * one vulnerability per advisory with its ratings, CVE references and, per affected component,
 * an analysis: in triage (matched by version, exploitability not judged) with the update to make,
 * an accepted risk (will_not_fix, with its reason and expiry), not affected (cpan-audit mode
 * reporting later releases only), or resolved_with_pedigree (a patched release whose pedigree's
 * patches resolve it). Both reproducible: serials derive from the content.
 */
import { createHash } from "node:crypto";
import * as Enums from "@cyclonedx/cyclonedx-library/Enums";
import * as Models from "@cyclonedx/cyclonedx-library/Models";
import { buildCpanPurl } from "../cpan/purl";
import { serializeCycloneDx } from "../sbom/cyclonedx";
import { uuidFromSha256 } from "../sbom/input";
import { type VexAffect, type VexVulnerability, buildVex } from "../sbom/vex";
import type { AppDistribution, Inventory } from "./inventory";
import type { AuditAdvisory, AuditItem, AuditReport } from "./report";

export interface AppSbomOptions {
  readonly name: string;
  readonly version?: string;
  readonly timestamp: Date;
  readonly tool: { readonly name: string; readonly version: string };
  readonly feedUrl?: string;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const ref = (d: AppDistribution) => `cpan:${d.name}@${d.version ?? ""}`;

function purlOf(d: AppDistribution): string {
  return buildCpanPurl({ dist: d.name, ...(d.version ? { version: d.version } : {}), ...(d.author ? { author: d.author } : {}) });
}

function license(d: AppDistribution): Models.LicenseRepository {
  const repo = new Models.LicenseRepository();
  if (d.license?.expression) repo.add(new Models.LicenseExpression(d.license.expression));
  else for (const n of d.license?.named ?? []) repo.add(new Models.NamedLicense(n));
  return repo;
}

export function buildAppSboms(inv: Inventory, report: AuditReport, o: AppSbomOptions): { sbom: string; vex: string } {
  const dists = [...inv.distributions].sort((a, b) => (ref(a) < ref(b) ? -1 : ref(a) > ref(b) ? 1 : 0));
  const content = dists.map((d) => `${ref(d)} ${d.pathname ?? ""}`).join("\n");
  const serial = uuidFromSha256(sha256(`app-sbom\n${o.name}\n${o.version ?? ""}\n${content}`));
  const bom = new Models.Bom({ serialNumber: `urn:uuid:${serial}` });
  bom.metadata.timestamp = o.timestamp;
  bom.metadata.lifecycles.add(inv.kind === "installed" ? Enums.LifecyclePhase.Operations : Enums.LifecyclePhase.Build);
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, o.tool.name, { version: o.tool.version }));
  const app = new Models.Component(Enums.ComponentType.Application, o.name, {
    bomRef: "application",
    ...(o.version ? { version: o.version } : {}),
    properties: new Models.PropertyRepository([new Models.Property("cpansec:audit-input", `${inv.kind}: ${inv.files.join(", ")}`)]),
  });
  bom.metadata.component = app;
  const byName = new Map<string, Models.Component>();
  for (const d of dists) {
    const c = new Models.Component(Enums.ComponentType.Library, d.name, {
      bomRef: ref(d),
      ...(d.version ? { version: d.version } : {}),
      purl: purlOf(d),
      ...(d.author ? { supplier: new Models.OrganizationalEntity({ name: d.author }) } : {}),
      licenses: license(d),
      properties: new Models.PropertyRepository([
        new Models.Property("cpansec:found-in", `${d.source}: ${d.location.file}${d.location.line ? `:${d.location.line}` : ""}`),
        ...(d.pathname ? [new Models.Property("cpansec:cpan-path", `authors/id/${d.pathname}`)] : []),
        // a patched release: what it was made from and what its patches resolve (its own SBOM has the pedigree)
        ...(d.pedigree?.base ? [new Models.Property("cpansec:patched-from", d.pedigree.base)] : []),
        ...(d.pedigree?.resolves.length ? [new Models.Property("cpansec:patches-resolve", d.pedigree.resolves.join(" "))] : []),
      ]),
    });
    bom.components.add(c);
    if (!byName.has(d.name)) byName.set(d.name, c);
  }
  const depended = new Set<string>();
  for (const [from, tos] of inv.dependencies ?? []) {
    const f = byName.get(from);
    if (!f) continue;
    for (const t of tos) {
      const c = byName.get(t);
      if (!c) continue;
      f.dependencies.add(c.bomRef);
      depended.add(t);
    }
  }
  for (const [name, c] of byName) if (!depended.has(name)) app.dependencies.add(c.bomRef);
  const sbom = serializeCycloneDx(bom);
  return { sbom, vex: buildAuditVex(report, byName, serial, o) };
}

function buildAuditVex(report: AuditReport, byName: ReadonlyMap<string, Models.Component>, serial: string, o: AppSbomOptions): string {
  const vulns = new Map<string, { v: VexVulnerability; affects: VexAffect[] }>();
  for (const item of report.items) {
    const c = byName.get(item.distribution);
    for (const a of item.advisories) {
      let entry = vulns.get(a.id);
      if (!entry) {
        const base = { bomRef: a.id, id: a.id, cves: a.cves, severity: a.severity, description: a.description, references: a.references };
        entry = { v: { ...base, affects: [], analysis: { state: "in_triage", responses: [] } }, affects: [] };
        vulns.set(a.id, entry);
      }
      if (!c) continue; // a cpanfile range names no installed component: the SBOM has none to point at
      const unaffected = a.affectsVersion === false || !!a.resolved;
      entry.affects.push({ ref: c.bomRef.value as string, ...(c.version ? { version: c.version } : {}), status: unaffected ? "unaffected" : "affected" });
      // One analysis per vulnerability (CycloneDX): the last component's, as the report lists them.
      entry.v = { ...entry.v, analysis: analysis(item, a) };
    }
  }
  return buildVex({
    serial: uuidFromSha256(sha256(`app-vex\n${serial}\n${report.feed.sha256}\n${report.mode}`)),
    version: 1,
    timestamp: o.timestamp,
    sbom: { serial, version: 1 },
    tool: o.tool,
    source: { name: "CPANSA", ...(o.feedUrl ? { url: o.feedUrl } : {}) },
    vulnerabilities: [...vulns.values()].map(({ v, affects }) => ({ ...v, affects })),
  });
}

/** Where a patch for it is published, for the analysis detail. */
const patchNote = (a: AuditAdvisory) =>
  a.patches?.length ? `; a CPANSec patch exists: ${a.patches.map((p) => `${p.url} (sha256 ${p.sha256})`).join(", ")}` : "";

/**
 * The component's state for one advisory: fixed by its own patches (resolved_with_pedigree), an
 * accepted risk, not affected (cpan-audit's later-releases-only answers), or in triage with the
 * update to make (and a third-party patch as a workaround when one exists).
 */
function analysis(item: AuditItem, a: AuditAdvisory): VexVulnerability["analysis"] {
  if (a.resolved)
    return {
      state: "resolved_with_pedigree",
      responses: [],
      detail: `${item.distribution} ${item.version} is patched: its pedigree's patches resolve ${a.resolved.ids.join(", ")}`,
    };
  const accepted = a.exclusion && !a.exclusion.expired;
  const later = a.affectsVersion === false;
  return {
    state: later ? "not_affected" : "in_triage",
    ...(later ? { justification: "code_not_present" as const } : {}),
    responses: accepted
      ? ["will_not_fix"]
      : later
        ? []
        : [...(item.fix ? ["update" as const] : []), ...(a.patches?.length ? ["workaround_available" as const] : [])],
    detail: accepted
      ? `accepted risk until ${a.exclusion?.expires}: ${a.exclusion?.reason}`
      : later
        ? `${item.distribution} ${item.version} is not affected; later releases are (reported as CPAN::Audit reports it)`
        : `${item.advice}${patchNote(a)}`,
  };
}

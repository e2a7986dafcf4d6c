/**
 * A CycloneDX 1.6 VEX document: a BOM with vulnerabilities only, kept apart from the SBOM it speaks
 * about (BSI TR-03183-2) and pointing into it by BOM-Link (`urn:cdx:<serial>/<version>#<bom-ref>`).
 * One builder for every VEX the project writes: the audit's (an application) and the pipeline's
 * (one release); each maps its own findings to these statements.
 */
import * as Enums from "@cyclonedx/cyclonedx-library/Enums";
import * as Models from "@cyclonedx/cyclonedx-library/Models";
import type { Severity } from "../advisories/feed";
import { serializeCycloneDx } from "./cyclonedx";

export type VexState = "exploitable" | "in_triage" | "not_affected" | "resolved_with_pedigree";
export type VexJustification = "code_not_present";
export type VexResponse = "update" | "will_not_fix" | "workaround_available";

export interface VexAffect {
  /** A bom-ref of the SBOM the VEX speaks about. */
  readonly ref: string;
  readonly version?: string;
  readonly status: "affected" | "unaffected";
}

export interface VexVulnerability {
  /** Unique within the document. */
  readonly bomRef: string;
  readonly id: string;
  readonly cves: readonly string[];
  readonly severity: Severity | null;
  readonly description: string;
  readonly references: readonly string[];
  readonly affects: readonly VexAffect[];
  readonly analysis: {
    readonly state: VexState;
    readonly justification?: VexJustification;
    readonly responses: readonly VexResponse[];
    readonly detail?: string;
  };
}

export interface VexDocument {
  /** The VEX's own serial (a UUID) and version: the version goes up each time its content changes. */
  readonly serial: string;
  readonly version: number;
  readonly timestamp: Date;
  /** The SBOM's serial (a UUID) and version the affects refs are links into. */
  readonly sbom: { readonly serial: string; readonly version: number };
  readonly tool: { readonly name: string; readonly version: string };
  readonly source: { readonly name: string; readonly url?: string };
  readonly vulnerabilities: readonly VexVulnerability[];
}

/** A bom-ref as a BOM-Link fragment: characters a URI fragment may not hold are percent-encoded. */
export const bomLinkFragment = (ref: string) =>
  ref.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?]/gu, (c) =>
    [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
  );

export const bomLink = (sbom: VexDocument["sbom"], ref: string) => `urn:cdx:${sbom.serial}/${sbom.version}#${bomLinkFragment(ref)}`;

const STATE = {
  exploitable: Enums.Vulnerability.AnalysisState.Exploitable,
  in_triage: Enums.Vulnerability.AnalysisState.InTriage,
  not_affected: Enums.Vulnerability.AnalysisState.NotAffected,
  // a patched release whose pedigree's patches fix it (shared/domain/audit/pedigree.ts)
  resolved_with_pedigree: Enums.Vulnerability.AnalysisState.ResolvedWithPedigree,
} as const;
const RESPONSE = {
  update: Enums.Vulnerability.AnalysisResponse.Update,
  will_not_fix: Enums.Vulnerability.AnalysisResponse.WillNotFix,
  // a third-party patch (CPANSec's) exists for the version
  workaround_available: Enums.Vulnerability.AnalysisResponse.WorkaroundAvailable,
} as const;
const STATUS = { affected: Enums.Vulnerability.AffectStatus.Affected, unaffected: Enums.Vulnerability.AffectStatus.Unaffected } as const;

function vulnerability(v: VexVulnerability, d: VexDocument, source: Models.Vulnerability.Source): Models.Vulnerability.Vulnerability {
  const m = new Models.Vulnerability.Vulnerability({ bomRef: v.bomRef, id: v.id, source, description: v.description });
  if (v.severity)
    m.ratings.add(
      new Models.Vulnerability.Rating({ source, severity: v.severity as Enums.Vulnerability.Severity, method: Enums.Vulnerability.RatingMethod.Other }),
    );
  for (const cve of v.cves)
    if (/^CVE-\d{4}-\d+$/.test(cve))
      m.references.add(
        new Models.Vulnerability.Reference(cve, new Models.Vulnerability.Source({ name: "NVD", url: `https://nvd.nist.gov/vuln/detail/${cve}` })),
      );
  for (const r of v.references) if (/^https?:\/\//.test(r)) m.advisories.add(new Models.Vulnerability.Advisory(r));
  for (const a of v.affects)
    m.affects.add(
      new Models.Vulnerability.Affect(new Models.BomLinkElement(bomLink(d.sbom, a.ref)), {
        versions: new Models.Vulnerability.AffectedVersionRepository(
          a.version ? [new Models.Vulnerability.AffectedSingleVersion(a.version, { status: STATUS[a.status] })] : [],
        ),
      }),
    );
  const { state, justification, responses, detail } = v.analysis;
  m.analysis = new Models.Vulnerability.Analysis({
    state: STATE[state],
    ...(justification ? { justification: Enums.Vulnerability.AnalysisJustification.CodeNotPresent } : {}),
    response: new Enums.Vulnerability.AnalysisResponseRepository(responses.map((r) => RESPONSE[r])),
    ...(detail ? { detail } : {}),
  });
  return m;
}

export function buildVex(d: VexDocument): string {
  const bom = new Models.Bom({ serialNumber: `urn:uuid:${d.serial}`, version: d.version });
  bom.metadata.timestamp = d.timestamp;
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, d.tool.name, { version: d.tool.version }));
  const source = new Models.Vulnerability.Source({ name: d.source.name, ...(d.source.url ? { url: d.source.url } : {}) });
  for (const v of d.vulnerabilities) bom.vulnerabilities.add(vulnerability(v, d, source));
  return serializeCycloneDx(bom);
}

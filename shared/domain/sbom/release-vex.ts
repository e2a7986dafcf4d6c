/**
 * The VEX of one release (vex.cdx.json, beside its SBOM): what matching decided, as CycloneDX
 * statements on the components of the release's own sbom.cdx.json, read back from it so the refs
 * are the SBOM's bom-refs whatever resolved them. CycloneDX has no "affected" state: as in the
 * CISA and CSAF mappings, an affected finding is `exploitable` (its affects entry `affected`), a
 * version the ranges leave out is `not_affected` with `code_not_present`. Mapping:
 * - self: the release itself (the SBOM's metadata.component) at its version;
 * - bundled: the bundled library's component when the SBOM found it, else the release;
 * - dependency, interpreter: the prerequisite's component (no version: the release declares a
 *   range), `update` when a safe minimum exists, the advice as detail;
 * - not affected (advisories.json `notAffected`): as self or bundled, `unaffected`.
 * The document keeps its serial (from the SBOM's); its version goes up, and its timestamp moves,
 * only when the statements change.
 */
import { createHash } from "node:crypto";
import { type Finding, isReleaseFinding } from "../advisories/findings";
import type { NotAffected } from "../advisories/not-affected";
import { uuidFromSha256 } from "./input";
import { type VexAffect, type VexVulnerability, buildVex } from "./vex";

export interface SbomComponentRef {
  readonly ref: string;
  readonly name: string;
  readonly version?: string;
  readonly bundled: boolean;
}

/** What a VEX needs of an SBOM: its identity and its components' refs. */
export interface SbomRefs {
  readonly serial: string;
  readonly version: number;
  readonly main: SbomComponentRef;
  readonly components: readonly SbomComponentRef[];
}

/** What a VEX reads of advisories.json. */
export interface MatchAnswer {
  readonly release: { readonly distribution?: string; readonly version?: string };
  readonly findings: readonly Finding[];
  readonly notAffected?: readonly NotAffected[];
}

export class VexInputError extends Error {
  override readonly name = "VexInputError";
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

function component(c: unknown, where: string): SbomComponentRef {
  const o = (c ?? {}) as Record<string, unknown>;
  const ref = str(o["bom-ref"]);
  const name = str(o.name);
  if (!ref || !name) throw new VexInputError(`sbom.cdx.json: ${where} has no bom-ref or name`);
  const props = Array.isArray(o.properties) ? (o.properties as { name?: unknown; value?: unknown }[]) : [];
  const version = str(o.version);
  return { ref, name, ...(version ? { version } : {}), bundled: props.some((p) => p.name === "cpansec:bundled" && p.value === "true") };
}

/** The refs of a CycloneDX SBOM this project wrote (JSON text); anything else is a VexInputError. */
export function sbomRefs(text: string): SbomRefs {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new VexInputError(`sbom.cdx.json is not JSON: ${(e as Error).message}`);
  }
  const serial = /^urn:uuid:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(str(doc?.serialNumber) ?? "")?.[1];
  const version = typeof doc.version === "number" && Number.isInteger(doc.version) && doc.version >= 1 ? doc.version : undefined;
  if (!serial || !version) throw new VexInputError("sbom.cdx.json has no urn:uuid serialNumber and version");
  const meta = (doc.metadata ?? {}) as Record<string, unknown>;
  const components = Array.isArray(doc.components) ? doc.components.map((c, i) => component(c, `components[${i}]`)) : [];
  return { serial, version, main: component(meta.component, "metadata.component"), components };
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

function bundledTargets(s: SbomRefs, library: string | undefined): SbomComponentRef[] {
  const found = s.components.filter((c) => c.bundled && library !== undefined && c.name.toLowerCase() === library.toLowerCase());
  return found.length ? found : [s.main];
}

const ownTargets = (s: SbomRefs, kind: "self" | "bundled", library: string | undefined) => (kind === "bundled" ? bundledTargets(s, library) : [s.main]);

/** The statements, one per (advisory, finding), in a fixed order. */
export function releaseVexStatements(s: SbomRefs, m: MatchAnswer): VexVulnerability[] {
  const dist = m.release.distribution ?? s.main.name;
  const version = m.release.version ?? s.main.version ?? "";
  const at = (c: SbomComponentRef, status: VexAffect["status"]): VexAffect => ({
    ref: c.ref,
    ...((c === s.main ? version : c.version) ? { version: (c === s.main ? version : c.version) as string } : {}),
    status,
  });
  const out: VexVulnerability[] = [];
  for (const f of m.findings) {
    if (isReleaseFinding(f)) {
      const where = f.kind === "bundled" ? `the ${f.component ?? "code"} bundled in ${dist} ${version}` : `${dist} ${version}`;
      out.push({
        bomRef: f.advisory,
        id: f.advisory,
        ...pick(f),
        affects: ownTargets(s, f.kind, f.component).map((c) => at(c, "affected")),
        analysis: { state: "exploitable", responses: [], detail: `${where}: matched, the version is inside the advisory's affected range` },
      });
      continue;
    }
    const target = s.components.find((c) => !c.bundled && c.name === f.distribution) ?? s.main;
    for (const a of f.advisories)
      out.push({
        bomRef: `${a.id}@${f.kind}:${f.distribution}`,
        id: a.id,
        ...pick(a),
        affects: [{ ref: target.ref, status: "affected" }],
        analysis: { state: "exploitable", responses: f.dependency.safeMinimum ? ["update"] : [], detail: f.dependency.advice },
      });
  }
  for (const n of m.notAffected ?? []) {
    const ranges = `affected ${n.affected.join(" or ") || "(none)"}${n.fixed.length ? `, fixed ${n.fixed.join(" or ")}` : ""}`;
    out.push({
      bomRef: n.advisory,
      id: n.advisory,
      ...pick(n),
      affects: ownTargets(s, n.kind, n.component).map((c) => at(c, "unaffected")),
      analysis: {
        state: "not_affected",
        justification: "code_not_present",
        responses: [],
        detail: `${n.kind === "bundled" ? `the ${n.component ?? "code"} bundled in ` : ""}${dist} ${version}: outside the advisory's range (${ranges})`,
      },
    });
  }
  const seen = new Set<string>();
  return out.filter((v) => !seen.has(v.bomRef) && !!seen.add(v.bomRef)).sort((a, b) => (a.bomRef < b.bomRef ? -1 : a.bomRef > b.bomRef ? 1 : 0));
}

function pick(a: { cves: readonly string[]; severity: VexVulnerability["severity"]; description: string; references: readonly string[] }) {
  return { cves: a.cves, severity: a.severity, description: a.description, references: a.references };
}

export interface ReleaseVexOptions {
  readonly tool: { readonly name: string; readonly version: string };
  readonly feedUrl?: string;
  readonly now: Date;
  /** The release's vex.cdx.json as stored, if any. */
  readonly previous?: string;
}

/** The release's VEX, or undefined when the stored one already says exactly this. */
export function releaseVex(sbomText: string, m: MatchAnswer, o: ReleaseVexOptions): string | undefined {
  const s = sbomRefs(sbomText);
  const vulnerabilities = releaseVexStatements(s, m);
  const base = {
    serial: uuidFromSha256(sha256(`release-vex\n${s.serial}`)),
    sbom: { serial: s.serial, version: s.version },
    tool: o.tool,
    source: { name: "CPANSA", ...(o.feedUrl ? { url: o.feedUrl } : {}) },
    vulnerabilities,
  };
  const prev = previousHead(o.previous);
  if (prev && o.previous === buildVex({ ...base, version: prev.version, timestamp: prev.timestamp })) return undefined;
  return buildVex({ ...base, version: (prev?.version ?? 0) + 1, timestamp: o.now });
}

/** The stored VEX's version and timestamp; an unreadable one starts afresh at a higher version. */
function previousHead(text: string | undefined): { version: number; timestamp: Date } | undefined {
  if (!text) return undefined;
  try {
    const d = JSON.parse(text) as { version?: unknown; metadata?: { timestamp?: unknown } };
    const t = new Date(String(d.metadata?.timestamp));
    if (typeof d.version === "number" && Number.isInteger(d.version) && d.version >= 1 && !Number.isNaN(t.getTime()))
      return { version: d.version, timestamp: t };
  } catch {
    // not JSON: replaced below
  }
  return { version: 1, timestamp: new Date(0) };
}

// Whether a release's vex.cdx.json agrees with its advisories.json and points into its
// sbom.cdx.json, checked from the documents alone (not with the code that wrote the VEX).
import { advisoriesKey, cyclonedxKey, vexKey } from "../../shared/domain/pipeline/keys";
import type { ReleaseRecord } from "../../shared/domain/pipeline/record";
import { cycloneDxSchemaErrors } from "./sbom-validation";

interface Answer {
  findings: { kind: string; advisory?: string; advisories?: { id: string }[] }[];
  notAffected?: { advisory: string }[];
}
interface Vex {
  serialNumber: string;
  vulnerabilities?: { id: string; affects: { ref: string }[]; analysis: { state: string } }[];
}

/** The problems found (none: agrees). Releases whose SBOM or match step is not done have no VEX to check. */
export async function vexProblems(read: (key: string) => Promise<string | undefined>, r: ReleaseRecord): Promise<string[]> {
  if (r.steps.sbom?.status !== "done" || r.steps.advisories?.status !== "done") return [];
  const [sbomText, answerText, vexText] = await Promise.all([read(cyclonedxKey(r)), read(advisoriesKey(r)), read(vexKey(r))]);
  if (!sbomText || !answerText || !vexText) return [`${r.id}: sbom ${!!sbomText}, advisories ${!!answerText}, vex ${!!vexText}`];
  const problems: string[] = [];
  const schema = await cycloneDxSchemaErrors(vexText);
  if (schema) problems.push(`${r.id}: the VEX is not valid CycloneDX 1.6: ${JSON.stringify(schema)}`);
  const sbom = JSON.parse(sbomText);
  const prefix = `${String(sbom.serialNumber).replace("urn:uuid:", "urn:cdx:")}/${sbom.version}#`;
  const refs = new Set<string>([sbom.metadata.component["bom-ref"], ...(sbom.components ?? []).map((c: { "bom-ref": string }) => c["bom-ref"])]);
  const vex = JSON.parse(vexText) as Vex;
  for (const v of vex.vulnerabilities ?? [])
    for (const a of v.affects) {
      if (!a.ref.startsWith(prefix) || !refs.has(decodeURIComponent(a.ref.slice(prefix.length))))
        problems.push(`${r.id}: ${v.id} affects ${a.ref}, not a component of sbom.cdx.json`);
    }
  const answer = JSON.parse(answerText) as Answer;
  const expected = [
    ...answer.findings.flatMap((f) => (f.advisory ? [f.advisory] : (f.advisories ?? []).map((a) => a.id)).map((id) => `${id} exploitable`)),
    ...(answer.notAffected ?? []).map((n) => `${n.advisory} not_affected`),
  ].sort();
  const stated = (vex.vulnerabilities ?? []).map((v) => `${v.id} ${v.analysis.state}`).sort();
  if (JSON.stringify(stated) !== JSON.stringify(expected))
    problems.push(`${r.id}: the VEX states ${JSON.stringify(stated)}, advisories.json ${JSON.stringify(expected)}`);
  return problems;
}

/**
 * SARIF 2.1.0 for code-scanning UIs: one rule per advisory, one result per (vulnerable
 * distribution, advisory), located at the line of the input that pins or requires it. Accepted
 * risks in force carry an accepted external suppression with their reason; expired ones are plain
 * results again; an advisory a patched component's pedigree resolves is no result.
 * `security-severity` (the number GitHub code scanning ranks by) follows the
 * CVSS bands of the feed's severity words; an unrated advisory is a warning with none.
 */
import type { Severity } from "../advisories/feed";
import type { AuditAdvisory, AuditItem, AuditReport } from "./report";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note" };
const SCORE: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "2.0" };
const SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

const level = (s: Severity | null) => (s ? LEVEL[s] : "warning");
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

function rule(a: AuditAdvisory) {
  const help = a.references.find((r) => /^https?:\/\//.test(r));
  return {
    id: a.id,
    name: a.id.replace(/[^A-Za-z0-9]/g, ""),
    shortDescription: { text: oneLine(`${a.id}${a.cves.length ? ` (${a.cves.join(", ")})` : ""}`) },
    fullDescription: { text: oneLine(a.description) || a.id },
    ...(help ? { helpUri: help } : {}),
    help: { text: oneLine(`${a.description}${a.references.length ? ` References: ${a.references.join(" ")}` : ""}`) || a.id },
    defaultConfiguration: { level: level(a.severity) },
    properties: { tags: ["security", "vulnerability", "cpan", ...a.cves], ...(a.severity ? { "security-severity": SCORE[a.severity] } : {}) },
  };
}

function result(i: AuditItem, a: AuditAdvisory, ruleIndex: number, uri: (file: string) => string) {
  const what = i.kind === "distribution" ? `${i.distribution} ${i.version}` : `${i.distribution} (required as ${i.range === "0" ? "any version" : i.range})`;
  return {
    ruleId: a.id,
    ruleIndex,
    level: level(a.severity),
    message: {
      text: oneLine(
        `${what} is affected by ${a.id}${a.cves.length ? ` (${a.cves.join(", ")})` : ""}${a.affectsVersion === false ? ", in later releases only" : ""}: ${i.advice}`,
      ),
    },
    locations: [
      { physicalLocation: { artifactLocation: { uri: uri(i.location.file) }, ...(i.location.line ? { region: { startLine: i.location.line } } : {}) } },
    ],
    partialFingerprints: { "cpansec/v1": `${i.distribution}:${a.id}` },
    ...(a.exclusion && !a.exclusion.expired
      ? { suppressions: [{ kind: "external", status: "accepted", justification: `${a.exclusion.reason} (until ${a.exclusion.expires})` }] }
      : {}),
    properties: {
      distribution: i.distribution,
      ...(i.version ? { version: i.version } : {}),
      ...(i.range ? { range: i.range } : {}),
      ...(i.fix ? { fix: i.fix } : {}),
      modes: a.modes,
    },
  };
}

/** `uri` turns an input path into the artifact URI (relative to the repository root, for code scanning). */
export function buildSarif(r: AuditReport, uri: (file: string) => string = (f) => f): object {
  const rules: ReturnType<typeof rule>[] = [];
  const index = new Map<string, number>();
  for (const i of r.items) for (const a of i.advisories) if (!index.has(a.id)) index.set(a.id, rules.push(rule(a)) - 1);
  return {
    $schema: SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: r.tool.name, version: r.tool.version, rules } },
        // an advisory the component's own patches fix is no result: the alert closes as for an upgrade
        results: r.items.flatMap((i) => i.advisories.filter((a) => !a.resolved).map((a) => result(i, a, index.get(a.id) as number, uri))),
        properties: { mode: r.mode, feed: r.feed, input: r.input.kind },
      },
    ],
  };
}

/**
 * SPDX 2.3 JSON. No maintained TypeScript model exists, so the document is built here, to the
 * 2.3 schema (Ajv2019 in the tests) plus the rules the schema does not check (check.ts).
 */
import { createHash } from "node:crypto";
import type { SbomFacts, SbomInput } from "./input";
import type { Requirement } from "./prereqs";
import { displayText } from "../text/display";

const NOASSERTION = "NOASSERTION";

/** SPDXRef-<something>: only letters, digits, '.' and '-' are allowed. */
const ref = (kind: string, n: number, name: string) => `SPDXRef-${kind}-${n}-${name.replace(/[^A-Za-z0-9.-]+/g, "-").slice(0, 64)}`;

/** SPDX 2.3 §7.9: SHA-1 over the sorted SHA-1 hex values of every file, concatenated. */
export function packageVerificationCode(sha1s: readonly string[]): string {
  return createHash("sha1")
    .update([...sha1s].sort().join(""))
    .digest("hex");
}

/** Which relationship a requirement makes, from the release's point of view. */
function relationshipFor(q: Requirement): { type: string; fromDependency: boolean } | undefined {
  if (q.relationship === "conflicts") return undefined;
  if (q.relationship === "recommends" || q.relationship === "suggests") return { type: "OPTIONAL_DEPENDENCY_OF", fromDependency: true };
  switch (q.phase) {
    case "runtime":
      return { type: "DEPENDS_ON", fromDependency: false };
    case "build":
    case "configure":
      return { type: "BUILD_DEPENDENCY_OF", fromDependency: true };
    case "test":
      return { type: "TEST_DEPENDENCY_OF", fromDependency: true };
    default:
      return { type: "DEV_DEPENDENCY_OF", fromDependency: true };
  }
}

const whole = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

export function buildSpdx(input: SbomInput, facts: SbomFacts): Record<string, unknown> {
  const r = input.release;
  const author = input.author ?? r.path.author;
  const main = "SPDXRef-Package-Release";
  const files = facts.files.map((f, i) => ({
    fileName: `./${f.path}`,
    SPDXID: `SPDXRef-File-${i + 1}`,
    checksums: [
      { algorithm: "SHA1", checksumValue: f.sha1 },
      { algorithm: "SHA256", checksumValue: f.sha256 },
    ],
    licenseConcluded: NOASSERTION,
    copyrightText: NOASSERTION,
  }));
  const relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[] = [
    { spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: main },
    ...files.map((f) => ({ spdxElementId: main, relationshipType: "CONTAINS", relatedSpdxElement: f.SPDXID })),
  ];
  const deps = facts.prerequisites.map((p, i) => {
    const id = ref("Package", i + 1, p.name);
    const seen = new Set<string>();
    for (const q of p.requirements) {
      const rel = relationshipFor(q);
      if (!rel || seen.has(rel.type)) continue;
      seen.add(rel.type);
      relationships.push(
        rel.fromDependency
          ? { spdxElementId: id, relationshipType: rel.type, relatedSpdxElement: main }
          : { spdxElementId: main, relationshipType: rel.type, relatedSpdxElement: id },
      );
    }
    return {
      SPDXID: id,
      name: p.name,
      downloadLocation: NOASSERTION,
      filesAnalyzed: false,
      licenseConcluded: NOASSERTION,
      licenseDeclared: NOASSERTION,
      copyrightText: NOASSERTION,
      ...(p.resolved ? { externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: `pkg:cpan/${p.name}` }] } : {}),
      comment: [
        p.resolved ? `CPAN distribution (resolved by ${p.via})` : "unresolved module: no distribution known",
        ...p.requirements.map((q) => `${q.phase} ${q.relationship} ${q.module} ${q.range}`),
      ].join("; "),
    };
  });
  const bundled = input.bundled.map((b, i) => {
    const id = ref("Bundled", i + 1, b.name);
    relationships.push({ spdxElementId: main, relationshipType: "CONTAINS", relatedSpdxElement: id });
    return {
      SPDXID: id,
      name: b.name,
      ...(b.version ? { versionInfo: b.version } : {}),
      downloadLocation: NOASSERTION,
      filesAnalyzed: false,
      licenseConcluded: NOASSERTION,
      licenseDeclared: NOASSERTION,
      copyrightText: NOASSERTION,
      ...(b.purl ? { externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: b.purl }] } : {}),
      comment: `bundled in the archive; version read from ${b.path}`,
    };
  });
  const release = {
    SPDXID: main,
    name: facts.name,
    ...(facts.version ? { versionInfo: facts.version } : {}),
    ...(author ? { supplier: `Person: ${author}` } : {}),
    downloadLocation: facts.downloadUrl ?? NOASSERTION,
    ...(r.meta?.resources.homepage ? { homepage: r.meta.resources.homepage } : {}),
    filesAnalyzed: true,
    packageVerificationCode: { packageVerificationCodeValue: packageVerificationCode(facts.files.map((f) => f.sha1)) },
    checksums: [
      { algorithm: "SHA256", checksumValue: r.archive.sha256 },
      { algorithm: "SHA512", checksumValue: r.archive.sha512 },
    ],
    licenseConcluded: NOASSERTION,
    licenseDeclared: facts.license.expression ?? NOASSERTION,
    ...(facts.license.named.length ? { licenseComments: `META licence: ${facts.license.named.join(", ")} (no exact SPDX identifier)` } : {}),
    copyrightText: NOASSERTION,
    ...(r.meta?.abstract && r.meta.abstract !== "unknown" ? { summary: displayText(r.meta.abstract) } : {}),
    externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: facts.purl }],
    ...(r.error || r.problems.length ? { comment: `cpansec:metadata-error: ${[r.error?.message, ...r.problems].filter(Boolean).join("; ")}` } : {}),
  };
  return {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: `${facts.name}${facts.version ? `-${facts.version}` : ""}`,
    documentNamespace: `https://spdx.org/spdxdocs/cpansec/${encodeURIComponent(facts.name)}-${facts.uuid}`,
    creationInfo: { created: whole(input.uploaded), creators: [`Tool: ${input.tool.name}-${input.tool.version}`] },
    packages: [release, ...deps, ...bundled],
    files,
    relationships,
  };
}

export function serializeSpdx(doc: Record<string, unknown>): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

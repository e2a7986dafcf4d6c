/**
 * The SBOMs of a patched archive: the same documents `cpansec scan` makes for any archive, plus
 * where it came from. CycloneDX: `pedigree` on the described component (the original as ancestor,
 * with its purl and hashes; each patch as a backport with the diff's text and `resolves` naming
 * its CVE). The CycloneDX library has no pedigree model, so it is added to the normalised JSON.
 * SPDX: the original as a package the release is DESCENDANT_OF, each patch as a file in
 * PATCH_APPLIED to it, and an annotation on the release saying what was done.
 */
import { createHash } from "node:crypto";
import type { Release } from "../cpan/release";
import { buildCycloneDx, serializeCycloneDx } from "../sbom/cyclonedx";
import { type SbomInput, releasePurl, sbomFacts } from "../sbom/input";
import { buildSpdx, serializeSpdx } from "../sbom/spdx";
import type { Sboms } from "../sbom";
import { patchId } from "./layout";
import type { PatchRecord } from "./registry";

export interface Ancestor {
  readonly release: Release;
  readonly author?: string;
  /** The original's CPAN path (authors/id/...), for its download URL. */
  readonly cpanPath?: string;
}

const hex = (alg: string, b: Uint8Array) => createHash(alg).update(b).digest("hex");
const nvd = (cve: string) => `https://nvd.nist.gov/vuln/detail/${cve}`;

/** The original's purl exactly as `cpansec scan` gives it, so the two documents can be joined. */
const ancestorPurl = (a: Ancestor): string => releasePurl(a.release, a.author, a.cpanPath);

/** The diff as an attachment: its text when it is UTF-8, else base64 (bytes are never re-encoded). */
function diffText(bytes: Uint8Array): Record<string, string> {
  try {
    return { contentType: "text/x-diff", content: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { contentType: "text/x-diff", encoding: "base64", content: Buffer.from(bytes).toString("base64") };
  }
}

const describe = (p: PatchRecord) =>
  `${p.path} (sha256 ${p.sha256})${p.header.subject ? `: ${p.header.subject}` : ""}${p.header.author ? `, by ${p.header.author}` : ""}`;

function pedigree(a: Ancestor, patches: readonly PatchRecord[]): Record<string, unknown> {
  const r = a.release;
  const purl = ancestorPurl(a);
  return {
    ancestors: [
      {
        type: "library",
        "bom-ref": `ancestor:${purl}`,
        name: r.distribution,
        version: r.version,
        purl,
        hashes: [
          { alg: "SHA-256", content: r.archive.sha256 },
          { alg: "SHA-512", content: r.archive.sha512 },
        ],
        ...(a.cpanPath?.startsWith("authors/id/") ? { externalReferences: [{ url: `https://cpan.metacpan.org/${a.cpanPath}`, type: "distribution" }] } : {}),
      },
    ],
    patches: patches.map((p) => ({
      type: "backport",
      diff: { text: diffText(p.bytes), ...(p.url ? { url: p.url } : {}) },
      resolves: [{ type: "security", id: p.cve, name: p.cve, source: { name: "NVD", url: nvd(p.cve) }, references: [nvd(p.cve)] }],
    })),
    notes: `${r.distribution} ${r.version} (sha256 ${r.archive.sha256}) with, in this order: ${patches.map(describe).join("; ")}`,
  };
}

export function patchedSboms(input: SbomInput, ancestor: Ancestor, patches: readonly PatchRecord[]): Sboms {
  const facts = sbomFacts(input);
  const cdx = JSON.parse(serializeCycloneDx(buildCycloneDx(input, facts))) as { metadata: { component: Record<string, unknown> } };
  cdx.metadata.component.pedigree = pedigree(ancestor, patches);
  const spdx = buildSpdx(input, facts) as {
    packages: Record<string, unknown>[];
    files: unknown[];
    relationships: unknown[];
    creationInfo: { created: string; creators: string[] };
  };
  const r = ancestor.release;
  const original = "SPDXRef-Package-Original";
  spdx.packages.push({
    SPDXID: original,
    name: r.distribution,
    versionInfo: r.version,
    ...(ancestor.author ? { supplier: `Person: ${ancestor.author}` } : {}),
    downloadLocation: ancestor.cpanPath?.startsWith("authors/id/") ? `https://cpan.metacpan.org/${ancestor.cpanPath}` : "NOASSERTION",
    filesAnalyzed: false,
    checksums: [
      { algorithm: "SHA256", checksumValue: r.archive.sha256 },
      { algorithm: "SHA512", checksumValue: r.archive.sha512 },
    ],
    licenseConcluded: "NOASSERTION",
    licenseDeclared: "NOASSERTION",
    copyrightText: "NOASSERTION",
    externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: ancestorPurl(ancestor) }],
    comment: "the original release these patches were applied to",
  });
  spdx.relationships.push({ spdxElementId: "SPDXRef-Package-Release", relationshipType: "DESCENDANT_OF", relatedSpdxElement: original });
  patches.forEach((p, i) => {
    const id = `SPDXRef-Patch-${i + 1}-${patchId(p)}`;
    spdx.files.push({
      fileName: `./${p.path}`,
      SPDXID: id,
      fileTypes: ["TEXT"],
      checksums: [
        { algorithm: "SHA1", checksumValue: hex("sha1", p.bytes) },
        { algorithm: "SHA256", checksumValue: p.sha256 },
      ],
      licenseConcluded: "NOASSERTION",
      copyrightText: "NOASSERTION",
      comment: `backport resolving ${p.cve}${p.url ? `, published at ${p.url}` : ""}`,
    });
    spdx.relationships.push({ spdxElementId: id, relationshipType: "PATCH_APPLIED", relatedSpdxElement: original });
  });
  const release = spdx.packages[0] as Record<string, unknown>;
  release.annotations = [
    {
      annotationDate: spdx.creationInfo.created,
      annotationType: "OTHER",
      annotator: spdx.creationInfo.creators[0],
      comment: `cpansec:patched: ${pedigree(ancestor, patches).notes as string}; resolves ${patches.map((p) => p.cve).join(", ")}`,
    },
  ];
  return { cyclonedx: `${JSON.stringify(cdx, null, 2)}\n`, spdx: serializeSpdx(spdx) };
}

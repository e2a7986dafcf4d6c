/** Everything an SBOM is built from: the parsed release plus what a bare archive cannot say. */
import { createHash } from "node:crypto";
import type { Release } from "../cpan/release";
import { buildCpanPurl } from "../cpan/purl";
import type { BundledComponent } from "./bundled";
import { type DeclaredLicense, declaredLicense } from "./licenses";
import { type Prerequisite, groupPrerequisites } from "./prereqs";
import type { Resolution } from "./resolve";

export interface SbomInput {
  readonly release: Release;
  /** The CPAN path (authors/id/...) when known, else the file name. */
  readonly cpanPath?: string;
  readonly author?: string;
  readonly uploaded: Date;
  readonly tool: { readonly name: string; readonly version: string };
  readonly resolve: (module: string) => Resolution;
  readonly bundled: readonly BundledComponent[];
}

/** The facts both documents share, derived once. */
export interface SbomFacts {
  readonly name: string;
  readonly version?: string;
  readonly purl: string;
  readonly license: DeclaredLicense;
  readonly prerequisites: readonly Prerequisite[];
  readonly uuid: string;
  readonly downloadUrl?: string;
  readonly metacpanUrl: string;
  readonly files: ReadonlyArray<{ path: string; sha1: string; sha256: string; size: number }>;
}

/** A name-based UUID (version 5 layout) from the archive's SHA-256: same archive, same id. */
export function uuidFromSha256(hex: string): string {
  const h = createHash("sha1").update(`cpansec-sbom:${hex}`).digest("hex");
  const variant = ((parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function sbomFacts(input: SbomInput): SbomFacts {
  const r = input.release;
  const name = r.distribution ?? r.path.distvname ?? r.path.filename;
  const author = input.author ?? r.path.author;
  const files = r.entries
    .filter((e) => e.type === "file")
    .map((e) => {
      if (!e.sha1 || !e.sha256) throw new Error(`${e.path}: SBOMs need SHA-1 and SHA-256 of every file (read the archive with sha1: true)`);
      return { path: e.path, sha1: e.sha1, sha256: e.sha256, size: e.size };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    name,
    ...(r.version ? { version: r.version } : {}),
    purl: buildCpanPurl({ dist: name.replace(/::/g, "-"), ...(r.version ? { version: r.version } : {}), ...(author ? { author } : {}) }),
    license: declaredLicense(r.meta),
    prerequisites: r.meta ? groupPrerequisites(r.meta.prereqs, input.resolve) : [],
    uuid: uuidFromSha256(r.archive.sha256),
    ...(input.cpanPath?.startsWith("authors/id/") ? { downloadUrl: `https://cpan.metacpan.org/${input.cpanPath}` } : {}),
    metacpanUrl: author && r.version ? `https://metacpan.org/release/${author}/${name}-${r.version}` : `https://metacpan.org/dist/${name}`,
    files,
  };
}

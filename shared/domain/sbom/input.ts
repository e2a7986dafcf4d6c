/** Everything an SBOM is built from: the parsed release plus what a bare archive cannot say. */
import { createHash } from "node:crypto";
import type { Release } from "../cpan/release";
import { uploadPurl } from "../cpan/purl";
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

const uploadVersion = (r: Release) => (r.path.dist ? r.path.version : r.version);

/** The upload's own purl: from the CPAN path (the version as the file spells it), not from META. */
export function releasePurl(r: Release, author: string | undefined, cpanPath: string | undefined): string {
  const name = (r.distribution ?? r.path.distvname ?? r.path.filename).replace(/::/g, "-");
  const version = uploadVersion(r);
  return uploadPurl({
    dist: name,
    ...(version !== undefined ? { version } : {}),
    ...(r.path.extension ? { extension: r.path.extension } : {}),
    ...(author ? { author } : {}),
    filename: r.path.author === author ? r.path.filename : (r.path.pathname.split("/").pop() as string),
    ...(cpanPath?.startsWith("authors/id/") ? { cpanPath } : {}),
  });
}

export function sbomFacts(input: SbomInput): SbomFacts {
  const r = input.release;
  const name = r.distribution ?? r.path.distvname ?? r.path.filename;
  const author = input.author ?? r.path.author;
  // The component's version is the purl's: the file's spelling, so a -TRIAL upload says so.
  const version = uploadVersion(r);
  const files = r.entries
    // A hard link is written as a copy of its target: a file of the installed tree like any other.
    .filter((e) => e.type === "file" || (e.type === "hardlink" && e.sha256))
    .map((e) => {
      if (!e.sha1 || !e.sha256) throw new Error(`${e.path}: SBOMs need SHA-1 and SHA-256 of every file (read the archive with sha1: true)`);
      return { path: e.path, sha1: e.sha1, sha256: e.sha256, size: e.size };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    name,
    ...(version ? { version } : {}),
    purl: releasePurl(r, author, input.cpanPath),
    license: declaredLicense(r.meta),
    prerequisites: r.meta ? groupPrerequisites(r.meta.prereqs, input.resolve) : [],
    uuid: uuidFromSha256(r.archive.sha256),
    ...(input.cpanPath?.startsWith("authors/id/") ? { downloadUrl: `https://cpan.metacpan.org/${input.cpanPath}` } : {}),
    metacpanUrl: author && r.path.distvname && r.path.dist ? `https://metacpan.org/release/${author}/${r.path.distvname}` : `https://metacpan.org/dist/${name}`,
    files,
  };
}

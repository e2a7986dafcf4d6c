/**
 * What the overlay holds, as data: each patched archive with where it came from (the original's
 * CPAN path and sha256, each patch's path and sha256), what it is (its path, digests, the packages
 * it is indexed for) and when it was published. Stored as the overlay's `cpansec-patched.json`
 * (public: anyone can read what was changed, from what) and the input every index file is built
 * from (./index-files.ts). Pure.
 */
import { compareEpochs } from "../cpan/recent";
import type { CksumFields } from "./checksums-write";

export interface OverlayPatch {
  /** Layout path in the patch source, e.g. F/File-Find-Rule/0.34/CVE-2011-10007-r1.patch */
  readonly path: string;
  readonly sha256: string;
  readonly cve: string;
  readonly revision: number;
  readonly url?: string;
}

export interface OverlayRelease {
  /** In the overlay: authors/id/C/CP/CPANSEC/File-Find-Rule-0.34-PATCHED-CVE-2011-10007-r1.tar.gz */
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  readonly dist: string;
  /** The original's version: the patched archive's packages keep it (docs/patches.md, versions). */
  readonly version: string;
  readonly original: { readonly path: string; readonly sha256: string; readonly size: number };
  readonly patches: readonly OverlayPatch[];
  /** The packages 02packages lists for it, with their versions, when it is the one in force. */
  readonly packages: readonly { readonly name: string; readonly version: string | null }[];
  /** RECENT epoch of its first publication. */
  readonly published: string;
  /** CHECKSUMS fields of the archive and its SBOMs (`<name>.cdx.json`, `<name>.spdx.json`), by file name. */
  readonly files: Readonly<Record<string, CksumFields>>;
  /** Its cpansec-patch/v1 entry's index in the log, once appended. */
  readonly logIndex?: number;
}

export interface OverlayModel {
  readonly v: 1;
  readonly releases: readonly OverlayRelease[];
}

export const EMPTY_OVERLAY: OverlayModel = { v: 1, releases: [] };

/** Where the overlay keeps its model (public: anyone can read what was changed, from what). */
export const MODEL_FILE = "cpansec-patched.json";

/** The overlay's author directory when the deployment chooses none (authors/id/C/CP/CPANSEC/). */
export const DEFAULT_OVERLAY_AUTHOR = "CPANSEC";

/** The key a patched archive is built once for: the original's sha256 and each patch's, in order. */
export const buildKey = (originalSha256: string, patchSha256s: readonly string[]): string => [originalSha256, ...patchSha256s].join("+");
export const releaseKey = (r: OverlayRelease): string =>
  buildKey(
    r.original.sha256,
    r.patches.map((p) => p.sha256),
  );

export interface PatchedQuery {
  /** The archive's CPAN path: authors/id/C/CP/CPANSEC/... or C/CP/CPANSEC/... (as 02packages and Carton write it). */
  readonly path?: string;
  readonly sha256?: string;
}

/**
 * The CVEs an archive is patched for, by the overlay: those its patches resolve, when it is one of
 * the overlay's archives by sha256 or by full CPAN path (the overlay's author directory is the
 * deployment's; when both are given both must agree). A bare file name is not enough: anyone can
 * upload a file of that name to CPAN under their own id. Empty for any other archive, the
 * original included: it is what the patches fix, not a fixed release.
 */
export function patchedFor(model: OverlayModel, q: PatchedQuery): string[] {
  const path = q.path === undefined ? undefined : q.path.startsWith("authors/id/") ? q.path : `authors/id/${q.path}`;
  if (path === undefined && q.sha256 === undefined) return [];
  const hit = model.releases.find((r) => (path === undefined || r.path === path) && (q.sha256 === undefined || r.sha256 === q.sha256));
  return hit ? [...new Set(hit.patches.map((p) => p.cve))].sort() : [];
}

/** Is this archive patched for this CVE? (Matching and audit count such a finding as fixed.) */
export const isPatchedFor = (model: OverlayModel, q: PatchedQuery, cve: string): boolean => patchedFor(model, q).includes(cve);

/**
 * The overlay path of the archive built with a patch, for findings to name (`patched`): the
 * archive in force for that distribution and version whose patches include these bytes.
 */
export function builtWith(model: OverlayModel): (p: { readonly sha256: string; readonly dist: string; readonly version: string }) => string | undefined {
  return (p) =>
    model.releases
      .filter((r) => r.dist === p.dist && r.version === p.version && r.patches.some((x) => x.sha256 === p.sha256))
      .sort((a, b) => compareEpochs(b.published, a.published))[0]?.path;
}

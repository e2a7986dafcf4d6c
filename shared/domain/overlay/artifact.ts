/**
 * One patched archive with everything published beside it: the reproducible archive
 * (../patches/patch-release.ts), its CycloneDX and SPDX SBOMs with pedigree, the packages it
 * provides (as CPAN indexed the original, else as its .pm files declare them), and its
 * cpansec-patch/v1 log entry. `cpansec patch apply` and the overlay build both use it, so an
 * archive applied by hand and one the pipeline publishes are the same bytes.
 */
import { readArchive } from "../cpan/archive";
import { DEFAULT_LIMITS } from "../cpan/archive/limits";
import { authorPath } from "../cpan/distname";
import type { IndexedModule } from "../cpan/packages";
import { type Release, describeRelease } from "../cpan/release";
import { moduleVersions } from "../audit/module-version";
import { patchRelease } from "../patches/patch-release";
import type { PatchRecord } from "../patches/registry";
import { patchedSboms } from "../patches/sboms";
import { bundledKeep, detectBundled, moduleResolver } from "../sbom";
import { buildPatchEntry } from "../tlog/patch-entry";

export interface PatchedArtifact {
  readonly fileName: string;
  readonly topDir: string;
  readonly bytes: Uint8Array;
  readonly cyclonedx: string;
  readonly spdx: string;
  readonly original: Release;
  readonly patched: Release;
  /** The .pm files' bytes, by path in the archive. */
  readonly modules: ReadonlyMap<string, Uint8Array>;
  readonly patches: readonly PatchRecord[];
}

export interface ArtifactInput {
  /** The original's file name or CPAN path (authors/id/A/AU/AUTHOR/file: its author is read from it). */
  readonly path: string;
  readonly bytes: Uint8Array;
  /** The original's uploader, when the path does not say. */
  readonly author?: string;
}

export async function buildPatchedArtifact(
  input: ArtifactInput,
  patches: readonly PatchRecord[],
  mtime: Date,
  tool: { name: string; version: string },
): Promise<PatchedArtifact> {
  const result = await patchRelease(input.path, input.bytes, patches, mtime);
  const original = result.original;
  const author = input.author ?? original.path.author;
  const patched = await describeRelease(result.fileName, result.bytes, { sha1: true, keep: bundledKeep });
  const sboms = patchedSboms(
    { release: patched, uploaded: mtime, tool, resolve: moduleResolver(undefined, undefined), bundled: detectBundled(patched.files) },
    { release: original, ...(author ? { author, cpanPath: authorPath(author, original.path.filename) } : {}) },
    result.patches,
  );
  // The modules' text, for the packages the archive provides (read apart from the SBOM's inputs).
  const modules = (await readArchive(result.bytes, { keep: (p) => p.endsWith(".pm"), limits: { maxKeptFileBytes: DEFAULT_LIMITS.maxEntryBytes } })).files;
  return { fileName: result.fileName, topDir: result.topDir, bytes: result.bytes, ...sboms, original, patched, modules, patches: result.patches };
}

/**
 * The packages to index the patched archive under: CPAN's own rows for the original when its index
 * lists any (what PAUSE decided, patches leave $VERSION alone), else every package with a version
 * that the archive's .pm files outside t/, xt/, inc/ declare (PAUSE's rule, without running code).
 */
export function providedPackages(a: PatchedArtifact, cpanRows: readonly (IndexedModule & { name: string })[] = []): { name: string; version: string | null }[] {
  if (cpanRows.length) return cpanRows.map((r) => ({ name: r.name, version: r.version })).sort((x, y) => (x.name < y.name ? -1 : 1));
  const found = new Map<string, string | null>();
  for (const [path, bytes] of a.modules) {
    const rel = path.slice(path.indexOf("/") + 1);
    if (!rel.endsWith(".pm") || /^(t|xt|inc|examples?)\//.test(rel)) continue;
    for (const m of moduleVersions(Buffer.from(bytes).toString("latin1"))) if (!found.has(m.module) && m.version !== undefined) found.set(m.module, m.version);
  }
  return [...found].map(([name, version]) => ({ name, version })).sort((x, y) => (x.name < y.name ? -1 : 1));
}

/** The log entry for the archive once it lives at `path` in the overlay. */
export function patchLogEntry(a: PatchedArtifact, originalPath: string, path: string): string {
  return buildPatchEntry({
    original: { path: originalPath, sha256: a.original.archive.sha256 },
    patches: a.patches.map((p) => ({ path: p.path, sha256: p.sha256 })),
    path,
    sha256: a.patched.archive.sha256,
    size: a.patched.archive.size,
  });
}

/** A patched archive's time when nothing else is given: the newest `Date:` among its patches, else 1970 (reproducible). */
export function newestPatchDate(patches: readonly PatchRecord[]): Date {
  const dates = patches.flatMap((p) => (p.header.date ? [p.header.date.getTime()] : []));
  return new Date(dates.length ? Math.max(...dates) : 0);
}

/** What `cpansec patch` does, apart from its options: sources, patch files, writing results. */
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import pkg from "../package.json" with { type: "json" };
import { buildPatchedArtifact } from "../shared/domain/overlay/artifact";
import type { Feed } from "../shared/domain/advisories/feed";
import { describeRelease } from "../shared/domain/cpan/release";
import { DEFAULT_PATCH_LIMITS, PatchError } from "../shared/domain/patches/errors";
import { layoutPath, parseLayoutPath, parsePatchFileName } from "../shared/domain/patches/layout";
import { type PatchRecord, loadRegistry, patchesFor, readPatchRecord } from "../shared/domain/patches/registry";

import { patchSource } from "./patch-snapshot";

export { patchSource };

/**
 * A patch named on the command line: its layout path is read from its last four path components
 * (`.../A/Authen-SASL/2.1800/CVE-2025-40918-r1.patch`); a file that is only named
 * `<CVE>-r<N>.patch` is taken to be for the archive's own distribution and version.
 */
export function patchFromFile(file: string, dist: string, version: string): PatchRecord {
  const st = statSync(file);
  if (st.size > DEFAULT_PATCH_LIMITS.maxPatchBytes)
    throw new PatchError("limit", `${file}: ${st.size} bytes is over the ${DEFAULT_PATCH_LIMITS.maxPatchBytes}-byte limit for a patch`);
  const bytes = readFileSync(file);
  const tail = file.split(/[\\/]/).slice(-4).join("/");
  let path: string;
  try {
    path = layoutPath(parseLayoutPath(tail));
  } catch {
    const f = parsePatchFileName(basename(file));
    if (!f) throw new PatchError("layout", `${file}: a patch file must be named <CVE>-r<N>.patch (as CPANSec publishes them), to say what it fixes`);
    path = layoutPath({ dist, version, ...f });
  }
  return readPatchRecord(path, bytes);
}

/** The archives' time: --mtime, else SOURCE_DATE_EPOCH, else the newest patch's Date, else 1970. */
export function patchTime(patches: readonly PatchRecord[], given?: Date, env = process.env.SOURCE_DATE_EPOCH): Date {
  if (given) return given;
  if (env && /^[0-9]+$/.test(env)) return new Date(Number(env) * 1000);
  const dates = patches.flatMap((p) => (p.header.date ? [p.header.date.getTime()] : []));
  return new Date(dates.length ? Math.max(...dates) : 0);
}

export interface ApplyOptions {
  readonly out: string;
  readonly author?: string;
  readonly mtime?: Date;
  readonly source?: string;
  readonly feed?: Feed;
}

export async function applyPatches(archive: string, files: readonly string[], o: ApplyOptions): Promise<Record<string, unknown>> {
  const bytes = readFileSync(archive);
  const original = await describeRelease(archive, bytes);
  if (original.error) throw new PatchError("unsupported", `${archive}: ${original.error.message}`);
  const { distribution: dist, version } = original;
  if (!dist || !version) throw new PatchError("mismatch", `${archive}: cannot tell its distribution and version`);
  let patches = files.map((f) => patchFromFile(f, dist, version));
  if (!files.length && o.source) {
    patches = patchesFor(await loadRegistry(patchSource(o.source, o.feed)), dist, version);
    if (!patches.length) throw new PatchError("mismatch", `${o.source} has no patch for ${dist} ${version}`);
  }
  const mtime = patchTime(patches, o.mtime);
  const a = await buildPatchedArtifact({ path: archive, bytes, ...(o.author ? { author: o.author } : {}) }, patches, mtime, {
    name: pkg.name,
    version: pkg.version,
  });
  mkdirSync(o.out, { recursive: true });
  const out = (suffix: string) => join(o.out, `${a.topDir}${suffix}`);
  writeFileSync(out(".tar.gz"), a.bytes);
  writeFileSync(out(".cdx.json"), a.cyclonedx);
  writeFileSync(out(".spdx.json"), a.spdx);
  return {
    archive: out(".tar.gz"),
    sha256: a.patched.archive.sha256,
    size: a.patched.archive.size,
    cyclonedx: out(".cdx.json"),
    spdx: out(".spdx.json"),
    original: { file: archive, distribution: dist, version, sha256: original.archive.sha256 },
    patches: a.patches.map((p) => ({ path: p.path, cve: p.cve, revision: p.revision, sha256: p.sha256, files: p.files })),
  };
}

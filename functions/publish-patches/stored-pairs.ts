/**
 * The pipeline's input to the overlay: every stored release a patch in force is for (same
 * distribution and version), with the archive bytes the pipeline verified against PAUSE's
 * CHECKSUMS. An archive is used only when its bytes still hash to the recorded sha256; a release
 * with no verified sha256 yet, removed from CPAN, or failed for integrity waits or is skipped,
 * said in `problems`.
 *
 * Only a release CPAN's 02packages resolves a package to is patched: anyone can upload a file
 * named File-Find-Rule-0.34.tar.gz under their own id, and the overlay, which cpanm prefers, must
 * not publish a patched copy of theirs. PAUSE's index says whose upload is the distribution.
 */
import { createHash } from "node:crypto";
import { archiveKey } from "../../shared/domain/pipeline/keys";
import type { PackagesIndex } from "../../shared/domain/cpan/packages";
import type { PatchRecord } from "../../shared/domain/patches/registry";
import type { PipelineDeps } from "../../shared/ports/deps";
import type { PatchPair } from "./publish-patches";

export async function storedPairs(
  deps: Pick<PipelineDeps, "releases" | "blobs">,
  patches: readonly PatchRecord[],
  index: PackagesIndex | undefined,
): Promise<{ pairs: PatchPair[]; problems: string[] }> {
  if (!index)
    return { pairs: [], problems: patches.length ? ["no 02packages yet: nothing says which upload of a release is the indexed one; nothing patched"] : [] };
  const indexed = new Set([...index.modules.values()].map((m) => `authors/id/${m.path}`));
  const groups = new Map<string, PatchRecord[]>();
  for (const p of [...patches].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const k = `${p.dist}\u0000${p.version}`;
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  const pairs: PatchPair[] = [];
  const problems: string[] = [];
  const byDist = new Map<string, Awaited<ReturnType<typeof deps.releases.byDistribution>>>();
  for (const group of groups.values()) {
    const { dist, version } = group[0] as PatchRecord;
    if (!byDist.has(dist)) byDist.set(dist, await deps.releases.byDistribution(dist));
    for (const r of byDist.get(dist) ?? []) {
      if (r.version !== version) continue;
      if (r.removed || r.failure?.integrity) {
        problems.push(`${r.path}: ${r.removed ? "removed from CPAN" : "failed its integrity check"}; not patched`);
        continue;
      }
      if (!indexed.has(r.path)) {
        problems.push(`${r.path}: CPAN's 02packages lists no package in it (not the indexed upload of ${dist} ${version}); not patched`);
        continue;
      }
      if (!r.sha256) {
        problems.push(`${r.path}: no verified sha256 yet; patched once it has one`);
        continue;
      }
      const bytes = await deps.blobs.read(archiveKey(r));
      if (!bytes || createHash("sha256").update(bytes).digest("hex") !== r.sha256) {
        problems.push(`${r.path}: the stored archive is ${bytes ? "not the verified one" : "missing"}; not patched`);
        continue;
      }
      pairs.push({ original: { path: r.path, bytes }, patches: group });
    }
  }
  return { pairs, problems };
}

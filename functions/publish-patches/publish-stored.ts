/**
 * The overlay step of a refresh: the patches in force (read from the pipeline's own copies, the
 * bytes the findings cite), the stored releases they are for (./stored-pairs.ts) and CPAN's
 * 02packages as the pipeline last stored it, into publishPatched. Run after the refresh has moved
 * the patch pointer, before new uploads are matched, so findings can name what was just built.
 */
import { PACKAGES_KEY } from "../../shared/domain/pipeline/keys";
import type { PatchRecord } from "../../shared/domain/patches/registry";
import { parsePackagesGz } from "../../shared/pipeline/match-inputs";
import type { PipelineDeps } from "../../shared/ports/deps";
import { type OverlayDeps, type PublishResult, publishPatched } from "./publish-patches";
import { storedPairs } from "./stored-pairs";

export async function publishStoredPatches(
  deps: Pick<PipelineDeps, "releases" | "blobs">,
  overlay: Omit<OverlayDeps, "cpan">,
  patches: readonly PatchRecord[],
): Promise<PublishResult & { readonly problems: readonly string[] }> {
  const gz = await deps.blobs.read(PACKAGES_KEY);
  const index = gz ? parsePackagesGz(gz) : undefined;
  const { pairs, problems } = await storedPairs(deps, patches, index);
  const result = await publishPatched({ ...overlay, ...(index ? { cpan: index.modules } : {}) }, pairs);
  return { ...result, problems };
}

/** generate-sbom: CycloneDX 1.6 and SPDX 2.3 for a stored release (docs/decisions/0006-sboms.md), and its VEX once matched. */
import { cyclonedxKey, spdxKey } from "../../shared/domain/pipeline/keys";
import { detectBundled, generateSboms, moduleResolver } from "../../shared/domain/sbom";
import type { StepJob } from "../../shared/messages/jobs";
import { announceIfComplete, completeStep } from "../../shared/pipeline/complete";
import type { SbomDeps } from "../../shared/ports/deps";
import { loadRelease } from "../../shared/pipeline/load-release";
import { writeVex } from "../../shared/pipeline/write-vex";

export async function generateSbom(deps: SbomDeps, job: StepJob): Promise<void> {
  const { record, release } = await loadRelease(deps, job.id);
  if (record.steps.sbom) return announceIfComplete(deps, record); // a redelivery: finish what the first run may not have
  const feed = await deps.feed();
  const sboms = generateSboms({
    release,
    author: record.author,
    cpanPath: record.path,
    uploaded: new Date(Number(record.uploaded) * 1000),
    tool: deps.tool,
    resolve: moduleResolver(await deps.packages(), feed?.module2dist),
    bundled: detectBundled(release.files),
  });
  // publish, not create: the documents are deterministic, and a rerun after a tool upgrade may change them.
  await deps.blobs.publish(cyclonedxKey(record), new TextEncoder().encode(sboms.cyclonedx));
  await deps.blobs.publish(spdxKey(record), new TextEncoder().encode(sboms.spdx));
  await writeVex(deps, record); // after the SBOM, before the step is marked (shared/pipeline/write-vex.ts)
  await completeStep(deps, record.id, "sbom", { status: "done" });
}

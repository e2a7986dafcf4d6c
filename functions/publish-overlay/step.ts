/**
 * The step table row `overlay` (shared/steps.ts): its code, for the Lambda worker and the embedded
 * runner. Loaded on the first job: it brings the patch applier and the SBOM builders, which a
 * runner that never gets one (embedded builds its overlay in the refresh) should not load.
 */
import type { JobOf, QueueStep } from "../../shared/ports/deps";

export const step = {
  wiring: "pipeline",
  run: async (deps, job) => (await import("./publish-overlay")).publishOverlay(deps, job),
} satisfies QueueStep<JobOf<"overlay">>;

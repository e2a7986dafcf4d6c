/** The step table row `sbom` (shared/steps.ts): its code, for the Lambda worker and the embedded runner. */
import type { JobOf, QueueStep } from "../../shared/ports/deps";
import { generateSbom } from "./generate-sbom";

export const step = { wiring: "pipeline", run: (deps, job) => generateSbom(deps, job) } satisfies QueueStep<JobOf<"sbom">>;

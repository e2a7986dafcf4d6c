/** The step table row `ingest` (shared/steps.ts): its code, for the Lambda worker and the embedded runner. */
import type { JobOf, QueueStep } from "../../shared/ports/deps";
import { ingestRelease } from "./ingest-release";

export const step = { wiring: "pipeline", run: (deps, job, receives) => ingestRelease(deps, job, receives) } satisfies QueueStep<JobOf<"ingest">>;

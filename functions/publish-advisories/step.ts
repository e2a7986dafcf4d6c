/** The step table row `publish` (shared/steps.ts): its code, for the Lambda worker and the embedded runner. */
import type { JobOf, QueueStep } from "../../shared/ports/deps";
import { publishAdvisories } from "./publish-advisories";

export const step = { wiring: "pipeline", run: (deps, job) => publishAdvisories(deps, job) } satisfies QueueStep<JobOf<"publish">>;

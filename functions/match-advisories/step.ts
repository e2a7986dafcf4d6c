/** The step table row `advisories` (shared/steps.ts): its code, for the Lambda worker and the embedded runner. */
import type { JobOf, QueueStep } from "../../shared/ports/deps";
import { matchAdvisories } from "./match-advisories";

export const step = { wiring: "pipeline", run: (deps, job) => matchAdvisories(deps, job) } satisfies QueueStep<JobOf<"advisories">>;

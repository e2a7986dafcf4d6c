/** The step table row `notify` (shared/steps.ts): its code, for the Lambda worker and the embedded runner. */
import type { JobOf, QueueStep } from "../../shared/ports/deps";
import { notifyBatch } from "./notify-subscribers";

export const step = { wiring: "notify", runBatch: (deps, jobs) => notifyBatch(deps, jobs) } satisfies QueueStep<JobOf<"notify">>;

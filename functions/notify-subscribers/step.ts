/** The step table row `notify` (shared/steps.ts): its code, for the Lambda worker and the embedded runner. */
import type { JobOf, QueueStep } from "../../shared/ports/deps";
import { notifySubscribers } from "./notify-subscribers";

export const step = { wiring: "notify", run: (deps, job) => notifySubscribers(deps, job) } satisfies QueueStep<JobOf<"notify">>;

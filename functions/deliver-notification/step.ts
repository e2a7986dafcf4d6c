/**
 * The step table row `deliver` (shared/steps.ts): its code, for the Lambda worker and the embedded
 * runner. A retryable failure is a RetryLaterError: both retry it on the row's `retry` schedule.
 */
import type { JobOf, QueueStep } from "../../shared/ports/deps";
import { deliverNotification } from "./deliver-notification";

export const step = { wiring: "notify", run: (deps, job) => deliverNotification(deps, job) } satisfies QueueStep<JobOf<"deliver">>;

/**
 * The step table row `log` (shared/steps.ts): its code, for the Lambda worker and the embedded
 * runner. A whole batch at a time: one sequencer append per batch, in the FIFO queue's order.
 */
import type { JobOf, QueueStep } from "../../shared/ports/deps";
import { appendLogBatch } from "./append-log-step";

export const step = { wiring: "log", runBatch: (deps, jobs) => appendLogBatch(deps, jobs) } satisfies QueueStep<JobOf<"log">>;

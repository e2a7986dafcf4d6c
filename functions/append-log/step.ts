/**
 * The step table row `log` (shared/steps.ts): its code, for the Lambda worker and the embedded
 * runner. A whole batch at a time, in the FIFO queue's order: one sequencer append for the
 * releases' entries, one for the patched CPAN overlay's (./patched-log.ts).
 */
import type { LogJob, StepJob } from "../../shared/messages/jobs";
import type { JobOf, QueueStep } from "../../shared/ports/deps";
import { appendLogBatch } from "./append-log-step";
import { appendPatchedBatch, isPatchedLogJob } from "./patched-log";

export const step = {
  wiring: "log",
  async runBatch(deps, jobs) {
    const failed = new Map<number, unknown>();
    // The jobs of one type, run as a batch; each failure mapped back to its position in `jobs`.
    const part = async <J extends LogJob>(is: (j: LogJob) => j is J, run: (js: J[]) => Promise<Map<number, unknown>>) => {
      const at = jobs.flatMap((j, i) => (is(j) ? [i] : []));
      if (at.length) for (const [i, e] of await run(at.map((i) => jobs[i] as J))) failed.set(at[i] as number, e);
    };
    await part(
      (j): j is StepJob => !isPatchedLogJob(j),
      (js) => appendLogBatch(deps, js),
    );
    await part(isPatchedLogJob, (js) => appendPatchedBatch(deps, js));
    return failed;
  },
} satisfies QueueStep<JobOf<"log">>;

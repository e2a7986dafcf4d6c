/** Lambda: SQS match-advisories → findings for a stored release against the current feed. */
import { coldStart, sqsWorker } from "../../shared/runtime/lambda";
import { StepJobSchema } from "../../shared/messages/jobs";
import { matchAdvisories } from "./match-advisories";

const ready = coldStart("match-advisories");
export const handler = sqsWorker(ready, StepJobSchema, (ctx, job) => matchAdvisories(ctx.deps, job));

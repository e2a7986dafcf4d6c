/** Lambda: SQS match-advisories → findings for a stored release against the current feed. */
import { coldStart, sqsWorker } from "../../shared/runtime/lambda";
import { QUEUE_WORKERS } from "../../shared/steps";
import { matchAdvisories } from "./match-advisories";

const ready = coldStart("match-advisories");
export const handler = sqsWorker(ready, QUEUE_WORKERS.advisories.schema, (ctx, job) => matchAdvisories(ctx.deps, job));

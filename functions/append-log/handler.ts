/**
 * Lambda: SQS append-log (FIFO, one message group, reserved concurrency 1) → the transparency
 * log's only writer. The sequencer's compare-and-swap on the log head still guards against a
 * second writer, should one ever run.
 */
import { awsLogDeps } from "../../shared/runtime/aws-pipeline";
import { coldStart, stepHandler } from "../../shared/runtime/lambda";
import { logSigner } from "../../shared/adapters/aws/secrets";
import { initLog } from "./append-log";
import { step } from "./step";

// Only this function reads the log key (and only its role may): the log's deps are added here.
const ready = coldStart("append-log").then(async (ctx) => {
  const log = awsLogDeps(ctx.env, ctx.clients, await logSigner(ctx.env, ctx.clients.options));
  await initLog(log); // the empty log and `vkey`, on the first start ever; a no-op after
  return { ...ctx, deps: { ...ctx.deps, log } };
});
export const handler = stepHandler(ready, "log", step);

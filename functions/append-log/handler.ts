/**
 * Lambda: SQS append-log (FIFO, one message group, reserved concurrency 1) → the transparency
 * log's only writer. The sequencer's compare-and-swap on the log head still guards against a
 * second writer, should one ever run.
 */
import { coldStart, stepHandler } from "../../shared/runtime/lambda";
import { logSigner } from "../../shared/adapters/aws/secrets";
import { initLog } from "./append-log";
import { step } from "./step";

const ready = coldStart("append-log", async (env, clients) => ({ signer: await logSigner(env, clients.options) })).then(async (ctx) => {
  await initLog(ctx.deps.log); // the empty log and `vkey`, on the first start ever; a no-op after
  return ctx;
});
export const handler = stepHandler(ready, "log", step);

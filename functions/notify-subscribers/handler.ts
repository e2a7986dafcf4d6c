/** Lambda: SQS notify → one deliver job per matching subscription (once per pair), and the Atom feed. */
import { awsNotifyDeps } from "../../shared/runtime/aws-notify";
import { runtimeBase, sqsWorker } from "../../shared/runtime/lambda";
import { QUEUE_WORKERS } from "../../shared/steps";
import { notifySubscribers } from "./notify-subscribers";

const base = runtimeBase("notify");
const ctx = { ...base, deps: awsNotifyDeps(base.env, base.clients) };

export const handler = sqsWorker<typeof QUEUE_WORKERS.notify.schema, typeof ctx>(Promise.resolve(ctx), QUEUE_WORKERS.notify.schema, async (c, job) => {
  const result = await notifySubscribers(c.deps, job);
  c.logger.info("notified", { eventId: job.eventId, result: result as unknown as Record<string, unknown> });
});

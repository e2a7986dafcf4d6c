/**
 * Lambda: SQS deliver → one webhook or email attempt. A retryable failure sets the message's
 * visibility to the next delay of the retry schedule (5 s … 7 h, about a day in all; SQS allows at
 * most 12 h) and reports the item failed; after the queue's maxReceiveCount it is dead-lettered.
 */
import { awsNotifyDeps } from "../../shared/runtime/aws-notify";
import { runtimeBase, sqsWorker } from "../../shared/runtime/lambda";
import { retryLater } from "../../shared/adapters/aws/sqs-queue";
import { retryDelay } from "../../shared/domain/notify/retry";
import { unsubscribeLink } from "../../shared/domain/notify/unsubscribe";
import { unsubscribeKey } from "../../shared/adapters/aws/secrets";
import { QUEUE_WORKERS } from "../../shared/steps";
import { RetryDeliveryError, deliverNotification } from "./deliver-notification";

const base = runtimeBase("deliver");
const { env, clients } = base;
const ready = (async () => {
  // Email carries a one-click unsubscribe link when the stack has the unsubscribe function.
  const key = env.unsubscribeUrl ? await unsubscribeKey(env, clients.options) : undefined;
  const url = env.unsubscribeUrl;
  const deps = awsNotifyDeps(env, clients, {
    allowLoopbackWebhooks: process.env.CPANSEC_ALLOW_LOOPBACK_WEBHOOKS === "true",
    ...(key && url ? { unsubscribeUrl: (id: string) => unsubscribeLink(url, key, id) } : {}),
  });
  return { ...base, deps };
})();

export const handler = sqsWorker<typeof QUEUE_WORKERS.deliver.schema, Awaited<typeof ready>>(
  ready,
  QUEUE_WORKERS.deliver.schema,
  async (c, job, receives, record) => {
    try {
      const result = await deliverNotification(c.deps, job);
      c.logger.info("delivery", { eventId: job.eventId, subscriptionId: job.subscriptionId, result });
    } catch (e) {
      if (e instanceof RetryDeliveryError) {
        const ms = retryDelay(receives, Math.random(), e.retryAfterMs);
        if (ms !== undefined) await retryLater(clients.sqs, env.queues.deliver, record.receiptHandle, ms);
      }
      throw e;
    }
  },
);

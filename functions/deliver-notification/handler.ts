/**
 * Lambda: SQS deliver → one webhook or email attempt. A retryable failure sets the message's
 * visibility to the next delay of the row's retry schedule (shared/steps.ts: 5 s … 7 h, about a
 * day in all; SQS allows at most 12 h) and reports the item failed; after the queue's
 * maxReceiveCount it is dead-lettered.
 */
import { awsNotifyDeps } from "../../shared/runtime/aws-notify";
import { runtimeBase, stepHandler } from "../../shared/runtime/lambda";
import { unsubscribeLink } from "../../shared/domain/notify/unsubscribe";
import { unsubscribeKey } from "../../shared/adapters/aws/secrets";
import { step } from "./step";

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

export const handler = stepHandler(ready, "deliver", step);

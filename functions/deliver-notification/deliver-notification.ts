/**
 * deliver-notification: one (event, subscription) delivery attempt. Skips what is already final or
 * no longer wanted; sends under a lease so two copies of the job never send at once; 2xx marks it
 * delivered, 410 disables the subscription, anything retryable is thrown as RetryDeliveryError for
 * the queue to retry on the schedule of shared/domain/notify/retry.ts, then dead-letter.
 */
import { FINAL_DELIVERY_STATUSES } from "../../shared/ports";
import type { DeliverJob } from "../../shared/messages/jobs";
import { RetryLaterError, TransientError } from "../../shared/ports/errors";
import type { DeliverDeps } from "../../shared/ports/deps";
import { sendNotification } from "./send";

/** A retryable delivery failure; `retryAfterMs` is the receiver's Retry-After, if it gave one. */
export class RetryDeliveryError extends RetryLaterError {}

/** Longer than one attempt can take (10 s webhook timeout, an SMTP exchange), shorter than a retry. */
export const LEASE_MS = 60_000;

/**
 * After an attempt, recording its outcome is what keeps a redelivered job from sending again: a
 * failed write is tried a few more times in process (while this attempt still holds the lease)
 * before the error goes to the queue.
 */
async function recordOutcome(write: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await write();
      return;
    } catch (e) {
      if (attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }
}

export type DeliverResult = "delivered" | "gone" | "failed" | "skipped" | "already";

export async function deliverNotification(deps: DeliverDeps, job: DeliverJob): Promise<DeliverResult> {
  const { eventId, subscriptionId } = job;
  const record = await deps.deliveries.get(eventId, subscriptionId);
  // No record: it expired (30 days) or was never claimed; either way nothing should be sent now.
  if (!record || FINAL_DELIVERY_STATUSES.includes(record.status)) return "already";
  const at = () => deps.clock().toISOString();
  const sub = await deps.subscriptions.get(subscriptionId);
  if (!sub || sub.disabled) {
    await deps.deliveries.settle(eventId, subscriptionId, "skipped", at(), sub ? `subscription disabled: ${sub.disabled?.reason}` : "subscription removed");
    return "skipped";
  }
  const event = await deps.events.get(eventId);
  if (!event) throw new TransientError(`event ${eventId} is not in the event store`);
  if (!(await deps.deliveries.begin(eventId, subscriptionId, deps.clock().getTime(), LEASE_MS))) {
    const now = await deps.deliveries.get(eventId, subscriptionId);
    if (!now || FINAL_DELIVERY_STATUSES.includes(now.status)) return "already";
    throw new RetryDeliveryError(`delivery ${eventId} → ${subscriptionId} is being attempted elsewhere`);
  }
  const outcome = await sendNotification(deps, event, sub);
  switch (outcome.kind) {
    case "delivered":
      await recordOutcome(() => deps.deliveries.settle(eventId, subscriptionId, "delivered", at()));
      return "delivered";
    case "gone":
      // The receiver said it wants nothing more: stop every delivery to it, not just this one.
      await recordOutcome(() => deps.subscriptions.disable(subscriptionId, at(), `the webhook answered HTTP 410 Gone to ${eventId}`));
      await recordOutcome(() => deps.deliveries.settle(eventId, subscriptionId, "gone", at(), "HTTP 410 Gone"));
      return "gone";
    case "permanent":
      await recordOutcome(() => deps.deliveries.settle(eventId, subscriptionId, "failed", at(), outcome.reason));
      return "failed";
    case "retry":
      await recordOutcome(() => deps.deliveries.release(eventId, subscriptionId, at(), outcome.reason));
      throw new RetryDeliveryError(outcome.reason, outcome.retryAfterMs);
  }
}

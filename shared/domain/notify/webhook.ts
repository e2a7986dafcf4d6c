/** What a webhook carries: the event as JSON, under an id that is the same on every retry. */
import { createHash } from "node:crypto";
import type { NotificationEvent } from "./describe";

/** Standard Webhooks' `webhook-id`: stable per (event, subscription), so receivers can dedupe. */
export function deliveryId(eventId: string, subscriptionId: string): string {
  return `msg_${createHash("sha256").update(`${eventId}\n${subscriptionId}`).digest("base64url").slice(0, 27)}`;
}

export function webhookPayload(e: NotificationEvent): string {
  return JSON.stringify(e);
}

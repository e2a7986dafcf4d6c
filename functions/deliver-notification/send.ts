/** One attempt at telling one subscriber about one event: a signed webhook or an email. */
import { Webhook } from "standardwebhooks";
import type { NotificationEvent } from "../../shared/domain/notify/describe";
import { renderEmail } from "../../shared/domain/notify/email";
import type { Subscription } from "../../shared/domain/notify/subscription";
import { deliveryId, webhookPayload } from "../../shared/domain/notify/webhook";
import type { WebhookOutcome } from "../../shared/ports";
import { PermanentError } from "../../shared/ports/errors";
import type { NotifyDeps } from "../../shared/ports/deps";

export type SendOutcome = WebhookOutcome;

/** The Standard Webhooks headers for `body`, signed with the subscription's secret. */
export function signedHeaders(secret: string, msgId: string, at: Date, body: string): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "cpansec-webhooks/1",
    "webhook-id": msgId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(msgId, at, body),
  };
}

const describeError = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function sendNotification(
  deps: Pick<NotifyDeps, "webhooks" | "mailer" | "clock" | "email" | "links">,
  event: NotificationEvent,
  sub: Subscription,
): Promise<SendOutcome> {
  const id = deliveryId(event.id, sub.id);
  const t = sub.target;
  if (t.kind === "webhook") {
    const body = webhookPayload(event);
    // A fresh timestamp per attempt: receivers reject signatures older than their tolerance.
    return deps.webhooks.send({ url: t.url, headers: signedHeaders(t.secret, id, deps.clock(), body), body });
  }
  const unsubscribeUrl = deps.email.unsubscribeUrl?.(sub.id);
  const message = renderEmail(event, {
    id,
    from: deps.email.from,
    to: t.address,
    link: deps.links.result,
    ...(unsubscribeUrl ? { unsubscribeUrl } : {}),
    ...(deps.links.publicLog ? { publicLog: deps.links.publicLog } : {}),
  });
  try {
    await deps.mailer.send(message);
    return { kind: "delivered", status: 250 };
  } catch (e) {
    // A mailer says when no retry can help (SES rejected the message, email is not configured).
    if (e instanceof PermanentError) return { kind: "permanent", reason: `email to ${t.address}: ${describeError(e)}` };
    return { kind: "retry", reason: `email to ${t.address}: ${describeError(e)}` };
  }
}

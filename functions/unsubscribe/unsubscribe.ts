/**
 * unsubscribe: the page behind an email's unsubscribe link. GET shows a button and changes
 * nothing (mail scanners follow links); POST (the button, or a mail client's RFC 8058 one-click
 * `List-Unsubscribe=One-Click`) disables the subscription. Pages are fixed text: nothing from the
 * request is echoed back.
 */
import { checkUnsubscribe } from "../../shared/domain/notify/unsubscribe";
import type { UnsubscribeStore } from "../../shared/ports";

export interface UnsubscribeRequest {
  readonly method: string;
  readonly subscriptionId?: string;
  readonly token?: string;
}

export interface Page {
  readonly status: number;
  readonly html: string;
}

const page = (status: number, title: string, body: string): Page => ({
  status,
  html: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>\n`,
});

export async function unsubscribe(deps: { subscriptions: UnsubscribeStore; clock: () => Date; key: Uint8Array }, req: UnsubscribeRequest): Promise<Page> {
  const id = checkUnsubscribe(deps.key, req.subscriptionId, req.token);
  if (!id)
    return page(
      403,
      "This unsubscribe link is not valid",
      "<p>It may have been altered. Use the link from the latest message, or ask the operator of this cpansec deployment.</p>",
    );
  const state = await deps.subscriptions.state(id);
  if (!state) return page(200, "Unsubscribed", "<p>This subscription no longer exists: you will get no more messages from it.</p>");
  if (req.method === "GET") {
    if (state === "disabled") return page(200, "Unsubscribed", "<p>This subscription is already off.</p>");
    // The form posts back to this same URL (its query carries the id and token).
    return page(
      200,
      "Unsubscribe from cpansec notifications?",
      '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>',
    );
  }
  if (req.method !== "POST") return page(405, "Method not allowed", "<p>Use the link in the message.</p>");
  await deps.subscriptions.disable(id, deps.clock().toISOString(), "unsubscribed by the recipient (one-click link)");
  return page(200, "Unsubscribed", "<p>You will get no more messages from this subscription.</p>");
}

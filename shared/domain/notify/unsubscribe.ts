/**
 * One-click unsubscribe (RFC 8058) for email subscriptions: the link carries the subscription id
 * and an HMAC of it under a deployment key, so only the recipient of a mail can turn it off, and
 * no state is kept per link. Tokens never expire: an old mail's link keeps working.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

const SUBSCRIPTION_ID = /^sub_[0-9a-f]{16}$/;

export const unsubscribeToken = (key: Uint8Array, subscriptionId: string): string =>
  createHmac("sha256", key).update(`cpansec-unsubscribe/v1\n${subscriptionId}`).digest("base64url");

/** `base?s=<id>&t=<token>`: what goes in List-Unsubscribe and in the mail's footer. */
export function unsubscribeLink(base: string, key: Uint8Array, subscriptionId: string): string {
  const url = new URL(base);
  url.searchParams.set("s", subscriptionId);
  url.searchParams.set("t", unsubscribeToken(key, subscriptionId));
  return url.href;
}

/** The subscription id a link names, if its token is right (compared in constant time). */
export function checkUnsubscribe(key: Uint8Array, subscriptionId: string | undefined, token: string | undefined): string | undefined {
  if (!subscriptionId || !token || !SUBSCRIPTION_ID.test(subscriptionId)) return undefined;
  const want = Buffer.from(unsubscribeToken(key, subscriptionId));
  const got = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want) ? subscriptionId : undefined;
}

import { describe, expect, it } from "vitest";
import { unsubscribe } from "../../../functions/unsubscribe/unsubscribe";
import { checkUnsubscribe, unsubscribeLink, unsubscribeToken } from "../../../shared/domain/notify/unsubscribe";
import type { Subscription } from "../../../shared/domain/notify/subscription";
import type { UnsubscribeStore } from "../../../shared/ports";

const key = new Uint8Array(32).fill(1);
const id = "sub_0123456789abcdef";

describe("unsubscribe links", () => {
  it("carry the id and a token only the key can make", () => {
    const url = new URL(unsubscribeLink("https://u.example.org/x?keep=1", key, id));
    expect(url.searchParams.get("keep")).toBe("1");
    expect(url.searchParams.get("s")).toBe(id);
    expect(checkUnsubscribe(key, id, url.searchParams.get("t") ?? undefined)).toBe(id);
    const token = unsubscribeToken(key, id);
    expect(checkUnsubscribe(new Uint8Array(32).fill(2), id, token)).toBeUndefined();
    expect(checkUnsubscribe(key, "sub_0123456789abcdee", token)).toBeUndefined(); // another subscription
    expect(checkUnsubscribe(key, id, `${token.slice(0, -1)}A`)).toBeUndefined();
    expect(checkUnsubscribe(key, id, token.slice(1))).toBeUndefined();
    expect(checkUnsubscribe(key, "../etc", token)).toBeUndefined();
    expect(checkUnsubscribe(key, undefined, token)).toBeUndefined();
  });
});

describe("the unsubscribe page", () => {
  const make = () => {
    const subs = new Map<string, Subscription>([
      [id, { id, createdAt: "t", target: { kind: "email", address: "a@example.org" }, filter: { distributions: [], authors: [], events: [] } }],
    ]);
    const store: UnsubscribeStore = {
      state: async (i) => (subs.has(i) ? (subs.get(i)?.disabled ? "disabled" : "active") : undefined),
      disable: async (i, at, reason) => {
        const s = subs.get(i);
        if (s && !s.disabled) subs.set(i, { ...s, disabled: { at, reason } });
        return !!s;
      },
    };
    return { subs, deps: { subscriptions: store, clock: () => new Date("2026-11-25T00:00:00Z"), key } };
  };
  const t = unsubscribeToken(key, id);

  it("asks on GET (link scanners change nothing) and unsubscribes on POST (RFC 8058 one-click)", async () => {
    const { subs, deps } = make();
    const get = await unsubscribe(deps, { method: "GET", subscriptionId: id, token: t });
    expect(get.status).toBe(200);
    expect(get.html).toContain('<form method="post">');
    expect(subs.get(id)?.disabled).toBeUndefined();
    const post = await unsubscribe(deps, { method: "POST", subscriptionId: id, token: t });
    expect(post.status).toBe(200);
    expect(subs.get(id)?.disabled).toEqual({ at: "2026-11-25T00:00:00.000Z", reason: "unsubscribed by the recipient (one-click link)" });
    expect((await unsubscribe(deps, { method: "GET", subscriptionId: id, token: t })).html).toContain("already off");
  });

  it("refuses a bad token without touching anything, and echoes nothing back", async () => {
    const { subs, deps } = make();
    const r = await unsubscribe(deps, { method: "POST", subscriptionId: id, token: "<script>x</script>" });
    expect(r.status).toBe(403);
    expect(r.html).not.toContain("<script>");
    expect(subs.get(id)?.disabled).toBeUndefined();
    expect((await unsubscribe(deps, { method: "DELETE", subscriptionId: id, token: t })).status).toBe(405);
  });
});

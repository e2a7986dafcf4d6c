import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { signedHeaders } from "../../../functions/deliver-notification/send";
import { deliveryId, webhookPayload } from "../../../shared/domain/notify/webhook";
import { SECRET, vulnerable } from "../../helpers/events";

describe("webhook signing", () => {
  it("reproduces the Standard Webhooks known-answer vector", () => {
    const h = signedHeaders(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", new Date(1614265330 * 1000), '{"test": 2432232314}');
    expect(h["webhook-signature"]).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    expect(h["webhook-timestamp"]).toBe("1614265330");
    expect(h["webhook-id"]).toBe("msg_p5jXN8AQM9LWM0D4loKWxJek");
  });

  it("signs the event JSON so a Standard Webhooks library verifies it", () => {
    const e = vulnerable("high");
    const body = webhookPayload(e);
    const id = deliveryId(e.id, "sub_1");
    const h = signedHeaders(SECRET, id, new Date(), body);
    expect(new Webhook(SECRET).verify(body, h)).toEqual(JSON.parse(body));
    expect(() => new Webhook(SECRET).verify(body.replace("high", "low"), h)).toThrow(/signature/i);
    expect(deliveryId(e.id, "sub_1")).toBe(id); // stable across retries
    expect(deliveryId(e.id, "sub_2")).not.toBe(id);
    expect(id).toMatch(/^msg_[A-Za-z0-9_-]{27}$/);
  });
});

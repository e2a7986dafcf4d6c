// Contract tests for the notification ports (shared/ports.ts): SubscriptionStore, DeliveryStore,
// and EventStore.get and newestPublic. Any adapter runs them (embedded here; DynamoDB in the AWS adapter tests).
import { describe, expect, it } from "vitest";
import type { DeliveryStore, EventStore, SubscriptionStore } from "../../shared/ports";
import type { PipelineEvent } from "../../shared/messages/events";
import type { Subscription } from "../../shared/domain/notify/subscription";
import { feedEvents } from "../../shared/domain/notify/atom";
import { type ContractOptions, announceSequential, race, values } from "./race";

export interface NotifyPorts {
  subscriptions: SubscriptionStore;
  deliveries: DeliveryStore;
  events: EventStore;
}

const sub = (id: string, createdAt: string): Subscription => ({
  id,
  createdAt,
  target: { kind: "webhook", url: "https://example.com/h", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
  filter: { distributions: ["CGI*"], authors: ["DAVE"], events: ["release.vulnerable"], minSeverity: "high" },
});
const T0 = "2026-11-01T00:00:00.000Z";
const T1 = "2026-11-01T00:01:00.000Z";

export function notifyPortsContract(name: string, make: () => NotifyPorts | Promise<NotifyPorts>, o: ContractOptions = {}): void {
  announceSequential(name, o);
  describe(`${name}: notification ports contract`, () => {
    it("stores subscriptions once, lists them in creation order, disables keeping the first reason, removes", async () => {
      const { subscriptions } = await make();
      const b = sub("sub_b", T1);
      const a = sub("sub_a", T0);
      expect(await subscriptions.create(b)).toBe(true);
      expect(await subscriptions.create(a)).toBe(true);
      expect(await subscriptions.create({ ...a, createdAt: T1 })).toBe(false);
      expect(await subscriptions.get("sub_a")).toEqual(a);
      expect(await subscriptions.get("sub_nope")).toBeUndefined();
      expect((await subscriptions.list()).map((s) => s.id)).toEqual(["sub_a", "sub_b"]);
      expect(await subscriptions.disable("sub_a", T1, "HTTP 410")).toBe(true);
      expect(await subscriptions.disable("sub_a", "2026-12-01T00:00:00.000Z", "again")).toBe(true);
      expect((await subscriptions.get("sub_a"))?.disabled).toEqual({ at: T1, reason: "HTTP 410" });
      expect(await subscriptions.disable("sub_nope", T1, "x")).toBe(false);
      expect(await subscriptions.remove("sub_a")).toBe(true);
      expect(await subscriptions.remove("sub_a")).toBe(false);
      expect((await subscriptions.list()).map((s) => s.id)).toEqual(["sub_b"]);
    });

    it("claims a delivery once, even under concurrent claims", async () => {
      const { deliveries } = await make();
      const claims = values(
        await race(
          o,
          Array.from({ length: 8 }, () => () => deliveries.claim("evt_1", "sub_1", T0)),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await deliveries.claim("evt_1", "sub_2", T0)).toBe(true);
      const d = await deliveries.get("evt_1", "sub_1");
      expect(d).toMatchObject({ eventId: "evt_1", subscriptionId: "sub_1", status: "planned", createdAt: T0, attempts: 0 });
      expect(d?.expiresAt).toBeGreaterThanOrEqual(Date.parse(T0) / 1000 + 7 * 86400);
      expect(await deliveries.get("evt_1", "sub_9")).toBeUndefined();
      await deliveries.markQueued("evt_1", "sub_1", T1);
      expect((await deliveries.get("evt_1", "sub_1"))?.status).toBe("queued");
    });

    it("leases one attempt at a time and never leaves a final status", async () => {
      const { deliveries } = await make();
      await deliveries.claim("evt_2", "sub_1", T0);
      const now = Date.parse(T1);
      const wins = values(await race(o, [() => deliveries.begin("evt_2", "sub_1", now, 60_000), () => deliveries.begin("evt_2", "sub_1", now, 60_000)]));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(wins.find(Boolean)).toMatchObject({ attempts: 1, leaseUntil: now + 60_000 });
      expect(await deliveries.begin("evt_2", "sub_1", now + 59_000, 60_000)).toBeUndefined(); // still leased
      await deliveries.release("evt_2", "sub_1", T1, "HTTP 500");
      expect(await deliveries.get("evt_2", "sub_1")).toMatchObject({ status: "planned", lastError: "HTTP 500" });
      expect(await deliveries.begin("evt_2", "sub_1", now + 1000, 60_000)).toMatchObject({ attempts: 2 });
      expect(await deliveries.begin("evt_2", "sub_1", now + 61_001, 60_000)).toMatchObject({ attempts: 3 }); // an expired lease is taken over
      await deliveries.settle("evt_2", "sub_1", "delivered", T1);
      await deliveries.markQueued("evt_2", "sub_1", T1); // late: changes nothing
      await deliveries.settle("evt_2", "sub_1", "failed", T1, "late");
      await deliveries.release("evt_2", "sub_1", T1, "late");
      expect(await deliveries.get("evt_2", "sub_1")).toMatchObject({ status: "delivered", lastError: "HTTP 500" });
      expect(await deliveries.begin("evt_2", "sub_1", now + 10 ** 9, 60_000)).toBeUndefined();
      expect(await deliveries.begin("evt_nope", "sub_1", now, 60_000)).toBeUndefined();
      await deliveries.claim("evt_3", "sub_1", T0);
      await deliveries.settle("evt_3", "sub_1", "gone", T1, "HTTP 410 Gone");
      expect(await deliveries.get("evt_3", "sub_1")).toMatchObject({ status: "gone", lastError: "HTTP 410 Gone" });
    });

    it("gives the newest public events, newest first, ties by id, cut at the limit (what the Atom feed shows)", async () => {
      const { events } = await make();
      const T2 = "2026-11-01T00:02:00.000Z";
      const at = (id: string, type: PipelineEvent["type"], time: string): PipelineEvent => ({ v: 1, id, type, time, detail: { reason: id } });
      const stored = [
        at("evt_n1", "integrity.alert", T0),
        at("evt_n9", "release.processed", T2), // newer, but not public
        at("evt_n5", "release.vulnerable", T1),
        at("evt_n3", "advisory.published", T1), // three at T1: the limit cuts among them
        at("evt_n4", "patch.published", T1),
        at("evt_n2", "release.vulnerable", T2),
      ];
      for (const e of stored) await events.create(e);
      const ids = async (limit: number) => (await events.newestPublic(limit)).map((e) => e.id);
      expect(await ids(3)).toEqual(["evt_n2", "evt_n3", "evt_n4"]);
      expect(await ids(1)).toEqual(["evt_n2"]);
      expect(await ids(100)).toEqual(["evt_n2", "evt_n3", "evt_n4", "evt_n5", "evt_n1"]);
      expect(await events.newestPublic(4)).toEqual(feedEvents(await events.list(), 4));
      expect(await events.newestPublic(4)).toContainEqual(stored[2]); // the events as stored, nothing added
    });

    it("reads an event back by id", async () => {
      const { events } = await make();
      const e: PipelineEvent = {
        v: 1,
        id: "evt_get",
        type: "integrity.alert",
        time: T0,
        release: { id: "A/B-1.tar.gz", path: "authors/id/A/AB/ABC/B-1.tar.gz", author: "ABC" },
        detail: { reason: "x" },
      };
      await events.create(e);
      expect(await events.get("evt_get")).toEqual(e);
      expect(await events.get("evt_nope")).toBeUndefined();
    });
  });
}

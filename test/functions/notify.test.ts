// notify-subscribers and deliver-notification over the embedded ports, with a real webhook
// receiver on 127.0.0.1 and an outbox for email.
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RetryDeliveryError, deliverNotification } from "../../functions/deliver-notification/deliver-notification";
import { notifyBatch, notifySubscribers, publishFeed } from "../../functions/notify-subscribers/notify-subscribers";
import { embeddedNotifyDeps } from "../../cli/embedded/notify";
import { FsObjectStore } from "../../shared/adapters/embedded/fs-object-store";
import { EmbeddedDb } from "../../shared/adapters/embedded/sqlite-db";
import { FEED_KEY } from "../../shared/domain/notify/atom";
import type { DeliverJob } from "../../shared/messages/jobs";
import type { PipelineEvent } from "../../shared/messages/events";
import type { JobQueue, WebhookSender } from "../../shared/ports";
import { SECRET, makeEvent, makeSubscription, vulnerable } from "../helpers/events";
import { type Receiver, startReceiver } from "../helpers/webhook-receiver";

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver({ "/ok": SECRET, "/flaky": SECRET, "/gone": SECRET });
});
afterAll(() => rx.close());

const open: { close(): void }[] = [];
afterEach(() => open.splice(0).forEach((o) => o.close()));

function setup(o: { webhooks?: WebhookSender } = {}) {
  const data = mkdtempSync(join(tmpdir(), "cpansec-notify-uc-"));
  const db = new EmbeddedDb(join(data, "cpansec.db"));
  // The real clock: receivers reject signatures whose timestamp is more than 5 minutes off.
  const deps0 = embeddedNotifyDeps(db, data, { allowLoopbackWebhooks: true });
  const sent: DeliverJob[] = [];
  const deliver: JobQueue<DeliverJob> = { send: async (jobs) => void sent.push(...jobs) };
  const deps = { ...deps0, queues: { deliver }, ...(o.webhooks ? { webhooks: o.webhooks } : {}) };
  open.push({ close: () => (deps0.close(), db.close()) });
  const store = async (e: PipelineEvent) => (await db.events().create(e), e);
  return { data, db, deps, sent, store };
}

const hook = (path: string) => ({ kind: "webhook" as const, url: `${rx.url}${path}`, secret: SECRET });

describe("notify-subscribers", () => {
  it("plans one delivery per matching subscription, once, even when the job is redelivered", async () => {
    const { deps, sent, store } = setup();
    const all = makeSubscription(hook("/ok"));
    const cgi = makeSubscription(hook("/ok"), { distributions: ["CGI*"], events: ["release.vulnerable"] });
    const other = makeSubscription(hook("/ok"), { authors: ["ALICE"] });
    for (const s of [all, cgi, other]) await deps.subscriptions.create(s);
    const e = await store(vulnerable("high"));
    expect(await notifySubscribers(deps, { v: 1, eventId: e.id })).toEqual({ matched: 2, queued: 2, feed: true });
    expect(await notifySubscribers(deps, { v: 1, eventId: e.id })).toEqual({ matched: 2, queued: 0, feed: false });
    expect(sent.map((j) => j.subscriptionId).sort()).toEqual([all.id, cgi.id].sort());
    expect((await deps.deliveries.get(e.id, all.id))?.status).toBe("queued");
  });

  it("re-sends a job an earlier attempt claimed but may not have queued (no loss)", async () => {
    const { deps, sent, store } = setup();
    const s = makeSubscription(hook("/ok"));
    await deps.subscriptions.create(s);
    const e = await store(makeEvent("release.processed"));
    // A crash between claim and send leaves the pair "planned".
    await deps.deliveries.claim(e.id, s.id, "2026-11-01T12:00:00Z");
    await notifySubscribers(deps, { v: 1, eventId: e.id });
    expect(sent).toEqual([{ v: 1, eventId: e.id, subscriptionId: s.id }]);
  });

  it("retries when the event is not readable yet, and writes the Atom feed for public events only", async () => {
    const { deps, store, data } = setup();
    await expect(notifySubscribers(deps, { v: 1, eventId: "evt_missing" })).rejects.toThrow(/not in the event store/);
    const p = await store(makeEvent("release.processed"));
    expect((await notifySubscribers(deps, { v: 1, eventId: p.id })).feed).toBe(false);
    expect(readdirSync(data)).not.toContain("feeds");
    const a = await store(makeEvent("integrity.alert", { detail: { reason: "bad" } }));
    expect((await notifySubscribers(deps, { v: 1, eventId: a.id })).feed).toBe(true);
    expect(new TextDecoder().decode(await deps.feeds.read(FEED_KEY))).toContain(`urn:cpansec:event:${a.id}`);
  });
});

/** The feed store with its publish replaced (a counter, an outage). */
const withPublish = <F extends { publish(k: string, b: Uint8Array): Promise<unknown> }>(f: F, publish: F["publish"]): F =>
  Object.assign(Object.create(f) as F, { publish });

describe("notify-subscribers, a batch (the step)", () => {
  it("plans each job's deliveries, fails only the job that failed, and rebuilds the feed once, with every public event in it", async () => {
    const { deps, sent, store } = setup();
    await deps.subscriptions.create(makeSubscription(hook("/ok")));
    const events = [vulnerable("high"), makeEvent("release.processed"), makeEvent("integrity.alert", { detail: { reason: "bad" } }), vulnerable("low")];
    for (const e of events) await store(e);
    // Each rebuild queries the event store for the feed's entries: count the queries.
    let reads = 0;
    const counted = { get: (id: string) => deps.events.get(id), newestPublic: (n: number) => (reads++, deps.events.newestPublic(n)) };
    const jobs = [...events.map((e) => ({ v: 1 as const, eventId: e.id })), { v: 1 as const, eventId: "evt_missing" }];
    const failed = await notifyBatch({ ...deps, events: counted }, jobs);
    expect([...failed.keys()]).toEqual([4]);
    expect(String(failed.get(4))).toMatch(/not in the event store/);
    expect(reads).toBe(1);
    expect(sent.map((j) => j.eventId)).toEqual(events.map((e) => e.id));
    const xml = new TextDecoder().decode(await deps.feeds.read(FEED_KEY));
    for (const e of [events[0], events[2], events[3]]) expect(xml).toContain(`urn:cpansec:event:${e?.id}`);
    expect(xml).not.toContain(`urn:cpansec:event:${events[1]?.id}`);
    // What a rebuild from the event store writes: nothing left to change.
    expect(await publishFeed(deps)).toBe(false);
  });

  it("builds the feed from the newest public events only, byte for byte the feed of every stored event", async () => {
    const { db, deps, store } = setup();
    // Over the feed's 200 entries, most at one time (ties ordered by id), the newest not public.
    const minute = (m: number) => `2026-11-01T12:${String(m).padStart(2, "0")}:00.000Z`;
    for (let i = 0; i < 320; i++) await store(makeEvent(i % 3 ? "release.vulnerable" : "release.processed", { time: minute(i % 7 ? 30 : i % 60) }));
    await store(makeEvent("release.processed", { time: minute(59) }));
    const last = await store(vulnerable("high"));
    const fromList = {
      ...deps,
      feeds: new FsObjectStore(mkdtempSync(join(tmpdir(), "cpansec-feed-"))),
      events: { get: deps.events.get, newestPublic: async () => db.events().list() },
    };
    await publishFeed(fromList);
    // An event store whose list() fails: the rebuild must not read every event.
    const events = { ...db.events(), list: () => Promise.reject(new Error("list() read every event")) };
    expect(await notifyBatch({ ...deps, events }, [{ v: 1, eventId: last.id }])).toEqual(new Map());
    const xml = new TextDecoder().decode(await deps.feeds.read(FEED_KEY));
    expect(xml.match(/<entry>/g)).toHaveLength(200);
    expect(xml).toBe(new TextDecoder().decode(await fromList.feeds.read(FEED_KEY)));
  });

  it("puts the batch's own events in the feed when the index does not show them yet (a lagging GSI)", async () => {
    const { deps, store } = setup();
    const a = await store(vulnerable("high"));
    const lagging = { get: deps.events.get, newestPublic: async () => [] };
    expect(await notifyBatch({ ...deps, events: lagging }, [{ v: 1, eventId: a.id }])).toEqual(new Map());
    expect(new TextDecoder().decode(await deps.feeds.read(FEED_KEY))).toContain(`urn:cpansec:event:${a.id}`);
  });

  it("fails the batch's public jobs when the feed cannot be written; their redelivery writes it and plans nothing twice", async () => {
    const { deps, sent, store } = setup();
    await deps.subscriptions.create(makeSubscription(hook("/ok")));
    const a = await store(vulnerable("high"));
    const p = await store(makeEvent("release.processed"));
    const jobs = [a, p].map((e) => ({ v: 1 as const, eventId: e.id }));
    const down = withPublish(deps.feeds, async () => Promise.reject(new Error("bucket down")));
    expect([...(await notifyBatch({ ...deps, feeds: down }, jobs)).keys()]).toEqual([0]);
    expect(await notifyBatch(deps, [jobs[0] as (typeof jobs)[number]])).toEqual(new Map());
    expect(sent).toHaveLength(2);
    expect(new TextDecoder().decode(await deps.feeds.read(FEED_KEY))).toContain(`urn:cpansec:event:${a.id}`);
  });
});

describe("deliver-notification", () => {
  async function planned(deps: ReturnType<typeof setup>["deps"], store: ReturnType<typeof setup>["store"], path: string) {
    const s = makeSubscription(hook(path));
    await deps.subscriptions.create(s);
    const e = await store(vulnerable("high"));
    await deps.deliveries.claim(e.id, s.id, "2026-11-01T12:00:00Z");
    return { s, e, job: { v: 1 as const, eventId: e.id, subscriptionId: s.id } };
  }

  it("delivers a signed webhook once; a redelivered job sends nothing more", async () => {
    const { deps, store } = setup();
    const { e, s, job } = await planned(deps, store, "/ok");
    const before = rx.verified("/ok").length;
    expect(await deliverNotification(deps, job)).toBe("delivered");
    expect(await deliverNotification(deps, job)).toBe("already");
    const got = rx.verified("/ok").slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]?.payload).toEqual(JSON.parse(JSON.stringify(e)));
    expect(await deps.deliveries.get(e.id, s.id)).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("retries a 500 with the same webhook-id, then succeeds", async () => {
    const { deps, store } = setup();
    const { job } = await planned(deps, store, "/flaky");
    await expect(deliverNotification(deps, job)).rejects.toBeInstanceOf(RetryDeliveryError);
    expect(await deliverNotification(deps, job)).toBe("delivered");
    const ids = rx.received.filter((r) => r.path === "/flaky").map((r) => r.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(1);
  });

  it("disables the subscription on 410 and skips its other deliveries", async () => {
    const { deps, store } = setup();
    const { s, job } = await planned(deps, store, "/gone");
    expect(await deliverNotification(deps, job)).toBe("gone");
    expect((await deps.subscriptions.get(s.id))?.disabled?.reason).toMatch(/410/);
    const other = await store(makeEvent("release.processed"));
    await deps.deliveries.claim(other.id, s.id, "2026-11-01T12:00:00Z");
    expect(await deliverNotification(deps, { v: 1, eventId: other.id, subscriptionId: s.id })).toBe("skipped");
    expect(rx.received.filter((r) => r.path === "/gone")).toHaveLength(1);
  });

  it("records a permanent refusal and never sends two attempts at once", async () => {
    let calls = 0;
    let release: () => void = () => undefined;
    const slow: WebhookSender = { send: () => (calls++, new Promise((r) => (release = () => r({ kind: "delivered", status: 200 })))) };
    const { deps, store } = setup({ webhooks: slow });
    const { job } = await planned(deps, store, "/ok");
    const first = deliverNotification(deps, job);
    await new Promise((r) => setTimeout(r, 20));
    await expect(deliverNotification(deps, job)).rejects.toThrow(/being attempted elsewhere/);
    release();
    expect(await first).toBe("delivered");
    expect(calls).toBe(1);

    const strict = setup();
    const s = makeSubscription({ kind: "webhook", url: "https://10.0.0.1/h", secret: SECRET });
    await strict.deps.subscriptions.create(s);
    const e = await strict.store(makeEvent("integrity.alert"));
    await strict.deps.deliveries.claim(e.id, s.id, "2026-11-01T12:00:00Z");
    expect(await deliverNotification(strict.deps, { v: 1, eventId: e.id, subscriptionId: s.id })).toBe("failed");
    expect(await strict.deps.deliveries.get(e.id, s.id)).toMatchObject({ status: "failed", lastError: expect.stringMatching(/private/) });
  });

  it("sends email to the outbox, and skips a removed subscription", async () => {
    const { deps, store, data } = setup();
    const s = makeSubscription({ kind: "email", address: "sec@example.org" });
    await deps.subscriptions.create(s);
    const e = await store(vulnerable("high"));
    await deps.deliveries.claim(e.id, s.id, "2026-11-01T12:00:00Z");
    expect(await deliverNotification(deps, { v: 1, eventId: e.id, subscriptionId: s.id })).toBe("delivered");
    expect(readdirSync(join(data, "outbox"))).toHaveLength(1);
    const e2 = await store(makeEvent("release.processed"));
    await deps.deliveries.claim(e2.id, s.id, "2026-11-01T12:00:00Z");
    await deps.subscriptions.remove(s.id);
    expect(await deliverNotification(deps, { v: 1, eventId: e2.id, subscriptionId: s.id })).toBe("skipped");
    expect(await deliverNotification(deps, { v: 1, eventId: "evt_unclaimed", subscriptionId: s.id })).toBe("already");
  });
});

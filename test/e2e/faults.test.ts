// Faults: the embedded pipeline over hundreds of generated uploads, with every port failing,
// lying (succeeding, then reporting failure), stalling and duplicating queue sends at random
// (seeded, so a failure can be replayed). Then one fault-free pass, as the next scheduled run
// would be, and the invariants: every upload in a terminal state or accounted for by a dead
// letter, each logged exactly once, the log verifies, no notification delivered twice.
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoDist, buildMirror } from "../../cli/demo/mirror";
import { DirMirror } from "../../shared/adapters/embedded/dir-mirror";
import { openEmbeddedPipeline } from "../../cli/embedded/pipeline";
import { readTrustedKeys } from "../../shared/domain/cpan/checksums-signature";
import { terminalState } from "../../shared/domain/pipeline/record";
import { parseEntry } from "../../shared/domain/tlog/entry";
import { verifyLog } from "../../shared/domain/tlog/verify";
import type { NotifyDeps } from "../../shared/ports/deps";
import type { PipelineDeps } from "../../shared/ports/deps";
import { FaultInjector, seeded } from "../fakes/faults";
import { makeSubscription } from "../helpers/events";
import { type Receiver, startReceiver } from "../helpers/webhook-receiver";

const SEED = Number(process.env.FAULT_SEED ?? 20261125);
const N = 240;
const AUTHORS = ["ALICE", "BOB", "CAROL", "DAVE", "ERIN", "FRANK", "GRACE", "HEIDI"];
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const dists: DemoDist[] = Array.from({ length: N }, (_, i) => ({
  author: AUTHORS[i % AUTHORS.length] as string,
  name: `Fault-Dist${i}`,
  version: `1.${i}`,
  ...(i % 2 ? { meta: "yml" as const } : {}),
  ...(i % 41 === 7 ? { broken: true } : {}),
  ...(i % 53 === 11 ? { tampered: true } : {}),
}));

let rx: Receiver;
/** Every mail handed to the mailer (the outbox itself keeps one file per message id, so it cannot show a resend). */
const mailed: string[] = [];
beforeAll(async () => {
  rx = await startReceiver({ "/all": SECRET });
});
afterAll(() => rx?.close());

function faulty(f: FaultInjector, d: PipelineDeps): PipelineDeps {
  return {
    ...d,
    mirror: f.wrap("mirror", d.mirror),
    blobs: f.wrap("blobs", d.blobs),
    releases: f.wrap("releases", d.releases),
    cursors: f.wrap("cursors", d.cursors),
    findings: f.wrap("findings", d.findings),
    events: f.wrap("events", d.events),
    queues: Object.fromEntries(Object.entries(d.queues).map(([k, q]) => [k, f.wrap(`queue.${k}`, q)])) as unknown as PipelineDeps["queues"],
    log: { ...d.log, tiles: f.wrap("log.tiles", d.log.tiles), head: f.wrap("log.head", d.log.head), index: f.wrap("log.index", d.log.index) },
  };
}

function faultyNotify(f: FaultInjector, d: NotifyDeps): NotifyDeps {
  // The senders themselves are left alone: a send that "succeeds then fails" is a real second
  // delivery at the receiver, which no sender can rule out (receivers dedupe by webhook-id).
  // Retries here come after milliseconds, not the minutes of the real schedule: each attempt's
  // lease clock is a minute later than the last, so a lease left by a failed attempt has expired
  // by the next one, as it would have in real time.
  let skew = 0;
  const deliveries = f.wrap("deliveries", d.deliveries);
  const mailer = { send: async (m: Parameters<NotifyDeps["mailer"]["send"]>[0]) => (mailed.push(m.id), d.mailer.send(m)) };
  return {
    ...d,
    mailer,
    events: f.wrap("notify.events", d.events),
    subscriptions: f.wrap("subscriptions", d.subscriptions),
    deliveries: {
      ...deliveries,
      get: (e, s) => deliveries.get(e, s),
      claim: (e, s, at) => deliveries.claim(e, s, at),
      markQueued: (e, s, at) => deliveries.markQueued(e, s, at),
      settle: (e, s, st, at, err) => deliveries.settle(e, s, st, at, err),
      release: (e, s, at, err) => deliveries.release(e, s, at, err),
      begin: (e, s, now, lease) => deliveries.begin(e, s, now + (skew += 61_000), lease),
    },
    queues: { deliver: f.wrap("queue.deliver", d.queues.deliver) },
    feeds: f.wrap("feeds", d.feeds),
  };
}

describe("the embedded pipeline under injected faults", () => {
  it("keeps its invariants over hundreds of uploads", async () => {
    const root = mkdtempSync(join(tmpdir(), "cpansec-faults-"));
    const mirror = await buildMirror(join(root, "mirror"), dists);
    const faults = new FaultInjector({ fail: 0.005, delay: 0.01, lie: 0.005, duplicate: 0.05, maxDelayMs: 5 }, seeded(SEED));
    const open = () =>
      openEmbeddedPipeline({
        data: join(root, "data"),
        mirror: new DirMirror(mirror.dir),
        trustedKeys: [],
        tool: { name: "cpansec-pipeline", version: "faults" },
        backoffMs: 2,
        maxReceives: 8,
        notify: { allowLoopbackWebhooks: true, retryDelayMs: () => 5 },
        ports: { pipeline: (d) => faulty(faults, d), notify: (d) => faultyNotify(faults, d) },
      });
    const trusted = await readTrustedKeys(new TextEncoder().encode(mirror.publicKey));
    let p = await openEmbeddedPipeline({
      data: join(root, "data"),
      mirror: new DirMirror(mirror.dir),
      trustedKeys: trusted,
      tool: { name: "x", version: "0" },
    });
    await p.notify.subscriptions.create(makeSubscription({ kind: "webhook", url: `${rx.url}/all`, secret: SECRET }, {}, { id: "sub_00000000000000a1" }));
    await p.notify.subscriptions.create(
      makeSubscription({ kind: "email", address: "watch@example.org" }, { authors: ["DAVE"] }, { id: "sub_00000000000000a2" }),
    );
    p.close();

    // Passes with faults: a pass that dies (RECENT unreadable, a cursor write lost) is simply
    // followed by the next one, as the scheduler would.
    let died = 0;
    let completed = 0;
    for (let pass = 0; pass < 40 && completed < 2; pass++) {
      p = await open();
      Object.assign(p.deps, { trustedKeys: trusted });
      try {
        await p.runOnce();
        completed++;
      } catch {
        died++;
      }
      p.close();
    }
    faults.enabled = false;
    p = await open();
    Object.assign(p.deps, { trustedKeys: trusted });
    await p.runOnce();

    const releases = await p.deps.releases.list();
    const dead = p.db.deadLetters();
    const deadIds = new Set(dead.map((d) => (d.body as { id?: string }).id).filter(Boolean));
    const summary = [...faults.counts].sort().map(([k, v]) => `${k} ${v}`);
    console.log(
      `faults (seed ${SEED}): ${faults.total()} injected (${faults.total("fail")} fail, ${faults.total("lie")} lie, ${faults.total("delay")} delay, ${faults.total("duplicate")} duplicate), ${died} passes died (${completed} completed under faults), ${dead.length} dead letters\n  ${summary.join("\n  ")}`,
    );
    expect(faults.total("lie")).toBeGreaterThan(20);
    expect(faults.total("duplicate")).toBeGreaterThan(20);

    // Every upload seen, and each either finished or accounted for by a dead letter.
    expect(releases.map((r) => r.path).sort()).toEqual([...mirror.paths].sort());
    for (const r of releases) if (terminalState(r) === "pending") expect(deadIds, `${r.id} is pending without a dead letter`).toContain(r.id);
    expect(releases.filter((r) => terminalState(r) === "pending").length).toBeLessThanOrEqual(dead.length);

    // Logged exactly once each, in a log that verifies.
    const log = await verifyLog((x) => p.deps.log.tiles.read(x), [p.deps.log.signer], { keepEntries: true });
    const logged = (log.entries ?? []).map((e) => parseEntry(new TextDecoder().decode(e)).path);
    expect(new Set(logged).size).toBe(logged.length);
    const shouldBeLogged = releases.filter((r) => r.steps.log?.status === "done").map((r) => r.path);
    expect(logged.filter((x) => shouldBeLogged.includes(x)).sort()).toEqual([...shouldBeLogged].sort());

    // Events once by id; each (event, subscription) delivered at most once, and every event of a
    // finished release delivered (or its delivery dead-lettered).
    const events = await p.deps.events.list();
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const hooks = rx.verified("/all").map((r) => r.headers["webhook-id"]);
    const got = new Set(rx.verified("/all").map((r) => r.payload?.id));
    const deadEvents = new Set(dead.map((d) => (d.body as { eventId?: string }).eventId).filter(Boolean));
    expect(events.filter((e) => !got.has(e.id) && !deadEvents.has(e.id)).map((e) => `${e.type} ${e.release?.id}`)).toEqual([]);
    expect(new Set(hooks).size).toBe(hooks.length);

    // Mail: sent once per (event, subscription), and every event the DAVE-only subscription
    // selects was mailed (or its delivery dead-lettered).
    expect(new Set(mailed).size).toBe(mailed.length);
    const forDave = events.filter((e) => e.release?.author === "DAVE" && !deadEvents.has(e.id));
    expect(forDave.length).toBeGreaterThan(0);
    expect(readdirSync(join(root, "data/outbox")).length).toBe(forDave.length);
    expect(mailed.length).toBe(forDave.length);
    p.close();
  }, 180_000);
});

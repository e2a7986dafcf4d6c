// Notifications end to end: `cpansec subscribe add` four subscriptions, `cpansec run --once` over
// a generated mirror served on 127.0.0.1, and each subscriber gets exactly the events it asked
// for, once: webhooks verified by a real receiver with the standardwebhooks library, email as
// outbox files. A second run delivers nothing new. Then the retry schedule and the horizon.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_DISTS } from "../../cli/demo/demo";
import { type BuiltMirror, buildMirror } from "../../cli/demo/mirror";
import { serveDir } from "../../cli/demo/serve";
import { openEmbeddedPipeline } from "../../cli/embedded/pipeline";
import { HttpMirror } from "../../shared/adapters/http/mirror";
import { readTrustedKeys } from "../../shared/domain/cpan/checksums-signature";
import { runCli, runCliAsync } from "../helpers/cli";
import { SECRET, makeSubscription } from "../helpers/events";
import { header, parseMime } from "../helpers/mime";
import { type Receiver, startReceiver } from "../helpers/webhook-receiver";
import { cgiFeed } from "../helpers/feeds";
import { child, childrenNamed, parseXml } from "../helpers/xml";

const FEED = cgiFeed(["3.62"]);

let mirror: BuiltMirror;
let server: Server;
let url: string;
let root: string;
let rx: Receiver;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "cpansec-e2e-notify-"));
  mirror = await buildMirror(join(root, "mirror"), DEMO_DISTS);
  ({ server, url } = await serveDir(mirror.dir));
  writeFileSync(join(root, "feed.json"), JSON.stringify(FEED));
  writeFileSync(join(root, "trust.asc"), mirror.publicKey);
  rx = await startReceiver({ "/all": SECRET, "/cgi": SECRET, "/high": SECRET, "/flaky": SECRET });
});
afterAll(async () => {
  server?.close();
  await rx?.close();
});

describe("notifications through cpansec run", () => {
  it("gives each subscriber exactly the events it asked for, once", async () => {
    const data = join(root, "data");
    // The secret from stdin, as a user keeps it out of `ps`: --secret on the command line warns.
    const add = (...args: string[]) => {
      const r = runCli(["subscribe", "add", "--data", data, "--json", ...args], args.includes("--secret-file") ? SECRET : undefined);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout) as { id: string; secret?: string };
    };
    const all = add("--webhook", `${rx.url}/all`, "--secret-file", "-");
    add("--webhook", `${rx.url}/cgi`, "--secret-file", "-", "--dist", "CGI*", "--event", "release.vulnerable");
    add("--email", "mallory-watch@example.org", "--author", "mallory");
    add("--webhook", `${rx.url}/high`, "--secret-file", "-", "--min-severity", "high");
    const generated = add("--webhook", "https://hooks.example.com/x", "--event", "advisory.published");
    expect(generated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = runCli(["subscribe", "list", "--data", data]);
    expect(listed.stdout).not.toContain(SECRET);
    expect(listed.stdout).not.toContain((generated.secret as string).slice(6));
    expect(listed.stdout.trim().split("\n")).toHaveLength(5);
    runCli(["subscribe", "remove", "--data", data, generated.id]);

    const run = () =>
      runCliAsync([
        "run",
        "--once",
        "--mirror",
        url,
        "--data",
        data,
        "--advisories",
        join(root, "feed.json"),
        "--trust-key",
        join(root, "trust.asc"),
        "--allow-loopback-webhooks",
      ]);
    const first = await run();
    expect(first.stderr).toBe("");
    expect(first.status).toBe(1); // Demo-Tampered's integrity alert
    expect(first.stdout).toMatch(/notifications: 4 subscription\(s\), 19 delivered, 0 waiting to retry, 0 dead-lettered/);

    expect(rx.received.every((r) => r.verified)).toBe(true);
    const types = (path: string) =>
      rx
        .verified(path)
        .map((r) => `${r.payload?.type} ${(r.payload?.release as { id: string } | undefined)?.id}`)
        .sort();
    // Every event once: 12 uploads processed, one vulnerable, one integrity alert.
    expect(rx.verified("/all")).toHaveLength(14);
    expect(new Set(rx.verified("/all").map((r) => r.headers["webhook-id"])).size).toBe(14);
    expect(types("/all").filter((t) => t.startsWith("release.processed"))).toHaveLength(12);
    expect(types("/cgi")).toEqual(["release.vulnerable DAVE/CGI-3.62.tar.gz"]);
    // min-severity high: the medium CGI advisory and release.processed excluded; the alert counts as critical.
    expect(types("/high")).toEqual(["integrity.alert MALLORY/Demo-Tampered-1.0.tar.gz"]);
    const outbox = join(data, "outbox");
    const mails = readdirSync(outbox).map((f) => parseMime(readFileSync(join(outbox, f), "utf8")));
    expect(mails.map((m) => header(m, "X-Cpansec-Event-Type")[0]).sort()).toEqual(["integrity.alert", "release.processed", "release.processed"]);
    expect(mails.every((m) => header(m, "To")[0] === "mallory-watch@example.org")).toBe(true);
    const webhook = rx
      .verified("/all")
      .find((r) => r.payload?.type === "release.processed" && (r.payload.release as { id: string }).id === "ALICE/Demo-Core-1.0.tar.gz");
    expect(webhook?.payload).toMatchObject({
      v: 1,
      links: {
        release: "releases/ALICE/Demo-Core-1.0.tar.gz/release.json",
        sbomCycloneDx: expect.any(String),
        logProof: "releases/ALICE/Demo-Core-1.0.tar.gz/upload.tlog-proof",
      },
    });

    const feed = parseXml(readFileSync(join(data, "feeds/atom.xml"), "utf8"));
    expect(
      childrenNamed(feed, "entry")
        .map((e) => child(e, "category")?.attrs.term)
        .sort(),
    ).toEqual(["integrity.alert", "release.vulnerable"]);

    // Again: nothing new is delivered.
    const before = rx.received.length;
    const second = await run();
    expect(second.status).toBe(1); // the alert stays in the store, like a dead letter
    expect(rx.received.length).toBe(before);
    expect(readdirSync(outbox)).toHaveLength(3);
    expect(second.stdout).toMatch(/19 delivered, 0 waiting/);
    expect(all.id).toMatch(/^sub_[0-9a-f]{16}$/);
  });

  it("retries a failing receiver on the delivery schedule, leaves late retries for the next pass, and dead-letters in the end", async () => {
    const pipeline = async (data: string, retryDelayMs: (n: number) => number | undefined) => {
      const p = await openEmbeddedPipeline({
        data,
        mirror: new HttpMirror(url, { timeoutMs: 5000, maxBytes: 2 ** 24, retries: 1, backoffMs: 10 }),
        trustedKeys: await readTrustedKeys(new TextEncoder().encode(mirror.publicKey)),
        tool: { name: "cpansec-pipeline", version: "0.0.0-test" },
        backoffMs: 5,
        notify: { allowLoopbackWebhooks: true, retryDelayMs },
      });
      await p.notify.subscriptions.create(makeSubscription({ kind: "webhook", url: `${rx.url}/flaky`, secret: SECRET }, { events: ["integrity.alert"] }));
      await p.notify.subscriptions.create(
        makeSubscription({ kind: "webhook", url: "http://127.0.0.1:1/refused", secret: SECRET }, { events: ["integrity.alert"] }),
      );
      return p;
    };
    // Quick retries: the flaky receiver gets it on the second attempt; the refused one dead-letters after 10.
    const quick = await pipeline(mkdtempSync(join(tmpdir(), "cpansec-e2e-retry-")), () => 5);
    await quick.runOnce();
    const flaky = rx.verified("/flaky");
    expect(flaky.map((r) => r.payload?.type)).toEqual(["integrity.alert", "integrity.alert"]); // 500, then 200
    expect(flaky[0]?.headers["webhook-id"]).toBe(flaky[1]?.headers["webhook-id"]);
    expect(quick.db.deadLetters()).toEqual([
      expect.objectContaining({ queue: "deliver", reason: expect.stringMatching(/ECONNREFUSED.*\(after 10 receives\)/) }),
    ]);
    quick.close();

    // The real schedule's later retries are beyond the horizon: the pass ends, they stay queued.
    const late = await pipeline(mkdtempSync(join(tmpdir(), "cpansec-e2e-late-")), (n) => (n === 1 ? 5 : 3_600_000));
    const t = Date.now();
    await late.runOnce();
    expect(Date.now() - t).toBeLessThan(30_000);
    expect(late.db.queued("deliver")).toBe(1);
    expect(late.db.deadLetters()).toEqual([]);
    late.close();
  });
});

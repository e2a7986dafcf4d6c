// The whole pipeline on AWS APIs (moto): queues, tables, buckets and secrets created from the
// stack's own resource specs, a generated CPAN mirror on 127.0.0.1, and the Lambda handlers as
// deployed (bundled with the stack's esbuild settings, loaded with the environment the stack gives
// them), fed real SQSEvents by a poller that plays the SQS event source. The same assertions as the
// embedded end-to-end test.
import { createRequire } from "node:module";
import { rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateEmailIdentityCommand, SESv2Client } from "@aws-sdk/client-sesv2";
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_DISTS } from "../../cli/demo/demo";
import { type BuiltMirror, buildMirror } from "../../cli/demo/mirror";
import { serveDir } from "../../cli/demo/serve";
import { DynamoEventStore, DynamoReleaseStore } from "../../shared/adapters/aws/dynamo-tables";
import { HTTP_FUNCTIONS, SCHEDULED, TABLES } from "../../shared/adapters/aws/resources";
import { QUEUE_WORKERS } from "../../shared/steps";
import { S3ObjectStore } from "../../shared/adapters/aws/s3-object-store";
import { terminalState } from "../../shared/domain/pipeline/record";
import { checkCycloneDx, checkSpdx } from "../../shared/domain/sbom/check";
import { parseEntry } from "../../shared/domain/tlog/entry";
import { parseVerifierKey } from "../../shared/domain/tlog/note";
import { verifyLog } from "../../shared/domain/tlog/verify";
import { CREDENTIALS, REGION, type TestStack, createTestStack } from "../helpers/aws";
import { runCli } from "../helpers/cli";
import { header, parseMime } from "../helpers/mime";
import { type Receiver, startReceiver } from "../helpers/webhook-receiver";
import { bundleHandler } from "../helpers/lambda-bundles";
import { cycloneDxSchemaErrors } from "../helpers/sbom-validation";
import { vexProblems } from "../helpers/vex-agreement";
import { cgiFeed, cgiFeedWithDemoCoreAdvisory } from "../helpers/feeds";
import { repoRoot } from "../helpers/shared-data";
import { type SqsHandler, type Source, drain, lambdaContext, traceOf } from "../helpers/sqs-poller";

const FEED = cgiFeed();

let mirror: BuiltMirror;
let server: Server;
let stack: TestStack;
type Scheduled = (event: unknown, context: Context) => Promise<unknown>;
let handlers: {
  watch: Scheduled;
  refresh: Scheduled;
  ingest: SqsHandler;
  sbom: SqsHandler;
  advisories: SqsHandler;
  log: SqsHandler;
  notify: SqsHandler;
  deliver: SqsHandler;
  publish: SqsHandler;
};
let rx: Receiver;
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
let sources: Source[];

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), "cpansec-aws-e2e-"));
  mirror = await buildMirror(join(root, "mirror"), DEMO_DISTS);
  writeFileSync(join(mirror.dir, "feed.json"), JSON.stringify(FEED));
  let url: string;
  ({ server, url } = await serveDir(mirror.dir));
  stack = await createTestStack({ mirrorUrl: url, feedUrl: `${url}feed.json`, pauseKey: mirror.publicKey, visibilityTimeout: 1 });
  await new SESv2Client({ endpoint: stack.endpoint, region: REGION, credentials: CREDENTIALS }).send(
    new CreateEmailIdentityCommand({ EmailIdentity: "alerts@cpansec.test" }),
  );
  // The receiver is on loopback: allowed over plain http only by this testing switch (the stack never sets it).
  Object.assign(process.env, stack.env, { SES_IDENTITY: "alerts@cpansec.test", CPANSEC_ALLOW_LOOPBACK_WEBHOOKS: "true" });
  rx = await startReceiver({ "/all": SECRET, "/cgi": SECRET });
  // Subscribers sign up first (a subscription gets the events after it), through the CLI's --aws backend.
  // The secret from a file: on the command line it would be visible to other users (the CLI warns).
  const secretFile = join(root, "webhook.secret");
  writeFileSync(secretFile, SECRET, { mode: 0o600 });
  for (const args of [
    ["--webhook", `${rx.url}/all`, "--secret-file", secretFile],
    ["--webhook", `${rx.url}/cgi`, "--secret-file", secretFile, "--dist", "CGI*", "--event", "release.vulnerable"],
    ["--email", "mallory-watch@example.org", "--author", "mallory"],
  ]) {
    const r = runCli(["subscribe", "add", "--aws", ...args]);
    expect(r.stderr).not.toMatch(/cpansec:/); // (on Node 20 the AWS SDK warns about Node 22 here)
    expect(r.status).toBe(0);
  }
  expect(runCli(["subscribe", "list", "--aws"]).stdout.trim().split("\n")).toHaveLength(3);
  // Loaded only now: each handler reads and checks its environment at load (its cold start).
  const load = async (spec: { name: string; entry: string }) =>
    (createRequire(import.meta.url)(await bundleHandler(spec.name, spec.entry)) as { handler: never }).handler;
  handlers = {
    watch: await load(SCHEDULED.watch),
    refresh: await load(SCHEDULED.refresh),
    ingest: await load(QUEUE_WORKERS.ingest),
    sbom: await load(QUEUE_WORKERS.sbom),
    advisories: await load(QUEUE_WORKERS.advisories),
    log: await load(QUEUE_WORKERS.log),
    notify: await load(QUEUE_WORKERS.notify),
    deliver: await load(QUEUE_WORKERS.deliver),
    publish: await load(QUEUE_WORKERS.publish),
  };
  sources = (["ingest", "sbom", "advisories", "log", "notify", "deliver", "publish"] as const).map((k) => ({
    name: QUEUE_WORKERS[k].name,
    url: stack.queueUrls[k],
    batchSize: QUEUE_WORKERS[k].batchSize,
    handler: handlers[k],
  }));
}, 180_000); // bundles nine handlers with esbuild: over a minute on a loaded machine
afterAll(async () => {
  server?.close();
  await rx?.close();
  rmSync(join(repoRoot, "node_modules/.cache/cpansec-lambda", String(process.pid)), { recursive: true, force: true });
});

const table = (k: keyof typeof TABLES) => stack.env[TABLES[k].env] as string;
const artifacts = () => new S3ObjectStore(stack.clients.s3, stack.env.ARTIFACTS_BUCKET as string);
const logBucket = () => new S3ObjectStore(stack.clients.s3, stack.env.LOG_BUCKET as string);
const text = async (key: string) => new TextDecoder().decode(await artifacts().read(key));
const textIfThere = async (key: string) =>
  artifacts()
    .read(key)
    .then((b) => (b ? new TextDecoder().decode(b) : undefined));

/** Every dead-lettered message body, by queue (received with a zero visibility timeout, so left in place). */
async function deadLetters(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [k, url] of Object.entries(stack.dlqUrls)) {
    const r = await stack.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0, MessageSystemAttributeNames: ["All"] }),
    );
    out[k] = (r.Messages ?? []).map((m) => `${m.Body} (received ${m.Attributes?.ApproximateReceiveCount})`);
  }
  return out;
}

async function dlqDepth(url: string): Promise<number> {
  const a = await stack.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }));
  return Number(a.Attributes?.ApproximateNumberOfMessages ?? 0);
}

describe("the pipeline on AWS APIs (moto), handlers invoked as Lambda would", () => {
  it("takes every upload to a terminal state with valid results, alerts, findings, a verifiable log, and notifies each subscriber once", async () => {
    expect(await handlers.refresh({}, lambdaContext("refresh-advisories"))).toMatchObject({ feed: "updated" });
    expect(await handlers.watch({}, lambdaContext("watch-uploads"))).toMatchObject({ queued: DEMO_DISTS.length });
    const stats = await drain(stack.clients.sqs, sources);
    expect(stats.succeeded).toBeGreaterThanOrEqual(DEMO_DISTS.length * 3);

    const releases = await new DynamoReleaseStore(stack.clients.dynamo, table("releases")).list();
    expect(releases.map((r) => r.path).sort()).toEqual([...mirror.paths].sort());
    const pending = releases.filter((r) => terminalState(r) === "pending");
    // On failure, say where each pending release's messages went (receives, outcomes, dead letters).
    const why = pending.length
      ? JSON.stringify({ receives: Object.fromEntries(pending.map((r) => [r.id, traceOf(stats, r.id)])), deadLetters: await deadLetters() })
      : "";
    expect(pending, why).toEqual([]);
    const byName = new Map(releases.map((r) => [r.filename, r]));
    expect(terminalState(byName.get("Demo-Core-1.0.tar.gz") as never)).toBe("processed");
    expect(byName.get("Demo-Broken-0.1.tar.gz")?.failure?.reason).toMatch(/not a gzip, bzip2, xz, tar or zip archive/);
    expect(byName.get("Demo-Tampered-1.0.tar.gz")?.failure).toMatchObject({
      integrity: true,
      reason: expect.stringMatching(/does not match the signed CHECKSUMS/),
    });

    const events = await new DynamoEventStore(stack.clients.dynamo, table("events")).list();
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.filter((e) => e.type === "integrity.alert").map((e) => e.release?.id)).toEqual(["MALLORY/Demo-Tampered-1.0.tar.gz"]);
    expect(events.filter((e) => e.type === "release.vulnerable").map((e) => e.release?.id)).toEqual(["DAVE/CGI-3.62.tar.gz"]);
    expect(events.filter((e) => e.type === "release.processed")).toHaveLength(DEMO_DISTS.length);

    const dir = "releases/ALICE/Demo-Core-1.0.tar.gz";
    const cdx = await text(`${dir}/sbom.cdx.json`);
    expect(await cycloneDxSchemaErrors(cdx)).toBeNull();
    expect(checkCycloneDx(JSON.parse(cdx))).toEqual([]);
    expect(checkSpdx(JSON.parse(await text(`${dir}/sbom.spdx.json`)))).toEqual([]);
    expect(JSON.parse(await text("releases/DAVE/Demo-Web-0.3.tar.gz/advisories.json")).findings).toEqual([
      expect.objectContaining({ kind: "dependency", distribution: "CGI", advisories: [expect.objectContaining({ id: "CPANSA-CGI-2012-5526" })] }),
    ]);
    expect(await text(`${dir}/upload.tlog-proof`)).toMatch(/^c2sp\.org\/tlog-proof@v1\nextra [A-Za-z0-9+/=]+\nindex \d+\n/);
    // Every release's VEX agrees with its advisories.json and points into its SBOM; release.processed links it.
    expect((await Promise.all(releases.map((r) => vexProblems(textIfThere, r)))).flat()).toEqual([]);
    expect(events.find((e) => e.type === "release.processed" && e.release?.id === "ALICE/Demo-Core-1.0.tar.gz")?.links?.vex).toBe(`${dir}/vex.cdx.json`);

    // The public log verifies with its published key and holds each upload exactly once.
    const log = logBucket();
    const vkey = parseVerifierKey(new TextDecoder().decode(await log.read("vkey")).trim());
    const verified = await verifyLog((p) => log.read(p), [vkey], { keepEntries: true, origin: "test.cpansec/log" });
    expect((verified.entries ?? []).map((e) => parseEntry(new TextDecoder().decode(e)).path).sort()).toEqual([...mirror.paths].sort());
    expect(verified.checkpoint.size).toBe(mirror.paths.length);
    for (const k of ["ingest", "sbom", "advisories", "log", "notify", "deliver", "publish"] as const) expect(await dlqDepth(stack.dlqUrls[k])).toBe(0);

    // Each subscriber got exactly what it asked for, once: webhooks verified by the receiver,
    // email through SES (moto's record), the public events in the Atom feed next to the log.
    expect(rx.received.every((r) => r.verified)).toBe(true);
    expect(rx.verified("/all")).toHaveLength(events.length);
    expect(new Set(rx.verified("/all").map((r) => r.payload?.id)).size).toBe(events.length);
    expect(rx.verified("/cgi").map((r) => `${r.payload?.type} ${(r.payload?.release as { id: string }).id}`)).toEqual([
      "release.vulnerable DAVE/CGI-3.62.tar.gz",
    ]);
    const data = (await (await fetch(`${stack.endpoint}/moto-api/data.json`)).json()) as { ses?: { RawMessage?: { raw_data: string }[] } };
    const mails = (data.ses?.RawMessage ?? []).map((m) => parseMime(m.raw_data)).filter((m) => header(m, "To")[0] === "mallory-watch@example.org");
    expect(mails.map((m) => header(m, "X-Cpansec-Event-Type")[0]).sort()).toEqual(["integrity.alert", "release.processed", "release.processed"]);
    // The mail's one-click unsubscribe link works against the unsubscribe function (RFC 8058 POST).
    const link = new URL((header(mails[0] as never, "List-Unsubscribe")[0] as string).trim().replace(/^<|>$/g, ""));
    const unsubscribe = (
      createRequire(import.meta.url)(await bundleHandler(HTTP_FUNCTIONS.unsubscribe.name, HTTP_FUNCTIONS.unsubscribe.entry)) as {
        handler: (e: unknown) => Promise<{ statusCode: number; body: string }>;
      }
    ).handler;
    const call = (method: string, query: Record<string, string>) =>
      unsubscribe({ requestContext: { http: { method } }, queryStringParameters: query, rawPath: "/", headers: {}, isBase64Encoded: false });
    expect((await call("POST", { s: link.searchParams.get("s") as string, t: "forged" })).statusCode).toBe(403);
    expect(await call("POST", Object.fromEntries(link.searchParams))).toMatchObject({ statusCode: 200, body: expect.stringContaining("no more messages") });
    expect(runCli(["subscribe", "list", "--aws"]).stdout).toMatch(/DISABLED .*: unsubscribed by the recipient/);
    const atom = new TextDecoder().decode(await log.read("feeds/atom.xml"));
    expect(atom.match(/<entry>/g)).toHaveLength(2);

    // The log's published paths are public (the stack's bucket policy); the sequencer's staging is not.
    const anonymous = (key: string) => fetch(`${stack.endpoint}/${stack.env.LOG_BUCKET}/${key}`).then((r) => r.status);
    expect(await log.read(".staging/0")).toBeDefined();
    expect([await anonymous("checkpoint"), await anonymous("vkey"), await anonymous(".staging/0")]).toEqual([200, 200, 403]);
    // The refresh published the feed next to the log: OSV, CSAF and the index, public like the log.
    const index = JSON.parse(new TextDecoder().decode(await log.read("advisories/index.json")));
    expect(index).toMatchObject({ v: 1, osv: { records: 1 }, csaf: { documents: 1 }, problems: [] });
    expect(await anonymous("advisories/osv/CPAN/CPANSA-CGI-2012-5526.json")).toBe(200);
    expect(await anonymous("advisories/csaf/provider-metadata.json")).toBe(200);
    // A third party verifies the published log over HTTP with the CLI, from the bucket alone.
    const verify = runCli([
      "log",
      "verify",
      "--log",
      `${stack.endpoint}/${stack.env.LOG_BUCKET}`,
      "--vkey",
      new TextDecoder().decode(await log.read("vkey")).trim(),
    ]);
    expect(verify.stderr + verify.stdout).toMatch(new RegExp(`^OK: test\\.cpansec/log size ${mirror.paths.length} `));

    // A new advisory in the feed: the hourly refresh re-matches the stored releases it touches and
    // announces them; subscribers who asked for everything hear of it.
    const feed = cgiFeedWithDemoCoreAdvisory();
    writeFileSync(join(mirror.dir, "feed.json"), JSON.stringify(feed));
    // Demo-Core itself and the three releases whose prerequisites resolve to it.
    expect(await handlers.refresh({}, lambdaContext("refresh-advisories"))).toMatchObject({
      feed: "updated",
      verified: false,
      rematch: { queued: 4, selectedBy: "index", keys: 1 },
    });
    await drain(stack.clients.sqs, sources);
    const published = rx.verified("/all").filter((r) => r.payload?.type === "advisory.published");
    expect(published.map((r) => [(r.payload?.release as { id: string }).id, (r.payload?.detail as { advisory: string }).advisory]).sort()).toEqual(
      ["ALICE/Demo-App-2.0.tar.gz", "ALICE/Demo-Core-1.0.tar.gz", "BOB/Demo-Util-0.5.tar.gz", "DAVE/Demo-Web-0.3.tar.gz"].map((id) => [
        id,
        "CPANSA-Demo-Core-2026-1",
      ]),
    );
    expect(JSON.parse(await text(`${dir}/advisories.json`)).findings.map((f: { advisory: string }) => f.advisory)).toEqual(["CPANSA-Demo-Core-2026-1"]);
    expect(rx.verified("/cgi")).toHaveLength(1);
    // Republished with the new advisory; each advisory.published links its OSV record, public.
    expect(JSON.parse(new TextDecoder().decode(await log.read("advisories/index.json"))).osv.records).toBe(2);
    const osvLinks = new Set(published.map((r) => (r.payload?.links as { osv?: string }).osv));
    expect([...osvLinks]).toEqual(["public/advisories/osv/CPAN/CPANSA-Demo-Core-2026-1.json"]);
    expect(await anonymous("advisories/osv/CPAN/CPANSA-Demo-Core-2026-1.json")).toBe(200);
    // The re-matches rewrote the VEX documents they changed, which still agree.
    const rematched = await new DynamoReleaseStore(stack.clients.dynamo, table("releases")).list();
    expect((await Promise.all(rematched.map((r) => vexProblems(textIfThere, r)))).flat()).toEqual([]);
    expect(JSON.parse(await text(`${dir}/vex.cdx.json`)).version).toBe(2);

    // A second poll of RECENT queues nothing, and the log does not grow.
    expect(await handlers.watch({}, lambdaContext("watch-uploads"))).toMatchObject({ queued: 0 });
    await drain(stack.clients.sqs, sources);
    expect((await verifyLog((p) => log.read(p), [vkey])).checkpoint.size).toBe(mirror.paths.length);
    expect(rx.verified("/all")).toHaveLength(events.length + 4);
  });

  it("moves a message that always fails to the DLQ by the redrive policy, and nothing else", async () => {
    await stack.clients.sqs.send(new SendMessageCommand({ QueueUrl: stack.queueUrls.sbom, MessageBody: '{"v":2,"id":"poison"}' }));
    await stack.clients.sqs.send(new SendMessageCommand({ QueueUrl: stack.queueUrls.sbom, MessageBody: "not json" }));
    const stats = await drain(stack.clients.sqs, sources, 60_000);
    expect(stats.failed).toBe(2 * QUEUE_WORKERS.sbom.maxReceiveCount);
    expect(await dlqDepth(stack.dlqUrls.sbom)).toBe(2);
  });
});

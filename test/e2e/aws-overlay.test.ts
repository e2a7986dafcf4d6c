// The patched CPAN overlay on AWS APIs (moto), the handlers as deployed (bundled with the stack's
// settings, fed real SQSEvents): the generated demo mirror (CGI-3.62 is affected by
// CVE-2012-5526), a CPANSec patch for it in the artifacts bucket's patch-source/ prefix, and an
// operator's overlay key in its secret. The refresh queues publish-overlay; its first run builds
// the archive and SBOMs and sends their entry to append-log, listing nothing; append-log appends
// it and queues the overlay again, which lists it (proof, signed CHECKSUMS, 02packages, model) and
// queues the forced re-match that names the archive in the findings. A redelivered log job
// appends nothing and changes nothing.
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { PutObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_DISTS } from "../../cli/demo/demo";
import { type BuiltMirror, buildMirror } from "../../cli/demo/mirror";
import { serveDir } from "../../cli/demo/serve";
import { DynamoEventStore } from "../../shared/adapters/aws/dynamo-tables";
import { SCHEDULED, TABLES } from "../../shared/adapters/aws/resources";
import { PATCH_SOURCE_PREFIX } from "../../shared/adapters/aws/s3-patch-source";
import { S3ObjectStore } from "../../shared/adapters/aws/s3-object-store";
import { readTrustedKeys, verifyChecksums } from "../../shared/domain/cpan/checksums-signature";
import { KEY_FILE, MODEL_FILE, PACKAGES_FILE } from "../../shared/domain/overlay/index-files";
import { generateOverlayKey } from "../../shared/domain/overlay/sign";
import { checkProof } from "../../shared/domain/tlog/check-proof";
import { readLogEntry } from "../../shared/domain/tlog/entry";
import { parseVerifierKey } from "../../shared/domain/tlog/note";
import { parseTlogProof } from "../../shared/domain/tlog/proof-file";
import { verifyLog } from "../../shared/domain/tlog/verify";
import { QUEUE_WORKERS, type QueueKey } from "../../shared/steps";
import { type TestStack, createTestStack } from "../helpers/aws";
import { cgiFeed } from "../helpers/feeds";
import { bundleHandler } from "../helpers/lambda-bundles";
import { patchText } from "../helpers/patch-source";
import { repoRoot } from "../helpers/shared-data";
import { type PollStats, type SqsHandler, type Source, drain, lambdaContext, pollOnce } from "../helpers/sqs-poller";

const PATCH = "C/CGI/3.62/CVE-2012-5526-r1.patch";
const PATCH_TEXT = patchText({ dist: "CGI", version: "3.62", cve: "CVE-2012-5526" });
const NAME = "CGI-3.62-PATCHED-CVE-2012-5526-r1";
const ARCHIVE = `authors/id/C/CP/CPANSEC/${NAME}.tar.gz`;
const DIR = "patched-cpan/authors/id/C/CP/CPANSEC";
const STEPS = ["ingest", "sbom", "advisories", "log", "notify", "overlay"] as const satisfies readonly QueueKey[];

let mirror: BuiltMirror;
let server: Server;
let stack: TestStack;
type Scheduled = (event: unknown, context: Context) => Promise<unknown>;
let refresh: Scheduled;
let watch: Scheduled;
let sources: Record<(typeof STEPS)[number], Source>;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), "cpansec-aws-overlay-"));
  mirror = await buildMirror(join(root, "mirror"), DEMO_DISTS);
  writeFileSync(join(mirror.dir, "feed.json"), JSON.stringify(cgiFeed(["3.62"])));
  let url: string;
  ({ server, url } = await serveDir(mirror.dir));
  const overlayKey = await generateOverlayKey("cpansec overlay e2e", "overlay@cpansec.test", new Date("2026-01-01T00:00:00Z"));
  stack = await createTestStack({ mirrorUrl: url, feedUrl: `${url}feed.json`, pauseKey: mirror.publicKey, overlayKey, visibilityTimeout: 1 });
  const bucket = stack.env.ARTIFACTS_BUCKET as string;
  Object.assign(process.env, stack.env, { PATCHES_URL: `s3://${bucket}/${PATCH_SOURCE_PREFIX}`, SES_IDENTITY: "alerts@cpansec.test" });
  await stack.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${PATCH_SOURCE_PREFIX}${PATCH}`, Body: PATCH_TEXT }));
  // Loaded only now: each handler reads and checks its environment at load (its cold start).
  const load = async (spec: { name: string; entry: string }) =>
    (createRequire(import.meta.url)(await bundleHandler(spec.name, spec.entry)) as { handler: never }).handler;
  refresh = await load(SCHEDULED.refresh);
  watch = await load(SCHEDULED.watch);
  const entries = await Promise.all(
    STEPS.map(async (k) => [
      k,
      { name: QUEUE_WORKERS[k].name, url: stack.queueUrls[k], batchSize: QUEUE_WORKERS[k].batchSize, handler: (await load(QUEUE_WORKERS[k])) as SqsHandler },
    ]),
  );
  sources = Object.fromEntries(entries) as typeof sources;
}, 300_000); // bundles eight handlers with esbuild: minutes on a loaded machine
afterAll(() => {
  server?.close();
  rmSync(join(repoRoot, "node_modules/.cache/cpansec-lambda", String(process.pid)), { recursive: true, force: true });
});

const stats = (): PollStats => ({ invocations: 0, succeeded: 0, failed: 0, trace: new Map() });
const logBucket = () => new S3ObjectStore(stack.clients.s3, stack.env.LOG_BUCKET as string);
const artifacts = () => new S3ObjectStore(stack.clients.s3, stack.env.ARTIFACTS_BUCKET as string);
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const overlayKeys = async () =>
  ((await stack.clients.s3.send(new ListObjectsV2Command({ Bucket: stack.env.LOG_BUCKET, Prefix: "patched-cpan/" }))).Contents ?? [])
    .map((o) => o.Key as string)
    .sort();
const cgiFinding = async () => JSON.parse(text(await artifacts().read("releases/DAVE/CGI-3.62.tar.gz/advisories.json"))).findings[0];
const logSize = async () => {
  const vkey = parseVerifierKey(text(await logBucket().read("vkey")).trim());
  return (await verifyLog((p) => logBucket().read(p), [vkey], { keepEntries: true })).entries ?? [];
};
/** The bodies waiting in a queue, left there (received with no visibility timeout). */
async function waiting(k: QueueKey): Promise<string[]> {
  const r = await stack.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.queueUrls[k], MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
  return (r.Messages ?? []).map((m) => m.Body as string);
}

describe("the patched CPAN overlay on AWS APIs (moto), handlers invoked as Lambda would", () => {
  it("builds, logs through append-log, then lists a patched archive the findings name; a redelivered log job appends nothing", async () => {
    const sha = createHash("sha256").update(PATCH_TEXT).digest("hex");
    const refreshed = (await refresh({}, lambdaContext("refresh-advisories"))) as { patches: { sha256: string }; overlayQueued: string };
    expect(refreshed).toMatchObject({ feed: "updated", patches: { status: "updated", inForce: 1 } });
    expect(refreshed.overlayQueued).toBe(refreshed.patches.sha256);
    expect(await watch({}, lambdaContext("watch-uploads"))).toMatchObject({ queued: DEMO_DISTS.length });
    // Every upload stored and matched, the overlay's job still waiting: the finding names the patch only.
    await drain(
      stack.clients.sqs,
      STEPS.filter((k) => k !== "overlay").map((k) => sources[k]),
    );
    const uploads = (await logSize()).length;
    expect(uploads).toBe(mirror.paths.length);
    expect((await cgiFinding()).patches).toEqual([
      expect.objectContaining({ path: PATCH, sha256: sha, url: `s3://${stack.env.ARTIFACTS_BUCKET}/${PATCH_SOURCE_PREFIX}${PATCH}` }),
    ]);
    expect((await cgiFinding()).patches[0].patched).toBeUndefined();

    // publish-overlay's first run: archive and SBOMs, its entry sent to append-log; nothing listed, nothing logged.
    expect(await pollOnce(stack.clients.sqs, sources.overlay, stats())).toBe(1);
    expect(await overlayKeys()).toEqual([`${DIR}/${NAME}.cdx.json`, `${DIR}/${NAME}.spdx.json`, `${DIR}/${NAME}.tar.gz`]);
    expect((await logSize()).length).toBe(uploads);
    const [logJob, ...more] = await waiting("log");
    expect(more).toEqual([]);
    expect(JSON.parse(logJob as string)).toMatchObject({ v: 1, patches: refreshed.patches.sha256, patched: [{ path: ARCHIVE }] });

    // append-log appends it and queues the overlay, which lists it and queues the forced re-match.
    await drain(stack.clients.sqs, Object.values(sources));
    const entries = await logSize();
    expect(entries).toHaveLength(uploads + 1);
    const logged = readLogEntry(text(entries.at(-1))).patch;
    const archive = await logBucket().read(`${DIR}/${NAME}.tar.gz`);
    expect(logged).toMatchObject({
      original: { path: "authors/id/D/DA/DAVE/CGI-3.62.tar.gz" },
      patches: [{ path: PATCH, sha256: sha }],
      path: ARCHIVE,
      sha256: createHash("sha256")
        .update(archive as Uint8Array)
        .digest("hex"),
    });
    expect(await overlayKeys()).toEqual(
      [
        `${DIR}/CHECKSUMS`,
        ...["cdx.json", "spdx.json", "tar.gz", "tlog-proof"].map((x) => `${DIR}/${NAME}.${x}`),
        "patched-cpan/RECENT-1M.json",
        "patched-cpan/RECENT-1Q.json",
        "patched-cpan/RECENT-1W.json",
        "patched-cpan/RECENT-1Y.json",
        "patched-cpan/RECENT-1d.json",
        "patched-cpan/RECENT-1h.json",
        "patched-cpan/RECENT-6h.json",
        "patched-cpan/RECENT-Z.json",
        `patched-cpan/${KEY_FILE}`,
        `patched-cpan/${MODEL_FILE}`,
        `patched-cpan/${PACKAGES_FILE}`,
      ].sort(),
    );
    // The proof beside it checks against the log's key, for these archive bytes.
    const vkey = parseVerifierKey(text(await logBucket().read("vkey")).trim());
    const checked = checkProof(parseTlogProof(text(await logBucket().read(`${DIR}/${NAME}.tlog-proof`))), [vkey]);
    expect(checked).toMatchObject({ type: "inclusion", index: uploads, patch: { path: ARCHIVE } });
    // CHECKSUMS signed with the operator's key (published beside it), and 02packages listing the archive.
    const checksums = text(await logBucket().read(`${DIR}/CHECKSUMS`));
    const verified = await verifyChecksums(checksums, await readTrustedKeys((await logBucket().read(`patched-cpan/${KEY_FILE}`)) as Uint8Array));
    expect([...verified.entries.keys()]).toContain(`${NAME}.tar.gz`);
    expect(gunzipSync((await logBucket().read(`patched-cpan/${PACKAGES_FILE}`)) as Uint8Array).toString()).toMatch(
      /^CGI\s+3\.62\s+C\/CP\/CPANSEC\/CGI-3\.62-PATCHED-CVE-2012-5526-r1\.tar\.gz$/m,
    );
    const pedigree = JSON.parse(text(await logBucket().read(`${DIR}/${NAME}.cdx.json`))).metadata.component.pedigree;
    expect(pedigree.ancestors[0].purl).toBe("pkg:cpan/CGI@3.62?author=DAVE");
    expect(pedigree.patches).toMatchObject([{ type: "backport", resolves: [{ id: "CVE-2012-5526" }] }]);
    // The forced re-match: the finding names the patch and the patched archive; patch.published once.
    expect((await cgiFinding()).patches).toEqual([expect.objectContaining({ path: PATCH, sha256: sha, patched: ARCHIVE })]);
    const events = await new DynamoEventStore(stack.clients.dynamo, stack.env[TABLES.events.env] as string).list();
    const published = events.filter((e) => e.type === "patch.published");
    expect(published.map((e) => [e.release?.id, (e.detail as { patch: { path: string } }).patch.path])).toEqual([["DAVE/CGI-3.62.tar.gz", PATCH]]);

    // append-log's job redelivered (a crash after the append): nothing appended twice, the overlay unchanged.
    const before = Object.fromEntries(await Promise.all((await overlayKeys()).map(async (k) => [k, text(await logBucket().read(k))])));
    await stack.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: stack.queueUrls.log, MessageBody: logJob, MessageGroupId: "log", MessageDeduplicationId: "redelivered" }),
    );
    const again = await drain(stack.clients.sqs, Object.values(sources));
    expect(again.succeeded).toBe(2); // the log job, then the overlay job it queued
    expect(await logSize()).toHaveLength(uploads + 1);
    const after = Object.fromEntries(await Promise.all((await overlayKeys()).map(async (k) => [k, text(await logBucket().read(k))])));
    expect(after).toEqual(before);
  });
});

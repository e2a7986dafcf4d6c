// History does not change answers, on the AWS adapters (moto's S3, DynamoDB and SQS): the same
// random histories as the embedded property test, each step run as the deployed functions run it
// (refresh: feed, 02packages, queued re-matches; watch; ingest and match-advisories from their
// queues), against a from-scratch stack over the final mirror and feed.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestRelease } from "../../functions/ingest-release/ingest-release";
import { matchAdvisories } from "../../functions/match-advisories/match-advisories";
import { runRefresh } from "../../functions/refresh-advisories/refresh-sequence";
import { watchUploads } from "../../functions/watch-uploads/watch-uploads";
import { buildMirror } from "../../cli/demo/mirror";
import { serveDir } from "../../cli/demo/serve";
import { type AwsEnv, readAwsEnv } from "../../shared/adapters/aws/env";
import { awsPipelineDeps } from "../../shared/runtime/aws-pipeline";
import { readTrustedKeys } from "../../shared/domain/cpan/checksums-signature";
import { advisoriesKey } from "../../shared/domain/pipeline/keys";
import type { StepDeps } from "../../shared/ports/deps";
import { type TestStack, createTestStack } from "../helpers/aws";
import { type Answers, type Scenario, scenarioArb } from "../helpers/rematch-scenarios";

const START = 1_780_000_000;
let root: string;
let server: Server;
let url: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "cpansec-rematch-aws-"));
  mkdirSync(join(root, "mirror"));
  ({ server, url } = await serveDir(root));
});
afterAll(() => server?.close());

/** Every message on the ingest and match-advisories queues, handled until both stay empty. */
async function drain(stack: TestStack, deps: StepDeps): Promise<void> {
  const steps = [
    [stack.queueUrls.ingest, (body: never, n: number) => ingestRelease(deps, body, n)],
    [stack.queueUrls.advisories, (body: never) => matchAdvisories(deps, body)],
  ] as const;
  for (let idle = 0; idle < 2; ) {
    idle++;
    for (const [queue, step] of steps) {
      const r = await stack.clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queue,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 60,
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        }),
      );
      for (const m of r.Messages ?? []) {
        idle = 0;
        await step(JSON.parse(m.Body as string) as never, Number(m.Attributes?.ApproximateReceiveCount ?? 1));
        await stack.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: queue, ReceiptHandle: m.ReceiptHandle }));
      }
    }
  }
}

async function pass(stack: TestStack, s: Scenario, uploaded: readonly number[], feed: number | undefined): Promise<void> {
  const mirror = await buildMirror(
    join(root, "mirror"),
    uploaded.map((i) => s.dists[i] as never),
    START,
  );
  if (feed !== undefined) writeFileSync(join(root, "feed.json"), JSON.stringify(s.feeds[feed]));
  const env: AwsEnv = readAwsEnv({ ...stack.env, MIRROR_URL: `${url}mirror/` });
  const deps = awsPipelineDeps(env, stack.clients, {
    tool: { name: "cpansec-pipeline", version: "0.0.0-test" },
    trustedKeys: await readTrustedKeys(new TextEncoder().encode(mirror.publicKey)),
    feedTtlMs: 60_000,
  });
  // refresh-advisories, as its handler runs it (with no feed configured yet, the feed step is skipped)
  await runRefresh(deps, feed !== undefined ? { feed: async () => new TextEncoder().encode(JSON.stringify(s.feeds[feed])) } : {});
  await watchUploads(deps);
  await drain(stack, deps);
}

async function answers(stack: TestStack): Promise<Answers> {
  const deps = awsPipelineDeps(readAwsEnv(stack.env), stack.clients, { tool: { name: "t", version: "0" } });
  const unnamed = ({ feed: _f, ...rest }: Record<string, unknown>) => rest;
  const out: Answers = {};
  for (const r of await deps.releases.list()) {
    const doc = JSON.parse(new TextDecoder().decode(await deps.blobs.read(advisoriesKey(r))));
    out[r.id] = {
      findings: (await deps.findings.byRelease(r.id)).map((f) => unnamed(f as never)),
      advisories: { ...unnamed(doc), findings: doc.findings.map(unnamed), verified: doc.feed?.verified },
    };
  }
  return out;
}

describe("re-matching on the AWS adapters (moto)", () => {
  it("leaves every stored release with the answers a from-scratch stack gives, whatever the history", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const history = await createTestStack({ visibilityTimeout: 60 });
        const uploaded: number[] = [];
        let feed: number | undefined;
        for (const a of s.actions) {
          if ("upload" in a) uploaded.push(a.upload);
          else if ("feed" in a) feed = a.feed;
          else await pass(history, s, uploaded, feed);
        }
        await pass(history, s, uploaded, feed);
        const scratch = await createTestStack({ visibilityTimeout: 60 });
        await pass(scratch, s, uploaded, feed);
        const got = await answers(history);
        expect(Object.keys(got).length).toBe(s.dists.length);
        expect(got).toEqual(await answers(scratch));
      }),
      { numRuns: 4, endOnFailure: true },
    );
  }, 600_000);
});

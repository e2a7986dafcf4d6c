// Benchmark: each Lambda bundle's size and cold load (a fresh node process requiring it, the
// Lambda init phase minus the runtime), and the AWS pipeline's releases/s on moto.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_DISTS } from "../../cli/demo/demo";
import { buildMirror } from "../../cli/demo/mirror";
import { serveDir } from "../../cli/demo/serve";
import { DynamoReleaseStore } from "../../shared/adapters/aws/dynamo-tables";
import { HTTP_FUNCTIONS, SCHEDULED, TABLES } from "../../shared/adapters/aws/resources";
import { QUEUE_WORKERS } from "../../shared/steps";
import { bundleHandler } from "../helpers/lambda-bundles";
import { terminalState } from "../../shared/domain/pipeline/record";
import { createTestStack } from "../helpers/aws";
import { corpusMirror } from "../helpers/corpus-mirror";
import { corpusFiles } from "../helpers/corpus";
import { startMoto } from "../helpers/moto";
import { repoRoot } from "../helpers/shared-data";
import { type SqsHandler, drain, lambdaContext } from "../helpers/sqs-poller";
import { fmt, removeTree } from "./run";

const ENV_FOR_LOAD: Record<string, string> = {
  ...Object.fromEntries(Object.values(TABLES).map((t) => [t.env, t.name])),
  ...Object.fromEntries(Object.values(QUEUE_WORKERS).map((q) => [q.env, `https://sqs.us-east-1.amazonaws.com/123456789012/${q.name}`])),
  ARTIFACTS_BUCKET: "a",
  UNSUBSCRIBE_KEY_SECRET_ARN: "u",
  LOG_BUCKET: "l",
  MIRROR_URL: "https://www.cpan.org/",
  FEED_URL: "https://example.org/feed.json",
  LOG_ORIGIN: "bench/log",
  LOG_KEY_SECRET_ARN: "k",
  PAUSE_KEY_SECRET_ARN: "p",
  FEED_KEY_SECRET_ARN: "f",
  AWS_REGION: "us-east-1",
  POWERTOOLS_METRICS_DISABLED: "true",
  POWERTOOLS_LOG_LEVEL: "SILENT",
};

async function bundles(): Promise<string[]> {
  const out = mkdtempSync(join(tmpdir(), "cpansec-bench-lambda-"));
  const lines: string[] = [];
  const entries = [...Object.values(QUEUE_WORKERS), ...Object.values(SCHEDULED), ...Object.values(HTTP_FUNCTIONS)].filter((e) =>
    existsSync(join(repoRoot, e.entry)),
  );
  for (const e of entries) {
    const file = await bundleHandler(e.name, e.entry, out);
    const size = statSync(file).size;
    // The init phase: require the bundle (env checked, clients built); secrets are fetched after.
    const code = `const t=performance.now();require(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));process.exit(0)`;
    const times: number[] = [];
    const walls: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      // NODE_PATH plays the runtime's own node_modules, where the AWS SDK comes from.
      const r = spawnSync(process.execPath, ["-e", code], {
        env: { ...process.env, ...ENV_FOR_LOAD, NODE_PATH: join(repoRoot, "node_modules") },
        encoding: "utf8",
      });
      walls.push(performance.now() - t);
      if (r.status !== 0) throw new Error(`${e.name}: ${r.stderr}`);
      times.push(Number(r.stdout));
    }
    const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    lines.push(
      `lambda ${e.name}: bundle ${fmt(size / 1024, 0)} KiB (AWS SDK from the runtime), cold load ${fmt(med(times), 0)} ms (whole process ${fmt(med(walls), 0)} ms), median of 7`,
    );
  }
  removeTree(out);
  return lines;
}

async function awsThroughput(): Promise<string> {
  const moto = await startMoto();
  const root = mkdtempSync(join(tmpdir(), "cpansec-bench-aws-"));
  try {
    const corpus = corpusFiles().length > 0;
    const mirror = corpus ? await corpusMirror(root) : await buildMirror(join(root, "mirror"), DEMO_DISTS);
    const { server, url } = await serveDir(mirror.dir);
    const stack = await createTestStack({ endpoint: moto.endpoint, mirrorUrl: url, pauseKey: mirror.publicKey, visibilityTimeout: 5 });
    Object.assign(process.env, stack.env, { POWERTOOLS_LOG_LEVEL: "SILENT" });
    const h = async (p: string) => (await import(`../../functions/${p}/handler`)) as { handler: SqsHandler };
    const sources = [
      { name: "ingest-release", url: stack.queueUrls.ingest, batchSize: QUEUE_WORKERS.ingest.batchSize, handler: (await h("ingest-release")).handler },
      { name: "generate-sbom", url: stack.queueUrls.sbom, batchSize: 10, handler: (await h("generate-sbom")).handler },
      { name: "match-advisories", url: stack.queueUrls.advisories, batchSize: 10, handler: (await h("match-advisories")).handler },
      { name: "append-log", url: stack.queueUrls.log, batchSize: 10, handler: (await h("append-log")).handler },
    ];
    const watch = (await import("../../functions/watch-uploads/handler")).handler;
    const t = performance.now();
    await watch({}, lambdaContext("watch-uploads"));
    const stats = await drain(stack.clients.sqs, sources, 30 * 60_000);
    const secs = (performance.now() - t) / 1000;
    const releases = await new DynamoReleaseStore(stack.clients.dynamo, stack.env[TABLES.releases.env] as string).list();
    const pending = releases.filter((r) => terminalState(r) === "pending").length;
    server.close();
    return `pipeline on moto (${releases.length} ${corpus ? "corpus" : "demo"} releases, handlers in one process, sequential poller): ${fmt(secs, 1)} s = ${fmt(releases.length / secs, 1)} releases/s, ${stats.invocations} invocations, ${pending} pending`;
  } finally {
    moto.stop();
    removeTree(root);
  }
}

export async function benchLambda(): Promise<string[]> {
  return [...(await bundles()), await awsThroughput()];
}

// A step is one folder plus one row (docs/architecture.md, adding a step). Two throwaway steps,
// each written here as its folder's step.ts would be and given one step table row, and nothing
// else: the embedded runner runs them (one per message, one a FIFO batch at a time), the
// producers can send to their queues, and the CDK stack gives each a queue, a dead-letter queue,
// alarms, its queue URL on every function and exactly the grants its row declares. Any of those
// that still needed a hand-written line elsewhere would leave the new step out, and fail here.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { openEmbeddedPipeline } from "../../cli/embedded/pipeline";
import { type StepLoader, loadSteps, stepModule } from "../../cli/embedded/steps";
import { repoRoot } from "../../infra/repo-root";
import { DirMirror } from "../../shared/adapters/embedded/dir-mirror";
import { runUntilIdle } from "../../shared/adapters/embedded/runner";
import type { JobQueue } from "../../shared/ports";
import type { QueueStep } from "../../shared/ports/deps";
import { QUEUE_WORKERS, type QueueSpec } from "../../shared/steps";
import { type Statement, type Synthesized, TEST_CONTEXT, ofType, refOf, statementsOf, synthesize } from "../infra/template";

const EchoJob = z.object({ v: z.literal(1), id: z.string() });
type EchoJob = z.infer<typeof EchoJob>;
const none = { read: [], write: [] };
// The handler file only has to exist for the synth (tests do not bundle): this one stands in.
const entry = relative(repoRoot, fileURLToPath(import.meta.url));

/** Row `echo`: writes echo/<id> per message; sends to notify (a grant only: it never does). */
const echoRow: QueueSpec = {
  name: "echo-release",
  env: "ECHO_QUEUE_URL",
  fifo: false,
  maxReceiveCount: 3,
  batchSize: 10,
  timeout: 30,
  visibilityTimeout: 180,
  entry,
  memorySize: 256,
  schema: EchoJob,
  maxMessageAge: 600,
  access: { tables: { releases: "read" }, sends: ["notify"], artifacts: { read: [], write: ["echo/*"] }, log: none, secrets: [], email: false },
};
/** Row `tally`: FIFO, a whole batch at a time, as the log sequencer. */
const tallyRow: QueueSpec = {
  ...echoRow,
  name: "tally",
  env: "TALLY_QUEUE_URL",
  fifo: true,
  maxMessageAge: 300,
  access: { tables: {}, sends: [], artifacts: none, log: none, secrets: [], email: false },
};

const batches: string[][] = [];
const echo = { wiring: "pipeline", run: (deps, job) => deps.blobs.create(`echo/${job.id}`, new TextEncoder().encode(job.id)) } satisfies QueueStep<EchoJob>;
const tally = {
  wiring: "pipeline",
  runBatch: async (_deps, jobs) => {
    batches.push(jobs.map((j) => j.id));
    return new Map();
  },
} satisfies QueueStep<EchoJob>;

const table = { ...QUEUE_WORKERS, echo: echoRow, tally: tallyRow };
/** Where the embedded runner finds a row's step.ts: these two are here, the others in functions/. */
const load: StepLoader = async (spec, key) => (key === "echo" ? { step: echo } : key === "tally" ? { step: tally } : stepModule(spec, key));

describe("a throwaway step, added by one module and one row", () => {
  it("runs in the embedded runner, per message or per batch as its step says, fed through the producers' queues", async () => {
    const root = mkdtempSync(join(tmpdir(), "cpansec-step-table-"));
    const p = await openEmbeddedPipeline({
      data: join(root, "data"),
      mirror: new DirMirror(join(root, "mirror")),
      trustedKeys: [],
      tool: { name: "t", version: "0" },
      steps: { table, load },
    });
    try {
      const queues = p.deps.queues as unknown as Record<string, JobQueue<unknown>>;
      await queues.echo?.send([
        { v: 1, id: "a" },
        { v: 1, id: "b" },
        { v: 2, id: "c" },
      ]);
      await queues.tally?.send([
        { v: 1, id: "x" },
        { v: 1, id: "y" },
        { v: 1, id: "z" },
      ]);
      expect(p.workers.map((w) => w.queue)).toEqual(Object.values(table).map((r) => r.name));
      await runUntilIdle(p.db, p.workers, { maxReceives: 3, visibilityMs: 60_000, backoffMs: () => 1 });
      expect(new TextDecoder().decode(await p.deps.blobs.read("echo/a"))).toBe("a");
      expect(new TextDecoder().decode(await p.deps.blobs.read("echo/b"))).toBe("b");
      // The row's schema is parsed before the step runs: a body it refuses is dead-lettered at once.
      expect(p.db.deadLetters()).toEqual([
        expect.objectContaining({ queue: "echo-release", receives: 1, reason: expect.stringMatching(/BadMessageError.*v/) }),
      ]);
      expect(batches).toEqual([["x", "y", "z"]]);
      expect(p.db.pending()).toEqual([]);
    } finally {
      p.close();
    }
  });

  it("fails to load, naming the row, when its folder has no step module", async () => {
    await expect(loadSteps({ echo: { ...echoRow, entry: "functions/no-such-step/handler.ts" } })).rejects.toThrow(
      /step echo: the step module beside functions\/no-such-step\/handler\.ts cannot be loaded/,
    );
    await expect(loadSteps({ echo: echoRow }, async () => ({ run: echo.run }))).rejects.toThrow(/exports no QueueStep named step/);
  });

  describe("in the CDK stack", () => {
    let s: Synthesized;
    beforeAll(() => {
      s = synthesize(TEST_CONTEXT, { steps: table });
    });
    const props = (id: string) => (s.json.Resources[id]?.Properties ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

    it.each(["echo", "tally"] as const)("gives %s a queue with a dead-letter queue, alarms on both, and its URL on every function", (k) => {
      const row = table[k];
      const stack = s.stack as unknown as {
        queues: Record<string, unknown>;
        deadLetterQueues: Record<string, unknown>;
        functions: Record<string, { fn: unknown }>;
      };
      const queue = s.id(stack.queues[k] as never);
      const dlq = s.id(stack.deadLetterQueues[k] as never);
      expect(props(queue).RedrivePolicy).toEqual({ deadLetterTargetArn: { "Fn::GetAtt": [dlq, "Arn"] }, maxReceiveCount: row.maxReceiveCount });
      expect(props(queue).FifoQueue ?? false).toBe(row.fifo);
      const alarm = (id: string, metric: string) =>
        ofType(s, "AWS::CloudWatch::Alarm").filter(([, a]) => {
          const p = a.Properties as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
          return p.MetricName === metric && p.Dimensions.some((d: { Value: unknown }) => refOf(d.Value) === id) && p.AlarmActions.length > 0;
        });
      expect(alarm(dlq, "ApproximateNumberOfMessagesVisible")).toHaveLength(1);
      expect(alarm(queue, "ApproximateAgeOfOldestMessage").map(([, a]) => a.Properties?.Threshold)).toEqual([row.maxMessageAge]);
      for (const f of ["ingest", k, "watch"]) {
        const env = props(s.id(stack.functions[f]?.fn as never)).Environment.Variables;
        expect(refOf(env[row.env]), `${f} knows ${row.env}`).toBe(queue);
      }
    });

    it("grants echo exactly what its row declares", () => {
      const stack = s.stack as unknown as { functions: Record<string, { fn: never }>; queues: Record<string, never> };
      const st: Statement[] = statementsOf(s, s.id(stack.functions.echo?.fn as never));
      const on = (id: string) => st.filter((x) => x.resources.some((r) => r.id === id));
      const releases = on(s.id(s.stack.tables.byKey.releases));
      expect(releases.flatMap((x) => x.actions)).toContain("dynamodb:GetItem");
      expect(releases.flatMap((x) => x.actions)).not.toContain("dynamodb:PutItem");
      const tables = Object.values(s.stack.tables.byKey).filter((t) => on(s.id(t)).length > 0);
      expect(tables).toEqual([s.stack.tables.byKey.releases]);
      const sent = st.filter((x) => x.actions.includes("sqs:SendMessage")).flatMap((x) => x.resources.map((r) => r.id));
      expect(sent).toEqual([s.id(stack.queues.notify as never)]);
      const writes = st
        .filter((x) => x.actions.includes("s3:PutObject"))
        .flatMap((x) => x.resources.filter((r) => r.id === s.id(s.stack.buckets.artifacts)).map((r) => r.suffix));
      expect(writes).toEqual(["/echo/*"]);
      expect(on(s.id(s.stack.buckets.log))).toEqual([]);
      // The tally row declares nothing: its role writes its log group and consumes its own queue, no more.
      const tallyQueue = s.id(stack.queues.tally as never);
      for (const x of statementsOf(s, s.id(stack.functions.tally?.fn as never))) {
        expect(
          x.actions.every((a) => a.startsWith("logs:") || (a.startsWith("sqs:") && a !== "sqs:SendMessage")),
          x.actions.join(),
        ).toBe(true);
        if (x.actions.some((a) => a.startsWith("sqs:"))) expect(x.resources.map((r) => r.id)).toEqual([tallyQueue]);
      }
    });
  });
});

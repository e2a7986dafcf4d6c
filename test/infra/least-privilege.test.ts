// What each function's role may touch, read from the synthesized IAM policies: the sensitive
// resources (log key, PAUSE key, SES, the log bucket and head) each reachable by one step only,
// and every step's tables, queues and key prefixes exactly those infra/access.ts declares.
import { beforeAll, describe, expect, it } from "vitest";
import { ACCESS, type StepKey } from "../../infra/access";
import { UNSUBSCRIBE_ATTRIBUTES } from "../../shared/adapters/aws/dynamo-unsubscribe";
import { HTTP_FUNCTIONS, type TableKey } from "../../shared/adapters/aws/resources";
import { type QueueKey } from "../../shared/steps";
import { patternMatches, type Statement, statementsOf, type Synthesized, synthesize } from "./template";

let s: Synthesized;
let policies: Record<StepKey, Statement[]>;
const steps = Object.keys(ACCESS) as StepKey[];

beforeAll(() => {
  s = synthesize();
  policies = Object.fromEntries(steps.map((k) => [k, statementsOf(s, s.id(s.stack.functions[k].fn))])) as Record<StepKey, Statement[]>;
});

/** The steps whose role names `id` in an Allow statement (optionally: with an action matching `action`). */
function stepsReaching(id: string, action = "*"): StepKey[] {
  return steps.filter((k) =>
    policies[k].some(
      (st) => st.Effect === "Allow" && st.resources.some((r) => r.id === id) && st.actions.some((a) => patternMatches(a, action) || patternMatches(action, a)),
    ),
  );
}

const tableId = (k: TableKey) => s.id(s.stack.tables.byKey[k]);
const WRITE = "dynamodb:PutItem";

describe("least privilege per function", () => {
  it("lets only append-log read the log signing key, only ingest-release the PAUSE key, only refresh-advisories the feed key, only deliver and unsubscribe the unsubscribe key, only publish-overlay the overlay key", () => {
    const secrets = s.json.Resources;
    const ids = Object.keys(secrets).filter((id) => secrets[id]?.Type === "AWS::SecretsManager::Secret");
    expect(ids).toHaveLength(5);
    const logKey = ids.find((id) => id.includes("LogSigningKey")) as string;
    const pauseKey = ids.find((id) => id.includes("PauseKey")) as string;
    const unsubscribeKey = ids.find((id) => id.includes("UnsubscribeKey")) as string;
    const feedKey = ids.find((id) => id.includes("FeedKey")) as string;
    const overlayKey = ids.find((id) => id.includes("OverlayKey")) as string;
    // The overlay's publisher signs its CHECKSUMS (docs/patches.md "On AWS"); the refresh only queues it.
    expect(stepsReaching(overlayKey)).toEqual(["overlay"]);
    expect(stepsReaching(overlayKey, "secretsmanager:GetSecretValue")).toEqual(["overlay"]);
    expect(stepsReaching(feedKey)).toEqual(["refresh"]);
    expect(stepsReaching(logKey)).toEqual(["log"]);
    expect(stepsReaching(pauseKey)).toEqual(["ingest"]);
    expect(stepsReaching(unsubscribeKey)).toEqual(["deliver", "unsubscribe"]);
    expect(stepsReaching(logKey, "secretsmanager:GetSecretValue")).toEqual(["log"]);
  });

  it("gives the public unsubscribe function one subscription's id and disabled flag, never a secret or the table, and a concurrency cap", () => {
    const subs = tableId("subscriptions");
    const onTable = policies.unsubscribe.filter((st) => st.resources.some((r) => r.id === subs));
    expect(onTable.flatMap((st) => st.actions).sort()).toEqual(["dynamodb:GetItem", "dynamodb:UpdateItem"]);
    expect(onTable.flatMap((st) => st.resources.map((r) => r.suffix))).toEqual([""]); // the table, not its indexes
    expect(onTable.map((st) => st.condition)).toEqual([
      {
        "ForAllValues:StringEquals": { "dynamodb:Attributes": [...UNSUBSCRIBE_ATTRIBUTES] },
        StringEqualsIfExists: { "dynamodb:Select": "SPECIFIC_ATTRIBUTES", "dynamodb:ReturnValues": ["NONE", "UPDATED_OLD", "UPDATED_NEW"] },
      },
    ]);
    expect(UNSUBSCRIBE_ATTRIBUTES).not.toContain("target"); // where the webhook secret is
    const fn = s.json.Resources[s.id(s.stack.functions.unsubscribe.fn)]?.Properties;
    expect(fn?.ReservedConcurrentExecutions).toBe(HTTP_FUNCTIONS.unsubscribe.reservedConcurrency);
    expect(HTTP_FUNCTIONS.unsubscribe.reservedConcurrency).toBeLessThanOrEqual(10);
  });

  it("lets only deliver send email", () => {
    const senders = steps.filter((k) => policies[k].some((st) => st.actions.some((a) => a.startsWith("ses:"))));
    expect(senders).toEqual(["deliver"]);
    const ses = policies.deliver.filter((st) => st.actions.some((a) => a.startsWith("ses:")));
    expect(ses.flatMap((st) => st.actions)).toEqual(["ses:SendEmail"]);
    expect(ses.flatMap((st) => st.resources).every((r) => r.text.includes(":identity/") || r.text.includes(":configuration-set/"))).toBe(true);
  });

  it("keeps generate-sbom (and every step but append-log, notify, publish and the overlay's) away from the log bucket and its head", () => {
    const logBucket = s.id(s.stack.buckets.log);
    expect(stepsReaching(logBucket).sort()).toEqual(["advisories", "log", "notify", "overlay", "publish"]);
    expect(stepsReaching(tableId("logHead"))).toEqual(["log"]);
    expect(stepsReaching(tableId("logIndex"))).toEqual(["log", "overlay"]);
    expect(stepsReaching(tableId("logIndex"), WRITE)).toEqual(["log"]);
    expect(stepsReaching(s.id(s.stack.buckets.accessLogs))).toEqual([]);
    expect(policies.sbom.some((st) => st.resources.some((r) => r.id === logBucket || r.id === tableId("logHead")))).toBe(false);
    // notify writes the Atom feed and nothing else of the log.
    const notifyLog = policies.notify.flatMap((st) => st.resources).filter((r) => r.id === logBucket && r.suffix !== "");
    expect(new Set(notifyLog.map((r) => r.suffix))).toEqual(new Set(["/feeds/*"]));
  });

  it("lets only publish-overlay write the overlay, reading the log (index, checkpoint, vkey, tiles) and writing none of it; match-advisories reads only the overlay's model", () => {
    const logBucket = s.id(s.stack.buckets.log);
    const objects = (k: StepKey, action: string) =>
      new Set(
        policies[k]
          .filter((st) => st.actions.includes(action))
          .flatMap((st) => st.resources.filter((r) => r.id === logBucket && r.suffix !== "").map((r) => r.suffix)),
      );
    expect(objects("overlay", "s3:PutObject")).toEqual(new Set(["/patched-cpan/*"]));
    expect(objects("overlay", "s3:GetObject*")).toEqual(new Set(["/patched-cpan/*", "/checkpoint", "/vkey", "/tile/*"]));
    expect(steps.filter((k) => [...objects(k, "s3:PutObject")].some((x) => x === "/patched-cpan/*" || x === "/*"))).toEqual(["log", "overlay"]);
    expect(objects("advisories", "s3:GetObject*")).toEqual(new Set(["/patched-cpan/cpansec-patched.json"]));
    expect(objects("advisories", "s3:PutObject")).toEqual(new Set());
    // Its entries reach the log through append-log, which queues it back; the refresh queues it too.
    const overlayQueue = s.id(s.stack.queues.overlay);
    const senders = steps.filter((k) => policies[k].some((st) => st.actions.includes("sqs:SendMessage") && st.resources.some((r) => r.id === overlayQueue)));
    expect(senders.sort()).toEqual(["log", "refresh"]);
  });

  it("lets only publish-advisories write the published advisory index, and nothing else of the log bucket; the refresh only queues it", () => {
    const logBucket = s.id(s.stack.buckets.log);
    const writesTo = (k: StepKey) =>
      policies[k]
        .filter((st) => st.actions.includes("s3:PutObject"))
        .flatMap((st) => st.resources.filter((r) => r.id === logBucket && r.suffix !== "").map((r) => r.suffix));
    expect(new Set(writesTo("publish"))).toEqual(new Set(["/advisories/*"]));
    expect(steps.filter((k) => writesTo(k).some((x) => x === "/advisories/*" || x === "/*"))).toEqual(
      ["log", "publish"].filter((k) => steps.includes(k as StepKey)),
    );
    // It reads the feed (pointer and snapshot) and nothing else of the artifacts bucket; no table, queue or secret.
    const artifacts = s.id(s.stack.buckets.artifacts);
    const reads = policies.publish
      .filter((st) => st.actions.includes("s3:GetObject*"))
      .flatMap((st) => st.resources.filter((r) => r.id === artifacts && r.suffix !== "").map((r) => r.suffix));
    expect(new Set(reads)).toEqual(new Set(["/advisories/*"]));
    expect(policies.publish.some((st) => st.actions.some((a) => /^(dynamodb|sqs:Send|secretsmanager|ses):?/.test(a)))).toBe(false);
    expect(policies.refresh.some((st) => st.resources.some((r) => r.id === logBucket))).toBe(false);
  });

  it("grants no wildcard actions or resources beyond key patterns and index ARNs of the pipeline's own resources", () => {
    for (const k of steps) {
      for (const st of policies[k]) {
        expect(st.Effect, k).toBe("Allow");
        for (const a of st.actions) expect(a === "*" || a.endsWith(":*"), `${k}: ${a}`).toBe(false);
        for (const r of st.resources) {
          expect(r.id, `${k}: ${r.text}`).toBeDefined();
          if (r.suffix.includes("*")) expect(r.suffix === "/index/*" || r.suffix.startsWith("/"), `${k}: ${r.text}`).toBe(true);
        }
        expect(
          st.actions.some((a) => /^(s3:Delete|s3:PutBucket|dynamodb:(Create|Delete)Table|iam:)/.test(a)),
          `${k}: ${st.actions}`,
        ).toBe(false);
      }
    }
  });

  it.each(steps)("%s touches exactly the tables, queues and bucket key patterns access.ts declares", (k) => {
    const access = ACCESS[k];
    const st = policies[k];
    const tables = Object.keys(s.stack.tables.byKey) as TableKey[];
    const reached = tables.filter((t) => st.some((x) => x.resources.some((r) => r.id === tableId(t))));
    expect(reached.sort()).toEqual(Object.keys(access.tables).sort());
    const written = tables.filter((t) => st.some((x) => x.actions.includes(WRITE) && x.resources.some((r) => r.id === tableId(t))));
    expect(written.sort()).toEqual((Object.keys(access.tables) as TableKey[]).filter((t) => access.tables[t] === "readWrite").sort());

    const queueIds = new Map(Object.entries(s.stack.queues).map(([q, queue]) => [s.id(queue), q as QueueKey]));
    // A scheduled step also sends its own failed runs to its dead-letter queue (the on-failure destination).
    const scheduled = k === "watch" || k === "refresh";
    if (scheduled) queueIds.set(s.id(s.stack.deadLetterQueues[k]), "own dead-letter queue" as QueueKey);
    const sends = st.filter((x) => x.actions.includes("sqs:SendMessage")).flatMap((x) => x.resources.map((r) => queueIds.get(r.id as string) ?? r.text));
    expect(sends.sort()).toEqual([...access.sends, ...(scheduled ? ["own dead-letter queue"] : [])].sort());

    for (const [bucket, declared] of [
      [s.stack.buckets.artifacts, access.artifacts],
      [s.stack.buckets.log, access.log],
    ] as const) {
      const objects = (action: string) =>
        st
          .filter((x) => x.actions.includes(action))
          .flatMap((x) => x.resources.filter((r) => r.id === s.id(bucket) && r.suffix !== "").map((r) => r.suffix.slice(1)));
      expect(new Set(objects("s3:GetObject*")), `${k} reads`).toEqual(new Set([...declared.read, ...declared.write]));
      expect(new Set(objects("s3:PutObject")), `${k} writes`).toEqual(new Set(declared.write));
    }
  });
});

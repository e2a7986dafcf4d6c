// The AWS adapters against moto in server mode (real S3, DynamoDB and SQS wire protocols): the
// same contracts the embedded adapters pass, plus what only AWS has (queues, pagination, GSIs).
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import type { AwsClients } from "../../shared/adapters/aws/clients";
import { DynamoLogHead, DynamoLogIndex } from "../../shared/adapters/aws/dynamo-log";
import { DynamoCursorStore, DynamoEventStore, DynamoFindingStore, DynamoMatchIndex, DynamoReleaseStore } from "../../shared/adapters/aws/dynamo-tables";
import { TABLES } from "../../shared/adapters/aws/resources";
import { S3ObjectStore } from "../../shared/adapters/aws/s3-object-store";
import { SqsJobQueue } from "../../shared/adapters/aws/sqs-queue";
import type { ReleaseRecord } from "../../shared/domain/pipeline/record";
import { logHeadContract, logIndexContract, tileStoreContract } from "../contracts/log-ports";
import { pipelinePortsContract } from "../contracts/pipeline-ports";
import { MOTO } from "../contracts/race";
import { type TestStack, createTable, createTestStack, motoClients, motoEndpoint, uniquePrefix } from "../helpers/aws";

let clients: AwsClients;
let stack: TestStack;
beforeAll(async () => {
  clients = motoClients();
  stack = await createTestStack();
});

const bucket = async () => {
  const name = `${uniquePrefix()}-tiles`;
  await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
  return new S3ObjectStore(clients.s3, name);
};
const table = async (spec: (typeof TABLES)[keyof typeof TABLES]) => {
  const name = `${uniquePrefix()}-${spec.name}`;
  await createTable(motoEndpoint(), name, spec);
  return name;
};

tileStoreContract("S3ObjectStore (moto)", bucket, MOTO);
logHeadContract("DynamoLogHead (moto)", async () => new DynamoLogHead(clients.dynamo, await table(TABLES.logHead)), MOTO);
logIndexContract("DynamoLogIndex (moto)", async () => new DynamoLogIndex(clients.dynamo, await table(TABLES.logIndex)));
pipelinePortsContract(
  "DynamoDB tables (moto)",
  () => ({
    releases: new DynamoReleaseStore(clients.dynamo, stack.env[TABLES.releases.env] as string),
    cursors: new DynamoCursorStore(clients.dynamo, stack.env[TABLES.cursors.env] as string),
    findings: new DynamoFindingStore(clients.dynamo, stack.env[TABLES.findings.env] as string),
    events: new DynamoEventStore(clients.dynamo, stack.env[TABLES.events.env] as string),
    matchIndex: new DynamoMatchIndex(clients.dynamo, stack.env[TABLES.matchIndex.env] as string),
  }),
  MOTO,
);

const rec = (n: number, version: string, distribution = "Big"): ReleaseRecord => ({
  id: `ABC/${distribution}-${n}.tar.gz`,
  path: `authors/id/A/AB/ABC/${distribution}-${n}.tar.gz`,
  author: "ABC",
  filename: `${distribution}-${n}.tar.gz`,
  uploaded: String(1_700_000_000 + n),
  seenAt: "t",
  steps: {},
  revision: 0,
  distribution,
  version,
});

describe("AWS adapters beyond the contracts (moto)", () => {
  it("pages through more releases than one DynamoDB page holds, by distribution in version order", async () => {
    const releases = new DynamoReleaseStore(clients.dynamo, await table(TABLES.releases));
    const versions = ["1.10", "1.9", "v1.10.0", "0.001", "2", "1.002003", "1.23_01", "junk"];
    // ~40 KB items: a 1 MB query page holds ~25, so 60 items need several pages.
    const pad = "x".repeat(40_000);
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => releases.create({ ...rec(i, versions[i % versions.length] as string), failure: { step: "ingest", reason: pad } })),
    );
    await releases.create(rec(99, "1.0", "Other"));
    const big = await releases.byDistribution("Big");
    expect(big).toHaveLength(60);
    expect(await releases.list()).toHaveLength(61);
    const order = [...new Set(big.map((r) => r.version))];
    expect(order).toEqual(["0.001", "1.002003", "v1.10.0", "1.10", "1.23_01", "1.9", "2", "junk"]);
    // GSI attributes stay out of the record.
    expect(Object.keys((await releases.get("ABC/Big-0.tar.gz")) ?? {})).not.toContain("versionKey");
  });

  it("sends job batches larger than ten, FIFO with its group and deduplication", async () => {
    const q = new SqsJobQueue<{ v: 1; id: string }>(clients.sqs, stack.queueUrls.log);
    const jobs = Array.from({ length: 23 }, (_, i) => ({ v: 1 as const, id: `ABC/X-${i}.tar.gz` }));
    await q.send(jobs);
    await q.send(jobs.slice(0, 5)); // a resend within the dedup window: dropped by SQS
    const got: string[] = [];
    for (let i = 0; i < 10 && got.length < 23; i++) {
      const out = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: stack.queueUrls.log, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["MessageGroupId"] }),
      );
      for (const m of out.Messages ?? []) {
        expect(m.Attributes?.MessageGroupId).toBe("log");
        got.push((JSON.parse(m.Body as string) as { id: string }).id);
        await clients.sqs.send(new DeleteMessageCommand({ QueueUrl: stack.queueUrls.log, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    expect(got).toEqual(jobs.map((j) => j.id)); // in order, once each
  });

  it("reads archives of several megabytes back byte for byte", async () => {
    const s = await bucket();
    const big = new Uint8Array(5 * 2 ** 20).map((_, i) => (i * 31) & 0xff);
    await s.create("archives/ABC/Big-1.tar.gz", big);
    expect(Buffer.compare(Buffer.from((await s.read("archives/ABC/Big-1.tar.gz")) as Uint8Array), Buffer.from(big))).toBe(0);
  });
});

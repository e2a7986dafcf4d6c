// The exact commands the AWS adapters send (aws-sdk-client-mock): conditions, IfNoneMatch,
// consistency, partial-failure handling. What AWS does with them is tested against moto.
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient, SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { DynamoLogHead } from "../../shared/adapters/aws/dynamo-log";
import { DynamoEventStore, DynamoReleaseStore } from "../../shared/adapters/aws/dynamo-tables";
import { ConfigError, readAwsEnv, signerFromSecret } from "../../shared/adapters/aws/env";
import { ENV, TABLES } from "../../shared/adapters/aws/resources";
import { QUEUE_WORKERS } from "../../shared/steps";
import { S3ObjectStore, logCacheControl } from "../../shared/adapters/aws/s3-object-store";
import { SqsJobQueue } from "../../shared/adapters/aws/sqs-queue";
import { formatPrivateKey, signerFromSeed } from "../../shared/domain/tlog/note";
import { ConflictError } from "../../shared/ports";
import type { PipelineEvent } from "../../shared/messages/events";

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
beforeEach(() => {
  s3.reset();
  ddb.reset();
  sqs.reset();
});
const bytes = (s: string) => new TextEncoder().encode(s);
// The part of the SDK stream the adapter uses.
const body = (s: string) => ({ transformToByteArray: async () => bytes(s) }) as never;
const s3Error = (status: number, name: string) => new S3ServiceException({ name, $fault: "client", $metadata: { httpStatusCode: status } });

describe("S3ObjectStore", () => {
  it("creates with If-None-Match: * and the log's cache headers; publishes without a condition", async () => {
    s3.on(PutObjectCommand).resolves({});
    const store = new S3ObjectStore(new S3Client({}), "b", { cacheControl: logCacheControl });
    await store.create("tile/0/000", bytes("t"));
    await store.publish("checkpoint", bytes("c"));
    const [create, publish] = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(create).toMatchObject({ Bucket: "b", Key: "tile/0/000", IfNoneMatch: "*", CacheControl: "public, max-age=31536000, immutable" });
    expect(publish).toMatchObject({ Key: "checkpoint", CacheControl: "public, max-age=5, must-revalidate" });
    expect(publish?.IfNoneMatch).toBeUndefined();
  });

  it("on 412 compares with what is there: same bytes succeed, different bytes conflict", async () => {
    s3.on(PutObjectCommand).rejects(s3Error(412, "PreconditionFailed"));
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body("same") }));
    const store = new S3ObjectStore(new S3Client({}), "b");
    await store.create("k", bytes("same"));
    await expect(store.create("k", bytes("other"))).rejects.toBeInstanceOf(ConflictError);
  });

  it("retries a 409 (a conditional write in flight) and reads a 404 as absent", async () => {
    s3.on(PutObjectCommand).rejectsOnce(s3Error(409, "ConditionalRequestConflict")).resolves({});
    s3.on(GetObjectCommand).rejects(s3Error(404, "NoSuchKey"));
    const store = new S3ObjectStore(new S3Client({}), "b");
    await store.create("k", bytes("x"));
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(2);
    expect(await store.read("k")).toBeUndefined();
  });
});

describe("DynamoDB adapters", () => {
  const doc = () => DynamoDBDocumentClient.from(new DynamoDBClient({}));
  it("the log head: consistent reads, compare-and-swap on the previous note", async () => {
    ddb.on(GetCommand).resolves({ Item: { id: "head", note: "n1" } });
    ddb.on(PutCommand).resolves({});
    const head = new DynamoLogHead(doc(), "heads");
    expect(await head.read()).toBe("n1");
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: "heads", Key: { id: "head" }, ConsistentRead: true });
    await head.compareAndSwap(undefined, "n1");
    await head.compareAndSwap("n1", "n2");
    const [first, next] = ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(first).toMatchObject({ Item: { id: "head", note: "n1" }, ConditionExpression: "attribute_not_exists(id)" });
    expect(next).toMatchObject({ Item: { id: "head", note: "n2" }, ConditionExpression: "note = :expected", ExpressionAttributeValues: { ":expected": "n1" } });
  });

  it("a lost compare-and-swap is false, not an error", async () => {
    ddb.on(PutCommand).rejects(Object.assign(new Error("cond"), { name: "ConditionalCheckFailedException" }));
    expect(await new DynamoLogHead(doc(), "heads").compareAndSwap("a", "b")).toBe(false);
  });

  it("release updates are conditional on the revision read, and carry the GSI keys", async () => {
    const r = {
      id: "A/B-1.tar.gz",
      path: "p",
      author: "A",
      filename: "B-1.tar.gz",
      uploaded: "1700000000",
      seenAt: "t",
      steps: {},
      revision: 3,
      distribution: "B",
      version: "1.02",
    };
    ddb.on(GetCommand).resolves({ Item: { ...r, uploadDay: "2023-11-14", versionKey: "x" } });
    ddb.on(PutCommand).resolves({});
    const written = await new DynamoReleaseStore(doc(), "rel").update(r.id, (x) => ({ ...x, sha256: "ab" }));
    expect(written?.revision).toBe(4);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: "revision = :r",
      ExpressionAttributeValues: { ":r": 3 },
      Item: { revision: 4, sha256: "ab", uploadDay: "2023-11-14", versionKey: "0000000001.0000000020" },
    });
  });
});

describe("DynamoEventStore", () => {
  const doc = () => DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const at = (id: string, type: PipelineEvent["type"], time: string): PipelineEvent => ({ v: 1, id, type, time });

  it("puts only public events in the by-time index (the sparse `feed` key), and reads them back without it", async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(GetCommand).resolves({ Item: { ...at("evt_a", "integrity.alert", "t"), feed: "public" } });
    const events = new DynamoEventStore(doc(), "events");
    await events.create(at("evt_a", "integrity.alert", "t"));
    await events.create(at("evt_p", "release.processed", "t"));
    expect(ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item)).toEqual([
      { ...at("evt_a", "integrity.alert", "t"), feed: "public" },
      at("evt_p", "release.processed", "t"),
    ]);
    expect(await events.get("evt_a")).toEqual(at("evt_a", "integrity.alert", "t"));
  });

  it("newestPublic is one Query of the index, newest first with the limit, then the ties at its oldest time; never a Scan", async () => {
    const newest = [at("evt_3", "release.vulnerable", "t3"), at("evt_2", "release.vulnerable", "t2")];
    ddb.on(QueryCommand, { KeyConditionExpression: "feed = :f" }).resolves({ Items: newest.map((e) => ({ ...e, feed: "public" })) });
    ddb
      .on(QueryCommand, { KeyConditionExpression: "feed = :f AND #t = :t" })
      .resolves({ Items: [{ ...at("evt_1", "patch.published", "t2"), feed: "public" }] });
    expect((await new DynamoEventStore(doc(), "events").newestPublic(2)).map((e) => e.id)).toEqual(["evt_3", "evt_1"]);
    expect(ddb.commandCalls(QueryCommand).map((c) => c.args[0].input)).toEqual([
      {
        TableName: "events",
        IndexName: "public-by-time",
        KeyConditionExpression: "feed = :f",
        ExpressionAttributeValues: { ":f": "public" },
        ScanIndexForward: false,
        Limit: 2,
      },
      {
        TableName: "events",
        IndexName: "public-by-time",
        KeyConditionExpression: "feed = :f AND #t = :t",
        ExpressionAttributeNames: { "#t": "time" },
        ExpressionAttributeValues: { ":f": "public", ":t": "t2" },
      },
    ]);
    expect(ddb.commandCalls(ScanCommand)).toEqual([]);
  });
});

describe("DynamoReleaseStore under contention", () => {
  it("re-reads and re-applies the change when another writer moved the revision", async () => {
    const base = { id: "A/B-1.tar.gz", path: "p", author: "A", filename: "B-1.tar.gz", uploaded: "1700000000", seenAt: "t", steps: {} };
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { ...base, revision: 3 } })
      .resolves({ Item: { ...base, revision: 4, sha256: "theirs" } });
    ddb
      .on(PutCommand)
      .rejectsOnce(Object.assign(new Error("cond"), { name: "ConditionalCheckFailedException" }))
      .resolves({});
    const written = await new DynamoReleaseStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), "rel").update(base.id, (x) => ({ ...x, size: 7 }));
    expect(written).toMatchObject({ revision: 5, sha256: "theirs", size: 7 }); // nothing of the other write lost
    expect(ddb.commandCalls(PutCommand).map((c) => c.args[0].input.ExpressionAttributeValues)).toEqual([{ ":r": 3 }, { ":r": 4 }]);
  });
});

describe("SqsJobQueue", () => {
  it("resends only the entries a batch reports failed, and gives FIFO entries the group and a dedup id", async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [{ Id: "1", Code: "InternalError", SenderFault: false }] })
      .resolves({ Failed: [] });
    await new SqsJobQueue(new SQSClient({}), "https://sqs/q.fifo", async () => {}).send([
      { v: 1, id: "a" },
      { v: 1, id: "b" },
    ]);
    const [first, retry] = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(first).toHaveLength(2);
    expect(first?.[0]).toMatchObject({ MessageGroupId: "log", MessageDeduplicationId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(retry?.map((e) => e.Id)).toEqual(["1"]);
  });

  it("throws when a sender fault would drop a job, and sends in tens", async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [{ Id: "0", Code: "InvalidParameterValue", SenderFault: true, Message: "too big" }] });
    await expect(new SqsJobQueue(new SQSClient({}), "https://sqs/q", async () => {}).send([{ v: 1 }])).rejects.toThrow(/1 of 1 messages not sent.*too big/);
    sqs.reset();
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
    await new SqsJobQueue(new SQSClient({}), "https://sqs/q", async () => {}).send(Array.from({ length: 25 }, (_, i) => ({ i })));
    expect(sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 5]);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries?.[0]?.MessageGroupId).toBeUndefined();
  });
});

describe("configuration", () => {
  it("names every missing or malformed variable at once", () => {
    let error: unknown;
    try {
      readAwsEnv({ [TABLES.releases.env]: "r", [QUEUE_WORKERS.ingest.env]: "not a url", [ENV.logOrigin]: "has space" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const v of [TABLES.findings.env, QUEUE_WORKERS.ingest.env, ENV.artifactsBucket, ENV.logOrigin, ENV.mirrorUrl]) expect(message).toContain(v);
    expect(message).not.toContain(TABLES.releases.env);
  });

  it("derives the log key from seed material, or takes a note private key for the right origin", () => {
    const a = signerFromSecret("s".repeat(64), "o.example/log");
    expect(signerFromSecret("s".repeat(64), "o.example/log").publicKey).toEqual(a.publicKey);
    const own = signerFromSeed("o.example/log", new Uint8Array(32).fill(7));
    const text = formatPrivateKey({ ...own, seed: new Uint8Array(32).fill(7) });
    expect(signerFromSecret(text, "o.example/log").publicKey).toEqual(own.publicKey);
    expect(() => signerFromSecret(text, "other/log")).toThrow(/is for o.example\/log/);
    expect(() => signerFromSecret("short", "o/log")).toThrow(/too short/);
  });
});

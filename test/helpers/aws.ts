/**
 * AWS test resources on moto, made from shared/adapters/aws/resources.ts (the same specs the
 * stack is built from): every table with its keys and GSIs, every queue with its DLQ and redrive
 * policy, both buckets, both secrets. Names carry a random prefix, so test files can share one
 * moto server.
 */
import { randomBytes } from "node:crypto";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CreateQueueCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { inject } from "vitest";
import { type AwsClients, awsClients } from "../../shared/adapters/aws/clients";
import { ENV, PUBLIC_LOG_PATHS, TABLES, type TableSpec } from "../../shared/adapters/aws/resources";
import { QUEUE_WORKERS, type QueueKey } from "../../shared/steps";

export const REGION = "us-east-1";
export const CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };

/** The moto endpoint, or a thrown error saying why there is none. */
export function motoEndpoint(): string {
  const moto = inject("moto");
  if (!moto.endpoint) throw new Error(moto.error ?? "moto is not running");
  return moto.endpoint;
}

export function motoClients(endpoint = motoEndpoint()): AwsClients {
  return awsClients({ endpoint, region: REGION, credentials: CREDENTIALS });
}

export const uniquePrefix = () => `t${randomBytes(4).toString("hex")}`;

export async function createTable(endpoint: string, name: string, spec: TableSpec): Promise<void> {
  const ddb = new DynamoDBClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  const attrs = new Set<string>([
    spec.partitionKey,
    ...(spec.sortKey ? [spec.sortKey] : []),
    ...spec.indexes.flatMap((i) => [i.partitionKey, ...(i.sortKey ? [i.sortKey] : [])]),
  ]);
  const keys = (pk: string, sk?: string) => [
    { AttributeName: pk, KeyType: "HASH" as const },
    ...(sk ? [{ AttributeName: sk, KeyType: "RANGE" as const }] : []),
  ];
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [...attrs].map((a) => ({ AttributeName: a, AttributeType: "S" })),
      KeySchema: keys(spec.partitionKey, spec.sortKey),
      ...(spec.indexes.length
        ? {
            GlobalSecondaryIndexes: spec.indexes.map((i) => ({
              IndexName: i.name,
              KeySchema: keys(i.partitionKey, i.sortKey),
              Projection: { ProjectionType: "ALL" },
            })),
          }
        : {}),
    }),
  );
}

export interface TestStack {
  readonly endpoint: string;
  readonly clients: AwsClients;
  /** The environment the handlers read, as the stack would set it. */
  readonly env: Record<string, string>;
  readonly queueUrls: Record<QueueKey, string>;
  readonly dlqUrls: Record<QueueKey, string>;
}

export interface StackOptions {
  readonly mirrorUrl?: string;
  readonly feedUrl?: string;
  readonly pauseKey?: string;
  /** The feed key secret's value (default `none`: the feed is used unverified). */
  readonly feedKey?: string;
  readonly logKey?: string;
  /** The overlay key secret's value (default `none`: no overlay). */
  readonly overlayKey?: string;
  readonly logOrigin?: string;
  /** Override visibility timeouts (seconds), so a failed message comes back quickly in tests. */
  readonly visibilityTimeout?: number;
  /** The emulator (default: the vitest run's moto). */
  readonly endpoint?: string;
}

export async function createTestStack(o: StackOptions = {}): Promise<TestStack> {
  const endpoint = o.endpoint ?? motoEndpoint();
  const clients = motoClients(endpoint);
  const p = uniquePrefix();
  const env: Record<string, string> = {};
  for (const t of Object.values(TABLES)) {
    await createTable(endpoint, `${p}-${t.name}`, t);
    env[t.env] = `${p}-${t.name}`;
  }
  const queueUrls = {} as Record<QueueKey, string>;
  const dlqUrls = {} as Record<QueueKey, string>;
  for (const [key, q] of Object.entries(QUEUE_WORKERS) as [QueueKey, (typeof QUEUE_WORKERS)[QueueKey]][]) {
    const suffix = q.fifo ? ".fifo" : "";
    const fifo = q.fifo ? { FifoQueue: "true" } : {};
    const dlq = await clients.sqs.send(new CreateQueueCommand({ QueueName: `${p}-${q.name}-dlq${suffix}`, Attributes: { ...fifo } }));
    const arn = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes
      ?.QueueArn as string;
    const main = await clients.sqs.send(
      new CreateQueueCommand({
        QueueName: `${p}-${q.name}${suffix}`,
        Attributes: {
          ...fifo,
          VisibilityTimeout: String(o.visibilityTimeout ?? q.visibilityTimeout),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: q.maxReceiveCount }),
        },
      }),
    );
    queueUrls[key] = main.QueueUrl as string;
    dlqUrls[key] = dlq.QueueUrl as string;
    env[q.env] = main.QueueUrl as string;
  }
  for (const b of ["artifacts", "log"]) await clients.s3.send(new CreateBucketCommand({ Bucket: `${p}-${b}` }));
  // The stack's public-read policy on the log's published paths (anonymous readers verify the log).
  const policy = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: PUBLIC_LOG_PATHS.map((k) => `arn:aws:s3:::${p}-log/${k}`) }],
  };
  await clients.s3.send(new PutBucketPolicyCommand({ Bucket: `${p}-log`, Policy: JSON.stringify(policy) }));
  const secrets = new SecretsManagerClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  const secret = async (name: string, value: string) =>
    (await secrets.send(new CreateSecretCommand({ Name: `${p}-${name}`, SecretString: value }))).ARN as string;
  Object.assign(env, {
    [ENV.artifactsBucket]: `${p}-artifacts`,
    [ENV.logBucket]: `${p}-log`,
    [ENV.mirrorUrl]: o.mirrorUrl ?? "http://127.0.0.1:9/",
    [ENV.feedUrl]: o.feedUrl ?? "http://127.0.0.1:9/feed.json",
    [ENV.logOrigin]: o.logOrigin ?? "test.cpansec/log",
    [ENV.logKeySecret]: await secret("log-key", o.logKey ?? randomBytes(32).toString("hex")),
    [ENV.pauseKeySecret]: await secret("pause-key", o.pauseKey ?? "none"),
    [ENV.feedKeySecret]: await secret("feed-key", o.feedKey ?? "none"),
    [ENV.overlayKeySecret]: await secret("overlay-key", o.overlayKey ?? "none"),
    [ENV.unsubscribeKeySecret]: await secret("unsubscribe-key", randomBytes(32).toString("hex")),
    [ENV.unsubscribeUrl]: "https://unsubscribe.cpansec.test/",
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    POWERTOOLS_METRICS_DISABLED: "true",
    POWERTOOLS_LOG_LEVEL: "ERROR",
  });
  return { endpoint, clients, env, queueUrls, dlqUrls };
}

// The stack's resources, checked as properties of the synthesized template: every queue has a
// dead-letter queue and alarms, every bucket is encrypted and TLS-only, only the log's published
// paths are public, tables and indexes are those of resources.ts.
import { readKeys } from "openpgp";
import { beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_LOG_PATHS } from "../../infra/constructs/buckets";
import { ENV, HTTP_FUNCTIONS, SCHEDULED, TABLES, type TableKey } from "../../shared/adapters/aws/resources";
import { QUEUE_WORKERS, type QueueKey } from "../../shared/steps";
import { ofType, patternMatches, refOf, type Resource, resourceRef, type Synthesized, synthesize } from "./template";

let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});

const props = (r: Resource | undefined) => (r?.Properties ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const res = (id: string) => s.json.Resources[id];

/** Queues something treats as its dead-letter queue: SQS redrive targets, EventBridge target DLQs, Lambda on-failure destinations. */
function deadLetterQueues(): Set<string> {
  const ids = new Set<string>();
  for (const [, q] of ofType(s, "AWS::SQS::Queue")) {
    const target = refOf(props(q).RedrivePolicy?.deadLetterTargetArn);
    if (target) ids.add(target);
  }
  for (const [, r] of ofType(s, "AWS::Events::Rule"))
    for (const t of props(r).Targets ?? []) if (t.DeadLetterConfig) ids.add(refOf(t.DeadLetterConfig.Arn) as string);
  for (const [, c] of ofType(s, "AWS::Lambda::EventInvokeConfig")) {
    const dest = props(c).DestinationConfig?.OnFailure?.Destination;
    if (dest) ids.add(refOf(dest) as string);
  }
  return ids;
}

/** Alarms on an SQS metric of a queue (by logical id) that notify someone. */
function queueAlarms(queueId: string, metric: string) {
  return ofType(s, "AWS::CloudWatch::Alarm").filter(([, a]) => {
    const p = props(a);
    return (
      p.Namespace === "AWS/SQS" &&
      p.MetricName === metric &&
      (p.Dimensions ?? []).some((d: { Name: string; Value: unknown }) => d.Name === "QueueName" && refOf(d.Value) === queueId) &&
      (p.AlarmActions ?? []).length > 0
    );
  });
}

describe("queues", () => {
  it("gives every working queue a redrive policy to a dead-letter queue, and every dead-letter queue an alarm", () => {
    const dlqs = deadLetterQueues();
    const queues = ofType(s, "AWS::SQS::Queue");
    const working = queues.filter(([id]) => !dlqs.has(id));
    expect(working).toHaveLength(Object.keys(QUEUE_WORKERS).length);
    expect(dlqs.size).toBe(Object.keys(QUEUE_WORKERS).length + Object.keys(SCHEDULED).length);
    for (const [id, q] of working) {
      const redrive = props(q).RedrivePolicy;
      expect(redrive, id).toBeDefined();
      expect(dlqs.has(refOf(redrive.deadLetterTargetArn) as string), id).toBe(true);
      expect(queueAlarms(id, "ApproximateAgeOfOldestMessage"), `${id}: age alarm`).toHaveLength(1);
    }
    for (const id of dlqs) {
      expect(res(id)?.Type, id).toBe("AWS::SQS::Queue");
      expect(props(res(id)).MessageRetentionPeriod, id).toBe(14 * 24 * 3600);
      expect(queueAlarms(id, "ApproximateNumberOfMessagesVisible"), `${id}: depth alarm`).toHaveLength(1);
    }
  });

  it("encrypts every queue and denies it over plain HTTP", () => {
    const policies = ofType(s, "AWS::SQS::QueuePolicy");
    for (const [id, q] of ofType(s, "AWS::SQS::Queue")) {
      expect(props(q).SqsManagedSseEnabled, id).toBe(true);
      const denies = policies.filter(([, p]) => props(p).Queues.some((x: unknown) => refOf(x) === id)).flatMap(([, p]) => props(p).PolicyDocument.Statement);
      expect(
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        denies.some((st: any) => st.Effect === "Deny" && st.Condition?.Bool?.["aws:SecureTransport"] === "false"),
        id,
      ).toBe(true);
    }
  });

  it("reports partial batch failures on every event source, with the batch size and receive count of its spec", () => {
    const mappings = ofType(s, "AWS::Lambda::EventSourceMapping");
    expect(mappings).toHaveLength(Object.keys(QUEUE_WORKERS).length);
    for (const [id, m] of mappings) expect(props(m).FunctionResponseTypes, id).toEqual(["ReportBatchItemFailures"]);
    for (const k of Object.keys(QUEUE_WORKERS) as QueueKey[]) {
      const spec = QUEUE_WORKERS[k];
      const fnId = s.id(s.stack.functions[k].fn);
      const [, m] = mappings.find(([, x]) => refOf(props(x).FunctionName) === fnId) ?? [];
      expect(m, spec.name).toBeDefined();
      expect(props(m).BatchSize, spec.name).toBe(spec.batchSize);
      const queue = res(refOf(props(m).EventSourceArn) as string);
      expect(props(queue).VisibilityTimeout, spec.name).toBe(spec.visibilityTimeout);
      expect(props(queue).RedrivePolicy.maxReceiveCount, spec.name).toBe(spec.maxReceiveCount);
      expect(props(queue).FifoQueue === true, spec.name).toBe(spec.fifo);
      // SQS wants the visibility timeout to cover six function timeouts (retries inside a batch).
      expect(spec.visibilityTimeout, spec.name).toBeGreaterThanOrEqual(6 * spec.timeout);
      expect(props(res(fnId)).Timeout, spec.name).toBe(spec.timeout);
    }
  });

  it("serialises each FIFO step (append-log, publish-advisories): a FIFO queue (and FIFO dead-letter queue), reserved concurrency 1 and no other function limited but the public unsubscribe one", () => {
    const fifo = (Object.keys(QUEUE_WORKERS) as QueueKey[]).filter((k) => QUEUE_WORKERS[k].fifo);
    expect(fifo).toContain("log");
    const ids = fifo.map((k) => s.id(s.stack.functions[k].fn));
    for (const fnId of ids) {
      expect(props(res(fnId)).ReservedConcurrentExecutions, fnId).toBe(1);
      const [, m] = ofType(s, "AWS::Lambda::EventSourceMapping").find(([, x]) => refOf(props(x).FunctionName) === fnId) ?? [];
      const queue = props(res(refOf(props(m).EventSourceArn) as string));
      expect(queue.FifoQueue, fnId).toBe(true);
      expect(queue.ContentBasedDeduplication, fnId).toBe(false);
      expect(props(res(refOf(queue.RedrivePolicy.deadLetterTargetArn) as string)).FifoQueue, fnId).toBe(true);
    }
    const limited = ofType(s, "AWS::Lambda::Function").filter(([, f]) => props(f).ReservedConcurrentExecutions !== undefined);
    expect(limited.map(([id]) => id).sort()).toEqual([...ids, s.id(s.stack.functions.unsubscribe.fn)].sort());
  });
});

describe("functions", () => {
  it("run Node.js 24 on ARM64 with source maps and their own log group with a retention", () => {
    const fns = ofType(s, "AWS::Lambda::Function");
    expect(fns).toHaveLength(Object.keys(QUEUE_WORKERS).length + Object.keys(SCHEDULED).length + Object.keys(HTTP_FUNCTIONS).length);
    for (const [id, f] of fns) {
      const p = props(f);
      expect(p.Runtime, id).toBe("nodejs24.x");
      expect(p.Architectures, id).toEqual(["arm64"]);
      expect(p.Environment.Variables.NODE_OPTIONS, id).toBe("--enable-source-maps");
      const group = res(refOf(p.LoggingConfig?.LogGroup) as string);
      expect(group?.Type, id).toBe("AWS::Logs::LogGroup");
      expect(props(group).RetentionInDays, id).toBeGreaterThan(0);
    }
  });

  it("runs the scheduled steps at their rate, retried by EventBridge into a dead-letter queue, with an error alarm", () => {
    for (const k of Object.keys(SCHEDULED) as (keyof typeof SCHEDULED)[]) {
      const fnId = s.id(s.stack.functions[k].fn);
      const rules = ofType(s, "AWS::Events::Rule").filter(([, r]) => props(r).Targets.some((t: { Arn: unknown }) => refOf(t.Arn) === fnId));
      expect(rules, k).toHaveLength(1);
      const [, rule] = rules[0] as [string, Resource];
      expect(props(rule).ScheduleExpression).toBe(`rate(${SCHEDULED[k].rate})`);
      const target = props(rule).Targets[0];
      expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
      expect(refOf(target.DeadLetterConfig.Arn)).toBeDefined();
      const errors = ofType(s, "AWS::CloudWatch::Alarm").filter(
        ([, a]) => props(a).MetricName === "Errors" && props(a).Dimensions.some((d: { Value: unknown }) => refOf(d.Value) === fnId),
      );
      expect(errors, k).toHaveLength(1);
    }
  });
});

describe("buckets", () => {
  const policyStatements = (bucketId: string) =>
    ofType(s, "AWS::S3::BucketPolicy")
      .filter(([, p]) => refOf(props(p).Bucket) === bucketId)
      .flatMap(([, p]) => props(p).PolicyDocument.Statement as Record<string, any>[]); // eslint-disable-line @typescript-eslint/no-explicit-any
  const isPublic = (principal: unknown) => principal === "*" || (principal as { AWS?: unknown })?.AWS === "*";
  const list = (v: unknown) => (Array.isArray(v) ? v : [v]);

  it("encrypts and versions every bucket, expires old versions, and denies plain HTTP", () => {
    const buckets = ofType(s, "AWS::S3::Bucket");
    expect(buckets).toHaveLength(3);
    for (const [id, b] of buckets) {
      const p = props(b);
      expect(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, id).toMatch(/^(AES256|aws:kms)$/);
      expect(p.VersioningConfiguration.Status, id).toBe("Enabled");
      const rules = p.LifecycleConfiguration.Rules;
      expect(
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        rules.some((r: any) => r.NoncurrentVersionExpiration?.NoncurrentDays > 0),
        id,
      ).toBe(true);
      expect(
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        rules.some((r: any) => r.AbortIncompleteMultipartUpload?.DaysAfterInitiation > 0),
        id,
      ).toBe(true);
      const tls = policyStatements(id).filter((st) => st.Effect === "Deny" && st.Condition?.Bool?.["aws:SecureTransport"] === "false");
      expect(tls.length, id).toBe(1);
      const covered = list(tls[0]?.Resource).map(resourceRef);
      expect(list(tls[0]?.Action), id).toContain("s3:*");
      expect(
        covered.some((r) => r.id === id && r.suffix === ""),
        id,
      ).toBe(true);
      expect(
        covered.some((r) => r.id === id && r.suffix === "/*"),
        id,
      ).toBe(true);
    }
  });

  it("logs access of the artifacts and log buckets to the access-log bucket", () => {
    const accessLogs = s.id(s.stack.buckets.accessLogs);
    for (const b of [s.stack.buckets.artifacts, s.stack.buckets.log])
      expect(refOf(props(res(s.id(b))).LoggingConfiguration?.DestinationBucketName)).toBe(accessLogs);
  });

  it("makes only the log bucket public, for s3:GetObject on the log's published paths (never .staging/)", () => {
    const logId = s.id(s.stack.buckets.log);
    const publicStatements = ofType(s, "AWS::S3::Bucket").flatMap(([id]) =>
      policyStatements(id)
        .filter((st) => st.Effect === "Allow" && isPublic(st.Principal))
        .map((st) => ({ id, st })),
    );
    expect(publicStatements.length).toBeGreaterThan(0);
    for (const { id, st } of publicStatements) {
      expect(id).toBe(logId);
      expect(list(st.Action)).toEqual(["s3:GetObject"]);
      expect(st.Condition).toBeUndefined();
      const paths = list(st.Resource).map(resourceRef);
      for (const r of paths) {
        expect(r.id, r.text).toBe(logId);
        expect(PUBLIC_LOG_PATHS.map((p) => `/${p}`)).toContain(r.suffix);
        for (const key of [".staging/0", ".staging/4096", "cpansec/head"])
          expect(patternMatches(r.suffix, `/${key}`), `${r.suffix} exposes ${key}`).toBe(false);
      }
      for (const key of ["checkpoint", "vkey", "tile/0/000", "tile/entries/x001/234.p/7", "feeds/releases.xml"]) {
        expect(
          paths.some((r) => patternMatches(r.suffix, `/${key}`)),
          `${key} is readable`,
        ).toBe(true);
      }
    }
    for (const [id, b] of ofType(s, "AWS::S3::Bucket")) {
      const block = props(b).PublicAccessBlockConfiguration;
      expect(block.BlockPublicAcls && block.IgnorePublicAcls, id).toBe(true);
      expect(block.BlockPublicPolicy && block.RestrictPublicBuckets, id).toBe(id !== logId);
    }
  });

  it("lets browsers GET and HEAD the log (CORS)", () => {
    const cors = props(res(s.id(s.stack.buckets.log))).CorsConfiguration.CorsRules;
    expect(cors).toEqual([expect.objectContaining({ AllowedMethods: ["GET", "HEAD"], AllowedOrigins: ["*"] })]);
  });
});

describe("tables", () => {
  it("are the tables of resources.ts: on demand, point-in-time recovery, encrypted, retained, string keys, their indexes and TTL", () => {
    expect(ofType(s, "AWS::DynamoDB::Table")).toHaveLength(Object.keys(TABLES).length);
    for (const k of Object.keys(TABLES) as TableKey[]) {
      const spec = TABLES[k];
      const id = s.id(s.stack.tables.byKey[k]);
      const t = res(id) as Resource & { DeletionPolicy?: string };
      const p = props(t);
      expect(p.BillingMode, spec.name).toBe("PAY_PER_REQUEST");
      expect(p.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled, spec.name).toBe(true);
      expect(p.SSESpecification?.SSEEnabled, spec.name).toBe(true);
      expect(t.DeletionPolicy, spec.name).toBe("Retain");
      expect(
        p.AttributeDefinitions.every((a: { AttributeType: string }) => a.AttributeType === "S"),
        spec.name,
      ).toBe(true);
      const keys = (ks: { AttributeName: string; KeyType: string }[]) => Object.fromEntries(ks.map((x) => [x.KeyType, x.AttributeName]));
      expect(keys(p.KeySchema), spec.name).toEqual({ HASH: spec.partitionKey, ...("sortKey" in spec ? { RANGE: spec.sortKey } : {}) });
      const gsis = (p.GlobalSecondaryIndexes ?? []).map((g: { IndexName: string; KeySchema: []; Projection: { ProjectionType: string } }) => ({
        name: g.IndexName,
        keys: keys(g.KeySchema),
        projection: g.Projection.ProjectionType,
      }));
      expect(gsis, spec.name).toEqual(
        spec.indexes.map((i) => ({ name: i.name, keys: { HASH: i.partitionKey, ...(i.sortKey ? { RANGE: i.sortKey } : {}) }, projection: "ALL" })),
      );
      expect(p.TimeToLiveSpecification, spec.name).toEqual("ttl" in spec ? { AttributeName: spec.ttl, Enabled: true } : undefined);
    }
  });
});

describe("environment", () => {
  it("gives every function every table name, queue URL and setting, by the names in resources.ts", () => {
    for (const [id, f] of ofType(s, "AWS::Lambda::Function")) {
      const vars = props(f).Environment.Variables;
      for (const k of Object.keys(TABLES) as TableKey[]) expect(refOf(vars[TABLES[k].env]), `${id} ${TABLES[k].env}`).toBe(s.id(s.stack.tables.byKey[k]));
      for (const k of Object.keys(QUEUE_WORKERS) as QueueKey[])
        expect(res(refOf(vars[QUEUE_WORKERS[k].env]) as string)?.Type, `${id} ${QUEUE_WORKERS[k].env}`).toBe("AWS::SQS::Queue");
      // The unsubscribe URL goes to deliver only (the one step that links to it).
      for (const name of Object.values(ENV))
        expect(vars[name] !== undefined, `${id} ${name}`).toBe(name !== ENV.unsubscribeUrl || id === s.id(s.stack.functions.deliver.fn));
      expect(vars[ENV.sesIdentity], id).toBe("alerts@example.org");
    }
  });
});

describe("function URLs", () => {
  it("exist only for the HTTP functions, without AWS auth, and deliver links to the unsubscribe one", () => {
    const urls = ofType(s, "AWS::Lambda::Url");
    expect(urls.map(([, u]) => refOf(props(u).TargetFunctionArn)).sort()).toEqual(
      (Object.keys(HTTP_FUNCTIONS) as (keyof typeof HTTP_FUNCTIONS)[]).map((k) => s.id(s.stack.functions[k].fn)).sort(),
    );
    for (const [id, u] of urls) expect(props(u).AuthType, id).toBe("NONE");
    const deliver = props(res(s.id(s.stack.functions.deliver.fn))).Environment.Variables;
    expect(refOf(deliver[ENV.unsubscribeUrl])).toBe(urls[0]?.[0]);
  });
});

describe("outputs", () => {
  it("name the buckets, tables and secrets, and give the log's public URL and verifier key URL", () => {
    const out = s.json.Outputs as Record<string, { Value: unknown }>;
    expect(refOf(out.ArtifactsBucketName?.Value)).toBe(s.id(s.stack.buckets.artifacts));
    expect(refOf(out.LogBucketName?.Value)).toBe(s.id(s.stack.buckets.log));
    const url = JSON.stringify(out.LogUrl?.Value);
    expect(url).toContain('"https://"');
    expect(url).toContain(`["${s.id(s.stack.buckets.log)}","RegionalDomainName"]`);
    expect(JSON.stringify(out.VerifierKeyUrl?.Value)).toContain('"/vkey"');
    for (const k of Object.keys(TABLES) as TableKey[]) {
      expect(
        Object.values(out).some((o) => refOf(o.Value) === s.id(s.stack.tables.byKey[k])),
        TABLES[k].name,
      ).toBe(true);
    }
    for (const key of ["LogKeySecretArn", "PauseKeySecretArn"]) expect(res(refOf(out[key]?.Value) as string)?.Type, key).toBe("AWS::SecretsManager::Secret");
    for (const k of Object.keys(s.stack.deadLetterQueues) as (keyof typeof s.stack.deadLetterQueues)[]) {
      expect(
        Object.values(out).some((o) => refOf(o.Value) === s.id(s.stack.deadLetterQueues[k])),
        `${k} DLQ`,
      ).toBe(true);
    }
  });
});

describe("configuration", () => {
  it("uses a configured log origin, and turns email off (no identity, no SES grant) without sesIdentity", () => {
    const bare = synthesize({ "aws:cdk:bundling-stacks": [], logOrigin: "cpansec.example.org/log" });
    expect(ofType(bare, "AWS::SES::EmailIdentity")).toEqual([]);
    expect(ofType(bare, "AWS::SNS::Subscription")).toEqual([]);
    for (const [id, f] of ofType(bare, "AWS::Lambda::Function")) {
      const vars = props(f).Environment.Variables;
      expect(vars[ENV.logOrigin], id).toBe("cpansec.example.org/log");
      expect(vars[ENV.sesIdentity], id).toBe("");
    }
    const policies = JSON.stringify(ofType(bare, "AWS::IAM::Policy"));
    expect(policies).not.toContain("ses:");
    // The default origin is where the log is served: the log bucket's regional domain name.
    const [, anyFn] = ofType(s, "AWS::Lambda::Function")[0] as [string, Resource];
    expect(props(anyFn).Environment.Variables[ENV.logOrigin]).toEqual({ "Fn::GetAtt": [s.id(s.stack.buckets.log), "RegionalDomainName"] });
  });

  it("ships PAUSE's public key, armored, as the PAUSE key secret's initial value", async () => {
    const [, secret] = ofType(s, "AWS::SecretsManager::Secret").find(([id]) => id.includes("PauseKey")) as [string, Resource];
    const armored = props(secret).SecretString as string;
    expect(armored).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----\n[\s\S]+-----END PGP PUBLIC KEY BLOCK-----\n?$/);
    const keys = await readKeys({ armoredKeys: armored });
    expect(keys.map((k) => k.getFingerprint().toUpperCase())).toEqual(["2E66557AB97C19C791AF8E20328DA867450F89EC"]);
    const [, logKey] = ofType(s, "AWS::SecretsManager::Secret").find(([id]) => id.includes("LogSigningKey")) as [string, Resource];
    expect(props(logKey).GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
    expect(props(logKey).SecretString).toBeUndefined();
  });
});

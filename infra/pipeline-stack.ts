/**
 * The pipeline on AWS (docs/architecture.md: the flow, infrastructure), composed from resources.ts: the buckets, the tables, one
 * queue-worker per queued step, the scheduled steps, the HTTP (function URL) functions, the secrets and mail, each function's
 * grants (access.ts), and the outputs an operator needs to find and read the results.
 */
import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { ENV, HTTP_FUNCTIONS, SCHEDULED, TABLES, type TableKey } from "../shared/adapters/aws/resources";
import { QUEUE_WORKERS, type QueueKey, type StepTable } from "../shared/steps";
import { type StepKey, accessOf } from "./access";
import { AlarmTopic } from "./constructs/alarm-topic";
import { PipelineBuckets } from "./constructs/buckets";
import { Mail } from "./constructs/mail";
import type { PipelineFunction } from "./constructs/pipeline-function";
import { PipelineSecrets } from "./constructs/pipeline-secrets";
import { PipelineTables } from "./constructs/tables";
import { QueueWorker } from "./constructs/queue-worker";
import { ScheduledFunction } from "./constructs/scheduled-function";
import { HttpFunction } from "./constructs/http-function";
import { grantAccess } from "./grants";
import { PATCH_SOURCE_PREFIX } from "../shared/adapters/aws/s3-patch-source";
import { PATCHES_IN_BUCKET, type StageConfig } from "./stage-config";

export interface PipelineStackProps extends StackProps {
  readonly config: StageConfig;
  /** The step table (default shared/steps.ts; a test adds a row): one queue worker per row. */
  readonly steps?: StepTable;
}

/** Seconds the oldest message of a queue may wait before its alarm fires (default 15 minutes). */
const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_, _d, c: string) => c.toUpperCase());

export class PipelineStack extends Stack {
  readonly functions: Readonly<Record<StepKey, PipelineFunction>>;
  readonly buckets: PipelineBuckets;
  readonly tables: PipelineTables;
  readonly queues: Readonly<Record<QueueKey, sqs.Queue>>;
  /** Each queued or scheduled step's dead-letter queue (queue redrive, or failed scheduled runs). */
  readonly deadLetterQueues: Readonly<Record<QueueKey | keyof typeof SCHEDULED, sqs.Queue>>;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, { description: "cpansec: CPAN supply-chain security pipeline", ...props });
    const { config } = props;
    const steps: StepTable = props.steps ?? QUEUE_WORKERS;
    const alarms = new AlarmTopic(this, "Alarms", config.alarmEmail ? { email: config.alarmEmail } : {});
    const buckets = (this.buckets = new PipelineBuckets(this, "Buckets"));
    const tables = (this.tables = new PipelineTables(this, "Tables"));
    const secrets = new PipelineSecrets(this, "Secrets");
    const mail = new Mail(this, "Mail", config.sesIdentity ? { identity: config.sesIdentity } : {});

    // Every function gets the same environment (the handlers validate what they need at cold
    // start); what each may do with it is decided by its grants alone.
    const environment: Record<string, string> = {
      ...Object.fromEntries((Object.keys(TABLES) as TableKey[]).map((k) => [TABLES[k].env, tables.byKey[k].tableName])),
      [ENV.artifactsBucket]: buckets.artifacts.bucketName,
      [ENV.logBucket]: buckets.log.bucketName,
      [ENV.mirrorUrl]: config.mirrorUrl,
      [ENV.feedUrl]: config.feedUrl,
      ...(config.patchesUrl
        ? { [ENV.patchesUrl]: config.patchesUrl === PATCHES_IN_BUCKET ? `s3://${buckets.artifacts.bucketName}/${PATCH_SOURCE_PREFIX}` : config.patchesUrl }
        : {}),
      [ENV.logOrigin]: config.logOrigin ?? buckets.log.bucketRegionalDomainName,
      [ENV.logKeySecret]: secrets.logKey.secretArn,
      [ENV.pauseKeySecret]: secrets.pauseKey.secretArn,
      [ENV.feedKeySecret]: secrets.feedKey.secretArn,
      [ENV.unsubscribeKeySecret]: secrets.unsubscribeKey.secretArn,
      [ENV.overlayKeySecret]: secrets.overlayKey.secretArn,
      [ENV.sesIdentity]: mail.identityName,
      [ENV.sesConfigurationSet]: mail.configurationSet.configurationSetName,
      [ENV.publicLogUrl]: buckets.logUrl,
    };

    const workers = Object.fromEntries(
      Object.keys(steps).map((k) => {
        const spec = steps[k] as StepTable[string];
        return [k, new QueueWorker(this, pascal(spec.name), { spec, environment, alarms, maxMessageAge: spec.maxMessageAge })];
      }),
    ) as Record<QueueKey, QueueWorker>;
    const scheduled = Object.fromEntries(
      (Object.keys(SCHEDULED) as (keyof typeof SCHEDULED)[]).map((k) => [
        k,
        new ScheduledFunction(this, pascal(SCHEDULED[k].name), { spec: SCHEDULED[k], environment, alarms }),
      ]),
    ) as Record<keyof typeof SCHEDULED, ScheduledFunction>;
    const http = Object.fromEntries(
      (Object.keys(HTTP_FUNCTIONS) as (keyof typeof HTTP_FUNCTIONS)[]).map((k) => [
        k,
        new HttpFunction(this, pascal(HTTP_FUNCTIONS[k].name), { spec: HTTP_FUNCTIONS[k], environment, alarms }),
      ]),
    ) as Record<keyof typeof HTTP_FUNCTIONS, HttpFunction>;

    this.functions = {
      ...(Object.fromEntries(Object.entries(workers).map(([k, w]) => [k, w.function])) as Record<QueueKey, PipelineFunction>),
      ...(Object.fromEntries(Object.entries(scheduled).map(([k, s]) => [k, s.function])) as Record<keyof typeof SCHEDULED, PipelineFunction>),
      ...(Object.fromEntries(Object.entries(http).map(([k, h]) => [k, h.function])) as Record<keyof typeof HTTP_FUNCTIONS, PipelineFunction>),
    };
    this.deadLetterQueues = Object.fromEntries([...Object.entries(workers), ...Object.entries(scheduled)].map(([k, w]) => [k, w.deadLetterQueue])) as Record<
      QueueKey | keyof typeof SCHEDULED,
      sqs.Queue
    >;
    // Queue URLs exist only once every worker does; each function learns all of them.
    const queues = (this.queues = Object.fromEntries(Object.entries(workers).map(([k, w]) => [k, w.queue])) as Record<QueueKey, sqs.Queue>);
    for (const f of Object.values(this.functions)) {
      for (const k of Object.keys(queues) as QueueKey[]) f.fn.addEnvironment(steps[k]?.env as string, queues[k].queueUrl);
    }

    // Only deliver links to the unsubscribe page (a URL on every function would make the
    // unsubscribe function depend on its own URL).
    workers.deliver.function.fn.addEnvironment(ENV.unsubscribeUrl, http.unsubscribe.url.url);

    const targets = {
      tables: tables.byKey,
      queues,
      artifacts: buckets.artifacts,
      log: buckets.log,
      secrets: {
        logKey: secrets.logKey,
        pauseKey: secrets.pauseKey,
        feedKey: secrets.feedKey,
        unsubscribeKey: secrets.unsubscribeKey,
        overlayKey: secrets.overlayKey,
      },
      mail,
    };
    const access = accessOf(steps);
    for (const [k, f] of Object.entries(this.functions)) grantAccess(f.role, access[k] as (typeof access)[string], targets);

    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output("ArtifactsBucketName", buckets.artifacts.bucketName, "Private artifacts: archives/, releases/<AUTHOR>/<filename>/, advisories/, events/, index/");
    output("LogBucketName", buckets.log.bucketName, "The public C2SP tiled transparency log");
    output("LogUrl", buckets.logUrl, "Public base URL of the transparency log (checkpoint, tile/, vkey, feeds/)");
    output("VerifierKeyUrl", `${buckets.logUrl}/vkey`, "The log's verifier key (text), for cpansec log verify --vkey");
    output("LogOrigin", config.logOrigin ?? buckets.log.bucketRegionalDomainName, "The log's origin line");
    output("LogKeySecretArn", secrets.logKey.secretArn, "Secrets Manager secret: the log signing key seed");
    output("PauseKeySecretArn", secrets.pauseKey.secretArn, "Secrets Manager secret: armored PAUSE public key(s)");
    output("FeedKeySecretArn", secrets.feedKey.secretArn, "Secrets Manager secret: armored PGP public key(s) trusted to sign the advisory feed, or none");
    output(
      "OverlayKeySecretArn",
      secrets.overlayKey.secretArn,
      "Secrets Manager secret: armored OpenPGP private key signing the patched CPAN overlay, or none",
    );
    output("UnsubscribeKeySecretArn", secrets.unsubscribeKey.secretArn, "Secrets Manager secret: key of the email unsubscribe links");
    output("UnsubscribeUrl", http.unsubscribe.url.url, "One-click unsubscribe endpoint (Lambda function URL) linked from emails");
    output("AlarmTopicArn", alarms.topic.topicArn, "SNS topic every alarm notifies");
    for (const k of Object.keys(TABLES) as TableKey[])
      output(`${pascal(TABLES[k].name)}TableName`, tables.byKey[k].tableName, `DynamoDB table ${TABLES[k].name}`);
    for (const [k, w] of Object.entries(workers)) {
      const queue = (steps[k] as StepTable[string]).name;
      const name = pascal(queue);
      output(`${name}QueueUrl`, w.queue.queueUrl, `${queue} queue`);
      output(`${name}DeadLetterQueueUrl`, w.deadLetterQueue.queueUrl, `${queue} dead-letter queue`);
      output(`${name}DeadLetterQueueArn`, w.deadLetterQueue.queueArn, `${queue} dead-letter queue (redrive: aws sqs start-message-move-task --source-arn)`);
    }
    for (const [k, s] of Object.entries(scheduled) as [keyof typeof SCHEDULED, ScheduledFunction][]) {
      output(`${pascal(SCHEDULED[k].name)}DeadLetterQueueUrl`, s.deadLetterQueue.queueUrl, `${SCHEDULED[k].name}: failed scheduled runs`);
    }
  }
}

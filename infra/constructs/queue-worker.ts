/**
 * A pipeline step fed by a queue (docs/architecture.md, infrastructure): the function, its queue and dead-letter queue, the
 * event source, and two alarms (anything in the DLQ; work waiting too long on the queue).
 *
 * SQS delivers at least once and handlers are idempotent; a failed record is retried alone
 * (reportBatchItemFailures) until maxReceiveCount, then parks in the DLQ for a redrive.
 */
import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { QueueSpec } from "../../shared/steps";
import type { AlarmTopic } from "./alarm-topic";
import { PipelineFunction } from "./pipeline-function";

export interface QueueWorkerProps {
  readonly spec: QueueSpec;
  readonly environment: Readonly<Record<string, string>>;
  readonly alarms: AlarmTopic;
  /** Seconds the oldest message may wait before the age alarm fires. */
  readonly maxMessageAge: number;
}

const queueDefaults = {
  encryption: sqs.QueueEncryption.SQS_MANAGED,
  enforceSSL: true,
  retentionPeriod: Duration.days(14),
} satisfies sqs.QueueProps;

export class QueueWorker extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly function: PipelineFunction;

  constructor(scope: Construct, id: string, props: QueueWorkerProps) {
    super(scope, id);
    const { spec } = props;
    // Senders give a deduplication id (the release id and step), so content-based dedup stays off.
    const fifo = spec.fifo ? { fifo: true, contentBasedDeduplication: false } : {};
    this.deadLetterQueue = new sqs.Queue(this, "DeadLetterQueue", { ...queueDefaults, ...fifo });
    this.queue = new sqs.Queue(this, "Queue", {
      ...queueDefaults,
      ...fifo,
      visibilityTimeout: Duration.seconds(spec.visibilityTimeout),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: spec.maxReceiveCount },
    });

    this.function = new PipelineFunction(this, "Worker", {
      entry: spec.entry,
      timeout: spec.timeout,
      memorySize: spec.memorySize,
      environment: props.environment,
      // The FIFO step is the log's single writer: one batch at a time. The sequencer's
      // compare-and-swap on the log head is what keeps the log whole; this keeps it uncontended.
      ...(spec.fifo ? { reservedConcurrentExecutions: 1 } : {}),
    });
    this.function.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: spec.batchSize,
        reportBatchItemFailures: true,
        // FIFO event sources take no batching window.
        ...(spec.fifo ? {} : { maxBatchingWindow: Duration.seconds(2) }),
      }),
    );

    props.alarms.watch(
      new cloudwatch.Alarm(this, "DeadLettersAlarm", {
        alarmDescription: `${spec.name}: messages in the dead-letter queue (failed ${spec.maxReceiveCount} times); see docs/aws.md to redrive`,
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: "Maximum" }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    props.alarms.watch(
      new cloudwatch.Alarm(this, "OldestMessageAlarm", {
        alarmDescription: `${spec.name}: the oldest message has waited more than ${props.maxMessageAge} s`,
        metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: "Maximum" }),
        threshold: props.maxMessageAge,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}

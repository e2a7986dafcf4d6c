/**
 * A pipeline step run on a schedule (watch-uploads every minute, refresh-advisories every hour).
 * EventBridge invokes it asynchronously: invocations EventBridge cannot deliver, and runs that fail,
 * end in one dead-letter queue; an alarm fires on function errors and on anything in that queue.
 *
 * The function itself is not retried (retryAttempts 0): both steps work from a stored cursor, so
 * the next scheduled run does the failed run's work anyway.
 */
import { Duration, Validations } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as events from "aws-cdk-lib/aws-events";
import * as destinations from "aws-cdk-lib/aws-lambda-destinations";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { AlarmTopic } from "./alarm-topic";
import { PipelineFunction } from "./pipeline-function";

export interface ScheduleSpec {
  readonly name: string;
  readonly entry: string;
  /** "1 minute", "1 hour", "5 minutes", ... */
  readonly rate: string;
  readonly timeout: number;
  readonly memorySize: number;
}

export interface ScheduledFunctionProps {
  readonly spec: ScheduleSpec;
  readonly environment: Readonly<Record<string, string>>;
  readonly alarms: AlarmTopic;
}

export function parseRate(rate: string): Duration {
  const m = /^(\d+) (minute|hour|day)s?$/.exec(rate);
  if (!m) throw new Error(`schedule rate ${JSON.stringify(rate)}: expected "<n> minute(s)|hour(s)|day(s)"`);
  const n = Number(m[1]);
  return m[2] === "minute" ? Duration.minutes(n) : m[2] === "hour" ? Duration.hours(n) : Duration.days(n);
}

export class ScheduledFunction extends Construct {
  readonly function: PipelineFunction;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ScheduledFunctionProps) {
    super(scope, id);
    const { spec } = props;
    const rate = parseRate(spec.rate);
    this.deadLetterQueue = new sqs.Queue(this, "DeadLetterQueue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason:
        "This queue is itself a dead-letter queue: of the schedule's EventBridge target and of the function's failed asynchronous runs (neither is an SQS redrive policy, which is all the rule recognises).",
    });
    this.function = new PipelineFunction(this, "Worker", {
      entry: spec.entry,
      timeout: spec.timeout,
      memorySize: spec.memorySize,
      environment: props.environment,
    });
    this.function.fn.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: rate.toSeconds() < 120 ? Duration.minutes(2) : rate,
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
    });

    new events.Rule(this, "Schedule", {
      description: `Runs ${spec.name} every ${spec.rate}`,
      schedule: events.Schedule.rate(rate),
      targets: [new targets.LambdaFunction(this.function.fn, { retryAttempts: 2, maxEventAge: Duration.hours(1), deadLetterQueue: this.deadLetterQueue })],
    });

    props.alarms.watch(
      new cloudwatch.Alarm(this, "ErrorsAlarm", {
        alarmDescription: `${spec.name}: the scheduled run failed`,
        metric: this.function.fn.metricErrors({ period: Duration.minutes(5), statistic: "Sum" }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    props.alarms.watch(
      new cloudwatch.Alarm(this, "DeadLettersAlarm", {
        alarmDescription: `${spec.name}: scheduled runs that failed or could not be delivered (dead-letter queue)`,
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: "Maximum" }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}

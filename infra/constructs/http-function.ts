/**
 * A function behind a Lambda function URL: public HTTPS with no AWS authentication, because the
 * request carries its own proof (the unsubscribe link's HMAC token). An alarm fires on errors.
 */
import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import type { AlarmTopic } from "./alarm-topic";
import { PipelineFunction } from "./pipeline-function";

export interface HttpFunctionSpec {
  readonly name: string;
  readonly entry: string;
  readonly timeout: number;
  readonly memorySize: number;
  /** Reserved (and so maximum) concurrent executions. */
  readonly reservedConcurrency: number;
}

export class HttpFunction extends Construct {
  readonly function: PipelineFunction;
  readonly url: lambda.FunctionUrl;

  constructor(
    scope: Construct,
    id: string,
    props: { readonly spec: HttpFunctionSpec; readonly environment: Readonly<Record<string, string>>; readonly alarms: AlarmTopic },
  ) {
    super(scope, id);
    const { spec } = props;
    this.function = new PipelineFunction(this, "Worker", {
      entry: spec.entry,
      timeout: spec.timeout,
      memorySize: spec.memorySize,
      environment: props.environment,
      reservedConcurrentExecutions: spec.reservedConcurrency,
    });
    this.url = this.function.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    props.alarms.watch(
      new cloudwatch.Alarm(this, "ErrorsAlarm", {
        alarmDescription: `${spec.name}: requests failed`,
        metric: this.function.fn.metricErrors({ period: Duration.minutes(5), statistic: "Sum" }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}

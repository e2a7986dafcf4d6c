/**
 * Builds the CDK app: the stage configuration from context, the stack, and cdk-nag's AwsSolutions
 * checks. app.ts (the `cdk` entry) and test/infra build it the same way, so tests synthesize what
 * `cdk synth` does (minus bundling, which tests skip with the `aws:cdk:bundling-stacks` context).
 */
import { App, type AppProps, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { PipelineStack, type PipelineStackProps } from "./pipeline-stack";
import { readStageConfig } from "./stage-config";

/**
 * Feature flags the template depends on, set here rather than in cdk.json so every way of building
 * the app (cdk, tests) gets the same template.
 */
export const FEATURE_FLAGS = {
  // Server access logs are delivered under a bucket policy, not the legacy log-delivery ACL.
  "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": true,
  "@aws-cdk/aws-s3:createDefaultLoggingPolicy": true,
  // One statement per resource set instead of one per grant call.
  "@aws-cdk/aws-iam:minimizePolicies": true,
  "@aws-cdk/core:checkSecretUsage": true,
  "@aws-cdk/core:enablePartitionLiterals": true,
  "@aws-cdk/aws-events:eventsTargetQueueSameAccount": true,
} as const;

/** Runs the AwsSolutions rule pack on every synth; unacknowledged errors fail it. */
export function addNagChecks(app: App): AwsSolutionsChecks {
  const checks = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(checks);
  return checks;
}

export function createPipelineApp(props: AppProps = {}, o: Pick<PipelineStackProps, "steps"> = {}): { app: App; stack: PipelineStack } {
  const app = new App({ ...props, context: { ...FEATURE_FLAGS, ...props.context } });
  const config = readStageConfig((key) => app.node.tryGetContext(key));
  const stack = new PipelineStack(app, `cpansec-${config.stageName}`, { config, ...o });
  addNagChecks(app);
  return { app, stack };
}

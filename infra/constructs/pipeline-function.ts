/**
 * One pipeline Lambda function, built the same way for every step: Node.js 24 on ARM64, bundled
 * locally by esbuild (no Docker) as resources.ts BUNDLING says (the AWS SDK comes from the
 * runtime), source maps on, its own log group with a retention, and its own role holding
 * only what grants add (no managed policy: writing to its log group is the one permission it
 * starts with).
 */
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { join } from "node:path";
import { BUNDLING } from "../../shared/adapters/aws/resources";
import { repoRoot } from "../repo-root";

export interface PipelineFunctionProps {
  /** The handler file, relative to the repository root (resources.ts `entry`). */
  readonly entry: string;
  readonly timeout: number;
  readonly memorySize: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly reservedConcurrentExecutions?: number;
}

/** esbuild options for every function: resources.ts BUNDLING (shared with the bench and e2e bundles), plus minify and source maps. */
export const FUNCTION_BUNDLING: nodejs.BundlingOptions = {
  minify: true,
  sourceMap: true,
  format: nodejs.OutputFormat.CJS,
  target: BUNDLING.target,
  externalModules: [...BUNDLING.externalModules],
  define: { ...BUNDLING.define },
  banner: BUNDLING.banner,
  forceDockerBundling: false,
  // esbuild's size table per function is noise in `cdk synth --quiet` (warnings and errors still show).
  logLevel: nodejs.LogLevel.WARNING,
};

export class PipelineFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, "Logs", { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    this.role = new iam.Role(this, "Role", { assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com") });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [logGroup.logGroupArn] }));
    this.fn = new nodejs.NodejsFunction(this, "Function", {
      entry: join(repoRoot, props.entry),
      handler: "handler",
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: Duration.seconds(props.timeout),
      memorySize: props.memorySize,
      role: this.role,
      logGroup,
      projectRoot: repoRoot,
      depsLockFilePath: join(repoRoot, "package-lock.json"),
      bundling: FUNCTION_BUNDLING,
      environment: { ...props.environment, NODE_OPTIONS: "--enable-source-maps" },
      ...(props.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
    });
  }
}

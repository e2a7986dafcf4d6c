/**
 * Turns a step's StepAccess (access.ts) into grants on its role: data-plane table actions (indexes
 * included), SendMessage on named queues, object actions on key patterns, GetSecretValue on named
 * secrets. Key patterns and index ARNs end in `*`; each is acknowledged (AwsSolutions-IAM5) with
 * the resource and prefix it stands for.
 */
import { type CfnElement, Stack, Validations } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { TABLES, type TableKey } from "../shared/adapters/aws/resources";
import type { SecretKey, StepAccess, TableAccess } from "../shared/steps";
import type { Mail } from "./constructs/mail";

export interface GrantTargets {
  readonly tables: Readonly<Record<TableKey, dynamodb.Table>>;
  /** Each step table row's queue, by its key. */
  readonly queues: Readonly<Record<string, sqs.IQueue>>;
  readonly artifacts: s3.IBucket;
  readonly log: s3.IBucket;
  readonly secrets: Readonly<Record<SecretKey, secretsmanager.ISecret>>;
  readonly mail: Mail;
}

export function grantAccess(role: iam.Role, access: StepAccess, t: GrantTargets): void {
  const tables = Object.entries(access.tables) as [TableKey, TableAccess][];
  for (const [key, mode] of tables) {
    if (mode === "read") t.tables[key].grantReadData(role);
    else if (mode === "readWrite") t.tables[key].grantReadWriteData(role);
    else role.addToPrincipalPolicy(itemStatement(t.tables[key], mode.items));
  }
  for (const key of access.sends) {
    const queue = t.queues[key];
    if (!queue) throw new Error(`${role.node.path} sends to ${key}, which is no step table row`);
    queue.grantSendMessages(role);
  }
  grantObjects(role, t.artifacts, access.artifacts);
  grantObjects(role, t.log, access.log);
  for (const key of access.secrets) t.secrets[key].grantRead(role);
  if (access.email) t.mail.grantSend(role);

  acknowledgeWildcards(role, access, t);
}

/**
 * Acknowledges each wildcard finding (AwsSolutions-IAM5[...]) the grants above produce, one by one,
 * so any other wildcard still fails the synth.
 */
function acknowledgeWildcards(role: iam.Role, access: StepAccess, t: GrantTargets): void {
  const ack = (finding: string, reason: string) => Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  const buckets = [
    { bucket: t.artifacts, name: "artifacts", patterns: [...access.artifacts.read, ...access.artifacts.write] },
    { bucket: t.log, name: "log", patterns: [...access.log.read, ...access.log.write] },
  ].filter((b) => b.patterns.length > 0);
  for (const { bucket, name, patterns } of buckets) {
    for (const p of new Set(patterns)) {
      ack(
        `Resource::<${logicalId(bucket)}.Arn>/${p}`,
        `Object actions on the ${name} bucket's keys matching ${p}: the keys under it are per release or per tile (docs/architecture.md, storage layout) and cannot be listed in a policy.`,
      );
    }
  }
  if (buckets.length > 0) {
    for (const action of ["s3:GetObject*", "s3:GetBucket*", "s3:List*"]) {
      ack(
        `Action::${action}`,
        `${action} is the CDK read grant's action group (GetObject with its version/ACL variants, bucket location, ListBucket so a missing key reads as 404), on the key patterns acknowledged on this role only.`,
      );
    }
  }
  if ([...access.artifacts.write, ...access.log.write].length > 0) {
    ack("Action::s3:Abort*", "s3:Abort* (AbortMultipartUpload) comes with the CDK put grant, on the acknowledged key patterns only.");
  }
  for (const key of Object.keys(access.tables) as TableKey[]) {
    if (TABLES[key].indexes.length === 0 || typeof access.tables[key] === "object") continue; // item access never reaches an index
    ack(
      `Resource::<${logicalId(t.tables[key])}.Arn>/index/*`,
      `Queries use the ${TABLES[key].name} table's global secondary indexes (${TABLES[key].indexes.map((i) => i.name).join(", ")}); <table ARN>/index/* covers that table's indexes only.`,
    );
  }
}

/**
 * AWS's pattern for attribute-level access: every attribute the request names is in the list,
 * a read must ask for specific attributes (Select), and a write returns nothing beyond them.
 */
function itemStatement(table: dynamodb.Table, attributes: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
    resources: [table.tableArn],
    conditions: {
      "ForAllValues:StringEquals": { "dynamodb:Attributes": [...attributes] },
      StringEqualsIfExists: { "dynamodb:Select": "SPECIFIC_ATTRIBUTES", "dynamodb:ReturnValues": ["NONE", "UPDATED_OLD", "UPDATED_NEW"] },
    },
  });
}

const logicalId = (c: Construct) => Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);

function grantObjects(role: iam.Role, bucket: s3.IBucket, a: StepAccess["artifacts"]): void {
  for (const pattern of a.read) bucket.grantRead(role, pattern);
  for (const pattern of a.write) {
    bucket.grantRead(role, pattern);
    bucket.grantPut(role, pattern);
  }
}

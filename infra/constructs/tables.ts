/**
 * The DynamoDB tables, one per entry of TABLES (shared/adapters/aws/resources.ts): on demand,
 * point-in-time recovery, AWS-managed encryption, kept when the stack is deleted.
 * dynamodb.Table rather than TableV2: moto's CloudFormation (the local test backend) rejects
 * AWS::DynamoDB::GlobalTable.
 */
import { RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import { Construct } from "constructs";
import { TABLES, type TableKey, type TableSpec } from "../../shared/adapters/aws/resources";

const key = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

export class PipelineTables extends Construct {
  readonly byKey: Readonly<Record<TableKey, dynamodb.Table>>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const entries = Object.entries(TABLES) as [TableKey, TableSpec][];
    this.byKey = Object.fromEntries(entries.map(([k, spec]) => [k, this.table(spec)])) as Record<TableKey, dynamodb.Table>;
  }

  private table(spec: TableSpec): dynamodb.Table {
    const table = new dynamodb.Table(this, spec.name, {
      partitionKey: key(spec.partitionKey),
      ...(spec.sortKey ? { sortKey: key(spec.sortKey) } : {}),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      ...(spec.ttl ? { timeToLiveAttribute: spec.ttl } : {}),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of spec.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        ...(index.sortKey ? { sortKey: key(index.sortKey) } : {}),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    return table;
  }
}

/**
 * The subscriptions table as the public unsubscribe page sees it: one item's `id` and `disabled`,
 * and an update of `disabled`. Its role may do nothing else (infra/access.ts, IAM fine-grained
 * access on `dynamodb:Attributes`): every read names its attributes (ProjectionExpression), so a
 * fault in that function cannot read a webhook secret or list the table.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { UnsubscribeStore } from "../../ports";
import { conditional } from "./dynamo-conditional";

/** The only top-level attributes the unsubscribe function reads or writes. */
export const UNSUBSCRIBE_ATTRIBUTES = ["id", "disabled"] as const;

export class DynamoUnsubscribeStore implements UnsubscribeStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async state(id: string): Promise<"active" | "disabled" | undefined> {
    const r = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { id },
        ConsistentRead: true,
        ProjectionExpression: "#id, #d",
        ExpressionAttributeNames: { "#id": "id", "#d": "disabled" },
      }),
    );
    if (!r.Item) return undefined;
    return r.Item.disabled === undefined ? "active" : "disabled";
  }

  async disable(id: string, at: string, reason: string): Promise<boolean> {
    const update = new UpdateCommand({
      TableName: this.table,
      Key: { id },
      UpdateExpression: "SET #d = :d",
      ConditionExpression: "attribute_exists(#id) AND attribute_not_exists(#d)",
      ExpressionAttributeNames: { "#id": "id", "#d": "disabled" },
      ExpressionAttributeValues: { ":d": { at, reason } },
    });
    if (await conditional(this.doc, update)) return true;
    return (await this.state(id)) !== undefined; // already disabled (the first reason stays), or absent
  }
}

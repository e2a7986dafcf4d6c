// The unsubscribe function's table access: the exact commands, each naming only the attributes its IAM policy allows.
import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { DynamoUnsubscribeStore, UNSUBSCRIBE_ATTRIBUTES } from "../../shared/adapters/aws/dynamo-unsubscribe";

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());
const store = () => new DynamoUnsubscribeStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), "subs");
/** Every attribute name a command's expressions use (all go through ExpressionAttributeNames), and its key. */
const named = (input: { Key?: Record<string, unknown>; ExpressionAttributeNames?: Record<string, string> }) => [
  ...Object.keys(input.Key ?? {}),
  ...Object.values(input.ExpressionAttributeNames ?? {}),
];

describe("DynamoUnsubscribeStore", () => {
  it("reads a subscription's state with a projection of id and disabled only, strongly consistent", async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { id: "sub_1" } })
      .resolvesOnce({ Item: { id: "sub_1", disabled: { at: "t", reason: "r" } } })
      .resolvesOnce({});
    expect([await store().state("sub_1"), await store().state("sub_1"), await store().state("sub_2")]).toEqual(["active", "disabled", undefined]);
    for (const call of ddb.commandCalls(GetCommand)) {
      expect(call.args[0].input).toEqual({
        TableName: "subs",
        Key: { id: expect.any(String) },
        ConsistentRead: true,
        ProjectionExpression: "#id, #d",
        ExpressionAttributeNames: { "#id": "id", "#d": "disabled" },
      });
      expect(named(call.args[0].input).every((a) => (UNSUBSCRIBE_ATTRIBUTES as readonly string[]).includes(a))).toBe(true);
    }
  });

  it("disables with one conditional update that returns nothing, and tells absent from already disabled by a projected read", async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: "no", $metadata: {} }));
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { id: "sub_1", disabled: {} } })
      .resolvesOnce({});
    expect(await store().disable("sub_1", "2026-01-01T00:00:00Z", "unsubscribed")).toBe(true);
    expect(await store().disable("sub_2", "2026-01-01T00:00:00Z", "unsubscribed")).toBe(false);
    const update = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update).toEqual({
      TableName: "subs",
      Key: { id: "sub_1" },
      UpdateExpression: "SET #d = :d",
      ConditionExpression: "attribute_exists(#id) AND attribute_not_exists(#d)",
      ExpressionAttributeNames: { "#id": "id", "#d": "disabled" },
      ExpressionAttributeValues: { ":d": { at: "2026-01-01T00:00:00Z", reason: "unsubscribed" } },
    });
    expect(named(update ?? {}).every((a) => (UNSUBSCRIBE_ATTRIBUTES as readonly string[]).includes(a))).toBe(true);
    expect(ddb.commandCalls(GetCommand).every((c) => c.args[0].input.ProjectionExpression === "#id, #d")).toBe(true);
  });
});

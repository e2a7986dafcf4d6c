/** Single-item conditional writes on DynamoDB (docs/architecture.md, storage layout): the only kind this project uses. */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import type { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";

/** The condition did not hold (by class, or by name where an emulator's error lost its class). */
export const isConditionFailure = (e: unknown) => e instanceof ConditionalCheckFailedException || (e as { name?: string }).name === "ConditionalCheckFailedException";

/** Runs a conditional write; false when the condition did not hold, anything else thrown. */
export async function conditional(doc: DynamoDBDocumentClient, command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> {
  try {
    await doc.send(command as UpdateCommand);
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

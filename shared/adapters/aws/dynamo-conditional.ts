/** Single-item conditional writes on DynamoDB (docs/architecture.md, storage layout): the only kind this project uses. */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, type UpdateCommand } from "@aws-sdk/lib-dynamodb";

/** The condition did not hold (by class, or by name where an emulator's error lost its class). */
export const isConditionFailure = (e: unknown) =>
  e instanceof ConditionalCheckFailedException || (e as { name?: string }).name === "ConditionalCheckFailedException";

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

/** A table of items keyed by `id`, each created once (a second create of the same id is false). */
export class ItemsById<T extends { readonly id: string }> {
  constructor(
    protected readonly doc: DynamoDBDocumentClient,
    protected readonly table: string,
  ) {}

  create(item: T): Promise<boolean> {
    return conditional(this.doc, new PutCommand({ TableName: this.table, Item: { ...item }, ConditionExpression: "attribute_not_exists(id)" }));
  }

  async get(id: string): Promise<T | undefined> {
    return (await this.doc.send(new GetCommand({ TableName: this.table, Key: { id }, ConsistentRead: true }))).Item as T | undefined;
  }
}

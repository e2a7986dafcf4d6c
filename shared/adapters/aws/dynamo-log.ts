/**
 * The log's commit point and id index on DynamoDB.
 * - head: one item (`id = "head"`) holding the signed checkpoint; read with ConsistentRead and
 *   changed only by a conditional put on the previous note (compare-and-swap).
 * - index: one item per entry id (the CPAN path) with its log index; a put is conditional on the
 *   id being absent or already at the same index, so an id can never map to two indexes.
 */
import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { LogHead, LogIndex } from "../../ports";
import { conditional, isConditionFailure } from "./dynamo-conditional";

const HEAD = "head";

export class DynamoLogHead implements LogHead {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async read(): Promise<string | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { id: HEAD }, ConsistentRead: true }));
    return out.Item?.note as string | undefined;
  }

  compareAndSwap(expected: string | undefined, next: string): Promise<boolean> {
    return conditional(
      this.doc,
      new PutCommand({
        TableName: this.table,
        Item: { id: HEAD, note: next },
        ...(expected === undefined
          ? { ConditionExpression: "attribute_not_exists(id)" }
          : { ConditionExpression: "note = :expected", ExpressionAttributeValues: { ":expected": expected } }),
      }),
    );
  }
}

export class DynamoLogIndex implements LogIndex {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async getMany(ids: readonly string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map((id) => ({ id }));
      for (let attempt = 0; keys?.length; attempt++) {
        if (attempt > 8) throw new Error(`log index: ${keys.length} keys still unprocessed after ${attempt} attempts`);
        if (attempt) await this.sleep(Math.min(2000, 25 * 2 ** attempt) * Math.random());
        const out: BatchGetCommandOutput = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of out.Responses?.[this.table] ?? []) found.set(item.id as string, item.index as number);
        keys = out.UnprocessedKeys?.[this.table]?.Keys;
      }
    }
    return found;
  }

  async putMany(records: ReadonlyArray<readonly [id: string, index: number]>): Promise<void> {
    const put = async ([id, index]: readonly [string, number]) => {
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: { id, index },
            ConditionExpression: "attribute_not_exists(id) OR #i = :i",
            ExpressionAttributeNames: { "#i": "index" },
            ExpressionAttributeValues: { ":i": index },
          }),
        );
      } catch (e) {
        if (isConditionFailure(e)) throw new Error(`log index: ${id} is already recorded at another index than ${index}`);
        throw e;
      }
    };
    // A few at a time: a batch is at most a few hundred entries.
    for (let i = 0; i < records.length; i += 16) await Promise.all(records.slice(i, i + 16).map(put));
  }
}

/**
 * The notification tables on DynamoDB: subscriptions (pk id; the Subscription as attributes) and
 * deliveries (pk `${eventId} ${subscriptionId}`; TTL attribute expiresAt). Every state change is a
 * single conditional write, so two attempts never both take a lease and a final status never
 * changes (shared/ports.ts has the contracts).
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand, type UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import type { Subscription } from "../../domain/notify/subscription";
import { type DeliveryRecord, type DeliveryStore, FINAL_DELIVERY_STATUSES, plannedDelivery, type SubscriptionStore } from "../../ports";
import { ItemsById, conditional, isConditionFailure } from "./dynamo-conditional";
import { pages } from "./dynamo-tables";

export class DynamoSubscriptionStore extends ItemsById<Subscription> implements SubscriptionStore {
  async list(): Promise<Subscription[]> {
    const items: Subscription[] = [];
    for await (const i of pages(this.doc, { TableName: this.table, ConsistentRead: true }, false)) items.push(i as unknown as Subscription);
    return items.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  remove(id: string): Promise<boolean> {
    return conditional(this.doc, new DeleteCommand({ TableName: this.table, Key: { id }, ConditionExpression: "attribute_exists(id)" }));
  }

  async disable(id: string, at: string, reason: string): Promise<boolean> {
    if (
      await conditional(
        this.doc,
        new UpdateCommand({
          TableName: this.table,
          Key: { id },
          UpdateExpression: "SET disabled = :d",
          ConditionExpression: "attribute_exists(id) AND attribute_not_exists(disabled)",
          ExpressionAttributeValues: { ":d": { at, reason } },
        }),
      )
    )
      return true;
    return (await this.get(id)) !== undefined; // already disabled (the first reason stays), or absent
  }
}

const key = (eventId: string, subscriptionId: string) => ({ id: `${eventId} ${subscriptionId}` });
const NOT_FINAL = `attribute_exists(id) AND NOT (#s IN (${FINAL_DELIVERY_STATUSES.map((_, i) => `:f${i}`).join(", ")}))`;
const FINAL_VALUES = Object.fromEntries(FINAL_DELIVERY_STATUSES.map((s, i) => [`:f${i}`, s]));

function fromItem(item: Record<string, unknown> | undefined): DeliveryRecord | undefined {
  if (!item) return undefined;
  const { id: _id, ...record } = item;
  return record as unknown as DeliveryRecord;
}

export class DynamoDeliveryStore implements DeliveryStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private update(eventId: string, subscriptionId: string, input: Omit<UpdateCommandInput, "TableName" | "Key">) {
    return conditional(this.doc, new UpdateCommand({ TableName: this.table, Key: key(eventId, subscriptionId), ...input }));
  }

  claim(eventId: string, subscriptionId: string, at: string): Promise<boolean> {
    const r = plannedDelivery(eventId, subscriptionId, at);
    return conditional(
      this.doc,
      new PutCommand({ TableName: this.table, Item: { ...key(eventId, subscriptionId), ...r }, ConditionExpression: "attribute_not_exists(id)" }),
    );
  }

  async get(eventId: string, subscriptionId: string): Promise<DeliveryRecord | undefined> {
    return fromItem((await this.doc.send(new GetCommand({ TableName: this.table, Key: key(eventId, subscriptionId), ConsistentRead: true }))).Item);
  }

  async markQueued(eventId: string, subscriptionId: string, at: string): Promise<void> {
    await this.update(eventId, subscriptionId, {
      UpdateExpression: "SET #s = :q, updatedAt = :at",
      ConditionExpression: "#s = :p",
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: { ":q": "queued", ":p": "planned", ":at": at },
    });
  }

  async begin(eventId: string, subscriptionId: string, nowMs: number, leaseMs: number): Promise<DeliveryRecord | undefined> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(eventId, subscriptionId),
          UpdateExpression: "SET leaseUntil = :until ADD attempts :one",
          ConditionExpression: `${NOT_FINAL} AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now)`,
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":until": nowMs + leaseMs, ":one": 1, ":now": nowMs, ...FINAL_VALUES },
          ReturnValues: "ALL_NEW",
        }),
      );
      return fromItem(out.Attributes);
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }

  async settle(eventId: string, subscriptionId: string, status: "delivered" | "gone" | "failed" | "skipped", at: string, error?: string): Promise<void> {
    await this.update(eventId, subscriptionId, {
      UpdateExpression: `SET #s = :s, updatedAt = :at, leaseUntil = :zero${error === undefined ? "" : ", lastError = :e"}`,
      ConditionExpression: NOT_FINAL,
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: { ":s": status, ":at": at, ":zero": 0, ...(error === undefined ? {} : { ":e": error }), ...FINAL_VALUES },
    });
  }

  async release(eventId: string, subscriptionId: string, at: string, error: string): Promise<void> {
    await this.update(eventId, subscriptionId, {
      UpdateExpression: "SET updatedAt = :at, lastError = :e, leaseUntil = :zero",
      ConditionExpression: NOT_FINAL,
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: { ":at": at, ":e": error, ":zero": 0, ...FINAL_VALUES },
    });
  }
}

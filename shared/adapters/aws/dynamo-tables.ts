/**
 * The pipeline's tables on DynamoDB (lib-dynamodb document client), single-item conditional
 * writes only (docs/architecture.md, storage layout). Items keep the record's own attributes, so `aws dynamodb get-item`
 * shows them as they are; the GSI keys (versionKey, uploadDay, lagAuthor, feed) are added on write and dropped on
 * read.
 */
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { type Finding, findingKey } from "../../domain/advisories/findings";
import { versionOrderKey } from "../../domain/cpan/version";
import { PUBLIC_EVENT_TYPES, feedEvents } from "../../domain/notify/atom";
import type { ReleaseRecord } from "../../domain/pipeline/record";
import type { PipelineEvent } from "../../messages/events";
import type { CursorStore, EventStore, FindingStore, MatchIndex, ReleaseStore } from "../../ports";
import { parseStoredEvent, storedEvents } from "../../ports/errors";
import { ItemsById, conditional, isConditionFailure } from "./dynamo-conditional";

type Item = Record<string, unknown>;

/** Every item a query or scan yields, page by page. */
export async function* pages(doc: DynamoDBDocumentClient, input: QueryCommandInput | ScanCommandInput, query: boolean): AsyncGenerator<Item> {
  let start: Item | undefined;
  do {
    const out = await doc.send(
      query ? new QueryCommand({ ...(input as QueryCommandInput), ExclusiveStartKey: start }) : new ScanCommand({ ...input, ExclusiveStartKey: start }),
    );
    yield* (out.Items ?? []) as Item[];
    start = out.LastEvaluatedKey;
  } while (start);
}

async function all(gen: AsyncGenerator<Item>): Promise<Item[]> {
  const out: Item[] = [];
  for await (const i of gen) out.push(i);
  return out;
}

/** The day (UTC) of a RECENT epoch: the partition of the by-upload-day index. */
export function uploadDay(epoch: string): string {
  const ms = Number(epoch) * 1000;
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : "unknown";
}

function releaseItem(r: ReleaseRecord): Item {
  // The by-distribution index is sparse on both keys: every release with a distribution needs a
  // versionKey to be found there (no version sorts last).
  // The lagging index is sparse too: only releases with a lag record carry lagAuthor.
  return {
    ...r,
    uploadDay: uploadDay(r.uploaded),
    ...(r.distribution !== undefined ? { versionKey: r.version === undefined ? "~" : versionOrderKey(r.version) } : {}),
    ...(r.lag !== undefined ? { lagAuthor: r.author } : {}),
  };
}

function fromReleaseItem(item: Item | undefined): ReleaseRecord | undefined {
  if (!item) return undefined;
  const { uploadDay: _d, versionKey: _v, lagAuthor: _l, ...record } = item;
  return record as unknown as ReleaseRecord;
}

export class DynamoReleaseStore implements ReleaseStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  create(r: ReleaseRecord): Promise<boolean> {
    return conditional(this.doc, new PutCommand({ TableName: this.table, Item: releaseItem(r), ConditionExpression: "attribute_not_exists(id)" }));
  }

  async get(id: string): Promise<ReleaseRecord | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { id }, ConsistentRead: true }));
    return fromReleaseItem(out.Item);
  }

  async update(id: string, change: (r: ReleaseRecord) => ReleaseRecord | undefined): Promise<ReleaseRecord | undefined> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = await this.get(id);
      if (!current) throw new Error(`release ${id} does not exist`);
      const next = change(current);
      if (!next) return undefined;
      const written = { ...next, id, revision: current.revision + 1 };
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: releaseItem(written),
            ConditionExpression: "revision = :r",
            ExpressionAttributeValues: { ":r": current.revision },
          }),
        );
        return written;
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));
      }
    }
    throw new Error(`release ${id}: too much contention`);
  }

  async byDistribution(distribution: string): Promise<ReleaseRecord[]> {
    const items = await all(
      pages(
        this.doc,
        { TableName: this.table, IndexName: "by-distribution", KeyConditionExpression: "distribution = :d", ExpressionAttributeValues: { ":d": distribution } },
        true,
      ),
    );
    return items.map((i) => fromReleaseItem(i) as ReleaseRecord);
  }

  async list(): Promise<ReleaseRecord[]> {
    const items = await all(pages(this.doc, { TableName: this.table, ConsistentRead: true }, false));
    return items.map((i) => fromReleaseItem(i) as ReleaseRecord).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** One author's: a query of the sparse index; everyone's: a scan of it (only lagging items are in it). */
  async lagging(author?: string): Promise<ReleaseRecord[]> {
    const input =
      author === undefined
        ? { TableName: this.table, IndexName: "lagging" }
        : { TableName: this.table, IndexName: "lagging", KeyConditionExpression: "lagAuthor = :a", ExpressionAttributeValues: { ":a": author } };
    const items = await all(pages(this.doc, input, author !== undefined));
    return items.map((i) => fromReleaseItem(i) as ReleaseRecord).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

export class DynamoCursorStore implements CursorStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(name: string): Promise<string | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { name }, ConsistentRead: true }));
    return out.Item?.value as string | undefined;
  }

  async put(name: string, value: string): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { name, value } }));
  }
}

/**
 * Findings: pk releaseId, sk `<advisory>#<n>`. `replace` writes the new set first, then deletes
 * the items the new set no longer has: a crash in between leaves extra findings until the step's
 * retry, never a release that looks clean.
 */
export class DynamoFindingStore implements FindingStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private async keys(releaseId: string): Promise<string[]> {
    const items = await all(
      pages(
        this.doc,
        {
          TableName: this.table,
          KeyConditionExpression: "releaseId = :r",
          ExpressionAttributeValues: { ":r": releaseId },
          ProjectionExpression: "sk",
          ConsistentRead: true,
        },
        true,
      ),
    );
    return items.map((i) => i.sk as string);
  }

  async replace(releaseId: string, findings: readonly Finding[]): Promise<void> {
    const before = await this.keys(releaseId);
    const now = findings.map((f, i) => ({ releaseId, sk: `${findingKey(f)}#${String(i).padStart(4, "0")}`, advisory: findingKey(f), finding: f }));
    for (const item of now) await this.doc.send(new PutCommand({ TableName: this.table, Item: item }));
    const keep = new Set(now.map((i) => i.sk));
    for (const sk of before) if (!keep.has(sk)) await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { releaseId, sk } }));
  }

  async byRelease(releaseId: string): Promise<Finding[]> {
    const items = await all(
      pages(
        this.doc,
        { TableName: this.table, KeyConditionExpression: "releaseId = :r", ExpressionAttributeValues: { ":r": releaseId }, ConsistentRead: true },
        true,
      ),
    );
    return items.map((i) => i.finding as Finding);
  }

  async byAdvisory(advisoryId: string): Promise<{ releaseId: string; finding: Finding }[]> {
    const items = await all(
      pages(
        this.doc,
        { TableName: this.table, IndexName: "by-advisory", KeyConditionExpression: "advisory = :a", ExpressionAttributeValues: { ":a": advisoryId } },
        true,
      ),
    );
    return items.map((i) => ({ releaseId: i.releaseId as string, finding: i.finding as Finding }));
  }
}

/**
 * The match index: pk `key`, sk `releaseId`. Puts and deletes go 25 to a BatchWriteItem (retrying
 * what DynamoDB leaves unprocessed); a lookup is one strongly consistent Query per key.
 */
export class DynamoMatchIndex implements MatchIndex {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private async batch(requests: Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let pending: Record<string, unknown>[] = requests.slice(i, i + 25);
      for (let attempt = 0; pending.length; attempt++) {
        if (attempt === 8) throw new Error(`${this.table}: ${pending.length} writes left unprocessed`);
        if (attempt) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending } }));
        pending = (out.UnprocessedItems?.[this.table] ?? []) as Record<string, unknown>[];
      }
    }
  }

  put(releaseId: string, keys: readonly string[]): Promise<void> {
    return this.batch(keys.map((key) => ({ PutRequest: { Item: { key, releaseId } } })));
  }

  remove(releaseId: string, keys: readonly string[]): Promise<void> {
    return this.batch(keys.map((key) => ({ DeleteRequest: { Key: { key, releaseId } } })));
  }

  async releases(keys: readonly string[]): Promise<string[]> {
    const ids = new Set<string>();
    const query = async (key: string) => {
      const input = {
        TableName: this.table,
        KeyConditionExpression: "#k = :k",
        ExpressionAttributeNames: { "#k": "key" },
        ExpressionAttributeValues: { ":k": key },
        ProjectionExpression: "releaseId",
        ConsistentRead: true,
      };
      for await (const i of pages(this.doc, input, true)) ids.add(i.releaseId as string);
    };
    const queue = [...new Set(keys)];
    await Promise.all(
      Array.from({ length: Math.min(8, queue.length) }, async () => {
        for (let k = queue.pop(); k !== undefined; k = queue.pop()) await query(k);
      }),
    );
    return [...ids].sort();
  }
}

/** The by-time index's partition: every public event (the index is sparse, nothing else has it). */
export const PUBLIC_FEED = "public";

/**
 * Events: pk `id`. A public event (PUBLIC_EVENT_TYPES) also carries `feed` = PUBLIC_FEED, which
 * puts it in the sparse `public-by-time` index (sort key `time`): the Atom rebuild's newest
 * entries are one Query newest-first with a Limit, not a Scan of the table.
 */
export class DynamoEventStore extends ItemsById<PipelineEvent> implements EventStore {
  override create(event: PipelineEvent): Promise<boolean> {
    const item = PUBLIC_EVENT_TYPES.includes(event.type) ? { ...event, feed: PUBLIC_FEED } : event;
    return conditional(this.doc, new PutCommand({ TableName: this.table, Item: item, ConditionExpression: "attribute_not_exists(id)" }));
  }

  override async get(id: string): Promise<PipelineEvent | undefined> {
    const item = await super.get(id);
    return item === undefined ? undefined : parseStoredEvent(withoutFeed(item as unknown as Item));
  }

  /**
   * The index orders by time only (its order among equal times is not defined), so when `limit`
   * items came back, the events at the oldest time read are all fetched, and feedEvents orders
   * the lot (ties by id) and cuts it to the limit.
   */
  async newestPublic(limit: number): Promise<PipelineEvent[]> {
    const index = { TableName: this.table, IndexName: "public-by-time" };
    const newest: Item[] = [];
    const query = {
      ...index,
      KeyConditionExpression: "feed = :f",
      ExpressionAttributeValues: { ":f": PUBLIC_FEED },
      ScanIndexForward: false,
      Limit: limit,
    };
    for await (const i of pages(this.doc, query, true)) if (newest.push(i) === limit) break;
    const oldest = newest.length === limit ? newest[limit - 1]?.time : undefined;
    if (oldest !== undefined) {
      const ties = {
        ...index,
        KeyConditionExpression: "feed = :f AND #t = :t", // `time` is a reserved word
        ExpressionAttributeNames: { "#t": "time" },
        ExpressionAttributeValues: { ":f": PUBLIC_FEED, ":t": oldest },
      };
      for await (const i of pages(this.doc, ties, true)) newest.push(i);
    }
    const byId = new Map(newest.map((i) => [i.id, withoutFeed(i)]));
    return feedEvents(storedEvents([...byId.values()]), limit);
  }

  /** Every event, oldest first (a scan: for reports and tests, not for the hot path). */
  async list(): Promise<PipelineEvent[]> {
    const items = storedEvents((await all(pages(this.doc, { TableName: this.table, ConsistentRead: true }, false))).map(withoutFeed));
    return items.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : 1));
  }
}

function withoutFeed(item: Item): Item {
  const { feed: _f, ...event } = item;
  return event;
}

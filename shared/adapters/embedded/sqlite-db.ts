/**
 * The embedded store: one SQLite file (better-sqlite3) holding the tables and the queues of
 * `cpansec run`. Items carry a revision for optimistic concurrency, as the DynamoDB items do; the
 * queues keep SQS's semantics (visibility timeout, receive count, dead letters) and survive a
 * killed process. docs/decisions/0007-embedded-store.md says why SQLite.
 */
import { chmodSync, closeSync, existsSync, openSync } from "node:fs";
import Database from "better-sqlite3";
import { PUBLIC_EVENT_TYPES, feedEvents } from "../../domain/notify/atom";
import type { ReleaseRecord } from "../../domain/pipeline/record";
import type { PipelineEvent } from "../../messages/events";
import type { CursorStore, DeliveryStore, EventStore, FindingStore, JobQueue, MatchIndex, ReleaseStore, SubscriptionStore } from "../../ports";
import { parseStoredEvent, storedEvents } from "../../ports/errors";
import { FINDINGS_SCHEMA, embeddedFindings } from "./sqlite-findings";
import { embeddedDeliveries, embeddedSubscriptions } from "./sqlite-notify";
import { SUMMARY_SCHEMA, type StoreSummary, embeddedSummary } from "./sqlite-summary";

export interface QueuedMessage<T> {
  readonly id: number;
  readonly body: T;
  /** How many times it has been received, this time included. */
  readonly receives: number;
}

export interface DeadLetter {
  readonly queue: string;
  readonly body: unknown;
  readonly receives: number;
  readonly reason: string;
  readonly at: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS items (tbl TEXT NOT NULL, pk TEXT NOT NULL, sk TEXT NOT NULL DEFAULT '', idx TEXT, data TEXT NOT NULL, revision INTEGER NOT NULL, PRIMARY KEY (tbl, pk, sk));
CREATE INDEX IF NOT EXISTS items_idx ON items (tbl, idx);
-- The releases waiting for a lagging mirror (ReleaseStore.lagging, each pass): few, found without reading every release.
-- (tbl first: other tables' data need not be JSON, and the match index's is empty.)
CREATE INDEX IF NOT EXISTS items_lagging ON items (tbl, pk) WHERE tbl = 'releases' AND json_extract(data, '$.lag') IS NOT NULL;
-- The newest events of a type (EventStore.newestPublic, each Atom rebuild): a range of this index per
-- type, newest first, ties by id, as the feed orders them; never a pass over every event.
CREATE INDEX IF NOT EXISTS items_events_newest ON items (idx, json_extract(data, '$.time') DESC, pk) WHERE tbl = 'events';
CREATE TABLE IF NOT EXISTS queue (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, body TEXT NOT NULL, visible_at INTEGER NOT NULL, receives INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS queue_visible ON queue (name, visible_at);
CREATE TABLE IF NOT EXISTS dead (id INTEGER PRIMARY KEY, name TEXT NOT NULL, body TEXT NOT NULL, receives INTEGER NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL);
`;

/** ReleaseStore.lagging (an author, or null for all, twice): served by the items_lagging index. */
export const LAGGING_SQL =
  "SELECT data FROM items WHERE tbl = 'releases' AND json_extract(data, '$.lag') IS NOT NULL AND (? IS NULL OR json_extract(data, '$.author') = ?) ORDER BY pk";

/** EventStore.newestPublic, one type (and a limit): served by the items_events_newest index. */
export const NEWEST_EVENTS_SQL = "SELECT data FROM items WHERE tbl = 'events' AND idx = ? ORDER BY json_extract(data, '$.time') DESC, pk LIMIT ?";

export class EmbeddedDb {
  readonly db: Database.Database;

  constructor(
    file: string,
    private readonly now: () => number = Date.now,
  ) {
    // The file holds webhook secrets: owner-only, whatever the umask, and tightened if an older
    // version left it readable. SQLite gives its -wal and -shm files the database file's mode.
    closeSync(openSync(file, "a", 0o600));
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    // Durable across a killed process (what the embedded mode promises), without an fsync per
    // commit; a power cut may lose the last commits, as with the filesystem adapters.
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    // Statement and savepoint journals in memory: a batch's transaction (the runner's
    // oneTransaction) nests a savepoint per store call, and each would otherwise copy the pages it
    // changes into a temporary file first. They are only ever read back to undo a statement.
    this.db.pragma("temp_store = MEMORY");
    this.db.exec(SCHEMA);
    this.db.exec(SUMMARY_SCHEMA);
    this.db.exec(FINDINGS_SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  releases(): ReleaseStore {
    const get = this.db.prepare<[string], { data: string }>("SELECT data FROM items WHERE tbl = 'releases' AND pk = ? AND sk = ''");
    const insert = this.db.prepare("INSERT INTO items (tbl, pk, sk, idx, data, revision) VALUES ('releases', ?, '', ?, ?, ?) ON CONFLICT DO NOTHING");
    const cas = this.db.prepare("UPDATE items SET data = ?, idx = ?, revision = ? WHERE tbl = 'releases' AND pk = ? AND sk = '' AND revision = ?");
    // The same distribution (every update but ingest's first): the index on it is left untouched.
    const casData = this.db.prepare("UPDATE items SET data = ?, revision = ? WHERE tbl = 'releases' AND pk = ? AND sk = '' AND revision = ?");
    const byIdx = this.db.prepare<[string], { data: string }>("SELECT data FROM items WHERE tbl = 'releases' AND idx = ? ORDER BY pk");
    const all = this.db.prepare<[], { data: string }>("SELECT data FROM items WHERE tbl = 'releases' ORDER BY pk");
    const lagging = this.db.prepare<[string | null, string | null], { data: string }>(LAGGING_SQL);
    const parse = (row: { data: string } | undefined) => (row ? (JSON.parse(row.data) as ReleaseRecord) : undefined);
    return {
      create: async (r) => insert.run(r.id, r.distribution ?? null, JSON.stringify(r), r.revision).changes === 1,
      get: async (id) => parse(get.get(id)),
      update: async (id, change) => {
        for (let attempt = 0; attempt < 100; attempt++) {
          const current = parse(get.get(id));
          if (!current) throw new Error(`release ${id} does not exist`);
          const next = change(current);
          if (!next) return undefined;
          const written = { ...next, revision: current.revision + 1 };
          const changes =
            (current.distribution ?? null) === (written.distribution ?? null)
              ? casData.run(JSON.stringify(written), written.revision, id, current.revision).changes
              : cas.run(JSON.stringify(written), written.distribution ?? null, written.revision, id, current.revision).changes;
          if (changes === 1) return written;
        }
        throw new Error(`release ${id}: too much contention`);
      },
      byDistribution: async (d) => byIdx.all(d).map((r) => JSON.parse(r.data) as ReleaseRecord),
      lagging: async (author) => lagging.all(author ?? null, author ?? null).map((r) => JSON.parse(r.data) as ReleaseRecord),
      list: async () => all.all().map((r) => JSON.parse(r.data) as ReleaseRecord),
    };
  }

  cursors(): CursorStore {
    const get = this.db.prepare<[string], { data: string }>("SELECT data FROM items WHERE tbl = 'cursors' AND pk = ? AND sk = ''");
    const put = this.db.prepare(
      "INSERT INTO items (tbl, pk, sk, data, revision) VALUES ('cursors', ?, '', ?, 0) ON CONFLICT (tbl, pk, sk) DO UPDATE SET data = excluded.data, revision = revision + 1",
    );
    return { get: async (n) => get.get(n)?.data, put: async (n, v) => void put.run(n, v) };
  }

  findings(): FindingStore {
    return embeddedFindings(this.db);
  }

  /** The match index: pk the key, sk the release id (the table's primary key makes a key a range). */
  matchIndex(): MatchIndex {
    const ins = this.db.prepare("INSERT INTO items (tbl, pk, sk, data, revision) VALUES ('match-index', ?, ?, '', 0) ON CONFLICT DO NOTHING");
    const del = this.db.prepare("DELETE FROM items WHERE tbl = 'match-index' AND pk = ? AND sk = ?");
    const one = this.db.prepare<[string], { sk: string }>("SELECT sk FROM items WHERE tbl = 'match-index' AND pk = ?");
    const put = this.db.transaction((id: string, keys: readonly string[]) => keys.forEach((k) => ins.run(k, id)));
    const remove = this.db.transaction((id: string, keys: readonly string[]) => keys.forEach((k) => del.run(k, id)));
    return {
      put: async (id, keys) => put(id, keys),
      remove: async (id, keys) => remove(id, keys),
      releases: async (keys) => [...new Set(keys.flatMap((k) => one.all(k).map((r) => r.sk)))].sort(),
    };
  }

  /** The counts `cpansec run` prints after each pass, from indexes (sqlite-summary.ts). */
  summary(): StoreSummary {
    this.summarize ??= embeddedSummary(this.db);
    return this.summarize();
  }

  private summarize?: () => StoreSummary;

  subscriptions(): SubscriptionStore {
    return embeddedSubscriptions(this.db);
  }

  deliveries(): DeliveryStore {
    return embeddedDeliveries(this.db);
  }

  /** Messages waiting on a queue (for the deliveries still to be retried). */
  queued(name: string): number {
    return this.db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM queue WHERE name = ?").get(name)?.n ?? 0;
  }

  events(): EventStore {
    const ins = this.db.prepare("INSERT INTO items (tbl, pk, sk, idx, data, revision) VALUES ('events', ?, '', ?, ?, 0) ON CONFLICT DO NOTHING");
    const all = this.db.prepare<[], { data: string }>("SELECT data FROM items WHERE tbl = 'events' ORDER BY rowid");
    const one = this.db.prepare<[string], { data: string }>("SELECT data FROM items WHERE tbl = 'events' AND pk = ? AND sk = ''");
    const newest = this.db.prepare<[string, number], { data: string }>(NEWEST_EVENTS_SQL);
    return {
      create: async (e: PipelineEvent) => ins.run(e.id, e.type, JSON.stringify(e)).changes === 1,
      // Each public type's newest `limit` (an index range), then the newest `limit` of those.
      newestPublic: async (limit) => feedEvents(storedEvents(PUBLIC_EVENT_TYPES.flatMap((t) => newest.all(t, limit).map((r) => JSON.parse(r.data)))), limit),
      list: async () => storedEvents(all.all().map((r) => JSON.parse(r.data))),
      get: async (id: string) => {
        const row = one.get(id);
        return row ? parseStoredEvent(JSON.parse(row.data)) : undefined;
      },
    };
  }

  queue<T>(name: string): JobQueue<T> {
    const ins = this.db.prepare("INSERT INTO queue (name, body, visible_at) VALUES (?, ?, ?)");
    const send = this.db.transaction((bodies: readonly T[]) => {
      for (const b of bodies) ins.run(name, JSON.stringify(b), this.now());
    });
    return { send: async (bodies) => send(bodies) };
  }

  /** The queue's statements, prepared once (the runner calls these for every message). */
  private q?: {
    visible: Database.Statement<[string, number, number], { id: number; body: string; receives: number }>;
    hide: Database.Statement<[number, number]>;
    del: Database.Statement<[number]>;
    delay: Database.Statement<[number, number]>;
    row: Database.Statement<[number], { name: string; body: string; receives: number }>;
    dead: Database.Statement<[number, string, string, number, string, string]>;
  };

  private get queueStatements() {
    this.q ??= {
      visible: this.db.prepare("SELECT id, body, receives FROM queue WHERE name = ? AND visible_at <= ? ORDER BY id LIMIT ?"),
      hide: this.db.prepare("UPDATE queue SET visible_at = ?, receives = receives + 1 WHERE id = ?"),
      del: this.db.prepare("DELETE FROM queue WHERE id = ?"),
      delay: this.db.prepare("UPDATE queue SET visible_at = ? WHERE id = ?"),
      row: this.db.prepare("SELECT name, body, receives FROM queue WHERE id = ?"),
      dead: this.db.prepare("INSERT INTO dead (id, name, body, receives, reason, at) VALUES (?, ?, ?, ?, ?, ?)"),
    };
    return this.q;
  }

  /** Takes up to `max` visible messages, hiding them for `visibilityMs` (SQS ReceiveMessage). */
  receive<T>(name: string, max: number, visibilityMs: number): QueuedMessage<T>[] {
    const now = this.now();
    const q = this.queueStatements;
    return this.db.transaction(() => {
      const rows = q.visible.all(name, now, max);
      for (const r of rows) q.hide.run(now + visibilityMs, r.id);
      return rows.map((r) => ({ id: r.id, body: JSON.parse(r.body) as T, receives: r.receives + 1 }));
    })();
  }

  /** DeleteMessage: the message was handled. */
  ack(id: number): void {
    this.queueStatements.del.run(id);
  }

  /** ChangeMessageVisibility: try again after `delayMs`. */
  retryLater(id: number, delayMs: number): void {
    this.queueStatements.delay.run(this.now() + delayMs, id);
  }

  /** The redrive policy: the message leaves the queue for its dead-letter store, with why. */
  deadLetter(id: number, reason: string): void {
    const q = this.queueStatements;
    this.db.transaction(() => {
      const row = q.row.get(id);
      if (!row) return;
      q.dead.run(id, row.name, row.body, row.receives, reason, new Date(this.now()).toISOString());
      q.del.run(id);
    })();
  }

  /**
   * A batch's outcomes (acks, retries, dead letters) in one commit: each is independent of the
   * others, and a crash before the commit leaves every message of the batch to be received again,
   * as a crash just before the first ack would.
   */
  settle(outcomes: () => void): void {
    this.db.transaction(outcomes)();
  }

  /**
   * `wait` (a download) with no transaction open: a runner batch's one transaction
   * (Worker.oneTransaction) is committed before it and begun again after, so the store's write
   * lock is not held while the network is waited on (`cpansec subscribe` beside a run would wait
   * as long). What the batch wrote before is then committed ahead of its acks: a crash redoes
   * those messages, as it would without the batch's transaction.
   */
  async outsideTransaction<T>(wait: () => Promise<T>): Promise<T> {
    if (!this.db.inTransaction) return wait();
    this.db.exec("COMMIT");
    try {
      return await wait();
    } finally {
      this.db.exec("BEGIN IMMEDIATE");
    }
  }

  /** Makes messages a killed process had in flight visible again (only one runner uses a data dir). */
  releaseInFlight(): number {
    return this.db.prepare("UPDATE queue SET visible_at = ? WHERE visible_at > ? AND receives > 0").run(this.now(), this.now()).changes;
  }

  pending(): { queue: string; messages: number; nextVisibleAt: number | null }[] {
    return this.db
      .prepare<[], { queue: string; messages: number; nextVisibleAt: number | null }>(
        "SELECT name AS queue, COUNT(*) AS messages, MIN(visible_at) AS nextVisibleAt FROM queue GROUP BY name",
      )
      .all();
  }

  deadLetters(): DeadLetter[] {
    return this.db
      .prepare<[], { name: string; body: string; receives: number; reason: string; at: string }>(
        "SELECT name, body, receives, reason, at FROM dead ORDER BY id",
      )
      .all()
      .map((r) => ({ queue: r.name, body: JSON.parse(r.body), receives: r.receives, reason: r.reason, at: r.at }));
  }
}

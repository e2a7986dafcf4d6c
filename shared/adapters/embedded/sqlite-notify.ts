/**
 * The notification tables on the embedded store's generic `items` table: `subscriptions` (pk id)
 * and `deliveries` (pk `${eventId} ${subscriptionId}`), with the conditional writes the contracts
 * in shared/ports.ts ask for, each one SQL statement (atomic in SQLite). Secrets are stored as
 * given: the data directory is private to its user (as `log.key` is).
 */
import type Database from "better-sqlite3";
import type { Subscription } from "../../domain/notify/subscription";
import { type DeliveryRecord, type DeliveryStore, FINAL_DELIVERY_STATUSES, plannedDelivery, type SubscriptionStore } from "../../ports";

export function embeddedSubscriptions(db: Database.Database): SubscriptionStore {
  const ins = db.prepare("INSERT INTO items (tbl, pk, sk, idx, data, revision) VALUES ('subscriptions', ?, '', ?, ?, 0) ON CONFLICT DO NOTHING");
  const get = db.prepare<[string], { data: string }>("SELECT data FROM items WHERE tbl = 'subscriptions' AND pk = ? AND sk = ''");
  const all = db.prepare<[], { data: string }>("SELECT data FROM items WHERE tbl = 'subscriptions' ORDER BY idx, pk");
  const del = db.prepare("DELETE FROM items WHERE tbl = 'subscriptions' AND pk = ? AND sk = ''");
  const disable = db.prepare(
    "UPDATE items SET data = json_set(data, '$.disabled', json(?)), revision = revision + 1 WHERE tbl = 'subscriptions' AND pk = ? AND sk = '' AND json_extract(data, '$.disabled') IS NULL",
  );
  const exists = db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM items WHERE tbl = 'subscriptions' AND pk = ? AND sk = ''");
  const parse = (row: { data: string } | undefined) => (row ? (JSON.parse(row.data) as Subscription) : undefined);
  return {
    create: async (s) => ins.run(s.id, s.createdAt, JSON.stringify(s)).changes === 1,
    get: async (id) => parse(get.get(id)),
    list: async () => all.all().map((r) => JSON.parse(r.data) as Subscription),
    remove: async (id) => del.run(id).changes === 1,
    disable: async (id, at, reason) => {
      disable.run(JSON.stringify({ at, reason }), id);
      return (exists.get(id)?.n ?? 0) > 0;
    },
  };
}

const key = (eventId: string, subscriptionId: string) => `${eventId} ${subscriptionId}`;
const FINAL = FINAL_DELIVERY_STATUSES.map((s) => `'${s}'`).join(", ");

export function embeddedDeliveries(db: Database.Database): DeliveryStore {
  const ins = db.prepare("INSERT INTO items (tbl, pk, sk, data, revision) VALUES ('deliveries', ?, '', ?, 0) ON CONFLICT DO NOTHING");
  const get = db.prepare<[string], { data: string }>("SELECT data FROM items WHERE tbl = 'deliveries' AND pk = ? AND sk = ''");
  const set = (where: string, ...paths: string[]) =>
    db.prepare(
      `UPDATE items SET data = json_set(data, ${paths.map((p) => `'$.${p}', ?`).join(", ")}), revision = revision + 1 WHERE tbl = 'deliveries' AND pk = ? AND sk = '' AND ${where}`,
    );
  const queued = set("json_extract(data, '$.status') = 'planned'", "status", "updatedAt");
  // The lease is the conditional part: not final, and no lease or an expired one.
  const begin = db.prepare(
    `UPDATE items SET data = json_set(data, '$.attempts', json_extract(data, '$.attempts') + 1, '$.leaseUntil', ?), revision = revision + 1 WHERE tbl = 'deliveries' AND pk = ? AND sk = '' AND json_extract(data, '$.status') NOT IN (${FINAL}) AND coalesce(json_extract(data, '$.leaseUntil'), 0) <= ?`,
  );
  const settle = set(`json_extract(data, '$.status') NOT IN (${FINAL})`, "status", "updatedAt", "leaseUntil");
  const settleWithError = set(`json_extract(data, '$.status') NOT IN (${FINAL})`, "status", "updatedAt", "leaseUntil", "lastError");
  const release = set(`json_extract(data, '$.status') NOT IN (${FINAL})`, "updatedAt", "lastError", "leaseUntil");
  const parse = (row: { data: string } | undefined) => (row ? (JSON.parse(row.data) as DeliveryRecord) : undefined);
  return {
    claim: async (eventId, subscriptionId, at) => {
      const r = plannedDelivery(eventId, subscriptionId, at);
      return ins.run(key(eventId, subscriptionId), JSON.stringify(r)).changes === 1;
    },
    get: async (eventId, subscriptionId) => parse(get.get(key(eventId, subscriptionId))),
    markQueued: async (eventId, subscriptionId, at) => void queued.run("queued", at, key(eventId, subscriptionId)),
    begin: async (eventId, subscriptionId, nowMs, leaseMs) => {
      if (begin.run(nowMs + leaseMs, key(eventId, subscriptionId), nowMs).changes !== 1) return undefined;
      return parse(get.get(key(eventId, subscriptionId)));
    },
    settle: async (eventId, subscriptionId, status, at, error) => {
      if (error === undefined) settle.run(status, at, 0, key(eventId, subscriptionId));
      else settleWithError.run(status, at, 0, error, key(eventId, subscriptionId));
    },
    release: async (eventId, subscriptionId, at, error) => void release.run(at, error, 0, key(eventId, subscriptionId)),
  };
}

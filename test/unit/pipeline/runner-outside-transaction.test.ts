// A wait on the network inside a batch that commits once (EmbeddedDb.outsideTransaction, what
// `cpansec run`'s mirror does for ingest): the store's write lock is free during the wait, what the
// batch wrote before it is committed, and its acks still come only at the end of the batch.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { perMessage, runUntilIdle } from "../../../shared/adapters/embedded/runner";
import { EmbeddedDb } from "../../../shared/adapters/embedded/sqlite-db";
import { StepJobSchema } from "../../../shared/messages/jobs";

const options = { maxReceives: 2, visibilityMs: 60_000, backoffMs: () => 0 };

it("waits with the batch's transaction committed, and begins it again after", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "cpansec-outside-")), "db.sqlite");
  const db = new EmbeddedDb(file);
  // Another writer of the data directory (`cpansec subscribe`), which does not wait for the lock.
  const other = new Database(file, { timeout: 0 });
  const committed = () => ({
    cursors: other
      .prepare<[], { pk: string }>("SELECT pk FROM items WHERE tbl = 'cursors' ORDER BY pk")
      .all()
      .map((r) => r.pk),
    queued: other.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM queue WHERE name = 'q'").get()?.n,
  });
  await db.queue<unknown>("q").send(["a", "b"].map((id) => ({ v: 1, id })));
  const cursors = db.cursors();
  const during: unknown[] = [];
  const step = perMessage("q", StepJobSchema, async (job) => {
    await db.outsideTransaction(async () => {
      during.push(committed());
      // Throws SQLITE_BUSY if the batch still held the write lock.
      other.prepare("INSERT INTO items (tbl, pk, sk, data, revision) VALUES ('other', ?, '', '', 0)").run(job.id);
    });
    expect(db.db.inTransaction).toBe(true); // the rest of the message is in the batch's transaction again
    await cursors.put(job.id, "written");
  });
  await runUntilIdle(db, [{ ...step, oneTransaction: true }], options);
  // b's wait: a's write committed, a's ack not yet (a crash now redoes a, never loses what it wrote).
  expect(during).toEqual([
    { cursors: [], queued: 2 },
    { cursors: ["a"], queued: 2 },
  ]);
  expect(committed()).toEqual({ cursors: ["a", "b"], queued: 0 });
  expect(other.prepare("SELECT COUNT(*) AS n FROM items WHERE tbl = 'other'").get()).toEqual({ n: 2 });
  expect(db.deadLetters()).toEqual([]);
  // With no transaction open it only waits.
  expect(await db.outsideTransaction(async () => db.db.inTransaction)).toBe(false);
  expect(db.db.inTransaction).toBe(false);
  other.close();
  db.close();
});

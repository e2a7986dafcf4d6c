// A worker whose batches commit once (the runner's oneTransaction, shared/adapters/embedded/runner.ts):
// the batch's writes and its acks are one commit; a message that fails keeps what it wrote and is
// retried; a detached batch that ends meanwhile settles on its own, after that commit.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { perMessage, runUntilIdle } from "../../../shared/adapters/embedded/runner";
import { EmbeddedDb } from "../../../shared/adapters/embedded/sqlite-db";
import { StepJobSchema } from "../../../shared/messages/jobs";

const options = { maxReceives: 2, visibilityMs: 60_000, backoffMs: () => 0 };
const fresh = () => join(mkdtempSync(join(tmpdir(), "cpansec-txn-")), "db.sqlite");
const inQueue = (db: EmbeddedDb, queue: string) => db.pending().find((p) => p.queue === queue)?.messages ?? 0;

it("commits a batch's writes with its acks, failures included, and retries and dead-letters as without it", async () => {
  const file = fresh();
  const db = new EmbeddedDb(file);
  const other = new EmbeddedDb(file); // a second connection sees only what was committed
  const cursors = db.cursors();
  const seen: { write?: string; queued: number }[] = [];
  await db.queue<unknown>("q").send(["a", "bad", "c"].map((id) => ({ v: 1, id })));
  const step = perMessage("q", StepJobSchema, async (job, receives) => {
    await cursors.put(`${job.id}#${receives}`, "written");
    seen.push({ write: await other.cursors().get(`${job.id}#${receives}`), queued: inQueue(other, "q") });
    if (job.id === "bad") throw new Error("failed after its write");
  });
  await runUntilIdle(db, [{ ...step, oneTransaction: true }], options);
  // Nothing of the batch (writes, acks) was visible outside it before its end.
  expect(seen).toEqual([
    { write: undefined, queued: 3 },
    { write: undefined, queued: 3 },
    { write: undefined, queued: 3 },
    { write: undefined, queued: 1 },
  ]);
  expect(db.db.inTransaction).toBe(false);
  for (const k of ["a#1", "bad#1", "c#1", "bad#2"]) expect(await other.cursors().get(k)).toBe("written");
  expect(db.deadLetters().map((d) => [d.queue, d.reason])).toEqual([["q", "Error: failed after its write (after 2 receives)"]]);
  expect(db.pending()).toEqual([]);
  other.close();
  db.close();
});

it("retries the whole batch when SQLite rolled its transaction back, and leaves none open", async () => {
  const db = new EmbeddedDb(fresh());
  await db.queue<unknown>("q").send(["a", "b"].map((id) => ({ v: 1, id })));
  const runs: string[] = [];
  const step = perMessage("q", StepJobSchema, async (job, receives) => {
    runs.push(`${job.id}#${receives}`);
    // What SQLite does on its own after some errors (a full disk): the transaction is gone.
    if (job.id === "a" && receives === 1) db.db.exec("ROLLBACK");
  });
  await runUntilIdle(db, [{ ...step, oneTransaction: true }], options);
  expect(runs).toEqual(["a#1", "b#1", "a#2", "b#2"]);
  expect(db.db.inTransaction).toBe(false);
  expect(db.pending()).toEqual([]);
  expect(db.deadLetters()).toEqual([]);
  db.close();
});

it("settles a detached batch that ends during another queue's transaction only after that commit", async () => {
  const db = new EmbeddedDb(fresh());
  await db.queue<unknown>("slow").send([{ v: 1, id: "p" }]);
  await db.queue<unknown>("local").send([{ v: 1, id: "a" }]);
  let finished: () => void = () => {};
  const slowDone = new Promise<void>((r) => {
    finished = r;
  });
  const slow = perMessage("slow", StepJobSchema, async () => {
    await new Promise((r) => setTimeout(r, 20));
    finished();
  });
  const during: number[] = [];
  const local = perMessage("local", StepJobSchema, async () => {
    await slowDone;
    await new Promise((r) => setTimeout(r, 5)); // the detached batch's settle has had its turn
    // Seen from the transaction's own connection: the detached message is not acked inside it.
    during.push(inQueue(db, "slow"));
  });
  await runUntilIdle(
    db,
    [
      { ...slow, detached: true },
      { ...local, oneTransaction: true },
    ],
    options,
  );
  expect(during).toEqual([1]);
  expect(db.pending()).toEqual([]);
  expect(db.deadLetters()).toEqual([]);
  db.close();
});

// A detached worker (the publication, on its own thread): the runner goes on with the other queues
// while its batch runs, acks the batch only when it has finished, and retries or dead-letters its
// failures as it does in line.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { perMessage, runUntilIdle } from "../../../shared/adapters/embedded/runner";
import { EmbeddedDb } from "../../../shared/adapters/embedded/sqlite-db";
import { StepJobSchema } from "../../../shared/messages/jobs";

const options = { maxReceives: 3, visibilityMs: 60_000, backoffMs: () => 0 };
const openDb = () => new EmbeddedDb(join(mkdtempSync(join(tmpdir(), "cpansec-detached-")), "db.sqlite"));
const queued = (db: EmbeddedDb, queue: string) => db.pending().find((p) => p.queue === queue)?.messages ?? 0;

describe("a detached worker in the embedded runner", () => {
  it("runs beside the other queues, and its message is acked only once its step has finished", async () => {
    const db = openDb();
    await db.queue<unknown>("slow").send([{ v: 1, id: "p" }]);
    await db.queue<unknown>("fast").send([
      { v: 1, id: "a" },
      { v: 1, id: "b" },
      { v: 1, id: "c" },
    ]);
    const seen: string[] = [];
    let open: () => void = () => {};
    // Opened by the fast queue's last message; or after a second, so that a runner waiting for it fails the order below instead of hanging.
    const gate = new Promise<void>((r) => {
      open = r;
      setTimeout(r, 1000);
    });
    const slow = perMessage("slow", StepJobSchema, async (job) => {
      seen.push(`${job.id} started`);
      await gate;
      seen.push(`${job.id} done`);
    });
    // Visited first, as the table's order would have it: in line, the fast queue would wait for it.
    const workers = [
      { ...slow, detached: true },
      perMessage(
        "fast",
        StepJobSchema,
        async (job) => {
          // Still in the queue (in flight) while its step runs: a crash now leaves it to redo.
          expect(queued(db, "slow")).toBe(1);
          seen.push(job.id);
          if (job.id === "c") open();
        },
        1,
      ),
    ];
    await runUntilIdle(db, workers, options);
    expect(seen).toEqual(["p started", "a", "b", "c", "p done"]);
    expect(db.pending()).toEqual([]);
    expect(db.deadLetters()).toEqual([]);
    db.close();
  });

  it("retries a failed batch and dead-letters it after the last receive, with the reason, as in line", async () => {
    const reasons: string[] = [];
    for (const detached of [false, true]) {
      const db = openDb();
      await db.queue<unknown>("slow").send([{ v: 1, id: "p" }]);
      let tries = 0;
      const slow = perMessage("slow", StepJobSchema, async () => {
        tries++;
        await new Promise((r) => setTimeout(r, 5));
        throw new Error(`no space left (try ${tries})`);
      });
      await runUntilIdle(db, [{ ...slow, detached }], options);
      expect(tries).toBe(3);
      reasons.push(...db.deadLetters().map((d) => d.reason));
      db.close();
    }
    expect(reasons).toEqual(["Error: no space left (try 3) (after 3 receives)", "Error: no space left (try 3) (after 3 receives)"]);
  });
});

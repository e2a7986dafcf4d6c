import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CURSOR, watchUploads } from "../../functions/watch-uploads/watch-uploads";
import { DirMirror } from "../../shared/adapters/embedded/dir-mirror";
import { EmbeddedDb } from "../../shared/adapters/embedded/sqlite-db";
import type { PipelineDeps } from "../../shared/pipeline/deps";

function setup(files: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), "cpansec-watch-"));
  mkdirSync(join(dir, "mirror"));
  for (const [name, v] of Object.entries(files)) writeFileSync(join(dir, "mirror", name), JSON.stringify(v));
  let now = 1_000;
  const db = new EmbeddedDb(join(dir, "db.sqlite"), () => now);
  const deps = { mirror: new DirMirror(join(dir, "mirror")), releases: db.releases(), cursors: db.cursors(), queues: { ingest: db.queue("ingest-release") }, clock: () => new Date(0) } as unknown as PipelineDeps;
  return { db, deps, tick: (ms: number) => (now += ms) };
}

const ev = (epoch: string, f: string, type = "new") => ({ epoch, path: `authors/id/A/AB/ABC/${f}`, type });

describe("watch-uploads", () => {
  it("queues each new upload once, moves the cursor, and re-queues one left pending by a crash", async () => {
    const { db, deps } = setup({ "RECENT-1h.json": { meta: { minmax: { min: "100" } }, recent: [ev("102", "B-1.tar.gz"), ev("101", "A-1.tar.gz")] } });
    expect(await watchUploads(deps)).toMatchObject({ file: "RECENT-1h.json", queued: 2, cursor: "102" });
    expect(await deps.cursors.get(CURSOR)).toBe("102");
    expect((await watchUploads(deps)).queued).toBe(0);
    // A crash after creating the release but before the cursor moved: the next run queues it again.
    await deps.cursors.put(CURSOR, "100.5");
    expect((await watchUploads(deps)).queued).toBe(2);
    expect(db.receive("ingest-release", 10, 1000).map((m) => (m.body as { id: string }).id)).toEqual(["ABC/A-1.tar.gz", "ABC/B-1.tar.gz", "ABC/A-1.tar.gz", "ABC/B-1.tar.gz"]);
  });

  it("falls back to a longer RECENT file when the cursor is older than the short one reaches", async () => {
    const { deps } = setup({
      "RECENT-1h.json": { meta: { minmax: { min: "500" } }, recent: [ev("600", "C-1.tar.gz")] },
      "RECENT-6h.json": { meta: { minmax: { min: "100" } }, recent: [ev("600", "C-1.tar.gz"), ev("300", "B-1.tar.gz")] },
    });
    await deps.cursors.put(CURSOR, "200");
    expect(await watchUploads(deps)).toMatchObject({ file: "RECENT-6h.json", queued: 2, cursor: "600" });
  });

  it("warns of a gap when no RECENT file reaches back far enough, and marks deletions", async () => {
    const { deps } = setup({ "RECENT-1h.json": { meta: { minmax: { min: "500" } }, recent: [ev("600", "C-1.tar.gz", "delete"), ev("550", "C-1.tar.gz")] } });
    await deps.cursors.put(CURSOR, "10");
    const r = await watchUploads(deps);
    expect(r.gap).toMatch(/RECENT-1h.json starts at 500, after the cursor 10/);
    expect(r.queued).toBe(0); // its latest event is the delete, and it was never seen
  });
});

describe("embedded queues (SQS semantics)", () => {
  it("hides received messages, retries later, dead-letters with a reason, and releases a killed run's messages", async () => {
    const { db, tick } = setup({});
    await db.queue<{ n: number }>("q").send([{ n: 1 }, { n: 2 }]);
    const [a, b] = db.receive<{ n: number }>("q", 10, 1000);
    expect([a?.body.n, b?.receives]).toEqual([1, 1]);
    expect(db.receive("q", 10, 1000)).toEqual([]); // invisible while in flight
    db.ack(a?.id as number);
    db.retryLater(b?.id as number, 50);
    tick(49);
    expect(db.receive("q", 10, 1000)).toEqual([]);
    tick(1);
    const [again] = db.receive<{ n: number }>("q", 10, 1000);
    expect(again?.receives).toBe(2);
    expect(db.releaseInFlight()).toBe(1);
    db.deadLetter(again?.id as number, "poisoned");
    expect(db.deadLetters()).toEqual([{ queue: "q", body: { n: 2 }, receives: 2, reason: "poisoned", at: expect.any(String) }]);
    expect(db.pending()).toEqual([]);
  });
});

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CURSOR, watchUploads } from "../../functions/watch-uploads/watch-uploads";
import { DirMirror } from "../../shared/adapters/embedded/dir-mirror";
import { EmbeddedDb } from "../../shared/adapters/embedded/sqlite-db";
import type { ReleaseRecord } from "../../shared/domain/pipeline/record";
import type { PipelineDeps } from "../../shared/ports/deps";

const CLOCK = new Date(1_760_979_000_000);

function setup(files: Record<string, unknown>, clock = () => CLOCK) {
  const dir = mkdtempSync(join(tmpdir(), "cpansec-watch-"));
  mkdirSync(join(dir, "mirror"));
  for (const [name, v] of Object.entries(files)) writeFileSync(join(dir, "mirror", name), JSON.stringify(v));
  let now = 1_000;
  const db = new EmbeddedDb(join(dir, "db.sqlite"), () => now);
  const deps = {
    mirror: new DirMirror(join(dir, "mirror")),
    releases: db.releases(),
    cursors: db.cursors(),
    queues: { ingest: db.queue("ingest-release") },
    clock,
  } as unknown as PipelineDeps;
  const write = (name: string, v: unknown) => writeFileSync(join(dir, "mirror", name), JSON.stringify(v));
  const queued = () => db.receive("ingest-release", 100, 60_000).map((m) => (m.body as { id: string }).id);
  return { db, deps, write, queued, mirror: join(dir, "mirror"), tick: (ms: number) => (now += ms) };
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
    expect(db.receive("ingest-release", 10, 1000).map((m) => (m.body as { id: string }).id)).toEqual([
      "ABC/A-1.tar.gz",
      "ABC/B-1.tar.gz",
      "ABC/A-1.tar.gz",
      "ABC/B-1.tar.gz",
    ]);
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

describe("watch-uploads against a hostile RECENT", () => {
  it("never lets a far-future or zero-padded epoch become the cursor: later uploads are still seen", async () => {
    const { deps, write, queued } = setup({
      "RECENT-1h.json": {
        meta: { minmax: { min: "100" } },
        recent: [ev("999999999999", "Far-1.tar.gz"), ev("000000000000", "Zero-1.tar.gz"), ev("1760978000", "A-1.tar.gz")],
      },
    });
    const first = await watchUploads(deps);
    expect(first).toMatchObject({
      queued: 2,
      cursor: "1760978000",
      ignored: [{ epoch: "999999999999", path: "authors/id/A/AB/ABC/Far-1.tar.gz", reason: expect.stringMatching(/after the watcher's clock/) }],
    });
    expect(queued()).toEqual(["ABC/Zero-1.tar.gz", "ABC/A-1.tar.gz"]);
    write("RECENT-1h.json", {
      meta: { minmax: { min: "100" } },
      recent: [ev("1760978500", "B-1.tar.gz"), ev("999999999999", "Far-1.tar.gz"), ev("000000000000", "Zero-1.tar.gz"), ev("1760978000", "A-1.tar.gz")],
    });
    expect(await watchUploads(deps)).toMatchObject({ queued: 1, cursor: "1760978500" });
    expect(queued()).toEqual(["ABC/B-1.tar.gz"]);
  });

  it("keeps the cursor at the clock for an event a little ahead of it, and heals a cursor stored in the future", async () => {
    const { deps } = setup({ "RECENT-1h.json": { meta: { minmax: { min: "100" } }, recent: [ev("1760979100.5", "Ahead-1.tar.gz")] } });
    expect(await watchUploads(deps)).toMatchObject({ queued: 1, cursor: "1760979000.000" });
    await deps.cursors.put(CURSOR, "999999999999");
    const healed = await watchUploads(deps);
    expect(healed.ignored?.[0]?.reason).toMatch(/stored cursor is after the watcher's clock/);
    expect(healed.cursor).toBe("1760979000.000");
  });

  it("refuses upload paths not in the exact authors/id/X/XY/AUTHOR/<file> shape, with the reason, and creates nothing for them", async () => {
    const victim = (f: string, epoch: string) => ({ epoch, path: `authors/id/V/VI/VICTIM/${f}`, type: "new" });
    const { deps, queued } = setup({
      "RECENT-1h.json": {
        meta: { minmax: { min: "100" } },
        recent: [
          victim("Future-2.0.tar.gz", "300"),
          { epoch: "250", path: "authors/id/A/AB/ZED/Evil-1.0.tar.gz", type: "new" },
          victim("Future-2.0.tar.gz/Any-1.0.tar.gz", "200"),
        ],
      },
    });
    const r = await watchUploads(deps);
    expect(r.ignored?.map((i) => [i.path, i.reason])).toEqual([
      ["authors/id/A/AB/ZED/Evil-1.0.tar.gz", expect.stringMatching(/do not match the PAUSE id ZED/)],
      ["authors/id/V/VI/VICTIM/Future-2.0.tar.gz/Any-1.0.tar.gz", expect.stringMatching(/subdirectory/)],
    ]);
    expect(queued()).toEqual(["VICTIM/Future-2.0.tar.gz"]);
    expect((await deps.releases.list()).map((x) => [x.id, x.author])).toEqual([["VICTIM/Future-2.0.tar.gz", "VICTIM"]]);
  });
});

describe("watch-uploads and a lagging mirror", () => {
  const lag = { since: CLOCK.toISOString(), attempts: 1, nextAt: new Date(CLOCK.getTime() + 60_000).toISOString(), reason: "CHECKSUMS does not list it yet" };

  it("queues a waiting release again when its author's CHECKSUMS changes, when RECENT names it again, and when its retry is due", async () => {
    let now = CLOCK;
    const { deps, write, queued } = setup({ "RECENT-1h.json": { meta: { minmax: { min: "100" } }, recent: [ev("200", "A-1.tar.gz")] } }, () => now);
    await watchUploads(deps);
    expect(queued()).toEqual(["ABC/A-1.tar.gz"]);
    await deps.releases.update("ABC/A-1.tar.gz", (x) => ({ ...x, lag }));
    // Not due yet, nothing new: nothing queued.
    expect((await watchUploads(deps)).queued).toBe(0);
    expect(queued()).toEqual([]);
    write("RECENT-1h.json", { meta: { minmax: { min: "100" } }, recent: [ev("300", "CHECKSUMS"), ev("200", "A-1.tar.gz")] });
    expect((await watchUploads(deps)).queued).toBe(1);
    expect(queued()).toEqual(["ABC/A-1.tar.gz"]);
    write("RECENT-1h.json", { meta: { minmax: { min: "100" } }, recent: [ev("400", "A-1.tar.gz"), ev("300", "CHECKSUMS")] });
    expect((await watchUploads(deps)).queued).toBe(1);
    expect(queued()).toEqual(["ABC/A-1.tar.gz"]);
    now = new Date(CLOCK.getTime() + 61_000);
    expect(await watchUploads(deps)).toMatchObject({ queued: 0, retried: 1 });
    expect(queued()).toEqual(["ABC/A-1.tar.gz"]);
    expect((await watchUploads(deps)).retried).toBeUndefined(); // claimed: not queued again every minute
  });

  it("reopens a release failed for lag when RECENT names it again, and leaves other failures alone", async () => {
    const { deps, write, queued } = setup({
      "RECENT-1h.json": { meta: { minmax: { min: "100" } }, recent: [ev("200", "B-1.tar.gz"), ev("100", "A-1.tar.gz")] },
    });
    await watchUploads(deps);
    queued();
    const failed = (reason: string, lagged: boolean) => (x: ReleaseRecord) => ({
      ...x,
      ...(lagged ? { lag } : {}),
      steps: { ingest: { status: "failed" as const, at: "t", reason } },
      failure: { step: "ingest" as const, reason, ...(lagged ? { lag: true } : { integrity: true }) },
      completedAt: "t",
    });
    await deps.releases.update("ABC/A-1.tar.gz", failed("not listed in CHECKSUMS after 6 hours", true));
    await deps.releases.update("ABC/B-1.tar.gz", failed("bad signature", false));
    write("RECENT-1h.json", { meta: { minmax: { min: "100" } }, recent: [ev("400", "B-1.tar.gz"), ev("300", "A-1.tar.gz")] });
    expect((await watchUploads(deps)).queued).toBe(1);
    expect(queued()).toEqual(["ABC/A-1.tar.gz"]);
    const a = await deps.releases.get("ABC/A-1.tar.gz");
    expect([a?.steps, a?.failure, a?.completedAt, a?.reopened]).toEqual([{}, undefined, undefined, 1]);
    expect((await deps.releases.get("ABC/B-1.tar.gz"))?.failure?.reason).toBe("bad signature");
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

// Issue 13: CHECKSUMS from a lagging or hostile mirror, and RECENT files too large to hold. Each
// mirror is built from scratch (test/helpers/hostile-mirror.ts) and served on 127.0.0.1.
import { afterEach, describe, expect, it } from "vitest";
import { CURSOR, RECENT_MAX_BYTES, watchUploads } from "../../functions/watch-uploads/watch-uploads";
import { terminalState } from "../../shared/domain/pipeline/record";
import { MirrorLimitError } from "../../shared/ports";
import { HostileMirror } from "../helpers/hostile-mirror";
import { NOW, closeAll, dirOf, loggedPaths, mirrorOf, open, served } from "../helpers/hostile-run";

afterEach(closeAll);

const HOUR = 3600_000;

describe("a mirror that lags behind RECENT", () => {
  it("waits (no alert, no dead letter) until CHECKSUMS lists the upload, and after the deadline fails it; a later CHECKSUMS reopens it", async () => {
    const alice = dirOf("ALICE");
    const m = await HostileMirror.create();
    const a = await HostileMirror.archive("Demo-A-1.0");
    const b = await HostileMirror.archive("Demo-B-1.0");
    m.files.set(`${alice}/Demo-A-1.0.tar.gz`, a);
    m.files.set(`${alice}/Demo-B-1.0.tar.gz`, b);
    await m.checksums(alice, {}); // the mirror's CHECKSUMS predates both uploads
    m.recent([
      { epoch: `${NOW - 50}`, path: `${alice}/Demo-B-1.0.tar.gz` },
      { epoch: `${NOW - 60}`, path: `${alice}/Demo-A-1.0.tar.gz` },
    ]);
    let now = new Date(NOW * 1000);
    const receives: string[] = [];
    const p = await open(m, await served(m), {
      clock: () => now,
      wrap:
        <T>(queue: string, step: (b: T, n: number) => Promise<void>) =>
        async (body: T, n: number) => {
          if (queue === "ingest-release") receives.push((body as { id: string }).id);
          return step(body, n);
        },
    });
    await p.runOnce();
    const waiting = await p.deps.releases.get("ALICE/Demo-A-1.0.tar.gz");
    expect(waiting?.lag).toMatchObject({ attempts: 1, reason: `${alice}/CHECKSUMS does not list Demo-A-1.0.tar.gz yet` });
    expect([waiting?.steps, waiting?.failure, terminalState(waiting as never)]).toEqual([{}, undefined, "pending"]);
    expect(receives).toEqual(["ALICE/Demo-A-1.0.tar.gz", "ALICE/Demo-B-1.0.tar.gz"]); // once each: no queue retries burnt
    expect(p.db.deadLetters()).toEqual([]);
    expect((await p.deps.events.list()).filter((e) => e.type === "integrity.alert")).toEqual([]);

    // The retry is due a minute later: the sweep queues both again; still not listed, still waiting.
    now = new Date(NOW * 1000 + 61_000);
    expect((await p.runOnce()).watch.retried).toBe(2);
    expect((await p.deps.releases.get("ALICE/Demo-A-1.0.tar.gz"))?.lag?.attempts).toBe(2);

    // CHECKSUMS catches up for A (and RECENT says so): A is processed and logged.
    await m.checksums(alice, { "Demo-A-1.0.tar.gz": { bytes: a, epoch: NOW - 60 } });
    m.recent([
      { epoch: `${NOW - 10}`, path: `${alice}/CHECKSUMS` },
      { epoch: `${NOW - 50}`, path: `${alice}/Demo-B-1.0.tar.gz` },
      { epoch: `${NOW - 60}`, path: `${alice}/Demo-A-1.0.tar.gz` },
    ]);
    await p.runOnce();
    const done = await p.deps.releases.get("ALICE/Demo-A-1.0.tar.gz");
    expect([terminalState(done as never), done?.lag]).toEqual(["processed", undefined]);
    expect(await loggedPaths(p)).toEqual([`${alice}/Demo-A-1.0.tar.gz`]);

    // B is never listed: past the deadline it fails with the reason, no alert, nothing logged.
    now = new Date(NOW * 1000 + 7 * HOUR);
    await p.runOnce();
    const failed = await p.deps.releases.get("ALICE/Demo-B-1.0.tar.gz");
    expect(failed?.failure).toEqual({ step: "ingest", reason: `not listed in ${alice}/CHECKSUMS after 6 hours`, lag: true });
    expect(terminalState(failed as never)).toBe("failed");
    expect((await p.deps.events.list()).filter((e) => e.type === "integrity.alert")).toEqual([]);
    expect(await loggedPaths(p)).toEqual([`${alice}/Demo-A-1.0.tar.gz`]);

    // PAUSE's CHECKSUMS finally lists B: the change reopens it; it is processed, logged, announced anew.
    await m.checksums(alice, { "Demo-A-1.0.tar.gz": { bytes: a, epoch: NOW - 60 }, "Demo-B-1.0.tar.gz": { bytes: b, epoch: NOW - 50 } });
    m.recent([
      { epoch: `${NOW + 7 * 3600}`, path: `${alice}/CHECKSUMS` },
      { epoch: `${NOW - 10}`, path: `${alice}/CHECKSUMS` },
    ]);
    await p.runOnce();
    const reopened = await p.deps.releases.get("ALICE/Demo-B-1.0.tar.gz");
    expect([terminalState(reopened as never), reopened?.reopened]).toEqual(["processed", 1]);
    expect((await loggedPaths(p)).sort()).toEqual([`${alice}/Demo-A-1.0.tar.gz`, `${alice}/Demo-B-1.0.tar.gz`]);
    const processed = (await p.deps.events.list()).filter((e) => e.type === "release.processed" && e.release?.id === "ALICE/Demo-B-1.0.tar.gz");
    expect(processed.map((e) => e.detail?.state)).toEqual(["failed", "processed"]);
    expect(p.db.deadLetters()).toEqual([]);
  });
});

describe("a CHECKSUMS that is not this upload's", () => {
  it("alerts on a byte-identical archive and CHECKSUMS copied under another author's directory, and logs only the first", async () => {
    const { m, entries } = await mirrorOf("ALICE", { "Demo-1.0": NOW - 60 });
    m.files.set(`${dirOf("OTHER")}/Demo-1.0.tar.gz`, entries["Demo-1.0.tar.gz"]?.bytes as Uint8Array);
    m.files.set(`${dirOf("OTHER")}/CHECKSUMS`, m.files.get(`${dirOf("ALICE")}/CHECKSUMS`) as Uint8Array);
    m.recent([
      { epoch: `${NOW - 30}`, path: `${dirOf("OTHER")}/Demo-1.0.tar.gz` },
      { epoch: `${NOW - 60}`, path: `${dirOf("ALICE")}/Demo-1.0.tar.gz` },
    ]);
    const p = await open(m, await served(m));
    await p.runOnce();
    expect(terminalState((await p.deps.releases.get("ALICE/Demo-1.0.tar.gz")) as never)).toBe("processed");
    expect((await p.deps.releases.get("OTHER/Demo-1.0.tar.gz"))?.failure).toMatchObject({
      integrity: true,
      reason: expect.stringMatching(/verified earlier as ALICE's upload/),
    });
    expect((await p.deps.events.list()).filter((e) => e.type === "integrity.alert").map((e) => e.release?.id)).toEqual(["OTHER/Demo-1.0.tar.gz"]);
    expect(await loggedPaths(p)).toEqual([`${dirOf("ALICE")}/Demo-1.0.tar.gz`]);
  });

  it("alerts on a CHECKSUMS signed long before the upload RECENT announces (a replay), and does not log it", async () => {
    const m = await HostileMirror.create();
    const bytes = await HostileMirror.archive("Old-1.0");
    m.files.set(`${dirOf("ALICE")}/Old-1.0.tar.gz`, bytes);
    // Signed in 2021 (the test key is of 2020); the entry's mtime agrees with RECENT, so only the signature's time gives it away.
    await m.checksums(dirOf("ALICE"), { "Old-1.0.tar.gz": { bytes, epoch: NOW - 60 } }, new Date("2021-06-01T00:00:00Z"));
    m.recent([{ epoch: `${NOW - 60}`, path: `${dirOf("ALICE")}/Old-1.0.tar.gz` }]);
    const p = await open(m, await served(m));
    await p.runOnce();
    expect((await p.deps.releases.get("ALICE/Old-1.0.tar.gz"))?.failure).toMatchObject({
      integrity: true,
      reason: expect.stringMatching(/signed CHECKSUMS is from 2021-06-01T00:00:00.000Z, before the upload/),
    });
    expect(await loggedPaths(p)).toEqual([]);
  });

  it("alerts when the entry's mtime is not the upload's day", async () => {
    const m = await HostileMirror.create();
    const bytes = await HostileMirror.archive("Old-1.0");
    m.files.set(`${dirOf("ALICE")}/Old-1.0.tar.gz`, bytes);
    await m.checksums(dirOf("ALICE"), { "Old-1.0.tar.gz": { bytes, epoch: 1433116800 } }); // mtime 2015-06-01
    m.recent([{ epoch: `${NOW - 60}`, path: `${dirOf("ALICE")}/Old-1.0.tar.gz` }]);
    const p = await open(m, await served(m));
    await p.runOnce();
    expect((await p.deps.releases.get("ALICE/Old-1.0.tar.gz"))?.failure?.reason).toMatch(/CHECKSUMS dates the file 2015-06-01, but the upload is of /);
  });
});

describe("RECENT files too large to hold", () => {
  const big = (n: number) =>
    new TextEncoder().encode(
      `{"recent":[${`{"epoch":"1","path":"authors/id/A/AB/ABC/${"x".repeat(200)}.tar.gz","type":"new"},`.repeat(n)}{"epoch":"1","path":"x","type":"new"}]}`,
    );

  it("stops reading RECENT-1h at its own limit, far below the archive limit", async () => {
    const m = await HostileMirror.create();
    m.files.set("RECENT-1h.json", big(Math.ceil(RECENT_MAX_BYTES / 250) + 10));
    const p = await open(m, await served(m));
    await expect(watchUploads(p.deps)).rejects.toThrow(MirrorLimitError);
    expect(await p.deps.cursors.get(CURSOR)).toBeUndefined();
  });

  it("reports a gap, rather than failing every run, when only a longer RECENT is too large", async () => {
    const { m } = await mirrorOf("ALICE", { "Demo-1.0": NOW - 60 });
    m.files.set(
      "RECENT-1h.json",
      new TextEncoder().encode(
        JSON.stringify({
          meta: { minmax: { min: `${NOW - 100}` } },
          recent: [{ epoch: `${NOW - 60}`, path: `${dirOf("ALICE")}/Demo-1.0.tar.gz`, type: "new" }],
        }),
      ),
    );
    m.files.set("RECENT-6h.json", big(Math.ceil(RECENT_MAX_BYTES / 250) + 10));
    const p = await open(m, await served(m));
    await p.deps.cursors.put(CURSOR, `${NOW - 5000}`);
    const r = await watchUploads(p.deps);
    expect(r).toMatchObject({ queued: 1, gap: expect.stringMatching(/RECENT-6h.json is over the 16777216-byte limit/) });
  });
});

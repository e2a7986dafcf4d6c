// Issue 13: a mirror (or an uploader) that lies. Each test builds its hostile mirror from scratch
// (test/helpers/hostile-mirror.ts), runs `cpansec run`'s pipeline over it, and checks that nothing
// it sent blinded, bent or crashed the pipeline.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { DirMirror } from "../../shared/adapters/embedded/dir-mirror";
import { terminalState } from "../../shared/domain/pipeline/record";
import { HostileMirror } from "../helpers/hostile-mirror";
import { NOW, closeAll, dirOf, loggedPaths, mirrorOf, onDisk, open, served } from "../helpers/hostile-run";

afterEach(closeAll);

describe("a directory mirror serves regular files only", () => {
  it("refuses a symlink in place of an archive, and no event carries its target's hash", async () => {
    const { m } = await mirrorOf("ALICE", { "Demo-1.0": NOW - 60 });
    m.recent([{ epoch: `${NOW - 60}`, path: `${dirOf("ALICE")}/Demo-1.0.tar.gz` }]);
    const root = onDisk(m);
    const secret = join(root, "..", `secret-${process.pid}.txt`);
    writeFileSync(secret, "the operator's private bytes\n");
    rmSync(join(root, dirOf("ALICE"), "Demo-1.0.tar.gz"));
    symlinkSync(secret, join(root, dirOf("ALICE"), "Demo-1.0.tar.gz"));
    const p = await open(m, new DirMirror(root));
    await p.runOnce();
    const r = await p.deps.releases.get("ALICE/Demo-1.0.tar.gz");
    expect(r?.failure).toMatchObject({ integrity: true, reason: expect.stringMatching(/is a symlink, not a regular file/) });
    const hash = createHash("sha256").update("the operator's private bytes\n").digest("hex");
    expect(JSON.stringify(await p.deps.events.list())).not.toContain(hash);
    expect(r?.sha256).toBeUndefined();
  });

  it("refuses a FIFO in place of an archive instead of waiting on it forever", async () => {
    const { m } = await mirrorOf("ALICE", { "Demo-1.0": NOW - 60 });
    m.recent([{ epoch: `${NOW - 60}`, path: `${dirOf("ALICE")}/Demo-1.0.tar.gz` }]);
    const root = onDisk(m);
    rmSync(join(root, dirOf("ALICE"), "Demo-1.0.tar.gz"));
    execFileSync("mkfifo", [join(root, dirOf("ALICE"), "Demo-1.0.tar.gz")]);
    const p = await open(m, new DirMirror(root));
    await p.runOnce();
    expect((await p.deps.releases.get("ALICE/Demo-1.0.tar.gz"))?.failure?.reason).toMatch(/not a regular file/);
  });

  it("refuses a symlinked author directory", async () => {
    const { m } = await mirrorOf("ALICE", { "Demo-1.0": NOW - 60 });
    m.recent([{ epoch: `${NOW - 60}`, path: `${dirOf("OTHER")}/Demo-1.0.tar.gz` }]);
    const root = onDisk(m);
    mkdirSync(join(root, "authors/id/O/OT"), { recursive: true });
    symlinkSync(join(root, dirOf("ALICE")), join(root, dirOf("OTHER")));
    const p = await open(m, new DirMirror(root));
    await p.runOnce();
    expect((await p.deps.releases.get("OTHER/Demo-1.0.tar.gz"))?.failure?.reason).toMatch(/OTHER is not a directory \(a symlink\)/);
    expect(await loggedPaths(p)).toEqual([]);
  });
});

describe("upload paths and keys", () => {
  it("refuses a nested path, so the victim's real upload (stored at the key it would have turned into a directory) is logged", async () => {
    const victim = dirOf("VICTIM");
    const m = await HostileMirror.create();
    const real = await HostileMirror.archive("Future-2.0");
    const nested = await HostileMirror.archive("Any-1.0");
    m.files.set(`${victim}/Future-2.0.tar.gz`, real);
    m.files.set(`${victim}/Future-2.0.tar.gz/Any-1.0.tar.gz`, nested);
    await m.checksums(victim, { "Future-2.0.tar.gz": { bytes: real, epoch: NOW - 50 } });
    await m.checksums(`${victim}/Future-2.0.tar.gz`, { "Any-1.0.tar.gz": { bytes: nested, epoch: NOW - 60 } });
    const zed = await HostileMirror.archive("Evil-1.0");
    m.files.set("authors/id/A/AB/ZED/Evil-1.0.tar.gz", zed);
    await m.checksums("authors/id/A/AB/ZED", { "Evil-1.0.tar.gz": { bytes: zed, epoch: NOW - 55 } });
    m.recent([
      { epoch: `${NOW - 50}`, path: `${victim}/Future-2.0.tar.gz` },
      { epoch: `${NOW - 55}`, path: "authors/id/A/AB/ZED/Evil-1.0.tar.gz" },
      { epoch: `${NOW - 60}`, path: `${victim}/Future-2.0.tar.gz/Any-1.0.tar.gz` },
    ]);
    const p = await open(m, await served(m));
    const { watch } = await p.runOnce();
    expect(watch.ignored?.map((i) => i.path).sort()).toEqual(["authors/id/A/AB/ZED/Evil-1.0.tar.gz", `${victim}/Future-2.0.tar.gz/Any-1.0.tar.gz`]);
    expect(p.db.deadLetters()).toEqual([]);
    expect((await p.deps.releases.list()).map((r) => [r.id, terminalState(r)])).toEqual([["VICTIM/Future-2.0.tar.gz", "processed"]]);
    expect(await loggedPaths(p)).toEqual([`${victim}/Future-2.0.tar.gz`]);
    expect(readdirSync(join(p.data, "releases"))).toEqual(["VICTIM"]);
    expect(readdirSync(join(p.data, "archives", "VICTIM"))).toEqual(["Future-2.0.tar.gz"]);
  });

  it("never fetches a %2e%2e path: it would resolve into another author's directory", async () => {
    const { m } = await mirrorOf("OTHER", { "Other-1.0": NOW - 60 });
    const sneaky = "authors/id/Z/ZE/ZED/%2e%2e/%2e%2e/%2e%2e/O/OT/OTHER/Other-1.0.tar.gz";
    m.recent([{ epoch: `${NOW - 60}`, path: sneaky }]);
    const mirror = await served(m);
    await expect(mirror.fetch(sneaky)).rejects.toThrow(/refusing mirror path/);
    expect(m.requests).toEqual([]);
    const p = await open(m, mirror);
    const { watch } = await p.runOnce();
    expect(watch.ignored?.map((i) => i.path)).toEqual([sneaky]);
    expect(await p.deps.releases.list()).toEqual([]);
    expect(m.requests.filter((r) => r.includes("OTHER"))).toEqual([]);
  });
});

// `cpansec run` as a long-running service and as a one-shot: outages, signals, idle passes, exit
// statuses, the lock, and running over a mirror of your own (the demo's, with its kept key).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltMirror, buildMirror } from "../../cli/demo/mirror";
import { lockDataDir } from "../../cli/run-lock";
import { runCliAsync, startCli } from "../helpers/cli";
import { repoRoot } from "../helpers/shared-data";

const STACK = /^\s+at /m;
let root: string;
let mirror: BuiltMirror;
let trust: string;
let closedUrl: string;

const fresh = (name: string) => mkdtempSync(join(root, `${name}-`));
const args = (data: string, ...more: string[]) => ["run", "--mirror", mirror.dir, "--trust-key", trust, "--data", data, "--no-advisories", ...more];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "cpansec-run-cli-"));
  mirror = await buildMirror(join(root, "mirror"), [
    { author: "ALICE", name: "Demo-Core", version: "1.0" },
    { author: "MALLORY", name: "Demo-Tampered", version: "1.0", tampered: true },
  ]);
  trust = join(root, "trust.asc");
  writeFileSync(trust, mirror.publicKey);
  // A port nothing listens on: a mirror that is down.
  const s: Server = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  closedUrl = `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
  await new Promise((r) => s.close(r));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("cpansec run --once", () => {
  it("exits 1 when an upload raised an integrity alert (and says so)", async () => {
    const r = await runCliAsync(args(fresh("alert"), "--once"));
    expect(r.stdout).toMatch(/INTEGRITY ALERT: MALLORY\/Demo-Tampered-1\.0\.tar\.gz/);
    expect(r.status).toBe(1);
  });

  it("on a mirror that is down: exit 4, one line naming the mirror, no stack", async () => {
    const r = await runCliAsync(["run", "--mirror", closedUrl, "--data", fresh("down"), "--once", "--no-advisories"]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(new RegExp(`^cpansec: mirror ${closedUrl.replace(/[./]/g, "\\$&")} unavailable: connect ECONNREFUSED`));
    expect(r.stderr).not.toMatch(STACK);
  });

  it("with a feed it cannot fetch: says so and goes on without findings", async () => {
    const r = await runCliAsync([
      "run",
      "--mirror",
      mirror.dir,
      "--trust-key",
      trust,
      "--data",
      fresh("nofeed"),
      "--once",
      "--advisories",
      `${closedUrl}feed.json`,
    ]);
    expect(r.stderr).toMatch(/advisory feed .*feed\.json unreachable \(connect ECONNREFUSED .*\); going on/);
    expect(r.stdout).toMatch(/releases: 1 processed, 1 failed/);
    expect(r.status).toBe(1); // the tampered upload
  });

  it("names a feed without metadata by its digest, not with blank fields", async () => {
    const feed = join(root, "bare-feed.json");
    writeFileSync(feed, JSON.stringify({ dists: {} }));
    const r = await runCliAsync(["run", "--mirror", mirror.dir, "--trust-key", trust, "--data", fresh("bare"), "--once", "--advisories", feed]);
    expect(r.stdout).toMatch(/^advisory feed: updated \(no date or commit in the feed; sha256 [0-9a-f]{16}\), signature not checked/m);
  });

  it("warns when the mirror has no 02packages", async () => {
    const bare = await buildMirror(join(root, "no-packages"), [{ author: "ALICE", name: "Demo-Core", version: "1.0" }]);
    rmSync(join(bare.dir, "modules"), { recursive: true });
    const key = join(root, "no-packages.asc");
    writeFileSync(key, bare.publicKey);
    const r = await runCliAsync(["run", "--mirror", bare.dir, "--trust-key", key, "--data", fresh("nopkg"), "--once", "--no-advisories"]);
    expect(r.stdout).toMatch(/^WARNING: the mirror has no modules\/02packages\.details\.txt\.gz/m);
    expect(r.status).toBe(0);
  });

  it("refuses a 02packages over its limit without reading it, and carries on with the pass", async () => {
    const big = await buildMirror(join(root, "big-packages"), [{ author: "ALICE", name: "Demo-Core", version: "1.0" }]);
    // A hostile mirror's index: parsed whole into one string and a line array by every match step.
    writeFileSync(join(big.dir, "modules/02packages.details.txt.gz"), Buffer.alloc(17 * 2 ** 20, 0x1f));
    const key = join(root, "big-packages.asc");
    writeFileSync(key, big.publicKey);
    const r = await runCliAsync(["run", "--mirror", big.dir, "--trust-key", key, "--data", fresh("bigpkg"), "--once", "--no-advisories"]);
    expect(r.stdout).toMatch(/^WARNING 02packages: 02packages not used: .*over the \d+-byte limit/m);
    expect(r.stdout).toMatch(/releases: 1 processed/);
    expect(r.status).toBe(0);
  });

  it("fetches the published feed when no --advisories is given", async () => {
    const r = await runCliAsync(["run", "--help"]);
    expect(r.stdout).toMatch(
      /--advisories <file\|url>[\s\S]*default:\s+"https:\/\/github\.com\/briandfoy\/cpan-security-advisory\/releases\/latest\/download\/cpan-security-advisory\.json"/,
    );
  });
});

describe("cpansec run, long-running", () => {
  it("rides out a mirror outage: one line per failed pass, backs off, stops cleanly on SIGTERM", async () => {
    const run = startCli(["run", "--mirror", closedUrl, "--data", fresh("outage"), "--interval", "1", "--no-advisories"]);
    await run.waitFor("stderr", /unavailable[^\n]*next try in 1 s\n[\s\S]*unavailable[^\n]*next try in 2 s\n/);
    run.child.kill("SIGTERM");
    const r = await run.done;
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).not.toMatch(/TypeError/);
    for (const line of r.stderr.trim().split("\n").slice(0, 2))
      expect(line).toMatch(
        new RegExp(`^cpansec: \\S+ mirror ${closedUrl.replace(/[./]/g, "\\$&")} unavailable \\(connect ECONNREFUSED [^)]*\\); next try in \\d+ s$`),
      );
    expect(r.stderr).toMatch(/SIGTERM: stopping after the current step\ncpansec: stopped\n$/);
    expect(r).toMatchObject({ status: 0, signal: null });
  });

  it("prints the whole summary once, then one line per idle pass", async () => {
    const run = startCli(args(fresh("idle"), "--interval", "1"));
    await run.waitFor("stdout", /(no new uploads in RECENT-1h\.json[^\n]*\n[\s\S]*){2}/);
    run.child.kill("SIGTERM");
    const r = await run.done;
    expect(r.stdout.match(/^releases: /gm)).toHaveLength(1);
    const idle = r.stdout
      .trim()
      .split("\n")
      .filter((l) => l.includes("no new uploads"));
    for (const l of idle)
      expect(l).toMatch(/^\S+ no new uploads in RECENT-1h\.json: 1 processed, 1 failed, 1 integrity alert\(s\), 0 dead letter\(s\), log 2; next pass in 1 s$/);
    expect(r.status).toBe(0);
  });

  it("is one per data directory: two started together, one is refused; a killed holder leaves no lock behind", async () => {
    const data = fresh("lock");
    const [a, b] = [startCli(args(data, "--interval", "60")), startCli(args(data, "--interval", "60"))];
    const refused = await Promise.race([a.done.then(() => a), b.done.then(() => b)]);
    const other = refused === a ? b : a;
    expect(await refused.done).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/^cpansec: another cpansec run is using .*; one run per data directory\n$/),
    });
    await other.waitFor("stdout", /^dead letters: none$/m);
    other.child.kill("SIGTERM");
    expect((await other.done).status).toBe(0);
    // A holder killed outright (SIGKILL: no cleanup) releases the lock with its process.
    const holder = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "-e",
        `import("./cli/run-lock.ts").then((m) => { m.lockDataDir(${JSON.stringify(data)}); console.log("locked"); setInterval(() => {}, 1000); })`,
      ],
      { cwd: repoRoot },
    );
    await new Promise<void>((r) => holder.stdout.once("data", () => r()));
    expect(() => lockDataDir(data)).toThrow(/another cpansec run/);
    holder.kill("SIGKILL");
    await new Promise((r) => holder.once("close", r));
    const unlock = lockDataDir(data);
    unlock();
  });
});

describe("cpansec demo, then cpansec run over its mirror", () => {
  it("keeps the mirror and its key: only the tampered upload raises an alert", async () => {
    const dir = fresh("demo");
    const demo = await runCliAsync(["demo", "--dir", dir]);
    expect(demo.status).toBe(0);
    const rerun = /^ {2}(cpansec run .*)$/m.exec(demo.stdout)?.[1];
    expect(rerun).toContain(`--trust-key ${join(dir, "demo-signing-key.asc")}`);
    const r = await runCliAsync([...(rerun as string).split(" ").slice(1)]);
    expect(r.stdout.match(/INTEGRITY ALERT/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/releases: 10 processed, 2 failed, 0 pending/);
    expect(r.status).toBe(1);
  });
});

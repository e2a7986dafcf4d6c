// The command behaves like a Unix tool: one line per error a user can cause (the stack only with
// --debug), the exit statuses of docs/cli.md, and a closed output pipe ends it quietly.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { metaJson, tarGz } from "../helpers/archives";
import { CLI, type CliResult, runCli } from "../helpers/cli";
import { repoRoot } from "../helpers/shared-data";

const STACK = /^\s+at /m;
let dir: string;
let archive: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cpansec-unix-"));
  archive = join(dir, "Foo-1.0.tar.gz");
  writeFileSync(archive, await tarGz([{ name: "Foo-1.0/META.json", content: metaJson({ name: "Foo", version: "1.0" }) }]));
});

/** Runs the command with its stdout already closed by the reader (`| head -0`): every write meets EPIPE. */
function closedPipe(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: repoRoot });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    child.on("error", reject).on("close", (status, signal) => resolve({ status: status ?? -1, signal, stdout: "", stderr }));
  });
}

describe("a closed pipe", () => {
  it.each([
    ["scan --json", () => ["scan", "--json", ...Array<string>(50).fill(archive)]],
    ["scan", () => ["scan", archive]],
    ["subscribe add", () => ["subscribe", "add", "--data", join(dir, "subs"), "--webhook", "https://hooks.example.com/x"]],
    ["log keygen", () => ["log", "keygen", "--origin", "example.org/x", "--out", join(dir, `k-${Math.random()}`)]],
  ])("ends %s quietly", async (_, args) => {
    const r = await closedPipe(args());
    expect(r.stderr).toBe("");
    expect(r.signal).toBeNull();
  });
});

describe("errors a user can cause", () => {
  it("a missing --packages file: one line naming it, exit 2 (not 1, which means a finding)", () => {
    const r = runCli(["scan", "--packages", join(dir, "nope.txt"), archive]);
    expect(r).toMatchObject({ status: 2, stdout: "" });
    expect(r.stderr).toMatch(/^cpansec: [^\n]*nope\.txt[^\n]*\n$/);
  });

  it("--debug (anywhere) adds the stack; without it there is none", () => {
    const missing = ["--mirror", join(dir, "no-mirror"), "--data", join(dir, "d"), "--once"];
    expect(runCli(["run", ...missing]).stderr).not.toMatch(STACK);
    expect(runCli(["run", ...missing, "--debug"]).stderr).toMatch(STACK);
  });

  it("a usage error: the error and a one-line hint, not the whole help", () => {
    const r = runCli(["scan", "--no-such-option", archive]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual(["error: unknown option '--no-such-option'", "(cpansec <command> --help for usage)"]);
  });

  it("run --mirror on a missing directory: exit 2, and --data is not created", () => {
    const data = join(dir, "data-never");
    const r = runCli(["run", "--mirror", join(dir, "no-mirror"), "--data", data, "--once", "--no-advisories"]);
    expect(r).toMatchObject({ status: 2, stderr: expect.stringMatching(/^cpansec: --mirror .*no-mirror: no such directory/) });
    expect(existsSync(data)).toBe(false);
  });

  it("subscribe list --data on a typo: exit 2, no store created", () => {
    const typo = join(dir, "cpansec-dta");
    expect(runCli(["subscribe", "list", "--data", typo])).toMatchObject({ status: 2, stderr: expect.stringMatching(/no cpansec store there/) });
    expect(existsSync(typo)).toBe(false);
  });
});

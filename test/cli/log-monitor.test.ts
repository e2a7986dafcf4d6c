// `cpansec log monitor` against a hostile log server on 127.0.0.1: older checkpoints (a fork, a rollback) exit 1.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { serveDir } from "../../cli/demo/serve";
import { parsePrivateKey, signNote } from "../../shared/domain/tlog/note";
import { runCli, runCliAsync } from "../helpers/cli";

const entry = (name: string) =>
  JSON.stringify(`cpansec-upload/v1\npath authors/id/E/ET/ETHER/${name}.tar.gz\nsha256 ${"c".repeat(64)}\nsize 1\nuploaded 1700000000\n`);
const lines = (names: string[]) => `${names.map(entry).join("\n")}\n`;
const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

describe("cpansec log monitor, state at size 310, shown a size-305 checkpoint", () => {
  const dir = mkdtempSync(join(tmpdir(), "cpansec-monitor-"));
  const key = join(dir, "key");
  const log = join(dir, "log");
  let vkey = "";
  let genuine305 = "";

  beforeAll(() => {
    vkey = runCli(["log", "keygen", "--origin", "example.org/monitored", "--out", key]).stdout.trim();
    genuine305 = runCli(["log", "append", "--log", log, "--key", key], lines(range(305, (i) => `D${i}-1`))).stdout;
    runCli(["log", "append", "--log", log, "--key", key], lines(range(5, (i) => `E${i}-1`)));
    // The fork: the same key signs a different 305-entry history.
    runCli(["log", "append", "--log", join(dir, "fork"), "--key", key], lines(range(305, (i) => (i === 300 ? "Evil-1" : `D${i}-1`))));
  });

  /** The genuine log's files, with `checkpoint` replaced, served over HTTP; monitored from a fresh size-310 state. */
  async function monitorWith(checkpoint: string, name: string) {
    const served = join(dir, name);
    cpSync(log, served, { recursive: true });
    const state = join(dir, `${name}.json`);
    const first = runCli(["log", "monitor", "--log", served, "--vkey", vkey, "--state", state]);
    expect(first.stdout.trim().split("\n")).toHaveLength(310);
    writeFileSync(join(served, "checkpoint"), checkpoint);
    const before = readFileSync(state, "utf8");
    const { url, server } = await serveDir(served);
    try {
      const r = await runCliAsync(["log", "monitor", "--log", url, "--vkey", vkey, "--state", state]);
      expect(readFileSync(state, "utf8")).toBe(before);
      return r;
    } finally {
      server.close();
    }
  }

  it("a validly signed fork exits 1 with an alert naming both roots", async () => {
    const r = await monitorWith(readFileSync(join(dir, "fork", "checkpoint"), "utf8"), "forked");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^ALERT: INCONSISTENT CHECKPOINT: the log now publishes a signed checkpoint of size 305 .* the first 305 entries of the verified tree have root /m,
    );
  });

  it("a plain rollback exits 1 too, saying the checkpoint is the verified prefix", async () => {
    const r = await monitorWith(genuine305, "rolled-back");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^ALERT: ROLLBACK: .*size 305 .*hides entries 305..309$/m);
  });

  it("log verify and monitor refuse a checkpoint signed by the key for another origin, unless --origin names it", () => {
    const served = join(dir, "elsewhere");
    cpSync(log, served, { recursive: true });
    const text = readFileSync(join(log, "checkpoint"), "utf8").split("\n\n")[0] as string;
    writeFileSync(join(served, "checkpoint"), signNote(`${text.replace(/^.*\n/, "example.org/elsewhere\n")}\n`, parsePrivateKey(readFileSync(key, "utf8"))));
    const v = runCli(["log", "verify", "--log", served, "--vkey", vkey]);
    expect(v.status).toBe(1);
    expect(v.stderr).toMatch(/checkpoint origin is example.org\/elsewhere, expected example.org\/monitored/);
    const m = runCli(["log", "monitor", "--log", served, "--vkey", vkey, "--state", join(dir, "elsewhere.json")]);
    expect(m.status).toBe(1);
    expect(m.stderr).toMatch(/checkpoint origin is example.org\/elsewhere, expected example.org\/monitored/);
    expect(runCli(["log", "verify", "--log", served, "--vkey", vkey, "--origin", "example.org/elsewhere"]).stdout).toMatch(
      /^OK: example.org\/elsewhere size 310 /,
    );
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, runCliAsync } from "../helpers/cli";
import { serveDir } from "../../cli/demo/serve";

describe("cpansec log", () => {
  const dir = mkdtempSync(join(tmpdir(), "cpansec-logcli-"));
  const key = join(dir, "key");
  const log = join(dir, "log");
  const state = join(dir, "monitor.json");
  let vkey = "";

  it("keygen writes a private key once and prints the verifier key", () => {
    const r = runCli(["log", "keygen", "--origin", "example.org/cpansec-test", "--out", key]);
    expect(r.status).toBe(0);
    vkey = r.stdout.trim();
    expect(vkey).toMatch(/^example\.org\/cpansec-test\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
    expect(readFileSync(key, "utf8")).toMatch(/^PRIVATE\+KEY\+example\.org\/cpansec-test\+/);
    const again = runCli(["log", "keygen", "--origin", "x", "--out", key]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("EEXIST");
  });

  it("appends JSON lines, verifies, proves and checks proofs", () => {
    const entry = (n: number) =>
      JSON.stringify(`cpansec-upload/v1\npath authors/id/E/ET/ETHER/Foo-${n}.tar.gz\nsha256 ${"c".repeat(64)}\nsize ${n}\nuploaded 1700000000\n`);
    expect(runCli(["log", "append", "--log", log, "--key", key], [1, 2, 3].map(entry).join("\n")).stdout).toMatch(/\n3\n/);
    writeFileSync(join(dir, "more.jsonl"), `${entry(4)}\n`);
    expect(runCli(["log", "append", "--log", log, "--key", key, join(dir, "more.jsonl")]).stdout).toMatch(/\n4\n/);
    const v = runCli(["log", "verify", "--log", log, "--vkey", vkey]);
    expect(v.stdout).toMatch(/^OK: example.org\/cpansec-test size 4 /);
    const p = runCli(["log", "prove", "--log", log, "--index", "2", "--vkey", vkey]);
    expect(JSON.parse(p.stdout)).toMatchObject({ type: "inclusion", index: 2, treeSize: 4 });
    writeFileSync(join(dir, "p.json"), p.stdout);
    expect(runCli(["log", "check-proof", join(dir, "p.json"), "--vkey", vkey]).stdout).toContain("OK: leaf 2 is in example.org/cpansec-test at size 4");
    const c = runCli(["log", "prove", "--log", log, "--from-size", "1"]);
    writeFileSync(join(dir, "c.json"), c.stdout);
    expect(runCli(["log", "check-proof", join(dir, "c.json"), "--vkey", vkey]).stdout).toContain("extends its tree of size 1");
    const forged = { ...JSON.parse(p.stdout), index: 1 };
    writeFileSync(join(dir, "bad.json"), JSON.stringify(forged));
    const bad = runCli(["log", "check-proof", join(dir, "bad.json"), "--vkey", vkey]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/cpansec: inclusion proof does not lead to the root/);
  });

  it("verifies and monitors a log served over HTTP, reading only its public files", async () => {
    const { url, server, hits } = await serveDir(log);
    try {
      const v = await runCliAsync(["log", "verify", "--log", url, "--vkey", vkey]);
      expect(v.stdout).toMatch(/^OK: .* size 4 /);
      const m = await runCliAsync(["log", "monitor", "--log", url, "--vkey", vkey, "--state", join(dir, "http-monitor.json")]);
      expect(m.status).toBe(0);
      expect(m.stdout.trim().split("\n")).toHaveLength(4);
      expect(hits.every((h) => h === "checkpoint" || h.startsWith("tile/"))).toBe(true);
    } finally {
      server.close();
    }
  });

  it("monitors growth and exits 1 with a clear alert when the log is tampered", () => {
    const first = runCli(["log", "monitor", "--log", log, "--vkey", vkey, "--state", state]);
    expect(first.status).toBe(0);
    expect(first.stdout.trim().split("\n")).toHaveLength(4);
    expect(runCli(["log", "monitor", "--log", log, "--vkey", vkey, "--state", state]).stdout).toBe("");
    const tile = join(log, "tile/entries/000.p/4");
    const bytes = readFileSync(tile);
    bytes[bytes.length - 3] = 0x39; // change a digit of the last entry's upload time
    writeFileSync(tile, bytes);
    const v = runCli(["log", "verify", "--log", log, "--vkey", vkey]);
    expect(v.status).toBe(1);
    expect(v.stderr).toMatch(/tile\/0\/000.p\/4: hash 3 is/);
    const wrongKey = runCli(["log", "verify", "--log", log, "--vkey", "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"]);
    expect(wrongKey.stderr).toMatch(/no signature by a known key/);
  });

  it("rejects bad arguments with usage errors", () => {
    expect(runCli(["log", "prove", "--log", log]).status).toBe(1);
    expect(runCli(["log", "prove", "--log", log, "--index", "x"]).status).toBe(2);
    expect(runCli(["log", "append", "--log", log, "--key", key], "42\n").stderr).toMatch(/line 1: expected a JSON string/);
  });
});

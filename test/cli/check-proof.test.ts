// `cpansec log check-proof` on the proof files the demo pipeline writes, as a user checks one release.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";

describe("cpansec log check-proof on the demo's release proofs", () => {
  const root = mkdtempSync(join(tmpdir(), "cpansec-check-proof-"));
  const data = join(root, "data");
  const release = join(data, "releases/ALICE/Demo-Core-1.0.tar.gz");
  const vkey = join(data, "log/vkey");
  const check = (file: string, ...more: string[]) => runCli(["log", "check-proof", file, "--vkey", vkey, ...more]);

  beforeAll(() => {
    const demo = runCli(["demo", "--dir", root]);
    expect(demo.status, demo.stderr).toBe(0);
  });

  it("verifies upload.tlog-proof end to end: the archive, its logged entry, the signed checkpoint", () => {
    const r = check(join(release, "upload.tlog-proof"), "--archive", join(root, "mirror/authors/id/A/AL/ALICE/Demo-Core-1.0.tar.gz"));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^OK: leaf \d+ is in cpansec.localhost\/log at size \d+\nlogged upload: authors\/id\/A\/AL\/ALICE\/Demo-Core-1.0.tar.gz sha256 [0-9a-f]{64} size \d+ uploaded [0-9.]+ \(the archive matches\)\n$/,
    );
  });

  it("verifies log.json", () => {
    const r = check(join(release, "log.json"));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^OK: leaf \d+ is in cpansec.localhost\/log at size \d+\n/);
  });

  it("refuses a tampered proof, another release's archive and a malformed file with exit 1 and one clear line", () => {
    const proof = readFileSync(join(release, "upload.tlog-proof"), "utf8");
    const lines = proof.split("\n");
    const at = lines.findIndex((l) => l.startsWith("index ")) + 1;
    lines[at] = Buffer.alloc(32, 7).toString("base64");
    writeFileSync(join(root, "tampered.tlog-proof"), lines.join("\n"));
    const t = check(join(root, "tampered.tlog-proof"));
    expect([t.status, t.stderr]).toEqual([1, "cpansec: inclusion proof does not lead to the root\n"]);
    const other = check(join(release, "upload.tlog-proof"), "--archive", join(root, "mirror/authors/id/A/AL/ALICE/Demo-App-2.0.tar.gz"));
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(
      /^cpansec: the archive is not the logged upload: the archive is named Demo-App-2.0.tar.gz, the entry is for Demo-Core-1.0.tar.gz; .*sha256/,
    );
    writeFileSync(join(root, "empty.json"), "{}");
    const empty = check(join(root, "empty.json"));
    expect(empty.status).toBe(1);
    expect(empty.stderr).toMatch(/^cpansec: log.json: index: /);
  });
});

// `scan --jobs N` reads archives on worker threads: what it prints and writes must be the serial scan's, byte for byte.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { metaJson, tarGz } from "../helpers/archives";
import { runCli } from "../helpers/cli";
import { fixturePath } from "../helpers/fixtures";

const tree = (root: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => {
        const p = join(e.parentPath, e.name);
        return [relative(root, p), readFileSync(p, "utf8")];
      }),
  );

describe("cpansec scan --jobs", () => {
  const dir = mkdtempSync(join(tmpdir(), "cpansec-scan-pool-"));
  const corpus = fixturePath("corpus");
  // Every fixture archive (gzip, bzip2, xz), a file that is not an archive, a missing one, and two
  // archives of one name (the second's --out folder is refused: order matters there).
  const files = readdirSync(corpus)
    .filter((f) => /\.tar\.(gz|bz2|xz)$/.test(f))
    .sort()
    .map((f) => join(corpus, f));

  it("prints and writes the same bytes on 1 thread and on 3", async () => {
    writeFileSync(join(dir, "Broken-0.01.tar.gz"), "this is not gzip");
    for (const [sub, v] of [
      ["a", "1.0"],
      ["b", "2.0"],
    ] as const) {
      mkdirSync(join(dir, sub));
      writeFileSync(join(dir, sub, "Same-1.0.tar.gz"), await tarGz([{ name: "Same-1.0/META.json", content: metaJson({ name: "Same", version: v }) }]));
    }
    const args = [...files, join(dir, "Broken-0.01.tar.gz"), join(dir, "missing-1.0.tar.gz"), join(dir, "a/Same-1.0.tar.gz"), join(dir, "b/Same-1.0.tar.gz")];
    const run = (jobs: string, out: string) =>
      runCli(["scan", "--json", "--jobs", jobs, "--author", "POOL", "--upload-time", "2026-08-16T14:31:00Z", "--out", join(dir, out), ...args]);
    const serial = run("1", "out");
    const serialTree = tree(join(dir, "out"));
    const pooled = run("3", "out");
    expect(pooled.status).toBe(3);
    expect(pooled.stderr).toBe(serial.stderr);
    expect(pooled.stdout).toBe(serial.stdout);
    expect(tree(join(dir, "out"))).toEqual(serialTree);
    // The files checked are the ones named: one line each, the same file in each.
    const lines = pooled.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { file: string; error?: string });
    expect(lines.map((l) => l.file)).toEqual(args);
    expect(lines.filter((l) => l.error).map((l) => relative(dir, l.file))).toEqual(["Broken-0.01.tar.gz", "missing-1.0.tar.gz", "b/Same-1.0.tar.gz"]);
    // SBOMs for every archive read, the one that is not an archive included (its error is in them), and the first Same.
    expect(Object.keys(serialTree).filter((p) => p.endsWith("sbom.spdx.json")).length).toBe(files.length + 2);
    // Without --out (no SHA-1, no bundled samples) and the readable text too.
    for (const flags of [["--json"], []]) {
      const one = runCli(["scan", ...flags, "--jobs", "1", ...args]);
      expect(runCli(["scan", ...flags, "--jobs", "2", ...args]).stdout).toBe(one.stdout);
    }
  });

  it("refuses a thread count that is not a whole number from 1", () => {
    const r = runCli(["scan", "--jobs", "0", files[0] as string]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("a whole number of threads");
  });
});

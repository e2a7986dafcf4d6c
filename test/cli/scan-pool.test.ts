// `scan --jobs N` reads archives on worker threads: what it prints and writes must be the serial scan's, byte for byte.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { metaJson, tarGz } from "../helpers/archives";
import { runCli } from "../helpers/cli";
import { fixturePath, realFeeds } from "../helpers/fixtures";
import { POOL_FROM, scanThreads } from "../../cli/scan-pool";

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

  it("matches the feed and resolves through 02packages the same on every thread, SBOMs and advisories.json included", () => {
    const feed = realFeeds().at(-1)?.path as string;
    // 02packages sends a prerequisite of one archive (Test::More) to another distribution than the feed's module2dist does.
    const packages = join(dir, "02packages.details.txt");
    writeFileSync(
      packages,
      "File: 02packages.details.txt\nLine-Count: 2\n\nTest::More 1.3 E/EX/EXODIST/Test-Simple-1.302190.tar.gz\nLWP 6.0 O/OA/OALDERS/libwww-perl-6.00.tar.gz\n",
    );
    const run = (jobs: string, out: string) =>
      runCli(["scan", "--json", "--jobs", jobs, "--advisories", feed, "--mode", "cpan-audit", "--packages", packages, "--out", join(dir, out), ...files]);
    const serial = run("1", "feed-1");
    const pooled = run("3", "feed-3");
    expect(pooled.status).toBe(serial.status);
    expect(pooled.stderr).toBe(serial.stderr);
    expect(pooled.stdout.replaceAll(join(dir, "feed-3"), join(dir, "feed-1"))).toBe(serial.stdout);
    expect(tree(join(dir, "feed-3"))).toEqual(tree(join(dir, "feed-1")));
    // The feed was matched: every archive's line has findings and a resolution of its prerequisites.
    const lines = serial.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { findings?: unknown[]; resolution?: unknown; advisories?: string });
    expect(lines.every((l) => Array.isArray(l.findings) && l.resolution && l.advisories)).toBe(true);
  });

  it("reads a META.yml nested past the limit the same on every thread (stack sizes differ between threads)", async () => {
    const deep = join(dir, "deep");
    mkdirSync(deep);
    const args: string[] = [];
    for (const [i, n] of [700, 1500, 2500, 700, 1500, 2500].entries()) {
      const name = `Deep${i}-1.0`;
      const file = join(deep, `${name}.tar.gz`);
      writeFileSync(file, await tarGz([{ name: `${name}/META.yml`, content: `name: Deep${i}\nversion: '1.0'\nx_deep: ${"[".repeat(n)}${"]".repeat(n)}\n` }]));
      args.push(file);
    }
    const serial = runCli(["scan", "--json", "--jobs", "1", ...args]);
    expect(runCli(["scan", "--json", "--jobs", "3", ...args]).stdout).toBe(serial.stdout);
    const problems = serial.stdout
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { problems?: string[] }).problems ?? []);
    expect(problems.every((p) => p.some((x) => x.includes("nests deeper than 256 levels")))).toBe(true);
  });

  it("uses a second thread from POOL_FROM archives on two cores or more, unless --jobs says otherwise", () => {
    const entry = "file:///x/cpansec.mjs";
    expect(scanThreads(POOL_FROM - 1, undefined, entry, 2)).toBe(1);
    expect(scanThreads(POOL_FROM, undefined, entry, 2)).toBe(2);
    expect(scanThreads(POOL_FROM, undefined, entry, 1)).toBe(1);
    expect(scanThreads(500, undefined, entry, 16)).toBe(2);
    expect(scanThreads(3, 8, entry, 2)).toBe(3);
    expect(scanThreads(500, 1, entry, 16)).toBe(1);
    // Not started from the bundle: no worker script to run.
    expect(scanThreads(500, 4, undefined, 16)).toBe(1);
  });

  it("refuses a thread count that is not a whole number from 1", () => {
    const r = runCli(["scan", "--jobs", "0", files[0] as string]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("a whole number of threads");
  });
});

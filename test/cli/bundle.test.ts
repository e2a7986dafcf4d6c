// The command users run is the esbuild bundle (`npx cpansec` → dist/cpansec.mjs), not the sources:
// build it the way `prepare` does and smoke-test the commands whose dependencies load lazily.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleOptions } from "../../cli/build";
import { metaJson, tarGz } from "../helpers/archives";
import { repoRoot } from "../helpers/shared-data";

const out = join(repoRoot, "node_modules", ".cache", `cpansec-bundle-test-${process.pid}`);
const run = (args: string[], input?: string) => spawnSync(process.execPath, [join(out, "cpansec.mjs"), ...args], { encoding: "utf8", input, cwd: repoRoot });

describe("the bundled cpansec command", () => {
  beforeAll(async () => {
    await build({ ...bundleOptions(out), logLevel: "error", absWorkingDir: repoRoot });
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("scans with SBOMs, matches advisories and runs the log commands", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cpansec-bundle-"));
    const archive = join(dir, "Foo-1.0.tar.gz");
    writeFileSync(archive, await tarGz([{ name: "Foo-1.0/META.json", content: metaJson({ name: "Foo", version: "1.0" }) }]));
    writeFileSync(join(dir, "feed.json"), JSON.stringify({ dists: { Foo: { advisories: [{ id: "F-1", affected_versions: ["<2"] }] } } }));
    const scan = run(["scan", "--json", "--out", join(dir, "out"), "--author", "FOO", "--advisories", join(dir, "feed.json"), archive]);
    expect(scan.stderr).toBe("");
    expect(scan.status).toBe(1);
    expect(JSON.parse(scan.stdout)).toMatchObject({ sbom: { cyclonedx: expect.any(String) }, findings: [{ advisory: "F-1" }] });
    expect(run(["advisories", "match", "--db", join(dir, "feed.json")], "Foo\t1\n").stdout).toContain('"F-1"');
    const vkey = run(["log", "keygen", "--origin", "example.org/b", "--out", join(dir, "k")]).stdout.trim();
    expect(run(["log", "append", "--log", join(dir, "log"), "--key", join(dir, "k")], '"x"\n').status).toBe(0);
    expect(run(["log", "verify", "--log", join(dir, "log"), "--vkey", vkey]).stdout).toMatch(/^OK/);
  });

  it("answers a bare --version from its entry file alone, as commander does", () => {
    // A static import in the entry would load a chunk (and what it imports) before --version is read.
    expect(readFileSync(join(out, "cpansec.mjs"), "utf8")).not.toMatch(/^import [^;]* from "\./m);
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) expect(run([flag])).toMatchObject({ status: 0, stdout: `${pkg.version}\n`, stderr: "" });
    // Through commander (another argument with it): the same answer.
    expect(run(["--version", "--debug"])).toMatchObject({ status: 0, stdout: `${pkg.version}\n` });
  });

  it("runs the demo (the pipeline on the embedded store)", () => {
    const dir = mkdtempSync(join(tmpdir(), "cpansec-bundle-demo-"));
    const r = run(["demo", "--dir", dir]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/releases: 10 processed, 2 failed, 0 pending/);
    // Published on its thread, from dist/publish-worker.mjs beside the entry.
    expect(r.stdout).toMatch(/dead letters: none\npublished advisory index: .* \(\d+ OSV records/);
  });
});

// `cpansec patch publish` as users run it, then the real client: Debian's cpanm installs the
// patched File-Find-Rule from the overlay (offline, file: mirrors), its dependency from the base
// mirror; with the base mirror alone it gets the vulnerable original. The originals are built from
// scratch (test/helpers/installable-dist.ts); the patch is CPANSec's published CVE-2011-10007-r1.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readTrustedKeys, verifyChecksums } from "../../shared/domain/cpan/checksums-signature";
import { runCli } from "../helpers/cli";
import { fixturePath } from "../helpers/fixtures";
import { FFR_PATCH, PATCHED_LINE, VULNERABLE_LINE, fileFindRule, textGlob } from "../helpers/installable-dist";
import { announceSkip } from "../helpers/perl";

const NAME = "File-Find-Rule-0.34-PATCHED-CVE-2011-10007-r1";
const dir = mkdtempSync(join(tmpdir(), "cpansec-overlay-"));
const cpan = join(dir, "cpan");
const data = join(dir, "data");
const overlay = join(data, "patched-cpan");
const authorDir = join(cpan, "authors/id/R/RC/RCLAMP");
const original = join(authorDir, "File-Find-Rule-0.34.tar.gz");
const published = join(overlay, "authors/id/C/CP/CPANSEC");

async function baseMirror() {
  mkdirSync(authorDir, { recursive: true });
  writeFileSync(original, await fileFindRule());
  writeFileSync(join(authorDir, "Text-Glob-0.11.tar.gz"), await textGlob());
  mkdirSync(join(cpan, "modules"));
  const rows = ["File::Find::Rule 0.34 R/RC/RCLAMP/File-Find-Rule-0.34.tar.gz", "Text::Glob 0.11 R/RC/RCLAMP/Text-Glob-0.11.tar.gz"];
  writeFileSync(join(cpan, "modules/02packages.details.txt.gz"), gzipSync(`File: 02packages.details.txt\nLine-Count: 2\n\n${rows.join("\n")}\n`));
}

const snapshot = (d: string) =>
  Object.fromEntries(
    readdirSync(d, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name)).toString("hex")]),
  );

function cpanm(target: string, mirrors: string[], home: string) {
  const args = ["-L", join(dir, target), ...mirrors.flatMap((m) => ["--mirror", pathToFileURL(m).href]), "--mirror-only", "File::Find::Rule"];
  const r = spawnSync("cpanm", args, { encoding: "utf8", env: { ...process.env, PERL_CPANM_HOME: join(dir, home), PERL5LIB: "" }, timeout: 300_000 });
  return { ...r, installed: () => readFileSync(join(dir, target, "lib/perl5/File/Find/Rule.pm"), "utf8") };
}

describe("cpansec patch publish", () => {
  it("builds the patched archive once, logs it, signs CHECKSUMS with the deployment's key, and is idempotent", async () => {
    await baseMirror();
    const args = [
      "patch",
      "publish",
      original,
      "--source",
      fixturePath("patches"),
      "--data",
      data,
      "--packages",
      join(cpan, "modules/02packages.details.txt.gz"),
      "--json",
    ];
    const a = runCli(args);
    expect(a.stderr).toBe("");
    expect(a.status).toBe(0);
    const r = JSON.parse(a.stdout);
    expect(r.added).toHaveLength(1);
    expect(r.added[0]).toMatchObject({
      path: `authors/id/C/CP/CPANSEC/${NAME}.tar.gz`,
      original: { path: "authors/id/R/RC/RCLAMP/File-Find-Rule-0.34.tar.gz" },
      patches: [{ path: FFR_PATCH, cve: "CVE-2011-10007", revision: 1 }],
      packages: [{ name: "File::Find::Rule", version: "0.34" }],
      logIndex: 0,
    });
    expect(readdirSync(published).sort()).toEqual(["CHECKSUMS", ...["cdx.json", "spdx.json", "tar.gz", "tlog-proof"].map((x) => `${NAME}.${x}`)]);
    const key = await readTrustedKeys(readFileSync(join(overlay, "cpansec-overlay-key.asc")));
    const sums = await verifyChecksums(readFileSync(join(published, "CHECKSUMS"), "utf8"), key);
    expect(sums.entries.get(`${NAME}.tar.gz`)?.sha256).toBe(r.added[0].sha256);
    expect([...sums.entries.keys()]).toHaveLength(4);

    const before = snapshot(data);
    const again = runCli(args);
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: [], existing: 1, failed: [] });
    expect(snapshot(data)).toEqual(before);
  });

  it("the log verifies, and the archive's proof names the original and the patch", () => {
    const vkey = join(data, "log", "vkey");
    const v = runCli(["log", "verify", "--log", join(data, "log"), "--vkey", vkey]);
    expect(v.stdout, v.stderr).toMatch(/^OK: cpansec\.localhost\/log size 1 /);
    const c = runCli(["log", "check-proof", join(published, `${NAME}.tlog-proof`), "--vkey", vkey, "--archive", join(published, `${NAME}.tar.gz`)]);
    expect(c.stderr).toBe("");
    expect(c.stdout).toContain(`logged patched archive: authors/id/C/CP/CPANSEC/${NAME}.tar.gz sha256 `);
    expect(c.stdout).toContain("(the archive matches)\n  from authors/id/R/RC/RCLAMP/File-Find-Rule-0.34.tar.gz sha256 ");
    expect(c.stdout).toContain(`  with ${FFR_PATCH} sha256 `);
    const wrong = runCli(["log", "check-proof", join(published, `${NAME}.tlog-proof`), "--vkey", vkey, "--archive", original]);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/the archive is not the logged patched archive: the archive is named File-Find-Rule-0\.34\.tar\.gz/);
  });

  it("cpanm --mirror OVERLAY --mirror CPAN --mirror-only installs the patched version, offline", (ctx) => {
    if (spawnSync("cpanm", ["--version"]).error) {
      announceSkip("cpanm install from the overlay", "cpanm is not installed (apt-get install cpanminus)");
      return ctx.skip();
    }
    const base = cpanm("base-only", [cpan], "home-a");
    expect(base.status, base.stdout + base.stderr).toBe(0);
    expect(base.installed()).toContain(VULNERABLE_LINE);
    const both = cpanm("with-overlay", [overlay, cpan], "home-b");
    expect(both.status, both.stdout + both.stderr).toBe(0);
    expect(both.stdout + both.stderr).toContain("Successfully installed Text-Glob-0.11");
    expect(both.installed()).toContain(PATCHED_LINE);
    expect(both.installed()).not.toContain(VULNERABLE_LINE);
  }, 600_000);
});

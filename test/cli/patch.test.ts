// `cpansec patch` as users run it (the built bundle): apply a published patch to a release built
// from scratch, get the same bytes twice, scan the result; refusals exit 1 naming the hunk.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";
import { fixturePath } from "../helpers/fixtures";
import { SASL_PATCH, saslArchive } from "../helpers/patched-archive";
import { cycloneDxSchemaErrors, spdxSchemaErrors } from "../helpers/sbom-validation";

describe("cpansec patch", () => {
  const dir = mkdtempSync(join(tmpdir(), "cpansec-patch-"));
  const authors = join(dir, "authors/id/E/EH/EHUELS");
  const original = join(authors, "Authen-SASL-2.1800.tar.gz");
  const patch = fixturePath("patches", SASL_PATCH);

  it("apply writes the patched archive and its SBOMs, reproducibly; scan reads it", async () => {
    mkdirSync(authors, { recursive: true });
    writeFileSync(original, await saslArchive());
    const a = runCli(["patch", "apply", original, patch, "--out", join(dir, "a"), "--json"]);
    expect(a.stderr).toBe("");
    expect(a.status).toBe(0);
    const r = JSON.parse(a.stdout);
    expect(r).toMatchObject({
      archive: join(dir, "a", "Authen-SASL-2.1800-PATCHED-CVE-2025-40918-r1.tar.gz"),
      patches: [{ path: SASL_PATCH, cve: "CVE-2025-40918", revision: 1 }],
    });
    expect(readdirSync(join(dir, "a")).sort()).toEqual([
      "Authen-SASL-2.1800-PATCHED-CVE-2025-40918-r1.cdx.json",
      "Authen-SASL-2.1800-PATCHED-CVE-2025-40918-r1.spdx.json",
      "Authen-SASL-2.1800-PATCHED-CVE-2025-40918-r1.tar.gz",
    ]);
    const b = runCli(["patch", "apply", original, patch, "--out", join(dir, "b")]);
    expect(b.status).toBe(0);
    for (const f of readdirSync(join(dir, "a"))) expect(readFileSync(join(dir, "b", f)).equals(readFileSync(join(dir, "a", f))), f).toBe(true);
    const cdx = readFileSync(r.cyclonedx, "utf8");
    expect(await cycloneDxSchemaErrors(cdx)).toBeNull();
    expect(spdxSchemaErrors(JSON.parse(readFileSync(r.spdx, "utf8")))).toBeNull();
    expect(JSON.parse(cdx).metadata.component.pedigree.ancestors[0].purl).toBe("pkg:cpan/Authen-SASL@2.1800?author=EHUELS");
    // The patch's Date (2025-07-10T20:05:29Z) is the archive's time, so nothing depends on the clock.
    expect(JSON.parse(cdx).metadata.timestamp).toBe("2025-07-10T20:05:29.000Z");
    const s = runCli(["scan", "--json", r.archive]);
    expect(s.status).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ distribution: "Authen-SASL", version: "2.1800-PATCHED-CVE-2025-40918-r1", sha256: r.sha256, files: 3 });
  });

  it("apply --source picks the release's current patches from a directory", async () => {
    const r = runCli(["patch", "apply", original, "--source", fixturePath("patches"), "--out", join(dir, "c"), "--json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).patches.map((p: { path: string }) => p.path)).toEqual([SASL_PATCH]);
  });

  it("apply refuses a patch that does not apply, naming the hunk, and writes nothing", async () => {
    const other = original;
    const wrong = join(dir, "CVE-2026-60074-r1.patch");
    writeFileSync(wrong, readFileSync(fixturePath("patches", "D/Date-Manip/6.99/CVE-2026-60074-r1.patch")));
    const r = runCli(["patch", "apply", other, wrong, "--out", join(dir, "d")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^cpansec: .*patches lib\/Date\/Manip\/.*, which is not a file in the archive\n$/);
    expect(() => readdirSync(join(dir, "d"))).toThrow();
    mkdirSync(join(dir, "broken"));
    const hunk = join(dir, "broken", "Authen-SASL-2.1800.tar.gz");
    const { tarGz, metaJson } = await import("../helpers/archives");
    writeFileSync(
      hunk,
      await tarGz([
        { name: "Authen-SASL-2.1800/META.json", content: metaJson({ name: "Authen-SASL", version: "2.1800" }) },
        { name: "Authen-SASL-2.1800/lib/Authen/SASL/Perl/DIGEST_MD5.pm", content: "package Authen::SASL::Perl::DIGEST_MD5;\n1;\n" },
      ]),
    );
    const h = runCli(["patch", "apply", hunk, patch, "--out", join(dir, "e")]);
    expect(h.status).toBe(1);
    expect(h.stderr).toContain("hunk #1 (@@ -10,6 +10,7 @@) of lib/Authen/SASL/Perl/DIGEST_MD5.pm does not apply");
  });

  it("list reads a directory source and says what it refused", () => {
    const r = runCli(["patch", "list", fixturePath("patches"), "--json"]);
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout);
    expect([j.current.length, j.superseded.length, j.problems.length]).toEqual([37, 2, 1]);
    expect(j.current[0]).toMatchObject({
      path: SASL_PATCH,
      cve: "CVE-2025-40918",
      author: "Robert Rothenberg <rrwo@cpan.org>",
      files: ["lib/Authen/SASL/Perl/DIGEST_MD5.pm"],
    });
  });
});

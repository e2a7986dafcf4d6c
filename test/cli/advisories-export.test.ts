import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";

const dir = mkdtempSync(join(tmpdir(), "cpansec-export-"));
const feed = join(dir, "feed.json");
const advisory = (id: string) => ({
  id,
  distribution: "Foo-Bar",
  affected_versions: ["<1.23"],
  fixed_versions: [">=1.23"],
  cves: ["CVE-2026-1"],
  description: "bad",
  reported: "2026-01-02",
  severity: "critical",
  references: [],
});
writeFileSync(
  feed,
  JSON.stringify({
    meta: { date: "Sun Aug 16 14:31:00 2026", commit: "62f1f98" },
    module2dist: {},
    dists: {
      "Foo-Bar": { versions: [{ version: "1.22" }, { version: "1.23" }], advisories: [advisory("CPANSA-Foo-Bar-2026-1"), advisory("CPANSA-Foo-Bar/../../x")] },
    },
  }),
);

describe("cpansec advisories export", () => {
  it("writes the OSV layout, names what it could not publish (exit 1), and rewrites nothing on a second run", () => {
    const out = join(dir, "osv");
    const r = runCli(["advisories", "export", "--format", "osv", "--db", feed, "--out", out, "--json"]);
    expect(r.stderr).toContain('advisory id "CPANSA-Foo-Bar/../../x" is not [A-Za-z0-9._+-]: not published');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: "osv", documents: 1, files: 4, written: 4, problems: 1 });
    const record = JSON.parse(readFileSync(join(out, "CPAN", "CPANSA-Foo-Bar-2026-1.json"), "utf8"));
    expect(record).toMatchObject({
      id: "CPANSA-Foo-Bar-2026-1",
      modified: "2026-08-16T14:31:00Z",
      aliases: ["CVE-2026-1"],
      affected: [{ package: { ecosystem: "CPAN", name: "Foo-Bar", purl: "pkg:cpan/Foo-Bar" }, versions: ["1.22"] }],
    });
    expect(readFileSync(join(out, "CPAN", "modified_id.csv"), "utf8")).toBe("2026-08-16T14:31:00Z,CPANSA-Foo-Bar-2026-1\n");
    expect(existsSync(join(dir, "x.json"))).toBe(false);
    expect(JSON.parse(runCli(["advisories", "export", "--format", "osv", "--db", feed, "--out", out, "--json"]).stdout)).toMatchObject({ written: 0 });
  });
  it("writes a CSAF provider directory, and needs --base-url for it", () => {
    const out = join(dir, "csaf");
    const none = runCli(["advisories", "export", "--format", "csaf", "--db", feed, "--out", out]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("needs --base-url");
    const r = runCli(["advisories", "export", "--format", "csaf", "--db", feed, "--out", out, "--base-url", "https://example.org/.well-known/csaf"]);
    expect(r.stdout).toMatch(/^csaf: 1 documents, 6 files in .* \(6 written, the rest unchanged\) in \d+ ms\n$/);
    expect(readFileSync(join(out, "index.txt"), "utf8")).toBe("2026/cpansa-foo-bar-2026-1.json\n");
    expect(JSON.parse(readFileSync(join(out, "provider-metadata.json"), "utf8"))).toMatchObject({
      canonical_url: "https://example.org/.well-known/csaf/provider-metadata.json",
      role: "csaf_provider",
    });
  });
  it("says plainly when the feed cannot be used (exit 2)", () => {
    writeFileSync(join(dir, "bad.json"), "{");
    const r = runCli(["advisories", "export", "--format", "osv", "--db", join(dir, "bad.json"), "--out", join(dir, "o")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("cannot use the advisory feed");
  });
});

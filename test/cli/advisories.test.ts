import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { metaJson, tarGz } from "../helpers/archives";
import { runCli } from "../helpers/cli";
import { realFeeds } from "../helpers/fixtures";

const dir = mkdtempSync(join(tmpdir(), "cpansec-adv-"));
const feed = join(dir, "feed.json");
writeFileSync(
  feed,
  JSON.stringify({
    meta: { date: "Sun Aug 16 14:31:00 2026", commit: "62f1f98" },
    module2dist: { "Vuln::Dep": "Vuln-Dep" },
    dists: {
      "Foo-Bar": {
        versions: [{ version: "1.22" }, { version: "1.23" }],
        advisories: [
          {
            id: "CPANSA-Foo-Bar-2026-1",
            distribution: "Foo-Bar",
            affected_versions: ["<=1.23"],
            fixed_versions: [">=1.24"],
            cves: ["CVE-2026-1"],
            description: "bad",
            severity: "critical",
            references: [],
          },
        ],
      },
      "Vuln-Dep": {
        versions: [{ version: "0.9" }, { version: "1.0" }],
        advisories: [
          {
            id: "CPANSA-Vuln-Dep-2026-2",
            distribution: "Vuln-Dep",
            affected_versions: ["<1.0"],
            fixed_versions: [">=1.0"],
            cves: [],
            description: "dep",
            severity: "low",
            references: [],
          },
        ],
      },
    },
  }),
);

describe("cpansec advisories match", () => {
  it("prints sorted unique ids per input line and exits 1 when something matched", () => {
    const r = runCli(["advisories", "match", "--db", feed], "Foo-Bar\t1.23\nFoo-Bar\t1.24\n\nVuln-Dep\t0.9\n");
    expect(r.status).toBe(1);
    expect(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { dist: "Foo-Bar", version: "1.23", advisories: ["CPANSA-Foo-Bar-2026-1"] },
      { dist: "Foo-Bar", version: "1.24", advisories: [] },
      { dist: "Vuln-Dep", version: "0.9", advisories: ["CPANSA-Vuln-Dep-2026-2"] },
    ]);
  });

  it("accepts a module name, resolves it and says so; reports an unknown name instead of answering []", () => {
    const r = runCli(["advisories", "match", "--db", feed], "Vuln::Dep\t0.9\nNo::Such\t1\nstrict\t1.12\n");
    expect(r.status).toBe(2);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({
      dist: "Vuln-Dep",
      version: "0.9",
      advisories: ["CPANSA-Vuln-Dep-2026-2"],
      input: "Vuln::Dep",
      as: "module",
      via: "module2dist",
    });
    expect(lines[1]).toMatchObject({ dist: null, input: "No::Such", advisories: null });
    expect(lines[2]).toMatchObject({ dist: null, input: "strict", advisories: null, unknown: expect.stringContaining("ships with perl") });
    expect(r.stderr).toContain("line 2: No::Such is neither a distribution nor a module the feed knows");
  });

  it("with --packages, knows clean distributions and matches both answers when 02packages and the feed disagree", () => {
    const pk = join(dir, "02packages.details.txt");
    writeFileSync(
      pk,
      "File: 02packages.details.txt\nLine-Count: 3\n\nMoo 2.0 H/HA/HAARG/Moo-2.0.tar.gz\nVuln::Dep 1.0 E/EV/EVIL/Harmless-1.0.tar.gz\nbroken line\n",
    );
    const r = runCli(["advisories", "match", "--db", feed, "--packages", pk], "Moo\t2.0\nVuln::Dep\t0.9\n");
    expect(r.status).toBe(1);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ dist: "Moo", version: "2.0", advisories: [] });
    expect(lines[1]).toMatchObject({
      dist: "Harmless",
      advisories: ["CPANSA-Vuln-Dep-2026-2"],
      via: "02packages",
      disagreement: expect.stringContaining("module2dist Vuln-Dep"),
    });
    expect(r.stderr).toContain("1 line(s) skipped");
  });
  it("exits 0 when nothing matched and 2 on a bad line or a bad feed", () => {
    expect(runCli(["advisories", "match", "--db", feed], "Foo-Bar\t2\n").status).toBe(0);
    const bad = runCli(["advisories", "match", "--db", feed], "Foo-Bar 1.23\n");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('line 1: expected "Dist<TAB>version"');
    writeFileSync(join(dir, "broken.json"), '{"dists": {"X": {"advisories": [{"affected_versions": []}]}}}');
    const broken = runCli(["advisories", "match", "--db", join(dir, "broken.json")], "X\t1\n");
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/does not match the schema at dists\.X\.advisories\.0\.id/);
  });
  it("answers as CPAN::Audit in cpan-audit mode", () => {
    // "=1.0"-style clauses never match there; a bare affected version means >=.
    writeFileSync(
      join(dir, "quirk.json"),
      JSON.stringify({
        dists: {
          Q: {
            advisories: [
              { id: "Q-1", affected_versions: ["=1.0"] },
              { id: "Q-2", affected_versions: ["1.0"] },
            ],
          },
        },
      }),
    );
    const s = runCli(["advisories", "match", "--db", join(dir, "quirk.json")], "Q\t1.0\nQ\t2.0\n");
    const a = runCli(["advisories", "match", "--db", join(dir, "quirk.json"), "--mode", "cpan-audit"], "Q\t1.0\nQ\t2.0\n");
    expect(
      s.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).advisories),
    ).toEqual([["Q-1", "Q-2"], []]);
    expect(
      a.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).advisories),
    ).toEqual([["Q-2"], ["Q-2"]]);
  });
});

describe("cpansec scan --advisories", () => {
  it("adds findings (self and dependency) to the JSON lines and writes advisories.json under --out", async () => {
    const archive = join(dir, "authors/id/E/ET/ETHER/Foo-Bar-1.23.tar.gz");
    mkdirSync(join(dir, "authors/id/E/ET/ETHER"), { recursive: true });
    writeFileSync(
      archive,
      await tarGz([
        { name: "Foo-Bar-1.23/META.json", content: metaJson({ name: "Foo-Bar", version: "1.23", prereqs: { runtime: { requires: { "Vuln::Dep": "0.5" } } } }) },
      ]),
    );
    const out = join(dir, "out");
    const r = runCli(["scan", "--json", "--advisories", feed, "--out", out, archive]);
    expect(r.status).toBe(1);
    const line = JSON.parse(r.stdout);
    expect(
      line.findings.map((f: { advisory?: string; advisories?: { id: string }[]; kind: string }) => [f.kind, f.advisory ?? f.advisories?.map((a) => a.id)]),
    ).toEqual([
      ["self", "CPANSA-Foo-Bar-2026-1"],
      ["dependency", ["CPANSA-Vuln-Dep-2026-2"]],
    ]);
    expect(line.findings[1].dependency.advice).toBe(
      "require Vuln::Dep >= 1.0 (the lowest Vuln-Dep release admitted by >= 0.5 that none of these advisories affects)",
    );
    expect(line.scope).toBe("requires");
    const doc = JSON.parse(readFileSync(join(out, "ETHER", "Foo-Bar-1.23.tar.gz", "advisories.json"), "utf8"));
    expect(doc).toMatchObject({
      release: { distribution: "Foo-Bar", version: "1.23", author: "ETHER" },
      feed: { commit: "62f1f98" },
      mode: "strict",
      scope: "requires",
      prerequisites: { providedByPerl: [], unresolved: [], disagreements: [] },
    });
    expect(doc.findings).toHaveLength(2);
    expect(line.advisories).toBe(join(out, "ETHER", "Foo-Bar-1.23.tar.gz", "advisories.json"));
  });

  it.each(realFeeds())("reports a release the real feed ($name) marks vulnerable (CGI 3.62)", async ({ path: real }) => {
    const archive = join(dir, "CGI-3.62.tar.gz");
    writeFileSync(archive, await tarGz([{ name: "CGI-3.62/META.json", content: metaJson({ name: "CGI", version: "3.62" }) }]));
    const r = runCli(["scan", "--json", "--advisories", real, archive]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { advisory: string }) => f.advisory)).toContain("CPANSA-CGI-2012-5526");
  });
});

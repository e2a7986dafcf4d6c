import { describe, expect, it } from "vitest";
import { diffFeeds } from "../../../shared/domain/advisories/diff";
import { parseFeed } from "../../../shared/domain/advisories/feed";
import { releaseFindings } from "../../../shared/domain/advisories/findings";
import { compileFeed } from "../../../shared/domain/advisories/match";

const row = (id: string, distribution: string, affected: string[], fixed: string[] = [], extra: object = {}) => ({
  id, distribution, affected_versions: affected, fixed_versions: fixed, cves: [`CVE-${id}`], description: `about ${id}`, reported: "2024-01-01", severity: "high", references: [], ...extra,
});
const feedOf = (dists: Record<string, { versions: string[]; advisories: object[] }>, module2dist: Record<string, string> = {}) =>
  parseFeed(new TextEncoder().encode(JSON.stringify({ meta: { date: "2026-08-16", commit: "abc" }, module2dist, dists: Object.fromEntries(Object.entries(dists).map(([d, v]) => [d, { versions: v.versions.map((version) => ({ version })), advisories: v.advisories }])) })));

const FEED = feedOf(
  {
    "DBD-SQLite": { versions: ["1.04", "1.05", "1.06"], advisories: [row("CPANSA-DBD-SQLite-2020-1-sqlite", "DBD-SQLite", ["=1.05"]), row("CPANSA-DBD-SQLite-2020-2", "DBD-SQLite", ["1.05"])] },
    "Foo-Lib": { versions: ["1.0", "1.2", "1.4", "1.5", "2.0"], advisories: [row("CPANSA-Foo-Lib-2024-1", "Foo-Lib", ["<1.5"], [">=1.5"])] },
    "Bad-Lib": { versions: ["0.1", "0.2"], advisories: [row("CPANSA-Bad-Lib-2024-1", "Bad-Lib", [">0"])] },
    perl: { versions: ["5.8.8"], advisories: [row("CPANSA-perl-2020-1", "perl", ["<5.30"])] },
  },
  { "Foo::Lib": "Foo-Lib", "Bad::Lib": "Bad-Lib", "Foo::Lib::Util": "Foo-Lib" },
);
const strict = compileFeed(FEED, "strict");
const audit = compileFeed(FEED, "cpan-audit");

describe("releaseFindings", () => {
  it("finds advisories on the release and on code bundled in it, once per id, with the modes that agree", () => {
    const f = releaseFindings(strict, audit, { distribution: "DBD-SQLite", version: "1.05" });
    expect(f.map((x) => [x.advisory, x.kind, x.component, x.modes])).toEqual([
      ["CPANSA-DBD-SQLite-2020-1-sqlite", "bundled", "sqlite", ["strict"]], // "=1.05" never matches in cpan-audit
      ["CPANSA-DBD-SQLite-2020-2", "self", undefined, ["strict", "cpan-audit"]],
    ]);
    expect(f[0]).toMatchObject({ cves: ["CVE-CPANSA-DBD-SQLite-2020-1-sqlite"], severity: "high", feed: { date: "2026-08-16", commit: "abc" }, version: "1.05" });
    expect(releaseFindings(strict, audit, { distribution: "DBD-SQLite", version: "1.06" })).toEqual([]);
  });

  it("flags a prerequisite whose range admits affected versions, with the lowest safe version as advice", () => {
    const f = releaseFindings(strict, audit, { distribution: "App", version: "1", prereqs: { runtime: { requires: { "Foo::Lib": "1.2", perl: "5.008" } }, test: { requires: { "Foo::Lib": ">= 1.5" } } } });
    expect(f).toHaveLength(1); // ">= 1.5" admits nothing affected; perl is not a dependency finding
    expect(f[0]).toMatchObject({
      advisory: "CPANSA-Foo-Lib-2024-1",
      kind: "dependency",
      distribution: "Foo-Lib",
      dependency: { module: "Foo::Lib", phase: "runtime", relationship: "requires", range: "1.2", admitsAffected: { count: 2, lowest: "1.2", highest: "1.4" }, safeMinimum: "1.5", advice: "require Foo::Lib >= 1.5 (Foo-Lib 1.5 has no known advisory)" },
    });
  });

  it("says when no version in the range is safe", () => {
    const [f] = releaseFindings(strict, audit, { distribution: "App", version: "1", prereqs: { runtime: { requires: { "Bad::Lib": "0" } } } });
    expect(f?.dependency).toMatchObject({ admitsAffected: { count: 2, lowest: "0.1", highest: "0.2" }, advice: 'no released version of Bad-Lib in "0" is free of advisories' });
    expect(f?.dependency?.safeMinimum).toBeUndefined();
  });

  it("matches an unlisted uploaded version directly", () => {
    const f = releaseFindings(strict, audit, { distribution: "Foo-Lib", version: "1.3_01" });
    expect(f.map((x) => x.advisory)).toEqual(["CPANSA-Foo-Lib-2024-1"]);
  });
});

describe("diffFeeds", () => {
  it("lists added, changed and removed advisories by content, and the distributions they touch", () => {
    const next = feedOf(
      {
        "Foo-Lib": { versions: [], advisories: [row("CPANSA-Foo-Lib-2024-1", "Foo-Lib", ["<1.6"], [">=1.6"])] },
        "Bad-Lib": { versions: [], advisories: [row("CPANSA-Bad-Lib-2024-1", "Bad-Lib", [">0"])] },
        "New-Lib": { versions: [], advisories: [row("CPANSA-New-Lib-2026-1", "New-Lib", ["<1"])] },
      },
      {},
    );
    expect(diffFeeds(FEED, next)).toEqual({
      added: ["CPANSA-New-Lib-2026-1"],
      changed: ["CPANSA-Foo-Lib-2024-1"],
      removed: ["CPANSA-DBD-SQLite-2020-1-sqlite", "CPANSA-DBD-SQLite-2020-2", "CPANSA-perl-2020-1"],
      distributions: ["Foo-Lib", "New-Lib"],
    });
    expect(diffFeeds(FEED, FEED)).toEqual({ added: [], changed: [], removed: [], distributions: [] });
    expect(diffFeeds(undefined, next).added).toHaveLength(3);
  });
});

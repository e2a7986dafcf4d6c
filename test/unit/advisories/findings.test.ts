import { describe, expect, it } from "vitest";
import { diffFeeds } from "../../../shared/domain/advisories/diff";
import { parseFeed } from "../../../shared/domain/advisories/feed";
import { type Finding, type RangeFinding, isReleaseFinding, matchRelease, releaseFindings } from "../../../shared/domain/advisories/findings";
import { compileFeed } from "../../../shared/domain/advisories/match";
import { parsePackagesIndex } from "../../../shared/domain/cpan/packages";
import { moduleResolver } from "../../../shared/domain/sbom/resolve";

const row = (id: string, distribution: string, affected: string[], fixed: string[] = [], extra: object = {}) => ({
  id,
  distribution,
  affected_versions: affected,
  fixed_versions: fixed,
  cves: [`CVE-${id}`],
  description: `about ${id}`,
  reported: "2024-01-01",
  severity: "high",
  references: [],
  ...extra,
});
const feedOf = (dists: Record<string, { versions: string[]; advisories: object[] }>, module2dist: Record<string, string> = {}) =>
  parseFeed(
    new TextEncoder().encode(
      JSON.stringify({
        meta: { date: "2026-08-16", commit: "abc" },
        module2dist,
        dists: Object.fromEntries(
          Object.entries(dists).map(([d, v]) => [d, { versions: v.versions.map((version) => ({ version })), advisories: v.advisories }]),
        ),
      }),
    ),
  );

const FEED = feedOf(
  {
    "DBD-SQLite": {
      versions: ["1.04", "1.05", "1.06"],
      advisories: [row("CPANSA-DBD-SQLite-2020-1-sqlite", "DBD-SQLite", ["=1.05"]), row("CPANSA-DBD-SQLite-2020-2", "DBD-SQLite", ["1.05"])],
    },
    "Foo-Lib": { versions: ["1.0", "1.2", "1.4", "1.5", "2.0"], advisories: [row("CPANSA-Foo-Lib-2024-1", "Foo-Lib", ["<1.5"], [">=1.5"])] },
    "Bad-Lib": { versions: ["0.1", "0.2"], advisories: [row("CPANSA-Bad-Lib-2024-1", "Bad-Lib", [">0"])] },
    perl: {
      versions: ["5.006", "5.8.8", "5.009005", "5.010001", "5.029010", "5.030000", "5.031_01"],
      advisories: [row("CPANSA-perl-2020-1", "perl", [">=5.8.0,<5.030"])],
    },
  },
  { "Foo::Lib": "Foo-Lib", "Bad::Lib": "Bad-Lib", "Foo::Lib::Util": "Foo-Lib", "Core::Only": "perl", strict: "perl" },
);
const strict = compileFeed(FEED, "strict");
const audit = compileFeed(FEED, "cpan-audit");

const self = (f: Finding[]) => f.filter(isReleaseFinding);
const ranged = (f: Finding[]) => f.filter((x): x is RangeFinding => !isReleaseFinding(x));

describe("releaseFindings", () => {
  it("finds advisories on the release and on code bundled in it, once per id, with the modes that agree", () => {
    const f = self(releaseFindings(strict, audit, { distribution: "DBD-SQLite", version: "1.05" }));
    expect(f.map((x) => [x.advisory, x.kind, x.component, x.modes])).toEqual([
      ["CPANSA-DBD-SQLite-2020-1-sqlite", "bundled", "sqlite", ["strict"]], // "=1.05" never matches in cpan-audit
      ["CPANSA-DBD-SQLite-2020-2", "self", undefined, ["strict", "cpan-audit"]],
    ]);
    expect(f[0]).toMatchObject({
      cves: ["CVE-CPANSA-DBD-SQLite-2020-1-sqlite"],
      severity: "high",
      feed: { date: "2026-08-16", commit: "abc" },
      version: "1.05",
    });
    expect(releaseFindings(strict, audit, { distribution: "DBD-SQLite", version: "1.06" })).toEqual([]);
  });

  it("gives one finding per prerequisite distribution: its advisories, the merged range, the lowest safe version", () => {
    const m = matchRelease(strict, audit, {
      distribution: "App",
      version: "1",
      prereqs: { runtime: { requires: { "Foo::Lib": "1.2" } }, test: { requires: { "Foo::Lib::Util": "0", "Foo::Lib": ">= 1.0" } } },
    });
    expect(m.findings).toHaveLength(1);
    expect(m.findings[0]).toMatchObject({
      kind: "dependency",
      distribution: "Foo-Lib",
      severity: "high",
      advisories: [
        {
          id: "CPANSA-Foo-Lib-2024-1",
          cves: ["CVE-CPANSA-Foo-Lib-2024-1"],
          severity: "high",
          modes: ["strict", "cpan-audit"],
          affects: { count: 2, lowest: "1.2", highest: "1.4" },
        },
      ],
      dependency: {
        requirements: [
          { module: "Foo::Lib", phase: "runtime", relationship: "requires", range: "1.2" },
          { module: "Foo::Lib::Util", phase: "test", relationship: "requires", range: "0" },
          { module: "Foo::Lib", phase: "test", relationship: "requires", range: ">= 1.0" },
        ],
        range: "1.2",
        resolvedVia: "module2dist",
        admitsAffected: { count: 2, lowest: "1.2", highest: "1.4" },
        safeMinimum: "1.5",
        advice: "require Foo::Lib >= 1.5 (the lowest Foo-Lib release admitted by >= 1.2 that none of these advisories affects)",
      },
    });
    expect(m.scope).toBe("requires");
  });

  it("says when no version in the range is safe, and which advisory the newest still has", () => {
    const [f] = ranged(releaseFindings(strict, audit, { distribution: "App", version: "1", prereqs: { runtime: { requires: { "Bad::Lib": "0" } } } }));
    expect(f?.dependency).toMatchObject({
      admitsAffected: { count: 2, lowest: "0.1", highest: "0.2" },
      advice: "no Bad-Lib release admitted by any version is free of these advisories (the newest, 0.2, is affected by CPANSA-Bad-Lib-2024-1)",
    });
    expect(f?.dependency.safeMinimum).toBeUndefined();
  });

  it("matches the perl prerequisite against the interpreter's advisories, stable perls only", () => {
    const m = matchRelease(strict, audit, {
      distribution: "App",
      version: "1",
      prereqs: { runtime: { requires: { perl: "5.008" } }, configure: { requires: { perl: "5.008" } } },
    });
    expect(m.findings).toEqual([
      expect.objectContaining({
        kind: "interpreter",
        distribution: "perl",
        advisories: [expect.objectContaining({ id: "CPANSA-perl-2020-1", affects: { count: 2, lowest: "5.8.8", highest: "5.010001" } })],
        dependency: expect.objectContaining({
          range: "5.008",
          resolvedVia: "perl",
          safeMinimum: "5.030000",
          admitsAffected: { count: 2, lowest: "5.8.8", highest: "5.010001" },
        }),
      }),
    ]);
  });

  it("never compares a module's range with perl's versions: modules perl provides yield no finding", () => {
    const m = matchRelease(strict, audit, {
      distribution: "App",
      version: "1",
      prereqs: { runtime: { requires: { strict: "0", "JSON::PP": "2.27300", "Core::Only": "1.0", "No::Such": "1" } } },
    });
    expect(m.findings).toEqual([]);
    expect(m.prerequisites).toEqual({
      providedByPerl: ["Core::Only", "strict"],
      unresolved: [{ module: "JSON::PP", dualLife: true }, { module: "No::Such" }],
      disagreements: [],
    });
  });

  it("considers requires of runtime, configure, build and test by default; recommends, suggests, develop with scope all; never conflicts", () => {
    const prereqs = {
      runtime: { recommends: { "Foo::Lib": "0" }, conflicts: { "Bad::Lib": "< 1" } },
      develop: { requires: { "Bad::Lib": "0" } },
      build: { requires: { "Foo::Lib::Util": "0" } },
    };
    expect(
      ranged(releaseFindings(strict, audit, { distribution: "App", version: "1", prereqs })).map((f) => [
        f.distribution,
        f.dependency.requirements.map((q) => q.module),
      ]),
    ).toEqual([["Foo-Lib", ["Foo::Lib::Util"]]]);
    const all = ranged(releaseFindings(strict, audit, { distribution: "App", version: "1", prereqs }, { scope: "all" }));
    expect(all.map((f) => [f.distribution, f.dependency.requirements.map((q) => `${q.phase} ${q.relationship}`)])).toEqual([
      ["Bad-Lib", ["develop requires"]],
      ["Foo-Lib", ["runtime recommends", "build requires"]],
    ]);
  });

  it("does not let a hostile 02packages line move a module out of the feed's view: both distributions are matched, the disagreement reported", () => {
    const packages = parsePackagesIndex("File: x\n\nFoo::Lib 9 E/EV/EVIL/Harmless-9.tar.gz\nbad line\n");
    const m = matchRelease(
      strict,
      audit,
      { distribution: "App", version: "1", prereqs: { runtime: { requires: { "Foo::Lib": "1.2" } } } },
      { resolve: moduleResolver(packages, FEED.module2dist) },
    );
    expect(ranged(m.findings).map((f) => [f.distribution, f.dependency.resolvedVia, f.dependency.disagreement])).toEqual([
      ["Foo-Lib", "module2dist", "02packages names Harmless for Foo::Lib, the feed's module2dist Foo-Lib: both are matched"],
    ]);
    expect(m.prerequisites.disagreements).toEqual([{ module: "Foo::Lib", packages: "Harmless", module2dist: "Foo-Lib" }]);
  });

  it("resolves through 02packages first: a module 02packages maps to perl yields no finding", () => {
    const packages = parsePackagesIndex("File: x\n\nBad::Lib 1 S/SH/SHAY/perl-5.36.0.tar.gz\nFoo::Lib::Util 1 A/AU/AUTHOR/Foo-Lib-2.0.tar.gz\n");
    const m = matchRelease(
      strict,
      audit,
      { distribution: "App", version: "1", prereqs: { runtime: { requires: { "Foo::Lib::Util": "0" } } } },
      { resolve: moduleResolver(packages, {}) },
    );
    expect(ranged(m.findings).map((f) => [f.distribution, f.dependency.resolvedVia])).toEqual([["Foo-Lib", "02packages"]]);
    const p = matchRelease(
      strict,
      audit,
      { distribution: "App", version: "1", prereqs: { runtime: { requires: { "Bad::Lib": "0" } } } },
      { resolve: moduleResolver(packages, {}) },
    );
    expect(p.findings).toEqual([]);
    expect(p.prerequisites.providedByPerl).toEqual(["Bad::Lib"]);
  });

  it("advises a minimum above every affected version, not an older safe release below an affected band", () => {
    const feed = feedOf(
      { "Band-Lib": { versions: ["0.01", "1.712", "1.715", "1.717"], advisories: [row("CPANSA-Band-Lib-1", "Band-Lib", [">=1.712,<=1.715"])] } },
      { "Band::Lib": "Band-Lib" },
    );
    const [f] = ranged(
      releaseFindings(compileFeed(feed), compileFeed(feed, "cpan-audit"), {
        distribution: "App",
        version: "1",
        prereqs: { runtime: { requires: { "Band::Lib": "0" } } },
      }),
    );
    expect(f?.dependency).toMatchObject({ admitsAffected: { count: 2, lowest: "1.712", highest: "1.715" }, safeMinimum: "1.717" });
  });

  it("keeps the written form of versions in advice (4.850, not 4.85)", () => {
    const feed = feedOf(
      { "CGI-Simple": { versions: ["1.15", "4.850", "4.86"], advisories: [row("CPANSA-CGI-Simple-1", "CGI-Simple", ["<4.850"])] } },
      { "CGI::Simple": "CGI-Simple" },
    );
    const [f] = ranged(
      releaseFindings(compileFeed(feed), compileFeed(feed, "cpan-audit"), {
        distribution: "App",
        version: "1",
        prereqs: { runtime: { requires: { "CGI::Simple": "1.15" } } },
      }),
    );
    expect(f?.dependency.safeMinimum).toBe("4.850");
    expect(f?.dependency.advice).toContain("require CGI::Simple >= 4.850 ");
  });

  it("matches an unlisted uploaded version directly", () => {
    const f = self(releaseFindings(strict, audit, { distribution: "Foo-Lib", version: "1.3_01" }));
    expect(f.map((x) => x.advisory)).toEqual(["CPANSA-Foo-Lib-2024-1"]);
  });
});

describe("range findings, answered once per question", () => {
  const ask = (requires: Record<string, string>, phase = "runtime") =>
    ranged(matchRelease(strict, audit, { distribution: "App", version: "1", prereqs: { [phase]: { requires } } }).findings);

  it("gives a repeated question the same frozen answer, and a different question its own", () => {
    const [a] = ask({ "Foo::Lib": "0", perl: "5.008" });
    const [b] = ask({ "Foo::Lib": "0", perl: "5.008" });
    const [, pa] = ask({ "Foo::Lib": "0", perl: "5.008" });
    expect(b).toBe(a);
    expect(pa?.kind).toBe("dependency");
    expect(Object.isFrozen(a) && Object.isFrozen(a?.dependency) && Object.isFrozen(a?.advisories[0])).toBe(true);
    // Another range, another phase, another module naming the distribution: each its own answer.
    expect(ask({ "Foo::Lib": "1.5" })).toEqual([]); // no affected release admitted: no finding, twice
    expect(ask({ "Foo::Lib": "1.5" })).toEqual([]);
    const [c] = ask({ "Foo::Lib": "1.2" });
    expect(c).not.toBe(a);
    expect(c?.dependency.admitsAffected).toEqual({ count: 2, lowest: "1.2", highest: "1.4" });
    const [d] = ask({ "Foo::Lib": "0" }, "test");
    expect(d).not.toBe(a);
    expect(d?.dependency.requirements).toEqual([{ module: "Foo::Lib", phase: "test", relationship: "requires", range: "0" }]);
    const [e] = ask({ "Foo::Lib::Util": "0" });
    expect(e?.dependency.requirements[0]?.module).toBe("Foo::Lib::Util");
    expect(e?.dependency.advice).toMatch(/^require Foo::Lib::Util >= 1\.5 /);
  });

  it("walks a distribution's versions once per range, whichever of its modules asks", () => {
    const [e] = ask({ "Foo::Lib::Util": "0" });
    const [f] = ask({ "Foo::Lib": "0" });
    // The same range of the same distribution: one walk, shared; the parts naming the module are each its own.
    expect(e?.advisories).toBe(f?.advisories);
    expect(e?.dependency.admitsAffected).toBe(f?.dependency.admitsAffected);
    expect(e?.dependency.advice.replace("Foo::Lib::Util", "Foo::Lib")).toBe(f?.dependency.advice);
    // The same answer as a feed compiled afresh (nothing remembered).
    const fresh = ranged(
      matchRelease(compileFeed(FEED, "strict"), compileFeed(FEED, "cpan-audit"), {
        distribution: "App",
        version: "1",
        prereqs: { runtime: { requires: { "Foo::Lib::Util": "0" } } },
      }).findings,
    )[0];
    expect(fresh).not.toBe(e);
    expect(fresh).toEqual(e);
  });

  it("answers the other mode's feed on its own", () => {
    const [s] = ask({ "Foo::Lib": "0" });
    const [x] = ranged(matchRelease(audit, strict, { distribution: "App", version: "1", prereqs: { runtime: { requires: { "Foo::Lib": "0" } } } }).findings);
    expect(x).not.toBe(s);
    expect(x?.modes[0]).toBe("cpan-audit");
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

import { describe, expect, it } from "vitest";
import { parseVersion } from "../../../shared/domain/cpan/version";
import { FeedError, parseFeed } from "../../../shared/domain/advisories/feed";
import { advisoryIds, compileFeed } from "../../../shared/domain/advisories/match";
import { cpanAuditElement, strictElement } from "../../../shared/domain/advisories/ranges";

const v = parseVersion;
const strict = (el: string, kind: "affected" | "fixed", ver: string) => strictElement(el, kind).match(v(ver));
const audit = (el: string, ver: string) => cpanAuditElement(el)(v(ver));

describe("strict ranges", () => {
  it.each([
    ["<1.5", "1.4", true],
    ["<1.5", "1.5", false],
    ["<=1.5", "1.5", true],
    [">1.5", "1.5", false],
    [">=1.5", "1.5", true],
    ["==1.5", "1.50", true],
    ["!=1.5", "1.6", true],
    ["=1.5", "1.5", true],
    ["1.5", "1.5", true],
    ["1.5", "1.6", false],
    [">=1.0, <2.0", "1.10", true],
    [" >= 1.0 ,  < 2.0 ", "2.0", false],
    ["<1.10", "1.9", false],
    ["<v1.10", "v1.9", true],
    [">=0.990_001", "0.990001", true],
    ["<1.2", "1.02", true],
    ["<1.02", "1.2", false],
  ])("affected %j vs %s is %s", (el, ver, want) => expect(strict(el, "affected", ver)).toBe(want));

  it("reads a bare version in fixed_versions as >=", () => {
    expect(strict("1.716", "fixed", "1.8")).toBe(true);
    expect(strict("1.716", "fixed", "1.7")).toBe(false);
  });

  it.each(["abc", "<", ">= 1.2beta", "1.0,", "~1.2", "< 1 2"])("never matches, and reports, %j", (el) => {
    const r = strictElement(el, "affected");
    expect(r.problem).toBeTruthy();
    expect(r.match(v("1.0"))).toBe(false);
  });
});

describe("cpan-audit ranges (CPAN::Audit::Version::in_range)", () => {
  it.each([
    ["1.0", "2", true],
    ["1.0", "0.5", false], // bare means >=
    ["=1.0", "1.0", false], // =V never matches
    ["", "1.0", true], // empty range matches everything
    ["<1.0 ", "5", true],
    ["> = 2", "1", true], // unreadable clause: version 0, >= 0
    [" <2", "1", false],
    [">=abc", "1", false],
    [",<2", "1", true],
    ["<2,,>0", "1", true],
  ])("%j vs %s is %s", (el, ver, want) => expect(audit(el, ver)).toBe(want));
});

const feedJson = (advisories: object[], versions = ["1.0", "1.5", "2.0"]) =>
  new TextEncoder().encode(
    JSON.stringify({
      meta: { date: "d", commit: "c" },
      module2dist: { "Foo::Bar": "Foo" },
      dists: { Foo: { main_module: "Foo", versions: versions.map((version) => ({ version })), advisories } },
    }),
  );

describe("matching advisories", () => {
  it("OR's elements, AND's clauses, and lets a fixed element win", () => {
    const feed = parseFeed(
      feedJson([
        {
          id: "A-1",
          distribution: "Foo",
          affected_versions: ["<1.5", ">=2.0,<2.5"],
          fixed_versions: ["==2.0"],
          cves: [],
          description: "x",
          reported: "2020-01-01",
          severity: "high",
        },
      ]),
    );
    const c = compileFeed(feed);
    expect(["1.0", "1.5", "2.0", "2.1", "2.5"].map((ver) => advisoryIds(c, "Foo", ver))).toEqual([["A-1"], [], [], ["A-1"], []]);
    expect(advisoryIds(c, "Foo", "not-a-version")).toEqual([]);
    expect(advisoryIds(c, "Unknown", "1.0")).toEqual([]);
  });

  it("matches an uploaded version the feed does not list", () => {
    const c = compileFeed(parseFeed(feedJson([{ id: "A-1", affected_versions: ["<3"], fixed_versions: [] }])));
    expect(advisoryIds(c, "Foo", "2.9_01")).toEqual(["A-1"]);
  });

  it("reads the 2023 shape (strings and null) like the 2026 one", () => {
    const old = compileFeed(
      parseFeed(
        feedJson([
          { id: "A-1", affected_versions: "<1.5", fixed_versions: null },
          { id: "A-2", affected_versions: null, fixed_versions: null },
        ]),
      ),
    );
    expect(advisoryIds(old, "Foo", "1.0")).toEqual(["A-1"]);
  });

  it("reports strict-mode data-quality warnings with the advisory id", () => {
    const c = compileFeed(parseFeed(feedJson([{ id: "A-9", affected_versions: ["<=1.0 beta"], fixed_versions: [] }])));
    expect(c.warnings).toEqual([{ id: "A-9", field: "affected_versions", element: "<=1.0 beta", problem: expect.stringContaining('not "<op> <version>"') }]);
  });

  it("normalises severities and names bundled libraries", () => {
    const feed = parseFeed(
      feedJson([
        { id: "CPANSA-Foo-2020-13632-sqlite", affected_versions: ["=1.0"], severity: "moderate" },
        { id: "CPANSA-Foo-2021-1", affected_versions: ["<1"], severity: "", embedded_vulnerability: { name: "libtomcrypt", distributed_version: null } },
      ]),
    );
    const [a, b] = feed.dists.Foo?.advisories ?? [];
    expect(a).toMatchObject({ severity: "medium", severityText: "moderate", bundled: "sqlite" });
    expect(b).toMatchObject({ severity: null, bundled: "libtomcrypt" });
    expect(feed.version).toEqual({ date: "d", commit: "c", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it.each([
    ["not JSON", "{", /not JSON/],
    ["no dists", "{}", /dists/],
    ["advisories not a list", JSON.stringify({ dists: { Foo: { advisories: {} } } }), /dists\.Foo\.advisories/],
    ["an advisory without id", JSON.stringify({ dists: { Foo: { advisories: [{ affected_versions: [] }] } } }), /dists\.Foo\.advisories\.0\.id/],
    ["ranges of the wrong type", JSON.stringify({ dists: { Foo: { advisories: [{ id: "x", affected_versions: 5 }] } } }), /affected_versions/],
  ])("rejects a feed with %s", (_, text, why) => {
    expect(() => parseFeed(new TextEncoder().encode(text))).toThrow(FeedError);
    expect(() => parseFeed(new TextEncoder().encode(text))).toThrow(why);
  });
});

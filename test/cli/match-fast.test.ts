import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fastMatchOptions } from "../../cli/match-fast";
import { runCli } from "../helpers/cli";

describe("fastMatchOptions: what advisories match runs without commander", () => {
  it.each([
    [["--db", "f.json"], { db: "f.json", mode: "strict" }],
    [["--db=f.json", "--mode=cpan-audit"], { db: "f.json", mode: "cpan-audit" }],
    [["--mode", "cpan-audit", "--db", "a", "--db", "b"], { db: "b", mode: "cpan-audit" }],
  ])("%j is the fast path's: %j", (args, want) => expect(fastMatchOptions(args)).toEqual(want));

  it.each([
    [[]], // the default feed is a URL
    [["--db", "https://example.org/feed.json"]],
    [["--db", "f.json", "--mode", "lax"]],
    [["--db", "f.json", "--mode"]],
    [["--db", "--mode", "strict"]],
    [["--db="]],
    [["--db", "f.json", "--packages", "p.txt"]],
    [["--db", "f.json", "--cve", "dir"]],
    [["--db", "f.json", "--debug"]],
    [["--db", "f.json", "--help"]],
    [["--db", "f.json", "extra"]],
    [["-d", "f.json"]],
  ])("%j is the command's", (args) => expect(fastMatchOptions(args)).toBeUndefined());
});

describe("advisories match from a cached feed", () => {
  it("prints, warns and exits as the command reading the feed does, byte for byte", () => {
    const dir = mkdtempSync(join(tmpdir(), "cpansec-match-fast-"));
    const feed = join(dir, "feed.json");
    writeFileSync(
      feed,
      JSON.stringify({
        module2dist: { "Foo::Bar": "Foo-Bar", "Foo::Bar::Util": "Foo-Bar" },
        dists: {
          "Foo-Bar": {
            versions: [{ version: "1.0" }],
            advisories: [
              { id: "F-2", affected_versions: ["<1.5"], fixed_versions: [">=1.5"] },
              { id: "F-1", affected_versions: ["<=2.0"] },
            ],
          },
          "Caf\u00e9": { advisories: [{ id: "C-1", affected_versions: [">0"] }] },
        },
      }),
    );
    // The common line, then every other kind: module names, unknown names, bad lines, blank lines,
    // spaces to trim, an unparseable version, a name outside ASCII.
    const input = [
      "Foo-Bar\t1.0",
      "Foo-Bar\t2.0",
      "Foo-Bar\t3",
      "Foo::Bar\t1.0",
      " Foo-Bar \t 1.0 ",
      "",
      "  ",
      "Foo-Bar",
      "Foo-Bar\t1.0\textra",
      "No::Such\t1",
      "strict\t1.12",
      "Foo-Bar\tnot a version",
      "Caf\u00e9\t1",
      "Foo-Bar\t1.0\r",
      "Foo-Bar\t1.0",
    ].join("\n");
    const home = join(dir, "home");
    const run = (env: NodeJS.ProcessEnv) =>
      runCli(["advisories", "match", "--db", feed, "--mode", "cpan-audit"], { input, env: { XDG_CACHE_HOME: home, ...env } });
    const uncached = run({ CPANSEC_CACHE: "off" });
    expect(uncached.status).toBe(2);
    expect(uncached.stdout.split("\n")).toHaveLength(12);
    const first = run({});
    const cached = run({});
    for (const r of [first, cached]) expect(r).toEqual(uncached);
  });
});

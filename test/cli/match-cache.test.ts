import { hash } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";

const dir = mkdtempSync(join(tmpdir(), "cpansec-match-cache-"));
const feedPath = join(dir, "feed.json");
const feedBytes = Buffer.from(
  JSON.stringify({
    module2dist: { "Foo::Bar": "Foo-Bar" },
    dists: { "Foo-Bar": { versions: [{ version: "1.0" }], advisories: [{ id: "REAL-1", affected_versions: ["<1.5"], fixed_versions: [">=1.5"] }] } },
  }),
);
writeFileSync(feedPath, feedBytes);
const sha = hash("sha256", feedBytes);

let n = 0;
/** A fresh cache home; the match's output lines and the cache directory. */
function match(cacheHome = join(dir, `home${n++}`), env: NodeJS.ProcessEnv = {}, input = "Foo-Bar\t1.0\nFoo-Bar\t2.0\n") {
  const r = runCli(["advisories", "match", "--db", feedPath], { input, env: { XDG_CACHE_HOME: cacheHome, ...env } });
  return {
    ...r,
    home: cacheHome,
    cache: join(cacheHome, "cpansec"),
    ids: r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).advisories),
  };
}

/** The cache file with `from` replaced by `to` and its header's hash made to match: a cache written so, not damaged. */
function forge(file: string, from = "REAL-1", to = "FORGED-1"): void {
  const text = readFileSync(file, "utf8");
  const nl = text.indexOf("\n");
  const body = Buffer.from(text.slice(nl + 1).replaceAll(from, to));
  const header = { ...JSON.parse(text.slice(0, nl)), payload: hash("sha256", body) };
  writeFileSync(file, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]));
}

describe("advisories match's feed cache", () => {
  it("is written on the first run, only for this user, and read on the next", () => {
    const first = match();
    expect(first.ids).toEqual([["REAL-1"], []]);
    const file = join(first.cache, `feed-${sha}.match`);
    expect(readdirSync(first.cache)).toEqual([`feed-${sha}.match`]);
    expect(statSync(first.cache).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = match(first.home);
    expect(again.stdout).toBe(first.stdout);
    forge(file);
    // Proof that the second run read the cache, not the feed.
    expect(match(first.home).ids).toEqual([["FORGED-1"], []]);
  });

  it("is not used, and is rewritten, when damaged", () => {
    const first = match();
    const file = join(first.cache, `feed-${sha}.match`);
    const good = readFileSync(file);
    const bad = Buffer.from(good);
    // "REAL-1" read as "REAL-7": only the header's hash can tell.
    bad[bad.indexOf("REAL-1") + 5] = "7".charCodeAt(0);
    writeFileSync(file, bad);
    const r = match(first.home);
    expect(r.ids).toEqual([["REAL-1"], []]);
    expect(r.status).toBe(1);
    expect(readFileSync(file)).toEqual(good);
  });

  it("is not used when another user could write to its directory", () => {
    const first = match();
    forge(join(first.cache, `feed-${sha}.match`));
    chmodSync(first.cache, 0o770);
    expect(match(first.home).ids).toEqual([["REAL-1"], []]);
  });

  it("is not written with CPANSEC_CACHE=off", () => {
    const r = match(undefined, { CPANSEC_CACHE: "off" });
    expect(r.ids).toEqual([["REAL-1"], []]);
    expect(existsSync(r.cache)).toBe(false);
  });

  it("reads module2dist from the feed when the cache's is not of the shape written", () => {
    const first = match();
    // A module2dist value that is not a string: refused when the first module name needs it.
    forge(join(first.cache, `feed-${sha}.match`), '"Foo::Bar":"Foo-Bar"', '"Foo::Bar":1');
    const r = match(first.home, {}, "Foo::Bar\t1.0\nFoo-Bar\t1.0\n");
    expect(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { dist: "Foo-Bar", version: "1.0", advisories: ["REAL-1"], input: "Foo::Bar", as: "module", via: "module2dist" },
      { dist: "Foo-Bar", version: "1.0", advisories: ["REAL-1"] },
    ]);
  });
});

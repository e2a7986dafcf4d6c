import { readFileSync } from "node:fs";
import { hash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseFeed } from "../../../shared/domain/advisories/feed";
import { CacheRefused, decodeMatchData, encodeMatchData, matchData } from "../../../shared/domain/advisories/match-cache";
import { advisoryIds, compileFeed } from "../../../shared/domain/advisories/match";
import { answerIndex } from "../../../shared/domain/advisories/match-table";
import type { MatchMode } from "../../../shared/domain/advisories/ranges";
import { laxOrderKey } from "../../../shared/domain/cpan/version";
import { realFeeds } from "../../helpers/fixtures";

const MODES: MatchMode[] = ["strict", "cpan-audit"];
const small = parseFeed(
  Buffer.from(
    JSON.stringify({
      meta: { date: "Sun Aug 16 14:31:00 2026", commit: "62f1f98" },
      module2dist: { "Foo::Bar": "Foo-Bar" },
      dists: {
        "Foo-Bar": {
          versions: [{ version: "1.0" }],
          advisories: [
            { id: "A-1", affected_versions: ["<1.5", ">=2, <2.1"], fixed_versions: [">=1.5"] },
            { id: "A-2", affected_versions: ["=2.0"] },
          ],
        },
      },
    }),
  ),
);
const sha = small.version.sha256;
const bytes = encodeMatchData(matchData(small), "0.1.0");

/** The cache text with its sections edited, the header's hash updated to match (a cache written so, not damaged). */
function rewritten(edit: (sections: unknown[]) => void): Buffer {
  const text = Buffer.from(bytes).toString("utf8");
  const nl = text.indexOf("\n");
  const header = JSON.parse(text.slice(0, nl));
  const sections = text
    .slice(nl + 1)
    .split("\n")
    .map((l) => JSON.parse(l));
  edit(sections);
  const body = Buffer.from(sections.map((s) => JSON.stringify(s)).join("\n"));
  return Buffer.concat([Buffer.from(`${JSON.stringify({ ...header, payload: hash("sha256", body) })}\n`), body]);
}

const ids = (b: Uint8Array, mode: MatchMode, version: string) => {
  const { table } = decodeMatchData(b, sha, "0.1.0", mode);
  return table.answers[answerIndex(table, "Foo-Bar", laxOrderKey(version) as string)];
};

describe("the cached MatchData", () => {
  it.each(realFeeds())("answers every listed version of the real feed $name as the feed itself does, both modes", ({ path }) => {
    const feed = parseFeed(readFileSync(path));
    const encoded = encodeMatchData(matchData(feed), "0.1.0");
    for (const mode of MODES) {
      const back = decodeMatchData(encoded, feed.version.sha256, "0.1.0", mode);
      expect(back.module2dist()).toEqual(feed.module2dist);
      expect([...back.table.dists.keys()]).toEqual(Object.keys(feed.dists));
      const c = compileFeed(feed, mode);
      for (const [dist, entry] of Object.entries(feed.dists))
        for (const v of [...entry.versions, "0", "999"]) {
          const key = laxOrderKey(v);
          expect(key === undefined ? [] : back.table.answers[answerIndex(back.table, dist, key)]).toEqual(advisoryIds(c, dist, v));
        }
    }
  });

  it("keeps each mode's answers", () => {
    // "=2.0" is == in strict mode and never matches in cpan-audit mode (CPAN::Audit's quirk).
    expect(ids(bytes, "strict", "2.0")).toEqual(["A-2"]);
    expect(ids(bytes, "cpan-audit", "2.0")).toEqual([]);
    for (const mode of MODES) expect(ids(bytes, mode, "1.0")).toEqual(["A-1"]);
  });

  it("is refused for another feed, another cpansec version or another format", () => {
    expect(() => decodeMatchData(bytes, "f".repeat(64), "0.1.0", "strict")).toThrow(/another feed/);
    expect(() => decodeMatchData(bytes, sha, "0.2.0", "strict")).toThrow(/written by cpansec 0.1.0/);
    const other = Buffer.from(Buffer.from(bytes).toString("utf8").replace("cpansec-match-feed/2", "cpansec-match-feed/1"));
    expect(() => decodeMatchData(other, sha, "0.1.0", "strict")).toThrow(/another format/);
  });

  it("is refused when damaged: a changed byte, cut short, no header", () => {
    const b = Buffer.from(bytes);
    const flipped = Buffer.from(b);
    const at = flipped.indexOf('"A-1"');
    flipped[at + 3] = "7".charCodeAt(0); // "A-1" read as "A-7": only the hash can tell
    expect(() => decodeMatchData(flipped, sha, "0.1.0", "strict")).toThrow(/damaged/);
    expect(() => decodeMatchData(b.subarray(0, b.length - 5), sha, "0.1.0", "strict")).toThrow(/damaged/);
    expect(() => decodeMatchData(Buffer.from("{}"), sha, "0.1.0", "strict")).toThrow(/no header/);
    expect(() => decodeMatchData(Buffer.from("not json\n{}"), sha, "0.1.0", "strict")).toThrow(/header is not JSON/);
  });

  it("is refused when its content is not of the shape written, even with a matching hash", () => {
    type Table = { answers: unknown[]; dists: Record<string, unknown[]> };
    const strict = (s: unknown[]) => s[0] as Table;
    const cases: [(s: unknown[]) => void, RegExp][] = [
      [(s) => s.pop(), /2 sections, not 3/],
      [(s) => s.push({}), /4 sections/],
      [(s) => (s[0] = []), /no strict table/],
      [(s) => strict(s).answers.unshift(["A-1"]), /first answer is not \[\]/],
      [(s) => strict(s).answers.push(["B", "A"]), /a bad strict answer/],
      [(s) => strict(s).answers.push([""]), /a bad strict answer/],
      [(s) => (strict(s).dists["Foo-Bar"] = [["1.5"], [0, 1, 0]]), /a bad strict entry for Foo-Bar/],
      [
        (s) =>
          (strict(s).dists["Foo-Bar"] = [
            ["0000000002", "0000000001"],
            [0, 0, 0, 0, 0],
          ]),
        /a bad strict entry/,
      ],
      [(s) => strict(s).dists["Foo-Bar"]?.[1] && (strict(s).dists["Foo-Bar"] as [string[], number[]])[1].pop(), /cells for .* bounds/],
      [(s) => (strict(s).dists["Foo-Bar"] as [string[], number[]])[1].splice(0, 1, 99), /a cell without an answer/],
      [(s) => (strict(s).dists["Foo-Bar"] as [string[], number[]])[1].splice(0, 1, 0.5), /a cell without an answer/],
      [(s) => Object.defineProperty(strict(s).dists, "__proto__", { value: [], enumerable: true }), /no strict table/],
    ];
    for (const [edit, why] of cases) expect(() => decodeMatchData(rewritten(edit), sha, "0.1.0", "strict")).toThrow(why);
    // The other mode's table is not read by a strict run, nor module2dist until asked for.
    const lazy = rewritten((s) => ((s[2] as Record<string, unknown>)["Foo::Bar"] = 1));
    const read = decodeMatchData(lazy, sha, "0.1.0", "strict");
    expect(() => read.module2dist()).toThrow(CacheRefused);
    expect(() =>
      decodeMatchData(
        rewritten((s) => (s[2] = [])),
        sha,
        "0.1.0",
        "strict",
      ).module2dist(),
    ).toThrow(/no module2dist/);
    // The same rewriting with nothing changed is accepted: the cases above fail for their edit alone.
    expect(
      ids(
        rewritten(() => {}),
        "strict",
        "1.0",
      ),
    ).toEqual(["A-1"]);
    expect(
      decodeMatchData(
        rewritten(() => {}),
        sha,
        "0.1.0",
        "cpan-audit",
      ).module2dist(),
    ).toEqual({ "Foo::Bar": "Foo-Bar" });
  });
});

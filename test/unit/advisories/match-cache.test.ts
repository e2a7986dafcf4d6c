import { readFileSync } from "node:fs";
import { hash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseFeed } from "../../../shared/domain/advisories/feed";
import { CacheRefused, decodeMatchFeed, encodeMatchFeed } from "../../../shared/domain/advisories/match-cache";
import { advisoryIds, compileFeed } from "../../../shared/domain/advisories/match";
import { nameResolver } from "../../../shared/domain/advisories/names";
import type { MatchMode } from "../../../shared/domain/advisories/ranges";
import { realFeeds } from "../../helpers/fixtures";

const small = parseFeed(
  Buffer.from(
    JSON.stringify({
      meta: { date: "Sun Aug 16 14:31:00 2026", commit: "62f1f98" },
      module2dist: { "Foo::Bar": "Foo-Bar" },
      dists: {
        "Foo-Bar": { versions: [{ version: "1.0" }], advisories: [{ id: "A-1", affected_versions: ["<1.5", ">=2, <2.1"], fixed_versions: [">=1.5"] }] },
      },
    }),
  ),
);
const sha = small.version.sha256;

/** The cache text with its payload replaced, the header's hash updated to match (a cache written so, not damaged). */
function rewritten(bytes: Uint8Array, edit: (payload: Record<string, unknown>) => void): Buffer {
  const text = Buffer.from(bytes).toString("utf8");
  const nl = text.indexOf("\n");
  const header = JSON.parse(text.slice(0, nl));
  const payload = JSON.parse(text.slice(nl + 1));
  edit(payload);
  const body = Buffer.from(JSON.stringify(payload));
  return Buffer.concat([Buffer.from(`${JSON.stringify({ ...header, payload: hash("sha256", body) })}\n`), body]);
}

describe("the cached MatchFeed", () => {
  it.each(realFeeds())("answers every listed version of the real feed $name as the feed itself does, both modes", ({ path }) => {
    const feed = parseFeed(readFileSync(path));
    const back = decodeMatchFeed(encodeMatchFeed(feed, "0.1.0"), feed.version.sha256, "0.1.0");
    expect(back.version).toEqual(feed.version);
    expect(back.module2dist).toEqual(feed.module2dist);
    expect(Object.keys(back.dists)).toEqual(Object.keys(feed.dists));
    for (const mode of ["strict", "cpan-audit"] as MatchMode[]) {
      const a = compileFeed(feed, mode);
      const b = compileFeed(back, mode);
      expect(b.warnings).toEqual(a.warnings);
      for (const [dist, entry] of Object.entries(feed.dists))
        for (const v of [...entry.versions, "0", "999"]) expect(advisoryIds(b, dist, v)).toEqual(advisoryIds(a, dist, v));
    }
    const r1 = nameResolver(feed);
    const r2 = nameResolver(back);
    for (const name of [...Object.keys(feed.module2dist).slice(0, 200), "No::Such", "strict"]) expect(r2(name)).toEqual(r1(name));
  });

  it("is refused for another feed, another cpansec version or another format", () => {
    const bytes = encodeMatchFeed(small, "0.1.0");
    expect(() => decodeMatchFeed(bytes, "f".repeat(64), "0.1.0")).toThrow(/another feed/);
    expect(() => decodeMatchFeed(bytes, sha, "0.2.0")).toThrow(/written by cpansec 0.1.0/);
    const other = Buffer.from(Buffer.from(bytes).toString("utf8").replace("cpansec-match-feed/1", "cpansec-match-feed/0"));
    expect(() => decodeMatchFeed(other, sha, "0.1.0")).toThrow(/another format/);
  });

  it("is refused when damaged: a changed byte, cut short, no header", () => {
    const bytes = Buffer.from(encodeMatchFeed(small, "0.1.0"));
    const flipped = Buffer.from(bytes);
    const at = flipped.indexOf("<1.5");
    flipped[at + 1] = "7".charCodeAt(0); // "<1.5" read as "<7.5": only the hash can tell
    expect(() => decodeMatchFeed(flipped, sha, "0.1.0")).toThrow(CacheRefused);
    expect(() => decodeMatchFeed(bytes.subarray(0, bytes.length - 5), sha, "0.1.0")).toThrow(/damaged/);
    expect(() => decodeMatchFeed(Buffer.from("{}"), sha, "0.1.0")).toThrow(/no header/);
    expect(() => decodeMatchFeed(Buffer.from("not json\n{}"), sha, "0.1.0")).toThrow(/header is not JSON/);
  });

  it("is refused when its content is not of the shape written, even with a matching hash", () => {
    const bytes = encodeMatchFeed(small, "0.1.0");
    const cases: [(p: Record<string, unknown>) => void, RegExp][] = [
      [(p) => ((p.dists as Record<string, unknown>)["Foo-Bar"] = [["A-1", "<1.5", []]]), /a bad row in Foo-Bar/],
      [(p) => ((p.dists as Record<string, unknown>)["Foo-Bar"] = [["", [], []]]), /a bad row/],
      [(p) => ((p.dists as Record<string, unknown>)["Foo-Bar"] = {}), /not a list/],
      [(p) => ((p.module2dist as Record<string, unknown>)["Foo::Bar"] = 1), /module2dist value/],
      [(p) => Object.defineProperty(p.dists, "__proto__", { value: [], enumerable: true }), /no dists/],
      [(p) => ((p.version as Record<string, unknown>).sha256 = "0"), /no feed version/],
      [(p) => ((p.version as Record<string, unknown>).date = 5), /bad feed version/],
      [(p) => delete p.dists, /no dists/],
    ];
    for (const [edit, why] of cases) expect(() => decodeMatchFeed(rewritten(bytes, edit), sha, "0.1.0")).toThrow(why);
    // The same rewriting with nothing changed is accepted: the cases above fail for their edit alone.
    expect(
      decodeMatchFeed(
        rewritten(bytes, () => {}),
        sha,
        "0.1.0",
      ).dists["Foo-Bar"]?.advisories[0]?.id,
    ).toBe("A-1");
  });
});

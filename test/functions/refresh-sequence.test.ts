// The refresh sequence both backends run (the hourly Lambda and each `cpansec run` pass): the feed,
// then 02packages, then re-matching, each input held to its limit in FETCH_LIMITS.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildMirror } from "../../cli/demo/mirror";
import { openEmbeddedPipeline } from "../../cli/embedded/pipeline";
import { PACKAGES_PATH, runRefresh } from "../../functions/refresh-advisories/refresh-sequence";
import { DirMirror } from "../../shared/adapters/embedded/dir-mirror";
import { FETCH_LIMITS } from "../../shared/domain/fetch-limits";
import { currentFeed, currentIdentity } from "../../shared/pipeline/match-inputs";

const feedJson = (commit: string) =>
  JSON.stringify({
    meta: { date: "2026-12-01", commit },
    module2dist: {},
    dists: { Foo: { versions: [], advisories: [{ id: "CPANSA-Foo-1", affected_versions: ["<1"] }] } },
  });
const bytes = (s: string) => new TextEncoder().encode(s);
const packages = (lines: string) => gzipSync(`File: 02packages.details.txt\nLine-Count: 1\n\n${lines}`);

async function open(index?: Uint8Array) {
  const root = mkdtempSync(join(tmpdir(), "cpansec-refresh-"));
  mkdirSync(join(root, "mirror", "modules"), { recursive: true });
  if (index) writeFileSync(join(root, "mirror", PACKAGES_PATH), index);
  return openEmbeddedPipeline({ data: join(root, "data"), mirror: new DirMirror(join(root, "mirror")), trustedKeys: [], tool: { name: "t", version: "0" } });
}

describe("runRefresh", () => {
  it("refreshes the feed, publishes 02packages, then selects the re-matches (all, on a first run)", async () => {
    const p = await open(packages("Foo 1.0 A/AU/AUTHOR/Foo-1.0.tar.gz\n"));
    try {
      const r = await runRefresh(p.deps, { feed: async () => bytes(feedJson("c1")) });
      expect(r.feed).toMatchObject({ status: "updated", feed: { commit: "c1" } });
      expect(r.packages.bytes).toBeGreaterThan(0);
      expect(r.packages.problem).toBeUndefined();
      expect(r.rematch).toEqual({ queued: 0, selectedBy: "all", keys: 0 });
      expect((await currentIdentity(p.deps.blobs)).packages).toMatch(/^[0-9a-f]{64}$/);
      // Nothing moved: the feed is unchanged and no re-match is selected.
      const again = await runRefresh(p.deps, { feed: async () => bytes(feedJson("c1")) });
      expect(again.feed?.status).toBe("unchanged");
      expect(again.rematch).toBeUndefined();
    } finally {
      p.close();
    }
  });

  it("holds a feed source that is not a limited fetch to the feed limit: rejected, the previous feed stays", async () => {
    const p = await open();
    try {
      await runRefresh(p.deps, { feed: async () => bytes(feedJson("c1")) });
      // Valid JSON (the padding is whitespace): only the size is wrong with it.
      const huge = bytes(feedJson("c2") + " ".repeat(FETCH_LIMITS.advisoryFeed));
      const r = await runRefresh(p.deps, { feed: async () => huge });
      expect(r.feed).toMatchObject({ status: "rejected", reason: expect.stringMatching(/over the \d+-byte limit/) });
      expect((await currentFeed(p.deps.blobs))?.version.commit).toBe("c1");
    } finally {
      p.close();
    }
  });

  it("`cpansec run` passes go through it: the same cap applies to their feed", async () => {
    const root = mkdtempSync(join(tmpdir(), "cpansec-refresh-run-"));
    mkdirSync(join(root, "mirror"));
    const mirror = await buildMirror(join(root, "mirror"), []);
    const p = await openEmbeddedPipeline({
      data: join(root, "data"),
      mirror: new DirMirror(mirror.dir),
      trustedKeys: [],
      tool: { name: "t", version: "0" },
      feedSource: async () => bytes(feedJson("c2") + " ".repeat(FETCH_LIMITS.advisoryFeed)),
    });
    try {
      const { feed } = await p.runOnce();
      expect(feed).toMatchObject({ status: "rejected", reason: expect.stringMatching(/over the \d+-byte limit/) });
    } finally {
      p.close();
    }
  });

  it("reports an index it cannot use (over its limit, or not an index) and goes on to re-matching", async () => {
    const big = await open(new Uint8Array(FETCH_LIMITS.packagesIndex + 1));
    try {
      const r = await runRefresh(big.deps, {});
      expect(r.packages).toEqual({ problem: expect.stringMatching(/over the \d+-byte limit/) });
      expect(r.feed).toBeUndefined();
    } finally {
      big.close();
    }
    const bad = await open(bytes("not gzip"));
    try {
      const r = await runRefresh(bad.deps, {});
      expect(r.packages).toEqual({ bytes: 8, problem: expect.any(String) });
      expect((await currentIdentity(bad.deps.blobs)).packages).toBeNull();
    } finally {
      bad.close();
    }
  });
});

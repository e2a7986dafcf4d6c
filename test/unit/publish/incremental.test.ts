// A publication over the previous one keeps the files of the advisories a feed refresh left alike
// (rows and version lists the same), building only the others, and must give exactly the bytes a
// whole export over the previous publication gives: a real feed, ten distributions changed
// (versions added, a description and fixed ranges edited, an advisory removed, one added).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FEED_POINTER_KEY, feedSnapshotKey } from "../../../shared/domain/pipeline/keys";
import { parseFeed } from "../../../shared/domain/advisories/feed";
import { publishAdvisories } from "../../../functions/publish-advisories/publish-advisories";
import type { ObjectStore } from "../../../shared/ports";
import { realFeeds } from "../../helpers/fixtures";

class MapStore implements ObjectStore {
  constructor(readonly objects = new Map<string, Uint8Array>()) {}
  async read(path: string) {
    return this.objects.get(path);
  }
  async create(path: string, bytes: Uint8Array) {
    if (!this.objects.has(path)) this.objects.set(path, bytes);
  }
  async publish(path: string, bytes: Uint8Array) {
    this.objects.set(path, bytes);
  }
}

type Raw = { meta?: { date: string }; dists: Record<string, { versions: unknown[]; advisories: Record<string, unknown>[] }> };

/** The 2023 feed (always in test/fixtures) and a later one with ten distributions changed. */
function feeds(): { before: Uint8Array; after: Uint8Array; changedDists: string[] } {
  const path = realFeeds().find((f) => f.name === "cpansa-db-2023-03-09.json")!.path;
  const before = readFileSync(path);
  const raw = JSON.parse(before.toString("utf8")) as Raw;
  const dists = Object.keys(raw.dists)
    .filter((d) => raw.dists[d]!.advisories.length)
    .sort();
  const pick = dists.filter((_, i) => i % 17 === 3).slice(0, 10);
  const [a, b, c, d, ...rest] = pick.map((name) => raw.dists[name]!);
  a!.versions.push({ version: "999.0" });
  b!.advisories[0]!.description = "Rewritten. The advisory changed.";
  c!.advisories.shift();
  d!.advisories.push({ ...d!.advisories[0], id: "CPANSA-Test-Added-2026-1", affected_versions: ["<0.01"], fixed_versions: [] });
  for (const e of rest) e.advisories[0]!.fixed_versions = [">=999"];
  raw.meta = { date: "Tue Aug 18 09:00:00 2026" };
  return { before, after: new TextEncoder().encode(JSON.stringify(raw)), changedDists: pick };
}

function pipeline(blobs: MapStore, pub: MapStore) {
  const deps = {
    blobs,
    publication: {
      store: pub,
      options: {
        publisher: { category: "coordinator" as const, name: "T", namespace: "https://t.example" },
        baseUrl: "https://t.example/advisories/",
        generator: { name: "cpansec-pipeline", version: "0.0.0-test" },
      },
    },
  };
  return async (bytes: Uint8Array) => {
    const feed = parseFeed(bytes);
    blobs.objects.set(feedSnapshotKey(feed.version.sha256), bytes);
    blobs.objects.set(FEED_POINTER_KEY, new TextEncoder().encode(JSON.stringify({ ...feed.version, takenAt: "2026-08-17T01:02:03.000Z", verified: false })));
    return publishAdvisories(deps, { v: 1, feed: feed.version.sha256 });
  };
}

describe("publishing a refreshed feed over the previous publication", () => {
  it("keeps the advisories the refresh left alike and writes the bytes a whole export writes", async () => {
    const { before, after, changedDists } = feeds();
    const blobs = new MapStore();
    const pub = new MapStore();
    const publish = pipeline(blobs, pub);
    expect(await publish(before)).toMatchObject({ status: "published", kept: { osv: 0, csaf: 0 } });
    // The same publication, and a pipeline that no longer has the first feed's snapshot: it exports everything.
    const whole = new MapStore(new Map(pub.objects));
    const wholeBlobs = new MapStore();
    const exported = await pipeline(wholeBlobs, whole)(after);
    expect(exported).toMatchObject({ status: "published", kept: { osv: 0, csaf: 0 } });

    const incremental = await publish(after);
    if (incremental.status !== "published" || exported.status !== "published") throw new Error("not published");
    const changedIds = new Set(changedDists.flatMap((d) => parseFeed(before).dists[d]!.advisories.map((r) => r.id)));
    expect(incremental.records).toBe(exported.records);
    expect(incremental.kept.osv).toBeGreaterThanOrEqual(incremental.records - changedIds.size - 1);
    expect(incremental.kept.csaf).toBeGreaterThanOrEqual(incremental.documents - changedIds.size - 1);
    expect(incremental.written).toBe(exported.written);
    expect([...pub.objects.keys()].sort()).toEqual([...whole.objects.keys()].sort());
    const differ = [...pub.objects].filter(([path, bytes]) => !Buffer.from(bytes).equals(Buffer.from(whole.objects.get(path)!))).map(([p]) => p);
    expect(differ).toEqual([]);
  });
});

// Publishing on refresh (publish-advisories): the OSV, CSAF and index files of the feed in use,
// next to the log; a re-run writes nothing, a changed advisory rewrites only what it changes.
import { describe, expect, it } from "vitest";
import { parseFeed } from "../../../shared/domain/advisories/feed";
import { FEED_POINTER_KEY, feedSnapshotKey } from "../../../shared/domain/pipeline/keys";
import { INDEX_FILE, publishedOsvPath } from "../../../shared/domain/publish/publication";
import { publishAdvisories } from "../../../functions/publish-advisories/publish-advisories";
import type { ObjectStore } from "../../../shared/ports";
import { PermanentError } from "../../../shared/ports/errors";

class CountingStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  readonly writes: string[] = [];
  reads = 0;
  async read(path: string) {
    this.reads++;
    return this.objects.get(path);
  }
  async create(path: string, bytes: Uint8Array) {
    if (!this.objects.has(path)) this.objects.set(path, bytes);
  }
  async publish(path: string, bytes: Uint8Array) {
    this.writes.push(path);
    this.objects.set(path, bytes);
  }
}

const row = (id: string, affected: string[], fixed: string[], description = "Bad thing. More detail.") => ({
  id,
  distribution: "Foo-Bar",
  affected_versions: affected,
  fixed_versions: fixed,
  cves: ["CVE-2026-1"],
  description,
  reported: "2025-03-01",
  severity: "high",
  references: ["https://example.org/a"],
});
interface Snapshot {
  readonly bytes: Uint8Array;
  readonly feed: ReturnType<typeof parseFeed>;
}
const feedOf = (date: string, rows: ReturnType<typeof row>[]): Snapshot => {
  const bytes = new TextEncoder().encode(
    JSON.stringify({
      meta: { date, commit: "abc" },
      module2dist: {},
      dists: { "Foo-Bar": { versions: ["1.0", "1.1", "1.2", "2.0"].map((version) => ({ version })), advisories: rows } },
    }),
  );
  return { bytes, feed: parseFeed(bytes) };
};

function setup(feed: Snapshot) {
  const blobs = new CountingStore();
  const pub = new CountingStore();
  let current = feed;
  // The refresh's snapshot and pointer, as refresh-advisories writes them.
  const pointer = (f: Snapshot) => {
    blobs.objects.set(feedSnapshotKey(f.feed.version.sha256), f.bytes);
    blobs.objects.set(FEED_POINTER_KEY, new TextEncoder().encode(JSON.stringify({ ...f.feed.version, takenAt: "2026-08-17T01:02:03.000Z", verified: false })));
  };
  pointer(feed);
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
  const run = () => publishAdvisories(deps, { v: 1, feed: current.feed.version.sha256 });
  return { deps, pub, run, next: (f: Snapshot) => (pointer(f), (current = f)) };
}

const ROWS = [row("CPANSA-Foo-Bar-2026-1", ["<1.2"], [">=1.2"]), row("CPANSA-Foo-Bar-2026-2", ["<2.0"], [])];

describe("publishing the feed in use", () => {
  it("writes the OSV records, the CSAF directory and index.json, and a second run with the same feed reads only the index", async () => {
    const { pub, run } = setup(feedOf("Sun Aug 16 14:31:00 2026", ROWS));
    expect(await run()).toMatchObject({ status: "published", records: 2, documents: 2, problems: [] });
    expect([...pub.objects.keys()].sort()).toEqual(
      [
        "csaf/2025/cpansa-foo-bar-2026-1.json",
        "csaf/2025/cpansa-foo-bar-2026-2.json",
        ...["1", "2"].flatMap((n) => [`csaf/2025/cpansa-foo-bar-2026-${n}.json.sha256`, `csaf/2025/cpansa-foo-bar-2026-${n}.json.sha512`]),
        "csaf/changes.csv",
        "csaf/index.txt",
        "csaf/provider-metadata.json",
        INDEX_FILE,
        "osv/CPAN/CPANSA-Foo-Bar-2026-1.json",
        "osv/CPAN/CPANSA-Foo-Bar-2026-2.json",
        "osv/CPAN/all.zip",
        "osv/CPAN/modified_id.csv",
        "osv/ecosystems.txt",
      ].sort(),
    );
    expect(publishedOsvPath("CPANSA-Foo-Bar-2026-1")).toBe("osv/CPAN/CPANSA-Foo-Bar-2026-1.json");
    const index = JSON.parse(new TextDecoder().decode(pub.objects.get(INDEX_FILE)));
    expect(index).toMatchObject({ v: 1, time: "2026-08-16T14:31:00Z", osv: { records: 2, all: "osv/CPAN/all.zip" }, baseUrl: "https://t.example/advisories" });
    expect(Object.keys(index.files)).toHaveLength(pub.objects.size - 1);
    const meta = JSON.parse(new TextDecoder().decode(pub.objects.get("csaf/provider-metadata.json")));
    expect(meta.canonical_url).toBe("https://t.example/advisories/csaf/provider-metadata.json");
    pub.writes.length = 0;
    pub.reads = 0;
    expect(await run()).toMatchObject({ status: "unchanged" });
    expect([pub.writes, pub.reads]).toEqual([[], 1]);
  });

  it("rewrites only what a changed advisory changes, comparing bytes it read and hashes it did not", async () => {
    const s = setup(feedOf("Sun Aug 16 14:31:00 2026", ROWS));
    await s.run();
    const before = new Map(s.pub.objects);
    s.pub.writes.length = 0;
    s.next(feedOf("Mon Aug 17 09:00:00 2026", [ROWS[0] as ReturnType<typeof row>, row("CPANSA-Foo-Bar-2026-2", ["<2.0"], [], "Worse than thought.")]));
    expect(await s.run()).toMatchObject({ status: "published", written: 9 });
    expect(s.pub.writes.sort()).toEqual(
      [
        "csaf/2025/cpansa-foo-bar-2026-2.json",
        "csaf/2025/cpansa-foo-bar-2026-2.json.sha256",
        "csaf/2025/cpansa-foo-bar-2026-2.json.sha512",
        "csaf/changes.csv",
        "csaf/provider-metadata.json",
        INDEX_FILE,
        "osv/CPAN/CPANSA-Foo-Bar-2026-2.json",
        "osv/CPAN/all.zip",
        "osv/CPAN/modified_id.csv",
      ].sort(),
    );
    for (const [path, bytes] of s.pub.objects) if (!s.pub.writes.includes(path)) expect(bytes).toEqual(before.get(path));
    // A record the exporter reads back and finds missing is written again, though the index lists it.
    s.pub.objects.delete("osv/CPAN/CPANSA-Foo-Bar-2026-1.json");
    s.pub.writes.length = 0;
    s.next(feedOf("Tue Aug 18 09:00:00 2026", [...ROWS, row("CPANSA-Foo-Bar-2026-3", ["<1.1"], [">=1.1"])]));
    await s.run();
    expect(s.pub.writes).toContain("osv/CPAN/CPANSA-Foo-Bar-2026-1.json");
  });

  it("dates a feed whose meta.date it cannot read by when the snapshot was taken, and refuses an index.json it did not write", async () => {
    const s = setup(feedOf("generated by a test", ROWS));
    await s.run();
    expect(JSON.parse(new TextDecoder().decode(s.pub.objects.get(INDEX_FILE))).time).toBe("2026-08-17T01:02:03.000Z");
    s.pub.objects.set(INDEX_FILE, new TextEncoder().encode('{"v":1,"feed":{"sha256":"x"},"files":{"a":"not a hash"}}'));
    await expect(s.run()).rejects.toThrow(PermanentError);
    await expect(s.run()).rejects.toThrow(/index.json is not readable/);
  });

  it("publishes nothing before there is a feed", async () => {
    const s = setup(feedOf("Sun Aug 16 14:31:00 2026", ROWS));
    s.deps.blobs.objects.clear();
    expect(await s.run()).toEqual({ status: "no feed" });
    expect(s.pub.objects.size).toBe(0);
  });
});

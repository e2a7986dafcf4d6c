import { describe, expect, it } from "vitest";
import { CURRENT, currentFeed, refreshAdvisories } from "../../functions/refresh-advisories/refresh-advisories";
import { MemoryTileStore } from "../fakes/memory-log";

const feed = (ranges: string[]) =>
  new TextEncoder().encode(JSON.stringify({ meta: { date: "d", commit: ranges.join() }, module2dist: {}, dists: { Foo: { versions: [], advisories: [{ id: "A-1", affected_versions: ranges }] } } }));

describe("refreshAdvisories", () => {
  it("stores a snapshot, moves the pointer, reports what changed, and keeps the old feed on a bad one", async () => {
    const blobs = new MemoryTileStore();
    let next = feed(["<1"]);
    const deps = { blobs, fetchFeed: async () => next, now: () => new Date("2026-11-25T00:00:00Z") };
    const first = await refreshAdvisories(deps);
    expect(first).toMatchObject({ status: "updated", diff: { added: ["A-1"], distributions: ["Foo"] } });
    expect(await refreshAdvisories(deps)).toMatchObject({ status: "unchanged" });
    next = feed(["<2"]);
    expect(await refreshAdvisories(deps)).toMatchObject({ status: "updated", diff: { added: [], changed: ["A-1"], distributions: ["Foo"] }, previous: { commit: "<1" } });
    const pointer = blobs.objects.get(CURRENT);
    next = new TextEncoder().encode('{"dists": 5}');
    const rejected = await refreshAdvisories(deps);
    expect(rejected).toMatchObject({ status: "rejected", reason: expect.stringMatching(/does not match the schema at dists/), feed: { commit: "<2" } });
    expect(blobs.objects.get(CURRENT)).toBe(pointer);
    expect((await currentFeed(blobs))?.version.commit).toBe("<2");
  });
});

// Contract tests for the pipeline's table ports (shared/ports.ts): any adapter runs them.
import { describe, expect, it } from "vitest";
import { type Finding, findingKey } from "../../shared/domain/advisories/findings";
import type { ReleaseRecord } from "../../shared/domain/pipeline/record";
import type { CursorStore, EventStore, FindingStore, MatchIndex, ReleaseStore } from "../../shared/ports";
import { type ContractOptions, announceSequential, race, values } from "./race";

const rec = (id: string, distribution?: string): ReleaseRecord => ({
  id,
  path: `authors/id/A/AB/ABC/${id.split("/")[1]}`,
  author: "ABC",
  filename: id.split("/")[1] as string,
  uploaded: "1",
  seenAt: "t",
  steps: {},
  revision: 0,
  ...(distribution ? { distribution } : {}),
});

export function pipelinePortsContract(
  name: string,
  make: () => { releases: ReleaseStore; cursors: CursorStore; findings: FindingStore; events: EventStore; matchIndex: MatchIndex },
  o: ContractOptions = {},
): void {
  announceSequential(name, o);
  describe(`${name}: pipeline ports contract`, () => {
    it("creates a release once and updates it with optimistic concurrency", async () => {
      const { releases } = make();
      expect(await releases.create(rec("ABC/Foo-1.tar.gz"))).toBe(true);
      expect(await releases.create({ ...rec("ABC/Foo-1.tar.gz"), uploaded: "2" })).toBe(false);
      expect((await releases.get("ABC/Foo-1.tar.gz"))?.uploaded).toBe("1");
      // Two concurrent updates both land (each retried on conflict), none lost.
      values(
        await race(o, [
          () => releases.update("ABC/Foo-1.tar.gz", (r) => ({ ...r, steps: { ...r.steps, sbom: { status: "done", at: "a" } } })),
          () => releases.update("ABC/Foo-1.tar.gz", (r) => ({ ...r, steps: { ...r.steps, log: { status: "done", at: "b" } }, distribution: "Foo" })),
        ]),
      );
      const r = await releases.get("ABC/Foo-1.tar.gz");
      expect(Object.keys(r?.steps ?? {}).sort()).toEqual(["log", "sbom"]);
      expect(r?.revision).toBe(2);
      expect(await releases.update("ABC/Foo-1.tar.gz", () => undefined)).toBeUndefined();
      expect((await releases.byDistribution("Foo")).map((x) => x.id)).toEqual(["ABC/Foo-1.tar.gz"]);
      await expect(releases.update("ABC/Nope-1.tar.gz", (x) => x)).rejects.toThrow(/does not exist/);
    });

    it("finds the releases with a lag record, by author or all, and forgets one whose lag is cleared", async () => {
      const { releases } = make();
      const lag = { since: "2026-01-01T00:00:00.000Z", attempts: 1, nextAt: "2026-01-01T00:01:00.000Z", reason: "not listed yet" };
      const other = (id: string): ReleaseRecord => ({ ...rec(id), author: "XYZ", path: `authors/id/X/XY/XYZ/${id.split("/")[1]}` });
      await releases.create({ ...rec("ABC/Lag-1.tar.gz"), lag });
      await releases.create({ ...other("XYZ/Lag-2.tar.gz"), lag });
      await releases.create(rec("ABC/Fine-1.tar.gz"));
      const ids = async (author?: string) => (await releases.lagging(author)).map((r) => r.id);
      const eventually = async (author: string | undefined, want: string[]) => {
        // A sparse GSI is eventually consistent: give it a few reads.
        for (let i = 0; i < 20 && JSON.stringify(await ids(author)) !== JSON.stringify(want); i++) await new Promise((r) => setTimeout(r, 50));
        expect(await ids(author)).toEqual(want);
      };
      await eventually(undefined, ["ABC/Lag-1.tar.gz", "XYZ/Lag-2.tar.gz"]);
      await eventually("ABC", ["ABC/Lag-1.tar.gz"]);
      expect((await releases.lagging("ABC"))[0]?.lag).toEqual(lag);
      await releases.update("ABC/Lag-1.tar.gz", ({ lag: _l, ...r }) => r);
      await eventually("ABC", []);
      expect(Object.keys((await releases.get("XYZ/Lag-2.tar.gz")) ?? {})).not.toContain("lagAuthor");
    });

    it("keeps cursors, findings by release and by advisory, and events once by id", async () => {
      const { cursors, findings, events } = make();
      expect(await cursors.get("c")).toBeUndefined();
      await cursors.put("c", "1");
      await cursors.put("c", "2");
      expect(await cursors.get("c")).toBe("2");
      const f = (advisory: string) => ({ advisory, kind: "self" }) as unknown as Finding;
      await findings.replace("ABC/Foo-1.tar.gz", [f("A-1"), f("A-2")]);
      await findings.replace("ABC/Foo-1.tar.gz", [f("A-2")]);
      expect((await findings.byRelease("ABC/Foo-1.tar.gz")).map(findingKey)).toEqual(["A-2"]);
      expect(await findings.byAdvisory("A-1")).toEqual([]);
      expect((await findings.byAdvisory("A-2")).map((x) => x.releaseId)).toEqual(["ABC/Foo-1.tar.gz"]);
      const e = { v: 1 as const, id: "evt_1", type: "release.processed" as const, time: "t" };
      expect(await events.create(e)).toBe(true);
      expect(await events.create({ ...e, time: "later" })).toBe(false);
      expect(await events.list()).toEqual([e]);
    });

    it("refuses a stored event that is not the event schema: get names the problem, list leaves it out", async () => {
      const { events } = make();
      const good = { v: 1 as const, id: "evt_good", type: "release.processed" as const, time: "t", release: { id: "A/B-1.tar.gz", path: "p", author: "A" } };
      const bad = { v: 1, id: "evt_bad", type: "release.exploded", time: "t", release: { id: "A/B-1.tar.gz", path: "p" } };
      await events.create(good);
      await events.create(bad as unknown as typeof good);
      await expect(events.get("evt_bad")).rejects.toThrow(
        expect.objectContaining({ name: "BadMessageError", message: expect.stringMatching(/stored event evt_bad .*type.*release\.author/s) }),
      );
      expect(await events.get("evt_good")).toEqual(good);
      const listed = await events.list(); // the AWS contract shares its tables across tests
      expect(listed.filter((e) => e.id.startsWith("evt_b") || e.id === "evt_good")).toEqual([good]);
    });

    it("finds releases by match-index key: idempotent puts, removals, each id once, sorted", async () => {
      const { matchIndex } = make();
      const many = Array.from({ length: 30 }, (_, i) => `dist:D${i}`); // over one DynamoDB batch (25)
      await matchIndex.put("B/Two-1.tar.gz", ["dist:Foo", "module:Foo::Bar", ...many]);
      await matchIndex.put("A/One-1.tar.gz", ["dist:Foo"]);
      await matchIndex.put("A/One-1.tar.gz", ["dist:Foo"]);
      expect(await matchIndex.releases(["dist:Foo", "module:Foo::Bar"])).toEqual(["A/One-1.tar.gz", "B/Two-1.tar.gz"]);
      expect(await matchIndex.releases(["dist:D29"])).toEqual(["B/Two-1.tar.gz"]);
      await matchIndex.remove("B/Two-1.tar.gz", ["dist:Foo", ...many]);
      expect(await matchIndex.releases(["dist:Foo", "dist:D29"])).toEqual(["A/One-1.tar.gz"]);
      expect(await matchIndex.releases(["module:Foo::Bar"])).toEqual(["B/Two-1.tar.gz"]);
      expect(await matchIndex.releases(["dist:Nothing"])).toEqual([]);
    });
  });
}

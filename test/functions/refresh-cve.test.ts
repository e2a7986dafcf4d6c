// The refresh with CVE JSON 5 records (with-cve.ts): the snapshot is the union only when a record
// is usable, so a deployment without records keeps the published bytes.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openEmbeddedPipeline } from "../../cli/embedded/pipeline";
import { runRefresh } from "../../functions/refresh-advisories/refresh-sequence";
import { DirMirror } from "../../shared/adapters/embedded/dir-mirror";
import { currentFeed, readFeedPointer } from "../../shared/pipeline/match-inputs";
import { bytesOf, cveRecord } from "../helpers/cve-records";

const published = new TextEncoder().encode(
  JSON.stringify({
    meta: { date: "2026-12-01", commit: "c1" },
    dists: { Foo: { versions: [{ version: "1.0" }], advisories: [{ id: "CPANSA-Foo-1", affected_versions: ["<1"], cves: ["CVE-2026-1000"] }] } },
  }),
);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const record = (id: string, packageName: string) => ({
  source: `${id}.json`,
  bytes: bytesOf(cveRecord({ id, packageName, versions: [{ lessThan: "2", status: "affected", version: "0", versionType: "custom" }] })),
});

async function open() {
  const root = mkdtempSync(join(tmpdir(), "cpansec-refresh-cve-"));
  mkdirSync(join(root, "mirror"));
  return openEmbeddedPipeline({ data: join(root, "data"), mirror: new DirMirror(join(root, "mirror")), trustedKeys: [], tool: { name: "t", version: "0" } });
}

describe("the refresh with CVE records", () => {
  it("keeps the published bytes when no record is usable, and says why each was not", async () => {
    const p = await open();
    try {
      const none = await runRefresh(p.deps, { feed: async () => published, cveRecords: async () => ({ files: [], refused: [] }) });
      expect(none.feed).toMatchObject({ status: "updated", feed: { sha256: sha(published) } });
      expect(none.feed).not.toHaveProperty("cve");
      const bad = await runRefresh(p.deps, {
        feed: async () => published,
        cveRecords: async () => ({ files: [{ source: "x.json", bytes: new TextEncoder().encode("{") }], refused: [] }),
      });
      expect(bad.feed).toMatchObject({
        status: "unchanged",
        feed: { sha256: sha(published) },
        cve: [expect.stringMatching(/^CVE record x\.json refused: not JSON/), expect.stringMatching(/^CVE records: 0 read, 1 refused/)],
      });
    } finally {
      p.close();
    }
  });

  it("stores the union when a record is usable: the pointer, the snapshot and the feed in use name it", async () => {
    const p = await open();
    try {
      const r = await runRefresh(p.deps, {
        feed: async () => published,
        cveRecords: async () => ({ files: [record("CVE-2026-2000", "Bar"), record("CVE-2026-1000", "Foo")], refused: [] }),
      });
      expect(r.feed?.status).toBe("updated");
      const pointer = await readFeedPointer(p.deps.blobs);
      expect(pointer).toMatchObject({ commit: "c1", cve: { records: 2 } });
      expect(pointer?.sha256).not.toBe(sha(published));
      const inUse = await currentFeed(p.deps.blobs);
      expect(inUse?.dists.Bar?.advisories.map((a) => [a.id, a.affected])).toEqual([["CVE-2026-2000", ["< 2"]]]);
      expect(inUse?.dists.Foo?.advisories.map((a) => a.id)).toEqual(["CPANSA-Foo-1"]);
      expect(r.feed?.status === "updated" && r.feed.diff.added).toEqual(["CPANSA-Foo-1", "CVE-2026-2000"]);
    } finally {
      p.close();
    }
  });

  it("records that cannot be read now leave the feed in use as it is, as an unreachable feed does", async () => {
    const p = await open();
    try {
      await runRefresh(p.deps, { feed: async () => published, cveRecords: async () => ({ files: [record("CVE-2026-2000", "Bar")], refused: [] }) });
      const before = await readFeedPointer(p.deps.blobs);
      const r = await runRefresh(p.deps, { feed: async () => published, cveRecords: async () => undefined });
      expect(r.feed).toBeUndefined();
      expect(await readFeedPointer(p.deps.blobs)).toEqual(before);
    } finally {
      p.close();
    }
  });
});

// A re-match's advisory.published events (shared/pipeline/record-match.ts announceFindings): one
// for each advisory a finding cites that is new or says something else, none for a finding that
// changed only in its feed version or its patches; over the embedded findings and events tables.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EmbeddedDb } from "../../shared/adapters/embedded/sqlite-db";
import type { AdvisoryRef, Finding, RangeFinding, ReleaseFinding } from "../../shared/domain/advisories/findings";
import type { ReleaseRecord } from "../../shared/domain/pipeline/record";
import { announceFindings } from "../../shared/pipeline/record-match";
import { MemoryTileStore } from "../fakes/memory-log";

const open: EmbeddedDb[] = [];
afterEach(() => open.splice(0).forEach((d) => d.close()));

const v1 = { sha256: "a".repeat(64) };
const v2 = { sha256: "b".repeat(64) };
const patch = { path: "p", url: "https://x/p", sha256: "c".repeat(64), cve: "CVE-2026-1", revision: 1, version: "5.10.0" };

const self = (o: Partial<ReleaseFinding> = {}): ReleaseFinding => ({
  kind: "self",
  advisory: "CPANSA-Demo-2026-1",
  distribution: "Demo",
  severity: "high",
  modes: ["strict"],
  feed: v1,
  cves: ["CVE-2026-1"],
  description: "bad",
  references: [],
  version: "1.0",
  ...o,
});
const ref = (id: string, o: Partial<AdvisoryRef> = {}): AdvisoryRef => ({
  id,
  cves: [],
  severity: "medium",
  description: `about ${id}`,
  references: [],
  modes: ["strict"],
  affects: { count: 1, lowest: "5.10.0", highest: "5.10.0" },
  ...o,
});
const perl = (advisories: AdvisoryRef[], feed = v1): RangeFinding => ({
  kind: "interpreter",
  distribution: "perl",
  severity: "medium",
  modes: ["strict"],
  feed,
  advisories,
  dependency: { requirements: [], range: "5.010", resolvedVia: "perl", admitsAffected: { count: 1, lowest: "5.10.0", highest: "5.10.0" }, advice: "x" },
});

const record: ReleaseRecord = {
  id: "ALICE/Demo-1.0.tar.gz",
  path: "authors/id/A/AL/ALICE/Demo-1.0.tar.gz",
  author: "ALICE",
  filename: "Demo-1.0.tar.gz",
  uploaded: "1786838400",
  seenAt: "t",
  distribution: "Demo",
  version: "1.0",
  steps: { advisories: { status: "done", at: "t" } },
  matched: { feed: v1.sha256, feedKey: null, packages: null, keys: [] },
  revision: 0,
};

/** The advisories the re-match announces, after `stored` was the last match's findings. */
async function announced(stored: Finding[], now: Finding[]): Promise<string[]> {
  const db = new EmbeddedDb(join(mkdtempSync(join(tmpdir(), "cpansec-announce-")), "db.sqlite"));
  open.push(db);
  const deps = {
    blobs: new MemoryTileStore(),
    releases: db.releases(),
    events: db.events(),
    findings: db.findings(),
    matchIndex: db.matchIndex(),
    queues: { notify: { send: async () => undefined } },
    clock: () => new Date("2026-11-01T00:00:00Z"),
    tool: { name: "t", version: "0" },
  } as unknown as Parameters<typeof announceFindings>[0];
  await db.findings().replace(record.id, stored);
  await announceFindings(deps, record, now, v2.sha256);
  const events = await db.events().list();
  return events.map((e) => `${e.type} ${e.detail?.kind} ${e.detail?.advisory}`).sort();
}

describe("announceFindings on a re-match", () => {
  it("announces nothing for findings that changed only their feed version or their patches", async () => {
    const stored = [self(), perl([ref("CPANSA-perl-1"), ref("CPANSA-perl-2")])];
    const now = [self({ feed: v2, patches: [patch] }), perl([ref("CPANSA-perl-1"), ref("CPANSA-perl-2", { patches: [patch] })], v2)];
    expect(await announced(stored, now)).toEqual([]);
  });

  it("announces the one advisory of a long finding that says something else, and one that is new", async () => {
    const many = Array.from({ length: 50 }, (_, i) => ref(`CPANSA-perl-${i}`));
    const changed = many.map((a, i) => (i === 17 ? { ...a, affects: { ...a.affects, count: 2 } } : a));
    expect(await announced([self(), perl(many)], [self({ feed: v2 }), perl([...changed, ref("CPANSA-perl-new")], v2)])).toEqual([
      "advisory.published interpreter CPANSA-perl-17",
      "advisory.published interpreter CPANSA-perl-new",
    ]);
  });

  it("announces a release finding whose text changed, even when only a nested value did", async () => {
    expect(await announced([self()], [self({ feed: v2, cves: ["CVE-2026-2"] })])).toEqual(["advisory.published self CPANSA-Demo-2026-1"]);
  });

  it("compares as text when the stored finding is not the same structure (keys in another order)", async () => {
    const { description, ...rest } = self();
    const reordered = { description, ...rest } as ReleaseFinding; // the same values: the text differs, as it did before
    expect(await announced([reordered], [self({ feed: v2 })])).toEqual(["advisory.published self CPANSA-Demo-2026-1"]);
    expect(await announced([self()], [self({ feed: v2 })])).toEqual([]);
  });
});

// EmbeddedDb.summary: what `cpansec run` prints after every pass, from indexes. It must give what
// reading every release, finding and event gave (the computation it replaced, kept here as the
// reference), and must not read the dependency findings' data (tens of KB a row) to give it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EmbeddedDb } from "../../shared/adapters/embedded/sqlite-db";
import { SUMMARY_SQL } from "../../shared/adapters/embedded/sqlite-summary";
import { type Finding, findingKey, isReleaseFinding } from "../../shared/domain/advisories/findings";
import type { Severity } from "../../shared/domain/advisories/feed";
import { type ReleaseRecord, type StepName, terminalState, withStep } from "../../shared/domain/pipeline/record";
import { makeEvent, vulnerable } from "../helpers/events";

const fresh = () => new EmbeddedDb(join(mkdtempSync(join(tmpdir(), "cpansec-summary-")), "db.sqlite"));
const FEED = { sha256: "f".repeat(64) };
const STEPS: StepName[] = ["ingest", "sbom", "advisories", "log"];

function releaseFinding(kind: "self" | "bundled", advisory: string, severity: Severity | null | undefined): Finding {
  return {
    kind,
    advisory,
    distribution: "Demo",
    cves: [],
    description: "d",
    references: [],
    modes: ["strict"],
    feed: FEED,
    version: "1.0",
    ...(kind === "bundled" ? { component: "zlib" } : {}),
    ...(severity !== undefined ? { severity } : {}),
  } as Finding; // severity absent: a row written before severities were kept reads as unrated
}

function rangeFinding(kind: "dependency" | "interpreter", distribution: string, severity: Severity | null): Finding {
  return {
    kind,
    distribution,
    severity,
    modes: ["strict"],
    feed: FEED,
    advisories: [],
    dependency: { requirements: [], range: ">= 0", resolvedVia: "02packages", admitsAffected: { count: 1, lowest: "1", highest: "1" }, advice: "a" },
  };
}

/** The summary as it was computed before: every release and every finding read and parsed. */
async function reference(db: EmbeddedDb) {
  const all = await db.releases().list();
  const releases = { processed: 0, failed: 0, pending: 0 };
  for (const r of all) releases[terminalState(r)]++;
  const findings: Record<string, number> = {};
  const vulnerableIds = new Set<string>();
  // A range finding's row names its text in finding_texts (sqlite-findings.ts).
  const sql =
    "SELECT pk, coalesce(t.data, i.data) AS data FROM items i LEFT JOIN finding_texts t ON i.data = '#' || t.hash WHERE tbl = 'findings' ORDER BY pk, sk";
  for (const row of db.db.prepare<[], { pk: string; data: string }>(sql).all()) {
    const finding = JSON.parse(row.data) as Finding;
    if (!isReleaseFinding(finding)) continue;
    findings[finding.severity ?? "unrated"] = (findings[finding.severity ?? "unrated"] ?? 0) + 1;
    vulnerableIds.add(row.pk);
  }
  const delivered = "SELECT COUNT(*) AS n FROM items WHERE tbl = 'deliveries' AND json_extract(data, '$.status') = 'delivered'";
  return {
    releases,
    failures: all.filter((r) => r.failure).map((r) => ({ id: r.id, reason: r.failure?.reason ?? "", integrity: !!r.failure?.integrity })),
    findings,
    vulnerable: [...vulnerableIds].sort(),
    events: (await db.events().list()).length,
    delivered: db.db.prepare<[], { n: number }>(delivered).get()?.n ?? 0,
  };
}

const severity = fc.constantFrom<Severity | null | undefined>("low", "medium", "high", "critical", null, undefined);
const findingArb = fc.oneof(
  fc.record({
    kind: fc.constantFrom("self" as const, "bundled" as const),
    id: fc.constantFrom("CPANSA-Demo-2020-01", "CVE-2024-1", "CPANSA-Demo-2021-02"),
    severity,
  }),
  fc.record({
    kind: fc.constantFrom("dependency" as const, "interpreter" as const),
    id: fc.constantFrom("perl", "Other", "Dep-Dist"),
    severity: fc.constantFrom<Severity | null>("high", null),
  }),
);
const stepArb = fc.option(fc.constantFrom("done" as const, "failed" as const), { nil: undefined });
const releaseArb = fc.record({
  steps: fc.tuple(stepArb, stepArb, stepArb, stepArb),
  failure: fc.option(
    fc.record({ reason: fc.constantFrom("bad archive", "", 'über "quoted"'), integrity: fc.boolean(), lag: fc.boolean() }, { requiredKeys: [] }),
    { nil: undefined },
  ),
  sha256: fc.constantFrom(undefined, "", "a".repeat(64)),
  findings: fc.array(findingArb, { maxLength: 4 }),
});

type ReleaseCase = typeof releaseArb extends fc.Arbitrary<infer T> ? T : never;

function record(i: number, r: ReleaseCase): ReleaseRecord {
  const filename = `Demo-${i}.tar.gz`;
  const steps = Object.fromEntries(
    STEPS.flatMap((s, k) => (r.steps[k] ? [[s, { status: r.steps[k], at: "2026-11-01T00:00:00Z", ...(r.steps[k] === "failed" ? { reason: "r" } : {}) }]] : [])),
  );
  return {
    id: `${i % 3 ? "ALICE" : "BOB"}/${filename}`,
    path: `authors/id/A/AL/ALICE/${filename}`,
    author: "ALICE",
    filename,
    uploaded: "1780000000",
    seenAt: "2026-11-01T00:00:00Z",
    steps,
    ...(r.sha256 !== undefined ? { sha256: r.sha256 } : {}),
    ...(r.failure ? { failure: { step: "ingest", ...r.failure } } : {}), // reason too may be absent
    revision: 0,
  } as ReleaseRecord;
}

describe("EmbeddedDb.summary", () => {
  it("gives what reading every release and finding gave: states, failures, severities in the order first met, vulnerable releases", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(releaseArb, { maxLength: 12 }), fc.nat({ max: 5 }), fc.nat({ max: 3 }), async (releases, events, delivered) => {
        const db = fresh();
        try {
          for (const [i, r] of releases.entries()) {
            const stored = record(i, r);
            await db.releases().create(stored);
            const found = r.findings.map((f) =>
              f.kind === "self" || f.kind === "bundled" ? releaseFinding(f.kind, f.id, f.severity) : rangeFinding(f.kind, f.id, f.severity ?? null),
            );
            await db.findings().replace(stored.id, found);
          }
          for (let e = 0; e < events; e++) await db.events().create(e % 2 ? vulnerable("high") : makeEvent("release.processed"));
          for (let d = 0; d < 4; d++) {
            await db.deliveries().claim(`evt_${d}`, "sub_a", "2026-11-01T00:00:00Z");
            if (d < delivered) await db.deliveries().settle(`evt_${d}`, "sub_a", d % 3 === 2 ? "gone" : "delivered", "2026-11-01T00:00:01Z");
          }
          const want = await reference(db);
          const got = db.summary();
          expect(got).toEqual(want);
          // Byte for byte as printed and compared between passes: the severities' order too.
          expect(JSON.stringify(got)).toBe(JSON.stringify(want));
        } finally {
          db.close();
        }
      }),
      { numRuns: 150 },
    );
  });

  it("follows a release through its steps and a re-match that drops its findings (the indexes kept on update and replace)", async () => {
    const db = fresh();
    const base = record(1, { steps: [undefined, undefined, undefined, undefined], failure: undefined, sha256: "a".repeat(64), findings: [] });
    await db.releases().create(base);
    expect(db.summary().releases).toEqual({ processed: 0, failed: 0, pending: 1 });
    for (const s of STEPS) await db.releases().update(base.id, (r) => withStep(r, s, { status: "done", at: "t" }));
    await db.findings().replace(base.id, [releaseFinding("self", "CPANSA-Demo-2020-01", "high"), rangeFinding("interpreter", "perl", "critical")]);
    expect(db.summary()).toMatchObject({ releases: { processed: 1, failed: 0, pending: 0 }, findings: { high: 1 }, vulnerable: [base.id] });
    await db.releases().update(base.id, (r) => ({ ...r, failure: { step: "log", reason: "gone", integrity: true } }));
    await db.findings().replace(base.id, [rangeFinding("dependency", "Other", "low")]);
    expect(db.summary()).toMatchObject({
      releases: { processed: 0, failed: 1, pending: 0 },
      failures: [{ id: base.id, reason: "gone", integrity: true }],
      findings: {},
      vulnerable: [],
    });
    db.close();
  });

  it("never reads a dependency or interpreter finding's data", async () => {
    const db = fresh();
    await db.findings().replace("ALICE/Demo-1.tar.gz", [releaseFinding("self", "CPANSA-Demo-2020-01", "medium"), rangeFinding("dependency", "Other", "high")]);
    // Range findings whose stored text is not JSON at all (as if torn): json_extract or JSON.parse
    // of any of them would throw, so the summary can only succeed by leaving their data unread.
    const ins = db.db.prepare("INSERT INTO items (tbl, pk, sk, idx, data, revision) VALUES ('findings', ?, ?, ?, ?, 0)");
    for (const [pk, key] of [
      ["ALICE/Demo-1.tar.gz", "interpreter:perl"],
      ["BOB/Big-2.tar.gz", "dependency:Big-Dep"],
    ] as const)
      ins.run(pk, `${key}#9`, key, `{"kind":"dependency", not json ${"x".repeat(70_000)}`);
    expect(findingKey(rangeFinding("dependency", "Big-Dep", null))).toBe("dependency:Big-Dep"); // the key rule the index relies on
    await expect(reference(db)).rejects.toThrow(SyntaxError);
    expect(db.summary()).toMatchObject({ findings: { medium: 1 }, vulnerable: ["ALICE/Demo-1.tar.gz"] });
    db.close();
  });

  it("answers each count from its index (covering where it counts), with no sort", () => {
    const db = fresh();
    const plan = (sql: string) =>
      db.db
        .prepare<[string?], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...(sql.includes("?") ? ["pending"] : []))
        .map((p) => p.detail)
        .join("\n");
    expect(plan(SUMMARY_SQL.state)).toMatch(/USING COVERING INDEX items_release_state \(tbl=\? AND <expr>=\?\)/);
    expect(plan(SUMMARY_SQL.failures)).toMatch(/USING INDEX items_release_failed/);
    expect(plan(SUMMARY_SQL.findings)).toMatch(/USING COVERING INDEX items_release_findings/);
    expect(plan(SUMMARY_SQL.events)).toMatch(/USING COVERING INDEX/);
    expect(plan(SUMMARY_SQL.delivered)).toMatch(/USING COVERING INDEX items_delivery_status/);
    for (const sql of Object.values(SUMMARY_SQL)) expect(plan(sql)).not.toMatch(/TEMP B-TREE/);
    db.close();
  });
});

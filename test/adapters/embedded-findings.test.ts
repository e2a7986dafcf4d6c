// The embedded findings table (shared/adapters/embedded/sqlite-findings.ts): a range finding's text
// is stored once however many releases cite it, dropped when the last one stops citing it, and
// every release reads back exactly what it stored; rows an older version wrote inline still read.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { EmbeddedDb } from "../../shared/adapters/embedded/sqlite-db";
import type { Finding, RangeFinding, ReleaseFinding } from "../../shared/domain/advisories/findings";

const FEED = { sha256: "f".repeat(64), source: "test" } as unknown as RangeFinding["feed"];
const openDb = () => new EmbeddedDb(join(mkdtempSync(join(tmpdir(), "cpansec-findings-")), "db.sqlite"));

function range(distribution: string, advisories: string[], freeze = false): RangeFinding {
  const f: RangeFinding = {
    kind: distribution === "perl" ? "interpreter" : "dependency",
    distribution,
    severity: "high",
    modes: ["strict"],
    feed: FEED,
    advisories: advisories.map((id) => ({
      id,
      cves: [],
      severity: "high",
      description: `${id} `.repeat(200),
      references: [],
      modes: ["strict"],
      affects: { count: 1, lowest: "1", highest: "1" },
    })),
    dependency: { requirements: [], range: ">= 0", resolvedVia: "perl", admitsAffected: { count: 1, lowest: "1", highest: "1" }, advice: "upgrade" },
  };
  return freeze ? Object.freeze(f) : f;
}

const self = (advisory: string): ReleaseFinding => ({
  kind: "self",
  advisory,
  distribution: "Foo",
  severity: "low",
  modes: ["strict"],
  feed: FEED,
  cves: [],
  description: "d",
  references: [],
  version: "1",
});

const texts = (db: EmbeddedDb) => db.db.prepare<[], { refs: number; size: number }>("SELECT refs, length(data) AS size FROM finding_texts ORDER BY refs").all();

it("stores a range finding's text once for every release citing it, and drops it with its last citation", async () => {
  const db = openDb();
  const store = db.findings();
  const perl = range("perl", ["CPANSA-perl-1", "CPANSA-perl-2"], true);
  const perlAgain = range("perl", ["CPANSA-perl-1", "CPANSA-perl-2"]); // the same answer, another object: the same text
  await store.replace("A/One-1.tar.gz", [self("CPANSA-Foo-1"), perl]);
  await store.replace("A/Two-1.tar.gz", [perlAgain, range("Dep", ["CPANSA-Dep-1"])]);
  await store.replace("A/Three-1.tar.gz", [perl]);
  expect(texts(db).map((t) => t.refs)).toEqual([1, 3]);
  expect(await store.byRelease("A/One-1.tar.gz")).toEqual([self("CPANSA-Foo-1"), perl]);
  expect(await store.byRelease("A/Two-1.tar.gz")).toEqual([perlAgain, range("Dep", ["CPANSA-Dep-1"])]);
  expect((await store.byAdvisory("interpreter:perl")).map((x) => [x.releaseId, x.finding])).toEqual([
    ["A/One-1.tar.gz", perl],
    ["A/Three-1.tar.gz", perl],
    ["A/Two-1.tar.gz", perl],
  ]);
  // A re-match that keeps the text, one that changes it, one that drops every finding.
  await store.replace("A/Three-1.tar.gz", [perl]);
  await store.replace("A/Two-1.tar.gz", [range("perl", ["CPANSA-perl-1"])]);
  expect(texts(db).map((t) => t.refs)).toEqual([1, 2]);
  await store.replace("A/One-1.tar.gz", []);
  await store.replace("A/Three-1.tar.gz", []);
  expect(texts(db).map((t) => t.refs)).toEqual([1]);
  expect(await store.byRelease("A/Two-1.tar.gz")).toEqual([range("perl", ["CPANSA-perl-1"])]);
  await store.replace("A/Two-1.tar.gz", []);
  expect(texts(db)).toEqual([]);
  db.close();
});

it("reads a range finding an older version stored inline, and replaces it with a citation", async () => {
  const db = openDb();
  const old = range("Dep", ["CPANSA-Dep-1"]);
  db.db
    .prepare("INSERT INTO items (tbl, pk, sk, idx, data, revision) VALUES ('findings', ?, ?, ?, ?, 0)")
    .run("A/Old-1.tar.gz", "dependency:Dep#0", "dependency:Dep", JSON.stringify(old));
  const store = db.findings();
  expect(await store.byRelease("A/Old-1.tar.gz")).toEqual([old]);
  await store.replace("A/Old-1.tar.gz", [old]);
  expect(texts(db).map((t) => t.refs)).toEqual([1]);
  expect(await store.byRelease("A/Old-1.tar.gz")).toEqual([old]);
  db.close();
});

it("keeps a text and its citations together: a replace that fails half way leaves the release as it was", async () => {
  const db = openDb();
  const store = db.findings();
  const before: Finding[] = [range("perl", ["CPANSA-perl-1"])];
  await store.replace("A/One-1.tar.gz", before);
  const cyclic = range("Dep", ["CPANSA-Dep-1"]) as unknown as { self?: unknown };
  cyclic.self = cyclic; // JSON.stringify throws
  await expect(store.replace("A/One-1.tar.gz", [range("perl", ["CPANSA-perl-2"]), cyclic as unknown as Finding])).rejects.toThrow();
  expect(await store.byRelease("A/One-1.tar.gz")).toEqual(before);
  expect(texts(db).map((t) => t.refs)).toEqual([1]);
  db.close();
});

it("rewrites a release's rows where they are when its findings keep their keys, and in order when they do not", async () => {
  const db = openDb();
  const store = db.findings();
  const rowids = () =>
    db.db
      .prepare<[], { id: number }>("SELECT rowid AS id FROM items WHERE tbl = 'findings' ORDER BY rowid")
      .all()
      .map((r) => r.id);
  await store.replace("A/One-1.tar.gz", [self("CPANSA-Foo-1"), range("perl", ["CPANSA-perl-1"]), range("Dep", ["CPANSA-Dep-1"])]);
  const first = rowids();
  // A re-match: the same keys in the same places, two of them saying something else now.
  const now: Finding[] = [self("CPANSA-Foo-1"), range("perl", ["CPANSA-perl-1", "CPANSA-perl-2"]), range("Dep", ["CPANSA-Dep-2"])];
  await store.replace("A/One-1.tar.gz", now);
  expect(rowids()).toEqual(first);
  expect(await store.byRelease("A/One-1.tar.gz")).toEqual(now);
  expect(texts(db).map((t) => t.refs)).toEqual([1, 1]);
  // A finding before the others: every row is written anew, in the findings' order.
  const moved: Finding[] = [self("CPANSA-Foo-2"), ...now];
  await store.replace("A/One-1.tar.gz", moved);
  expect(await store.byRelease("A/One-1.tar.gz")).toEqual(moved);
  expect((await store.byAdvisory("dependency:Dep")).map((x) => x.finding)).toEqual([range("Dep", ["CPANSA-Dep-2"])]);
  expect(texts(db).map((t) => t.refs)).toEqual([1, 1]);
  db.close();
});

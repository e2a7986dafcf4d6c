import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { FsLogHead } from "../../shared/adapters/embedded/fs-log-head";
import { FsLogIndex } from "../../shared/adapters/embedded/fs-log-index";
import { FsObjectStore } from "../../shared/adapters/embedded/fs-object-store";
import { EmbeddedDb, LAGGING_SQL, NEWEST_EVENTS_SQL } from "../../shared/adapters/embedded/sqlite-db";
import { pipelinePortsContract } from "../contracts/pipeline-ports";
import { logHeadContract, logIndexContract, tileStoreContract } from "../contracts/log-ports";
import { MemoryLogHead, MemoryLogIndex, MemoryTileStore } from "../fakes/memory-log";

const fresh = () => mkdtempSync(join(tmpdir(), "cpansec-log-"));

tileStoreContract("FsObjectStore", () => new FsObjectStore(fresh()));
logHeadContract("FsLogHead", () => new FsLogHead(join(fresh(), "head")));
logIndexContract("FsLogIndex", () => new FsLogIndex(join(fresh(), "index.jsonl")));
tileStoreContract("MemoryTileStore (test fake)", () => new MemoryTileStore());
logHeadContract("MemoryLogHead (test fake)", () => new MemoryLogHead());
logIndexContract("MemoryLogIndex (test fake)", () => new MemoryLogIndex());

pipelinePortsContract("EmbeddedDb (SQLite)", () => {
  const db = new EmbeddedDb(join(fresh(), "db.sqlite"));
  return { releases: db.releases(), cursors: db.cursors(), findings: db.findings(), events: db.events(), matchIndex: db.matchIndex() };
});

it("FsLogIndex: an append after a torn last line (a crash mid-append) starts a line of its own; the fragment is skipped", async () => {
  const file = join(fresh(), "index.jsonl");
  const first = new FsLogIndex(file);
  await first.putMany([["authors/id/A/AB/ABC/A-1.tar.gz", 0]]);
  appendFileSync(file, '["authors/id/B/BC/BCD/B-1.tar.gz",');
  // A reader before the next append sees only the complete line.
  expect(await new FsLogIndex(file).getMany(["authors/id/A/AB/ABC/A-1.tar.gz"])).toEqual(new Map([["authors/id/A/AB/ABC/A-1.tar.gz", 0]]));
  await new FsLogIndex(file).putMany([
    ["authors/id/B/BC/BCD/B-1.tar.gz", 1],
    ["authors/id/C/CD/CDE/C-1.tar.gz", 2],
  ]);
  expect(readFileSync(file, "utf8").split("\n")).toHaveLength(5);
  const ids = ["authors/id/A/AB/ABC/A-1.tar.gz", "authors/id/B/BC/BCD/B-1.tar.gz", "authors/id/C/CD/CDE/C-1.tar.gz"];
  const expected = new Map(ids.map((id, i) => [id, i]));
  expect(await new FsLogIndex(file).getMany(ids)).toEqual(expected);
  expect(await first.getMany(ids)).toEqual(expected);
});

it("FsLogIndex writes each record as JSON.stringify([id, index]), ids with characters to escape too, and reads them back", async () => {
  const file = join(fresh(), "index.jsonl");
  // A batch with nothing to escape (non-ASCII included), then one with ids that need escapes; indexes of every length.
  const plain = [`sha256:${"ab".repeat(32)}`, "path:authors/id/A/AB/ABC/A-1.tar.gz", "caf\u00e9 \u20ac", "\u2028", "\u007f"];
  const odd = ['quote"d', "back\\slash", "new\nline", "tab\t", "caf\u00e9 \u{1f600}", "lone \ud800", "\u0000"];
  const indexes = [0, 9, 10, 99, 100, 12345, 2 ** 40, Number.MAX_SAFE_INTEGER, 7, 8, 11, 12];
  const records = [...plain, ...odd].map((id, i) => [id, indexes[i] as number] as const);
  const index = new FsLogIndex(file);
  await index.putMany(records.slice(0, plain.length));
  await index.putMany(records.slice(plain.length));
  expect(readFileSync(file, "utf8")).toBe(records.map((r) => `${JSON.stringify(r)}\n`).join(""));
  expect(await new FsLogIndex(file).getMany([...plain, ...odd])).toEqual(new Map(records));
  expect(await index.getMany([...plain, ...odd])).toEqual(new Map(records));
  await expect(index.putMany([["x", -1]])).rejects.toThrow(RangeError);
});

it("EmbeddedDb finds the lagging releases through their index, not by reading every release", () => {
  const db = new EmbeddedDb(join(fresh(), "db.sqlite"));
  const plan = db.db.prepare<[null, null], { detail: string }>(`EXPLAIN QUERY PLAN ${LAGGING_SQL}`).all(null, null);
  expect(plan.map((p) => p.detail).join("\n")).toMatch(/USING INDEX items_lagging/);
  db.close();
});

it("EmbeddedDb finds a type's newest events through their index, in the feed's order, without sorting every event", () => {
  const db = new EmbeddedDb(join(fresh(), "db.sqlite"));
  const plan = db.db.prepare<[string, number], { detail: string }>(`EXPLAIN QUERY PLAN ${NEWEST_EVENTS_SQL}`).all("release.vulnerable", 200);
  const detail = plan.map((p) => p.detail).join("\n");
  expect(detail).toMatch(/USING INDEX items_events_newest/);
  expect(detail).not.toMatch(/TEMP B-TREE/);
  db.close();
});

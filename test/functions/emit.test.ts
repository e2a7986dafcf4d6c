// emit (shared/pipeline/complete.ts): the event stored once, its document written once, and the
// notify job sent every time; a second emit of a stored event reads the document, and writes it
// only when the first attempt died before it. The attempt that stores the event writes the
// document from it, over a copy an attempt whose stored event was lost left behind.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { EmbeddedDb } from "../../shared/adapters/embedded/sqlite-db";
import { eventKey } from "../../shared/domain/pipeline/keys";
import type { ReleaseRecord } from "../../shared/domain/pipeline/record";
import { emit } from "../../shared/pipeline/complete";
import { MemoryTileStore } from "../fakes/memory-log";

const open: EmbeddedDb[] = [];
afterEach(() => open.splice(0).forEach((d) => d.close()));

const r = { id: "ALICE/Demo-1.0.tar.gz", path: "authors/id/A/AL/ALICE/Demo-1.0.tar.gz", author: "ALICE" } as ReleaseRecord;

it("writes an event's document once, and again only when it is missing", async () => {
  const db = new EmbeddedDb(join(mkdtempSync(join(tmpdir(), "cpansec-emit-")), "db.sqlite"));
  open.push(db);
  const blobs = new MemoryTileStore();
  const creates: string[] = [];
  const counted = Object.assign(Object.create(blobs) as MemoryTileStore, {
    create: (k: string, b: Uint8Array) => (creates.push(k), blobs.create(k, b)),
    publish: (k: string, b: Uint8Array) => (creates.push(k), blobs.publish(k, b)),
  });
  const sent: string[] = [];
  let t = 0;
  const deps = {
    blobs: counted,
    releases: db.releases(),
    events: db.events(),
    queues: { notify: { send: async (jobs: { eventId: string }[]) => void sent.push(...jobs.map((j) => j.eventId)) } },
    clock: () => new Date(Date.UTC(2026, 10, 1, 0, t++)), // each emit at a later time: the stored event stands
  } as unknown as Parameters<typeof emit>[0];
  const first = await emit(deps, "release.processed", r, r.id);
  const stored = await blobs.read(eventKey(first.id));
  await emit(deps, "release.processed", r, r.id);
  expect(creates).toEqual([eventKey(first.id)]);
  expect(await blobs.read(eventKey(first.id))).toEqual(stored);
  expect(sent).toEqual([first.id, first.id]); // queued each time: notify deduplicates

  // The document of an event stored by an attempt that died before writing it.
  const other = await emit({ ...deps, blobs: new MemoryTileStore() }, "release.processed", r, "other");
  await emit(deps, "release.processed", r, "other");
  expect(creates).toEqual([eventKey(first.id), eventKey(other.id)]);
  expect(await blobs.read(eventKey(other.id))).toBeDefined();
});

it("writes the document of the event it stores over a copy left by an attempt whose stored event was lost", async () => {
  const db = new EmbeddedDb(join(mkdtempSync(join(tmpdir(), "cpansec-emit-")), "db.sqlite"));
  open.push(db);
  const blobs = new MemoryTileStore();
  let t = 0;
  const deps = {
    blobs,
    releases: db.releases(),
    events: db.events(),
    queues: { notify: { send: async () => undefined } },
    clock: () => new Date(Date.UTC(2026, 10, 1, 0, t++)),
  } as unknown as Parameters<typeof emit>[0];
  // The lost attempt: its event's document was written, its stored event rolled back (embedded:
  // the batch's one commit never happened), so the next attempt stores the event at a later time.
  const elsewhere = new EmbeddedDb(join(mkdtempSync(join(tmpdir(), "cpansec-emit-")), "db.sqlite"));
  open.push(elsewhere);
  const lost = await emit({ ...deps, events: elsewhere.events() }, "release.processed", r, r.id);
  const again = await emit(deps, "release.processed", r, r.id);
  expect(again.id).toBe(lost.id);
  expect(again.time).not.toBe(lost.time);
  expect(JSON.parse(new TextDecoder().decode(await blobs.read(eventKey(again.id))))).toEqual(await deps.events.get(again.id));
});

// publishPatched: built once per (original, patches) pair; a crash before the index files are
// published is completed by the next run with the same bytes and no second log entry; a name
// already taken by another original, or a patch that does not apply, is refused and writes nothing.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type OverlayDeps, type PatchPair, publishPatched, readOverlayModel } from "../../functions/publish-patches/publish-patches";
import { initLog } from "../../functions/append-log/append-log";
import { appendingLog } from "../../functions/publish-patches/overlay-log";
import { publishStoredPatches } from "../../functions/publish-patches/publish-stored";
import { PACKAGES_KEY } from "../../shared/domain/pipeline/keys";
import { MODEL_FILE, PACKAGES_FILE } from "../../shared/domain/overlay/index-files";
import { generateOverlayKey, readOverlayKey } from "../../shared/domain/overlay/sign";
import { readPatchRecord } from "../../shared/domain/patches/registry";
import { parsePrivateKey } from "../../shared/domain/tlog/note";
import { verifyLog } from "../../shared/domain/tlog/verify";
import type { ObjectStore } from "../../shared/ports";
import { memoryLog } from "../fakes/memory-log";
import { fixturePath } from "../helpers/fixtures";
import { FFR_PATCH, fileFindRule } from "../helpers/installable-dist";
import { SASL_PATCH } from "../helpers/patched-archive";

const SIGNER = parsePrivateKey("PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg");

class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  failPublish = false;
  async read(p: string) {
    return this.objects.get(p);
  }
  async create(p: string, b: Uint8Array) {
    const had = this.objects.get(p);
    if (had && Buffer.compare(Buffer.from(had), Buffer.from(b)) !== 0) throw new Error(`${p} exists with other bytes`);
    this.objects.set(p, b);
  }
  async publish(p: string, b: Uint8Array) {
    if (this.failPublish) throw new Error("injected: publish failed");
    this.objects.set(p, b);
  }
}

async function setup() {
  const log = { ...memoryLog(), signer: SIGNER, origin: SIGNER.name };
  await initLog(log);
  const overlay = new MemoryStore();
  const key = await readOverlayKey(await generateOverlayKey("t", "t@example.invalid", new Date("2026-01-01T00:00:00Z")));
  const deps: OverlayDeps = {
    overlay,
    log: appendingLog(log),
    key,
    author: "CPANSEC",
    url: "https://o.example/",
    clock: () => new Date("2026-12-02T02:00:00Z"),
    tool: { name: "t", version: "0" },
  };
  const patch = readPatchRecord(FFR_PATCH, readFileSync(fixturePath("patches", FFR_PATCH)));
  const pair: PatchPair = { original: { path: "authors/id/R/RC/RCLAMP/File-Find-Rule-0.34.tar.gz", bytes: await fileFindRule() }, patches: [patch] };
  return { deps, overlay, log, pair };
}

describe("publishPatched", () => {
  it("an archive whose path the log already holds with other bytes is reported, not listed and given no proof", async () => {
    const { deps, pair } = await setup();
    const first = await publishPatched(deps, [pair]);
    expect(first.added).toHaveLength(1);
    // The same overlay path made from another original (its model lost, say): the log keeps the first entry.
    const fresh = new MemoryStore();
    const other: PatchPair = { ...pair, original: { ...pair.original, path: "authors/id/X/XY/XYZ/File-Find-Rule-0.34.tar.gz" } };
    const r = await publishPatched({ ...deps, overlay: fresh }, [other]);
    expect(r.added).toEqual([]);
    expect(r.mismatched).toEqual([first.added[0]?.path]);
    expect((await readOverlayModel(fresh)).releases).toEqual([]); // (nothing added: no index file rewritten)
    expect([...fresh.objects.keys()].filter((k) => k.endsWith(".tlog-proof"))).toEqual([]);
  });

  it("a crash before the index files is completed by the next run: same files, one log entry", async () => {
    const { deps, overlay, log, pair } = await setup();
    overlay.failPublish = true;
    await expect(publishPatched(deps, [pair])).rejects.toThrow(/injected/);
    expect(overlay.objects.has(MODEL_FILE)).toBe(false); // nothing listed yet
    const written = new Map(overlay.objects);
    overlay.failPublish = false;
    const r = await publishPatched(deps, [pair]);
    expect(r).toMatchObject({ existing: 0, failed: [], mismatched: [] });
    expect(r.added.map((a) => a.logIndex)).toEqual([0]);
    for (const [p, b] of written) expect(Buffer.from(overlay.objects.get(p) as Uint8Array).equals(Buffer.from(b)), p).toBe(true);
    expect((await verifyLog((p) => log.tiles.read(p), [SIGNER])).checkpoint.size).toBe(1);
    expect(overlay.objects.has(PACKAGES_FILE)).toBe(true);
    const again = await publishPatched(deps, [pair, pair]);
    expect(again).toMatchObject({ added: [], existing: 2 });
    expect((await readOverlayModel(overlay)).releases).toHaveLength(1);
  });

  it("refuses an original whose patched name is already taken by another original's archive", async () => {
    const { deps, overlay, pair } = await setup();
    await publishPatched(deps, [pair]);
    const impostor = {
      path: "authors/id/E/EV/EVIL/File-Find-Rule-0.34.tar.gz",
      bytes: await fileFindRule([{ name: "File-Find-Rule-0.34/EXTRA", content: "x" }]),
    };
    const r = await publishPatched(deps, [{ ...pair, original: impostor }]);
    expect(r.added).toEqual([]);
    expect(r.failed).toEqual([
      { path: impostor.path, error: expect.stringMatching(/is already in the overlay, built from authors\/id\/R\/RC\/RCLAMP\/File-Find-Rule-0\.34\.tar\.gz/) },
    ]);
    expect((await readOverlayModel(overlay)).releases).toHaveLength(1);
  });

  it("a patch that does not apply is a failure named by original, and nothing is written", async () => {
    const { deps, overlay, pair } = await setup();
    const wrong = readPatchRecord(SASL_PATCH, readFileSync(fixturePath("patches", SASL_PATCH)));
    const r = await publishPatched(deps, [{ ...pair, patches: [wrong] }]);
    expect(r.failed).toEqual([{ path: pair.original.path, error: expect.stringMatching(/is for Authen-SASL 2\.1800; .* is File-Find-Rule 0\.34/) }]);
    expect(overlay.objects.size).toBe(0);
  });
});

describe("publishStoredPatches", () => {
  it("publishes the stored, indexed release a patch is for, listing CPAN's packages for it", async () => {
    const { deps, overlay, pair } = await setup();
    const sha = createHash("sha256").update(pair.original.bytes).digest("hex");
    const record = {
      id: "RCLAMP/File-Find-Rule-0.34.tar.gz",
      path: pair.original.path,
      author: "RCLAMP",
      filename: "File-Find-Rule-0.34.tar.gz",
      distribution: "File-Find-Rule",
      version: "0.34",
      sha256: sha,
      steps: {},
    };
    const rows = "File::Find::Rule 0.34 R/RC/RCLAMP/File-Find-Rule-0.34.tar.gz\nFile::Find::Rule::Test undef R/RC/RCLAMP/File-Find-Rule-0.34.tar.gz\n";
    const blobs = new Map<string, Uint8Array>([
      ["archives/RCLAMP/File-Find-Rule-0.34.tar.gz", pair.original.bytes],
      [PACKAGES_KEY, gzipSync(`File: 02packages.details.txt\n\n${rows}`)],
    ]);
    const pipeline = {
      releases: { byDistribution: async () => [record] },
      blobs: { read: async (k: string) => blobs.get(k) },
    } as unknown as Parameters<typeof publishStoredPatches>[0];
    const r = await publishStoredPatches(pipeline, deps, pair.patches);
    expect(r.problems).toEqual([]);
    expect(r.added.map((a) => a.packages)).toEqual([
      [
        { name: "File::Find::Rule", version: "0.34" },
        { name: "File::Find::Rule::Test", version: null },
      ],
    ]);
    const listed = gunzipSync(overlay.objects.get(PACKAGES_FILE) as Uint8Array).toString();
    expect(listed).toMatch(/^File::Find::Rule::Test +undef {2}C\/CP\/CPANSEC\/File-Find-Rule-0\.34-PATCHED-CVE-2011-10007-r1\.tar\.gz$/m);
  });
});

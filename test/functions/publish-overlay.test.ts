// publish-overlay's two runs around append-log (the AWS shape, on in-memory ports): the first run
// builds the archive and sends its entry to append-log, listing nothing; append-log appends it
// (once, however often the job comes) and queues the overlay again; the next run finds it logged
// and lists it with a proof that verifies. An entry the log holds with other bytes is not listed;
// a job whose entry is not for the path it names fails alone; without a key nothing is published.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { appendEntries, initLog } from "../../functions/append-log/append-log";
import { appendPatchedBatch } from "../../functions/append-log/patched-log";
import { NO_KEY, publishOverlay } from "../../functions/publish-overlay/publish-overlay";
import { queuedLog } from "../../functions/publish-overlay/queued-log";
import { type OverlayDeps, publishPatched, readOverlayModel } from "../../functions/publish-patches/publish-patches";
import { generateOverlayKey, readOverlayKey } from "../../shared/domain/overlay/sign";
import { readPatchRecord } from "../../shared/domain/patches/registry";
import { checkProof } from "../../shared/domain/tlog/check-proof";
import { parsePrivateKey, parseVerifierKey } from "../../shared/domain/tlog/note";
import { parseTlogProof } from "../../shared/domain/tlog/proof-file";
import type { LogJob, OverlayJob, PatchedLogJob } from "../../shared/messages/jobs";
import { BadMessageError } from "../../shared/ports/errors";
import type { OverlayJobDeps } from "../../shared/ports/deps";
import { MemoryTileStore, memoryLog } from "../fakes/memory-log";
import { fixturePath } from "../helpers/fixtures";
import { FFR_PATCH, fileFindRule } from "../helpers/installable-dist";

const SIGNER = parsePrivateKey("PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg");
const REGISTRY = "a".repeat(64);
const ORIGINAL = "authors/id/R/RC/RCLAMP/File-Find-Rule-0.34.tar.gz";
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

const recording = <T>() => {
  const sent: T[] = [];
  return { sent, send: async (bodies: readonly T[]) => void sent.push(...bodies) };
};

async function setup() {
  const log = { ...memoryLog(), signer: SIGNER, origin: SIGNER.name };
  await initLog(log);
  const logQueue = recording<LogJob>();
  const overlay = new MemoryTileStore();
  const deps: OverlayDeps = {
    overlay,
    log: queuedLog({ index: log.index, files: log.tiles }, logQueue, REGISTRY),
    key: await readOverlayKey(await generateOverlayKey("t", "t@example.invalid", new Date("2026-01-01T00:00:00Z"))),
    author: "CPANSEC",
    url: "https://o.example/",
    clock: () => new Date("2026-12-02T02:00:00Z"),
    tool: { name: "t", version: "0" },
  };
  const patch = readPatchRecord(FFR_PATCH, readFileSync(fixturePath("patches", FFR_PATCH)));
  const pair = { original: { path: ORIGINAL, bytes: await fileFindRule() }, patches: [patch] };
  const overlayQueue = recording<OverlayJob>();
  const appendLog = (jobs: readonly PatchedLogJob[]) => appendPatchedBatch({ log, queues: { overlay: overlayQueue } as never }, jobs);
  const size = async () => Number(text(await log.tiles.read("checkpoint")).split("\n")[1]);
  return { log, logQueue, overlay, overlayQueue, deps, pair, appendLog, size };
}

describe("publish-overlay with the log read only (AWS)", () => {
  it("lists an archive only once append-log has logged it; a redelivered log job appends nothing", async () => {
    const { log, logQueue, overlay, overlayQueue, deps, pair, appendLog, size } = await setup();
    const first = await publishPatched(deps, [pair]);
    expect(first).toMatchObject({ added: [], pending: [expect.stringMatching(/File-Find-Rule-0\.34-PATCHED-CVE-2011-10007-r1\.tar\.gz$/)] });
    const path = first.pending[0] as string;
    expect((await readOverlayModel(overlay)).releases).toEqual([]);
    expect([...overlay.objects.keys()].some((k) => k.endsWith("/CHECKSUMS") || k.endsWith(".tlog-proof"))).toBe(false);
    expect(await size()).toBe(0);
    expect(logQueue.sent).toEqual([{ v: 1, patches: REGISTRY, patched: [{ path, entry: expect.stringMatching(/^cpansec-patch\/v1\n/) }] }]);

    const job = logQueue.sent[0] as PatchedLogJob;
    expect(await appendLog([job, job])).toEqual(new Map());
    expect(await size()).toBe(1);
    expect(await appendLog([job])).toEqual(new Map()); // a redelivery after the append
    expect(await size()).toBe(1);
    expect(overlayQueue.sent).toEqual([
      { v: 1, patches: REGISTRY, logged: 1 },
      { v: 1, patches: REGISTRY, logged: 1 },
    ]);

    const second = await publishPatched(deps, [pair]);
    expect(second).toMatchObject({ pending: [], mismatched: [], added: [{ path, logIndex: 0 }] });
    expect(logQueue.sent).toHaveLength(1);
    expect((await readOverlayModel(overlay)).releases.map((r) => r.path)).toEqual([path]);
    const proof = text(await overlay.read(path.replace(/\.tar\.gz$/, ".tlog-proof")));
    const vkey = parseVerifierKey(text(await log.tiles.read("vkey")).trim());
    expect(checkProof(parseTlogProof(proof), [vkey])).toMatchObject({ index: 0, patch: { path, original: { path: ORIGINAL } } });
    expect((await publishPatched(deps, [pair])).existing).toBe(1);
  });

  it("does not list an archive whose path the log holds with other bytes, and sends nothing for it", async () => {
    const { log, logQueue, deps, pair } = await setup();
    await publishPatched(deps, [pair]);
    const job = logQueue.sent[0] as PatchedLogJob;
    const entry = job.patched[0]?.entry as string;
    await appendEntries(log, [new TextEncoder().encode(entry.replace(/\nsize \d+\n$/, "\nsize 1\n"))]);
    const r = await publishPatched(deps, [pair]);
    expect(r).toMatchObject({ added: [], pending: [], mismatched: [job.patched[0]?.path] });
    expect(logQueue.sent).toHaveLength(1);
  });

  it("refuses a log job whose entry is not for the path it names, alone", async () => {
    const { deps, pair, logQueue, appendLog, size } = await setup();
    await publishPatched(deps, [pair]);
    const good = logQueue.sent[0] as PatchedLogJob;
    const forged = {
      ...good,
      patched: [{ path: "authors/id/C/CP/CPANSEC/Other-1.0-PATCHED-CVE-2011-10007-r1.tar.gz", entry: good.patched[0]?.entry as string }],
    };
    const failed = await appendLog([forged, good]);
    expect([...failed.keys()]).toEqual([0]);
    expect(failed.get(0)).toBeInstanceOf(BadMessageError);
    expect(String(failed.get(0))).toMatch(/Other-1\.0-PATCHED.* is for authors\/id\/C\/CP\/CPANSEC\/File-Find-Rule/);
    expect(await size()).toBe(1);
  });

  it("publishes nothing without a key, and says so", async () => {
    const deps = {
      overlay: { key: async () => undefined, store: new MemoryTileStore(), url: "u", author: "CPANSEC", log: {} },
    } as unknown as OverlayJobDeps;
    const r = await publishOverlay(deps, { v: 1, patches: REGISTRY });
    expect(r).toEqual({ status: "no key", warning: NO_KEY });
    expect(NO_KEY).toMatch(/holds `none`: no patched CPAN overlay is published/);
  });
});

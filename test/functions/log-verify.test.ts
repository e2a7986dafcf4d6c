// Third-party checks on a log built by the sequencer: verify, proofs, monitor — and what tampering they catch.
import { describe, expect, it } from "vitest";
import { appendEntries } from "../../functions/append-log/append-log";
import type { LogDeps } from "../../shared/ports/deps";
import { buildEntry } from "../../shared/domain/tlog/entry";
import { b64, leafHash, unb64 } from "../../shared/domain/tlog/hash";
import { monitorLog } from "../../shared/domain/tlog/monitor";
import { parsePrivateKey, parseVerifierKey, signNote, signerFromSeed } from "../../shared/domain/tlog/note";
import { consistencyProof, inclusionProof, treeRoot, verifyConsistency, verifyInclusion } from "../../shared/domain/tlog/proof";
import { TileReader } from "../../shared/domain/tlog/tile-reader";
import { verifyLog } from "../../shared/domain/tlog/verify";
import { MemoryLogIndex, MemoryTileStore, memoryLog } from "../fakes/memory-log";

const signer = parsePrivateKey("PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg");
const enc = (s: string) => new TextEncoder().encode(s);
const upload = (name: string, sha = "a") =>
  enc(buildEntry({ path: `authors/id/E/ET/ETHER/${name}.tar.gz`, sha256: sha.repeat(64), size: 1, uploaded: "1700000000" }));

async function logWith(n: number, batch = 100): Promise<LogDeps & { tiles: MemoryTileStore }> {
  const d = { ...memoryLog(), signer, origin: "example.com/log/testdata" };
  for (let i = 0; i < n; i += batch)
    await appendEntries(
      d,
      Array.from({ length: Math.min(batch, n - i) }, (_, j) => upload(`D${i + j}-1`)),
    );
  return d;
}
const readOf = (s: MemoryTileStore) => (p: string) => s.read(p);

describe("proofs from tiles", () => {
  it("proves inclusion of every leaf and consistency between past sizes, within a few tile reads", async () => {
    const d = await logWith(1000, 137); // batches skip most sizes: past partial tiles are missing on purpose
    const size = 1000;
    for (const i of [0, 1, 255, 256, 511, 999]) {
      const reader = new TileReader(readOf(d.tiles), size);
      const proof = await inclusionProof(i, size, reader.node);
      verifyInclusion(i, size, leafHash(upload(`D${i}-1`)), proof, await treeRoot(size, new TileReader(readOf(d.tiles), size).node));
      expect(reader.reads).toBeLessThanOrEqual(5);
    }
    for (const m of [1, 137, 200, 256, 300, 999]) {
      const root1 = await treeRoot(m, new TileReader(readOf(d.tiles), m, size).node);
      const proof = await consistencyProof(m, size, new TileReader(readOf(d.tiles), size).node);
      verifyConsistency(m, size, proof, root1, await treeRoot(size, new TileReader(readOf(d.tiles), size).node));
    }
  });
});

describe("verifyLog catches tampering", () => {
  const vkey = [signer];
  it("accepts an untouched log", async () => {
    const d = await logWith(300);
    expect((await verifyLog(readOf(d.tiles), vkey)).checkpoint.size).toBe(300);
  });

  const cases: [string, (s: MemoryTileStore) => void, RegExp][] = [
    ["a flipped bit in a level-0 tile", (s) => flip(s, "tile/0/000"), /tile\/0\/000: hash \d+ is/],
    ["a changed entry", (s) => flip(s, "tile/entries/001.p/44", 10), /tile\/0\/001.p\/44: hash \d+ is/],
    [
      "a truncated bundle",
      (s) => s.objects.set("tile/entries/000", (s.objects.get("tile/entries/000") as Uint8Array).subarray(0, 100)),
      /tile\/entries\/000: entry \d+ claims/,
    ],
    ["a truncated tile", (s) => s.objects.set("tile/0/001.p/44", new Uint8Array(31)), /tile\/0\/001.p\/44: 31 bytes, want 1408/],
    ["a missing tile", (s) => s.objects.delete("tile/1/000.p/1"), /tile\/1\/000.p\/1 is missing/],
    ["a tampered level-1 tile", (s) => flip(s, "tile/1/000.p/1"), /tile\/1\/000.p\/1: hash 0 is/],
    ["a forged checkpoint size", (s) => replaceCheckpoint(s, (t) => t.replace("\n300\n", "\n299\n")), /checkpoint: invalid signature/],
    [
      "a checkpoint signed by another key",
      (s) => resign(s, signerFromSeed("example.com/log/testdata", new Uint8Array(32))),
      /checkpoint: no signature by a known key/,
    ],
    [
      "a validly signed checkpoint with another root",
      (s) => resign(s, signer, (t) => t.replace(/\n[A-Za-z0-9+/=]{44}\n$/, `\n${b64(new Uint8Array(32))}\n`)),
      /checkpoint root .* does not match the tiles' root/,
    ],
    ["a missing checkpoint", (s) => s.objects.delete("checkpoint"), /checkpoint is missing/],
  ];
  it.each(cases)("reports %s precisely", async (_, tamper, why) => {
    const d = await logWith(300);
    tamper(d.tiles);
    await expect(verifyLog(readOf(d.tiles), vkey)).rejects.toThrow(why);
  });

  it("refuses a wrong verifier key", async () => {
    const d = await logWith(3);
    const other = parseVerifierKey("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
    await expect(verifyLog(readOf(d.tiles), [other])).rejects.toThrow(/no signature by a known key/);
  });

  it("refuses to log an entry over 65,535 bytes, saying why", async () => {
    const d = await logWith(1);
    await expect(appendEntries(d, [new Uint8Array(70_000)])).rejects.toThrow(/70000 bytes is over the 65535-byte limit/);
    expect((await verifyLog(readOf(d.tiles), vkey)).checkpoint.size).toBe(1);
  });
});

function flip(s: MemoryTileStore, path: string, at = 0): void {
  const b = new Uint8Array(s.objects.get(path) as Uint8Array);
  b[at] = (b[at] as number) ^ 1;
  s.objects.set(path, b);
}
function replaceCheckpoint(s: MemoryTileStore, f: (note: string) => string): void {
  s.objects.set("checkpoint", enc(f(new TextDecoder().decode(s.objects.get("checkpoint")))));
}
function resign(s: MemoryTileStore, by: typeof signer, f: (text: string) => string = (t) => t): void {
  const note = new TextDecoder().decode(s.objects.get("checkpoint"));
  s.objects.set("checkpoint", enc(signNote(f(note.slice(0, note.indexOf("\n\n") + 1)), by)));
}

describe("monitorLog", () => {
  it("follows growth, printing only new entries", async () => {
    const d = await logWith(10);
    const first = await monitorLog(readOf(d.tiles), [signer]);
    expect(first.newEntries.map((e) => e.index)).toEqual([...Array(10).keys()]);
    expect(first.alerts).toEqual([]);
    await appendEntries(d, [upload("New-1")]);
    const second = await monitorLog(readOf(d.tiles), [signer], first.state);
    expect(second.newEntries).toEqual([
      expect.objectContaining({ index: 10, upload: expect.objectContaining({ path: "authors/id/E/ET/ETHER/New-1.tar.gz" }) }),
    ]);
    expect(second.state.size).toBe(11);
    expect(unb64(second.state.range[0] as string)).toHaveLength(32);
  });

  it("alerts on a path logged twice with different sha256 (an operator that skips dedup)", async () => {
    const d = {
      ...memoryLog(),
      index: new (class extends MemoryLogIndex {
        override async getMany() {
          return new Map<string, number>(); // forgets everything: the log will take duplicates
        }
      })(),
      signer,
      origin: "example.com/log/testdata",
    };
    await appendEntries(d, [upload("Foo-1", "a")]);
    await appendEntries(d, [upload("Foo-1", "b")]);
    const r = await monitorLog(readOf(d.tiles), [signer]);
    expect(r.alerts).toEqual([
      expect.stringMatching(/^PATH LOGGED TWICE: authors\/id\/E\/ET\/ETHER\/Foo-1.tar.gz at index 1 has sha256 b{64}, first logged with a{64}$/),
    ]);
  });

  it("alerts on a fork: a validly signed checkpoint that does not extend what it saw", async () => {
    const a = await logWith(5);
    const seen = await monitorLog(readOf(a.tiles), [signer]);
    const b = { ...memoryLog(), signer, origin: "example.com/log/testdata" };
    await appendEntries(b, [upload("Other-1"), ...Array.from({ length: 6 }, (_, i) => upload(`D${i}-1`))]);
    const r = await monitorLog(readOf(b.tiles), [signer], seen.state);
    expect(r.alerts).toEqual([expect.stringMatching(/^INCONSISTENT CHECKPOINT: the signed root of size 7/)]);
    expect(r.state).toEqual(seen.state);
    const sameSize = { ...memoryLog(), signer, origin: "example.com/log/testdata" };
    await appendEntries(
      sameSize,
      Array.from({ length: 5 }, (_, i) => upload(`X${i}-1`)),
    );
    expect((await monitorLog(readOf(sameSize.tiles), [signer], seen.state)).alerts[0]).toMatch(/size 5 was signed with two different roots/);
  });
});

describe("monitorLog shown an older checkpoint (state at 310)", () => {
  // The genuine log: 305 entries, then 5 more; its size-305 checkpoint is kept to replay.
  async function genuine() {
    const d = { ...memoryLog(), signer, origin: "example.com/log/testdata" };
    await appendEntries(
      d,
      Array.from({ length: 305 }, (_, i) => upload(`D${i}-1`)),
    );
    const at305 = d.tiles.objects.get("checkpoint") as Uint8Array;
    await appendEntries(
      d,
      Array.from({ length: 5 }, (_, i) => upload(`E${i}-1`)),
    );
    const seen = await monitorLog(readOf(d.tiles), [signer]);
    expect(seen.state.size).toBe(310);
    return { d, at305, state: seen.state };
  }
  /** A validly signed fork of 305 entries (one differs from the genuine ones). */
  async function fork305() {
    const f = { ...memoryLog(), signer, origin: "example.com/log/testdata" };
    await appendEntries(
      f,
      Array.from({ length: 305 }, (_, i) => upload(i === 300 ? "Evil-1" : `D${i}-1`)),
    );
    return f.tiles;
  }
  const serving = (tiles: MemoryTileStore, checkpoint: Uint8Array) => (p: string) => (p === "checkpoint" ? Promise.resolve(checkpoint) : tiles.read(p));

  it("alerts on a fork at a smaller size, proven from the genuine tiles, and keeps its state", async () => {
    const { d, state } = await genuine();
    const forked = (await fork305()).objects.get("checkpoint") as Uint8Array;
    const r = await monitorLog(serving(d.tiles, forked), [signer], state);
    expect(r.alerts).toEqual([
      expect.stringMatching(
        /^INCONSISTENT CHECKPOINT: the log now publishes a signed checkpoint of size 305 .* but the first 305 entries of the verified tree have root .*: the log signed two different histories$/,
      ),
    ]);
    expect(r.state).toEqual(state);
    expect(r.newEntries).toEqual([]);
  });

  it("alerts on a fork served with its own tiles (the verified tree cannot be proven from them)", async () => {
    const { state } = await genuine();
    const f = await fork305();
    const r = await monitorLog(readOf(f), [signer], state);
    expect(r.alerts).toEqual([
      expect.stringMatching(
        /^ROLLBACK: .*size 305 .*the log's tiles do not prove the prefix root \(tile\/0\/001.p\/54 is missing.*a fork cannot be ruled out$/,
      ),
    ]);
  });

  it("alerts on a fork whose tiles were doctored to match it", async () => {
    const { d, state } = await genuine();
    const f = await fork305();
    // The genuine size-310 tiles, with the fork's level-0 hashes spliced in where they differ.
    const spliced = new MemoryTileStore();
    for (const [k, v] of d.tiles.objects) spliced.objects.set(k, v);
    const forkTile = f.objects.get("tile/0/001.p/49") as Uint8Array;
    const tile = new Uint8Array(spliced.objects.get("tile/0/001.p/54") as Uint8Array);
    tile.set(forkTile, 0);
    spliced.objects.set("tile/0/001.p/54", tile);
    spliced.objects.set("tile/0/001.p/49", forkTile);
    const r = await monitorLog(serving(spliced, f.objects.get("checkpoint") as Uint8Array), [signer], state);
    expect(r.alerts).toEqual([expect.stringMatching(/^ROLLBACK: .*do not prove the prefix root \(consistency proof does not lead to the new root\)/)]);
  });

  it("alerts on a plain rollback to a genuine older checkpoint, saying it is the verified prefix", async () => {
    const { d, at305, state } = await genuine();
    const r = await monitorLog(serving(d.tiles, at305), [signer], state);
    expect(r.alerts).toEqual([
      expect.stringMatching(/^ROLLBACK: .*size 305 .*it is the verified tree's prefix, so the log \(or a cache in front of it\) hides entries 305..309$/),
    ]);
    expect(r.state).toEqual(state);
  });

  it("alerts on a signed size-0 checkpoint: a fork unless its root is the empty tree's", async () => {
    const { d, state } = await genuine();
    const zero = (root: string) => enc(signNote(`example.com/log/testdata\n0\n${root}\n`, signer));
    expect((await monitorLog(serving(d.tiles, zero(b64(new Uint8Array(32)))), [signer], state)).alerts[0]).toMatch(/^INCONSISTENT CHECKPOINT: .*size 0 /);
    expect((await monitorLog(serving(d.tiles, zero("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")), [signer], state)).alerts[0]).toMatch(
      /^ROLLBACK: .*hides entries 0..309$/,
    );
  });

  it("refuses a checkpoint whose origin is not the key's name (the same key, another log)", async () => {
    const f = { ...memoryLog(), signer, origin: "example.com/other-log" };
    await appendEntries(f, [upload("A-1")]);
    await expect(monitorLog(readOf(f.tiles), [signer])).rejects.toThrow(/checkpoint origin is example.com\/other-log, expected example.com\/log\/testdata/);
    await expect(verifyLog(readOf(f.tiles), [signer])).rejects.toThrow(/checkpoint origin is example.com\/other-log, expected example.com\/log\/testdata/);
    expect((await verifyLog(readOf(f.tiles), [signer], { origin: "example.com/other-log" })).checkpoint.size).toBe(1);
  });
});

import { readFileSync, readdirSync, statSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appendEntries } from "../../functions/append-log/append-log";
import type { LogDeps } from "../../shared/ports/deps";
import { embeddedLog } from "../../shared/adapters/embedded/log";
import { parseCheckpoint } from "../../shared/domain/tlog/checkpoint";
import { parsePrivateKey, openNote } from "../../shared/domain/tlog/note";
import { verifyLog } from "../../shared/domain/tlog/verify";
import { InjectedFault } from "../fakes/faults";
import { faulty } from "../fakes/faulty-log";
import { memoryLog } from "../fakes/memory-log";
import { fixturePath } from "../helpers/fixtures";

const TESSERA_KEY = parsePrivateKey("PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg");
const WORDS = "one two three four five six seven eit nain ten ileven twelf threeten fourten fivten".split(" ");
const enc = (s: string) => new TextEncoder().encode(s);
const deps = (ports: Omit<LogDeps, "signer" | "origin">): LogDeps => ({ ...ports, signer: TESSERA_KEY, origin: "example.com/log/testdata" });

async function verified(d: LogDeps) {
  return verifyLog((p) => d.tiles.read(p), [d.signer], { keepEntries: true });
}

describe("appendEntries", () => {
  it("assigns consecutive indexes, signs a checkpoint that verifies, and logs a release once", async () => {
    const d = deps(memoryLog());
    const a = await appendEntries(d, WORDS.slice(0, 3).map(enc));
    expect(a.indexes).toEqual([0, 1, 2]);
    expect(parseCheckpoint(openNote(a.checkpoint, [d.signer]).text).size).toBe(3);
    const b = await appendEntries(d, [enc("two"), enc("four"), enc("four")]);
    expect(b.indexes).toEqual([1, 3, 3]);
    const log = await verified(d);
    expect(log.checkpoint.size).toBe(4);
    expect(log.entries?.map((e) => new TextDecoder().decode(e))).toEqual(["one", "two", "three", "four"]);
  });

  it("keeps the first entry for a CPAN path and flags a second sha256 as mismatched", async () => {
    const d = deps(memoryLog());
    const entry = (sha: string) => enc(`cpansec-upload/v1\npath authors/id/E/ET/ETHER/Foo-1.0.tar.gz\nsha256 ${sha}\nsize 10\nuploaded 1700000000\n`);
    await appendEntries(d, [entry("a".repeat(64))]);
    const r = await appendEntries(d, [entry("b".repeat(64)), entry("a".repeat(64))]);
    expect(r.indexes).toEqual([0, 0]);
    expect(r.mismatched).toEqual([0]);
    expect((await verified(d)).checkpoint.size).toBe(1);
  });

  it("produces the same log whatever the batch sizes (property)", async () => {
    const N = 600;
    const entries = Array.from({ length: N }, (_, i) => enc(`entry ${i}`));
    const single = deps(memoryLog());
    await appendEntries(single, entries);
    const want = await single.head.read();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 40 }), async (sizes) => {
        const d = deps(memoryLog());
        let at = 0;
        for (const s of sizes) {
          if (at >= N) break;
          await appendEntries(d, entries.slice(at, at + s));
          at += s;
        }
        if (at < N) await appendEntries(d, entries.slice(at));
        expect(await d.head.read()).toBe(want);
        await verified(d);
      }),
      { numRuns: 25, seed: 5 },
    );
  });

  it("survives a crash before or after every write: the next append completes the log without a fork", async () => {
    const batches = [WORDS.slice(0, 5), WORDS.slice(5, 6), WORDS.slice(6, 15)].map((b) => b.map(enc));
    const clean = deps(memoryLog());
    for (const b of batches) await appendEntries(clean, b);
    const want = await clean.head.read();
    const probe = faulty(memoryLog(), { failAt: Number.MAX_SAFE_INTEGER, after: false });
    for (const b of batches) await appendEntries(deps(probe), b);
    const totalWrites = probe.writes();
    let crashes = 0;
    for (let failAt = 1; failAt <= totalWrites; failAt++) {
      for (const after of [false, true]) {
        const ports = memoryLog();
        const bad = deps(faulty(ports, { failAt, after }));
        for (const b of batches) {
          try {
            await appendEntries(bad, b);
          } catch (e) {
            expect(e).toBeInstanceOf(InjectedFault);
            crashes++;
            await appendEntries(deps(ports), b); // recovery: a fresh sequencer retries the batch
          }
        }
        expect(await ports.head.read()).toBe(want);
        expect((await verified(deps(ports))).entries).toHaveLength(15);
      }
    }
    expect(crashes).toBe(2 * totalWrites);
  });

  it("lets concurrent sequencers interleave without forking or losing an entry (embedded adapters)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cpansec-seq-"));
    const writers = Array.from({ length: 4 }, (_, w) => ({ w, d: deps(embeddedLog(dir)) }));
    await Promise.all(
      writers.map(async ({ w, d }) => {
        for (let i = 0; i < 10; i++)
          await appendEntries(
            d,
            Array.from({ length: 1 + ((w + i) % 5) }, (_, j) => enc(`w${w} b${i} e${j}`)),
          );
      }),
    );
    const log = await verified(deps(embeddedLog(dir)));
    const texts = log.entries?.map((e) => new TextDecoder().decode(e)) ?? [];
    const expected = writers.flatMap(({ w }) =>
      Array.from({ length: 10 }, (_, i) => Array.from({ length: 1 + ((w + i) % 5) }, (_, j) => `w${w} b${i} e${j}`)).flat(),
    );
    expect(new Set(texts).size).toBe(texts.length);
    expect([...texts].sort()).toEqual([...expected].sort());
  });
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

const tessera = fixturePath("vectors", "tessera-log");

describe("the tessera reference log", () => {
  it("is rebuilt byte for byte by appending its 15 entries one at a time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cpansec-tessera-"));
    const d = deps(embeddedLog(dir));
    for (const [i, w] of WORDS.entries()) {
      const r = await appendEntries(d, [enc(w)]);
      expect(r.checkpoint).toBe(readFileSync(join(tessera, `checkpoint.${i + 1}`), "utf8"));
    }
    const theirs = files(join(tessera, "tile"))
      .map((f) => relative(tessera, f))
      .sort();
    const ours = files(join(dir, "tile"))
      .map((f) => relative(dir, f))
      .sort();
    expect(ours).toEqual(theirs);
    for (const f of theirs) expect(readFileSync(join(dir, f)).equals(readFileSync(join(tessera, f))), f).toBe(true);
    expect(readFileSync(join(dir, "checkpoint"), "utf8")).toBe(readFileSync(join(tessera, "checkpoint"), "utf8"));
  });

  it("starts from checkpoint.0", async () => {
    const d = deps(memoryLog());
    await appendEntries(d, []);
    expect(await d.head.read()).toBe(readFileSync(join(tessera, "checkpoint.0"), "utf8"));
  });
});

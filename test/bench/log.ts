// Benchmark: the transparency log on the embedded (filesystem) adapters.
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appendEntries } from "../../functions/append-log/append-log";
import { embeddedLog } from "../../shared/adapters/embedded/log";
import { buildEntry } from "../../shared/domain/tlog/entry";
import { leafHash } from "../../shared/domain/tlog/hash";
import { signerFromSeed } from "../../shared/domain/tlog/note";
import { inclusionProof, treeRoot, verifyInclusion } from "../../shared/domain/tlog/proof";
import { TileReader } from "../../shared/domain/tlog/tile-reader";
import { fmt, removeTree } from "./run";

const signer = signerFromSeed("bench.example/log", new Uint8Array(32).fill(7));
const entry = (i: number) =>
  new TextEncoder().encode(
    buildEntry({ path: `authors/id/B/BE/BENCH/Dist-${i}-1.0.tar.gz`, sha256: i.toString(16).padStart(64, "0"), size: 1000 + i, uploaded: `${1700000000 + i}` }),
  );

function bytesUnder(dir: string, filter: (rel: string) => boolean, rel = ""): number {
  return readdirSync(join(dir, rel)).reduce((sum, f) => {
    const r = rel ? `${rel}/${f}` : f;
    const st = statSync(join(dir, r));
    return sum + (st.isDirectory() ? bytesUnder(dir, filter, r) : filter(r) ? st.size : 0);
  }, 0);
}

/** Appends `total` entries in batches: wall and CPU (user + sys) seconds of the appends alone (each batch's entries are built untimed). */
async function fill(dir: string, total: number, batch: number): Promise<{ s: number; cpu: number }> {
  const deps = { ...embeddedLog(dir), signer, origin: signer.name };
  let s = 0;
  let cpu = 0;
  for (let i = 0; i < total; i += batch) {
    const entries = Array.from({ length: Math.min(batch, total - i) }, (_, j) => entry(i + j));
    const started = performance.now();
    const c = process.cpuUsage();
    await appendEntries(deps, entries);
    const used = process.cpuUsage(c);
    s += (performance.now() - started) / 1000;
    cpu += (used.user + used.system) / 1e6;
  }
  return { s, cpu };
}

export async function benchLog(opts: { entries: number; single: number; proofSize: number }): Promise<string[]> {
  const lines = ["transparency log (embedded filesystem adapters):"];
  for (const [batch, total] of [
    [1, opts.single],
    [16, opts.entries],
    [256, opts.entries],
  ] as const) {
    const dir = mkdtempSync(join(tmpdir(), "cpansec-bench-log-"));
    const { s, cpu } = await fill(dir, total, batch);
    const publicBytes = bytesUnder(dir, (r) => r.startsWith("tile/") || r === "checkpoint");
    const allBytes = bytesUnder(dir, () => true);
    lines.push(
      `  batches of ${String(batch).padStart(3)}: ${total} entries in ${fmt(s, 2)} s = ${fmt(total / s, 0)} entries/s (CPU ${fmt(cpu, 2)} s = ${fmt(total / cpu, 0)}/s of CPU)${batch === 256 ? " (target ≥ 50,000/s)" : ""}; ${fmt(publicBytes / total)} bytes/entry published (${fmt(allBytes / total)} with sequencer state)`,
    );
    removeTree(dir);
  }
  const dir = mkdtempSync(join(tmpdir(), "cpansec-bench-proof-"));
  const n = opts.proofSize;
  const { s, cpu } = await fill(dir, n, 256);
  lines.push(`  built a ${n}-entry log in ${fmt(s, 1)} s (${fmt(n / s, 0)} entries/s; CPU ${fmt(cpu, 1)} s)`);
  const read = embeddedLog(dir).tiles;
  const root = await treeRoot(n, new TileReader((p) => read.read(p), n).node);
  let maxReads = 0;
  let totalReads = 0;
  const samples = 200;
  const t = performance.now();
  for (let k = 0; k < samples; k++) {
    const i = Math.floor(((k + 0.5) / samples) * n);
    const reader = new TileReader((p) => read.read(p), n);
    const proof = await inclusionProof(i, n, reader.node);
    verifyInclusion(i, n, leafHash(entry(i)), proof, root);
    maxReads = Math.max(maxReads, reader.reads);
    totalReads += reader.reads;
  }
  const ms = (performance.now() - t) / samples;
  lines.push(
    `  inclusion proof in a ${n}-entry tree: ${fmt(ms, 2)} ms to build from tiles and verify; tile reads per proof ${fmt(totalReads / samples, 1)} on average, ${maxReads} at most (target ≤ 5)`,
  );
  removeTree(dir);
  return lines;
}

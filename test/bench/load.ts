// `npm run bench -- --load N`: N generated uploads pushed through the embedded pipeline as a
// stream (RECENT grows tick by tick, the pipeline runs after each tick, as `cpansec run` does each
// minute). Reports throughput, latency from an upload's appearance in RECENT to the signed
// checkpoint that includes it (p50/p99), peak memory, and that nothing was lost.
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as openpgp from "openpgp";
import { cksumDump } from "../../cli/demo/mirror";
import { makeTarGz } from "../../cli/demo/archive";
import { openEmbeddedPipeline } from "../../cli/embedded/pipeline";
import { authorPath } from "../../shared/domain/cpan/distname";
import { terminalState } from "../../shared/domain/pipeline/record";
import { verifyLog } from "../../shared/domain/tlog/verify";
import type { Mirror } from "../../shared/ports";
import { fmt, removeTree } from "./run";

class MemoryMirror implements Mirror {
  readonly files = new Map<string, Uint8Array>();
  async fetch(path: string) {
    return this.files.get(path);
  }
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number;

export async function benchLoad(n: number, o: { authors?: number; ticks?: number } = {}): Promise<string[]> {
  const authors = o.authors ?? Math.max(10, Math.min(500, Math.round(n / 50)));
  const ticks = o.ticks ?? Math.max(5, Math.min(50, Math.round(n / 500)));
  const root = mkdtempSync(join(tmpdir(), "cpansec-bench-load-"));
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: "curve25519",
    userIDs: [{ name: "load PAUSE stand-in", email: "load@example.invalid" }],
    format: "armored",
  });
  const signingKey = await openpgp.readPrivateKey({ armoredKey: privateKey });
  const mirror = new MemoryMirror();
  const p = await openEmbeddedPipeline({
    data: join(root, "data"),
    mirror,
    trustedKeys: await openpgp.readKeys({ armoredKeys: publicKey }),
    tool: { name: "cpansec-pipeline", version: "bench" },
    backoffMs: 5,
  });

  // The uploads, made before the clock starts: small real distributions with META and prerequisites.
  const uploads: { author: string; filename: string; bytes: Uint8Array }[] = [];
  for (let i = 0; i < n; i++) {
    const name = `Load-Dist${i}`;
    const version = `1.${String(i % 1000).padStart(3, "0")}`;
    const meta = {
      name,
      version,
      abstract: "load",
      author: ["x"],
      license: ["perl_5"],
      release_status: "stable",
      dynamic_config: 0,
      "meta-spec": { version: 2 },
      prereqs: { runtime: { requires: { perl: "5.010", [`Load::Dist${(i * 7) % n}`]: "1.0" } } },
    };
    const bytes = await makeTarGz({
      [`${name}-${version}/META.json`]: JSON.stringify(meta),
      [`${name}-${version}/lib/Load/Dist${i}.pm`]: `package Load::Dist${i};\nour $VERSION = '${version}';\n1;\n`,
    });
    uploads.push({ author: `LOAD${i % authors}`, filename: `${name}-${version}.tar.gz`, bytes });
  }
  const checksums = new Map<string, Record<string, { sha256: string; size: number; md5: string; mtime?: string }>>();
  const recent: { epoch: string; path: string; type: string }[] = [];
  const appeared = new Map<string, number>();
  let peakRss = 0;
  const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  let pipelineMs = 0;
  let signMs = 0;
  const started = performance.now();
  const per = Math.ceil(n / ticks);
  for (let t = 0; t < ticks; t++) {
    const batch = uploads.slice(t * per, (t + 1) * per);
    if (!batch.length) break;
    // The mirror receives the tick's uploads with their authors' newly signed CHECKSUMS...
    const s = performance.now();
    const changed = new Set<string>();
    for (const u of batch) {
      const digest = (alg: string) => createHash(alg).update(u.bytes).digest("hex");
      const entries = checksums.get(u.author) ?? {};
      entries[u.filename] = { sha256: digest("sha256"), size: u.bytes.byteLength, md5: digest("md5"), mtime: new Date().toISOString().slice(0, 10) };
      checksums.set(u.author, entries);
      changed.add(u.author);
      mirror.files.set(authorPath(u.author, u.filename), u.bytes);
    }
    for (const a of changed) {
      const signed = await openpgp.sign({
        message: await openpgp.createCleartextMessage({ text: cksumDump(checksums.get(a) ?? {}) }),
        signingKeys: signingKey,
      });
      mirror.files.set(authorPath(a, "CHECKSUMS"), new TextEncoder().encode(signed));
    }
    signMs += performance.now() - s;
    // ...then RECENT names them (newest first), and the pipeline runs.
    const now = Date.now();
    for (const [i, u] of batch.entries()) {
      const path = authorPath(u.author, u.filename);
      recent.unshift({ epoch: `${Math.floor(now / 1000)}.${String(t * per + i).padStart(6, "0")}`, path, type: "new" });
      appeared.set(`${u.author}/${u.filename}`, now);
    }
    const oldest = recent[recent.length - 1]?.epoch as string;
    mirror.files.set(
      "RECENT-1h.json",
      new TextEncoder().encode(JSON.stringify({ meta: { protocol: 1, interval: "1h", minmax: { min: oldest, max: recent[0]?.epoch } }, recent })),
    );
    const r = performance.now();
    await p.runOnce();
    pipelineMs += performance.now() - r;
  }
  const wall = performance.now() - started;
  clearInterval(sample);

  const releases = await p.deps.releases.list();
  const latencies = releases
    .filter((r) => r.steps.log)
    .map((r) => Date.parse(r.steps.log?.at as string) - (appeared.get(r.id) as number))
    .sort((a, b) => a - b);
  const pending = releases.filter((r) => terminalState(r) !== "processed").length;
  const dead = p.db.deadLetters().length;
  const log = await verifyLog((x) => p.deps.log.tiles.read(x), [p.deps.log.signer]);
  p.close();
  removeTree(root);
  return [
    `load (embedded, ${n} generated uploads from ${authors} authors in ${ticks} ticks): pipeline ${fmt(pipelineMs / 1000, 1)} s = ${fmt(n / (pipelineMs / 1000), 1)} releases/s (wall ${fmt(wall / 1000, 1)} s incl. ${fmt(signMs / 1000, 1)} s signing CHECKSUMS for the mirror)`,
    `load latency RECENT → checkpoint: p50 ${fmt(pct(latencies, 50) / 1000, 2)} s, p99 ${fmt(pct(latencies, 99) / 1000, 2)} s, max ${fmt((latencies[latencies.length - 1] ?? 0) / 1000, 2)} s (a tick's batch waits for the whole pass)`,
    `load memory: peak RSS ${fmt(peakRss / 2 ** 20, 0)} MiB`,
    `load nothing lost: ${releases.length}/${n} releases recorded, ${n - pending}/${n} processed, ${dead} dead letters, log size ${log.checkpoint.size} verifies${releases.length === n && pending === 0 && dead === 0 && log.checkpoint.size === n ? "" : "  <-- LOSS"}`,
  ];
}

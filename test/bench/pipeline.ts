// Benchmark: the embedded pipeline over the corpus (one author), releases/s end to end and where the time goes.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirMirror } from "../../shared/adapters/embedded/dir-mirror";
import { openEmbeddedPipeline } from "../../cli/embedded/pipeline";
import { readTrustedKeys } from "../../shared/domain/cpan/checksums-signature";
import { corpusMirror } from "../helpers/corpus-mirror";
import { realFeeds } from "../helpers/fixtures";
import { fmt, removeTree } from "./run";

/** The issue's target: at least 100 releases/s end to end. */
const TARGET = 100;
/** A step run once per pass (the feed's publication), not once per release. */
const PER_PASS = new Set(["publish-advisories"]);

const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
/**
 * This thread's CPU (user+sys), seconds, from Linux's /proc (in clock ticks, 1/100 s); undefined
 * elsewhere. process.cpuUsage counts every thread, the publication's own included.
 */
function mainThreadCpu(): number | undefined {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8")
      .replace(/^.*\) /s, "")
      .split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

interface Pass {
  readonly secs: number;
  readonly cpu: number;
  readonly mainCpu: number | undefined;
  readonly n: number;
  readonly spent: Map<string, { ms: number; cpu: number; n: number }>;
}

async function pass(root: string): Promise<Pass> {
  const mirror = await corpusMirror(root);
  const feed = realFeeds()[0]?.path;
  const spent = new Map<string, { ms: number; cpu: number; n: number }>();
  const p = await openEmbeddedPipeline({
    data: join(root, "data"),
    mirror: new DirMirror(mirror.dir),
    trustedKeys: await readTrustedKeys(new TextEncoder().encode(mirror.publicKey)),
    ...(feed ? { feedSource: async () => readFileSync(feed) } : {}),
    tool: { name: "cpansec-pipeline", version: "bench" },
    wrap:
      <T>(queue: string, step: (b: T, n: number) => Promise<void>) =>
      async (b: T, n: number) => {
        const t = performance.now();
        const c = process.cpuUsage();
        try {
          return await step(b, n);
        } finally {
          // Steps run one at a time, but beside the publication's thread: the process's CPU meanwhile (every thread: GC, zlib, the publication) is charged to the step, so CPU can exceed wall.
          const s = spent.get(queue) ?? { ms: 0, cpu: 0, n: 0 };
          spent.set(queue, { ms: s.ms + performance.now() - t, cpu: s.cpu + cpuMs(process.cpuUsage(c)), n: s.n + (Array.isArray(b) ? b.length : 1) });
        }
      },
  });
  const t = performance.now();
  const c = process.cpuUsage();
  const main = mainThreadCpu();
  await p.runOnce();
  const secs = (performance.now() - t) / 1000;
  const cpu = cpuMs(process.cpuUsage(c)) / 1000;
  const mainAfter = mainThreadCpu();
  const mainCpu = main !== undefined && mainAfter !== undefined ? mainAfter - main : undefined;
  const n = (await p.deps.releases.list()).length;
  p.close();
  return { secs, cpu, mainCpu, n, spent };
}

/**
 * `passes` passes, each on a data directory of its own, and the median one in detail. The
 * directories are removed only after the last pass (run.ts, REMOVED_INODES_SLOW_MS): removing a
 * pass's ~7,000 files just before the next pass made each pass slower than the one before. Files
 * other processes remove under the same temporary directory (tests) still slow it: compare the passes.
 */
export async function benchPipeline(passes = 3): Promise<string[]> {
  const roots: string[] = [];
  const runs: Pass[] = [];
  try {
    for (let i = 0; i < passes; i++) {
      roots.push(mkdtempSync(join(tmpdir(), "cpansec-bench-pipeline-")));
      runs.push(await pass(roots[i] as string));
    }
  } finally {
    for (const root of roots) removeTree(root);
  }
  const { secs, cpu, mainCpu, n, spent } = [...runs].sort((a, b) => a.secs - b.secs)[Math.floor(runs.length / 2)] as Pass;
  const line = ([q, s]: [string, { ms: number; cpu: number; n: number }]) =>
    PER_PASS.has(q)
      ? `  ${q.padEnd(18)} ${fmt(s.ms, 0)} ms per pass on its own thread, CPU (every thread) ${fmt(s.cpu, 0)} ms (${fmt((s.ms / 1000 / secs) * 100, 0)}% of the pass)`
      : `  ${q.padEnd(18)} ${fmt(s.ms / s.n, 2)} ms per release, CPU ${fmt(s.cpu / s.n, 2)} ms (${fmt((s.ms / 1000 / secs) * 100, 0)}% of the pass)`;
  return [
    `pipeline (embedded, ${n} corpus releases from a local mirror, one pass, a first publication of the feed): median of ${runs.length} passes ${fmt(secs, 2)} s = ${fmt(n / secs, 1)} releases/s (target ≥ ${TARGET}); CPU (user+sys) ${fmt(cpu, 2)} s, of it on the main thread ${mainCpu === undefined ? "?" : fmt(mainCpu, 2)} s`,
    `  each pass, in order: ${runs.map((r) => `${fmt(r.secs, 2)} s = ${fmt(r.n / r.secs, 1)}/s`).join(", ")}`,
    // The publication runs on its own thread beside the releases: its time is not the pass's to subtract.
    ...[...spent].map(line),
  ];
}

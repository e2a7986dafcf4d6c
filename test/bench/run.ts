// Helpers for benchmarks: time whole processes (with peak RSS from GNU time when present).
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";

export interface ProcessRun {
  seconds: number;
  peakRssMiB?: number;
  /** User + system CPU seconds (from GNU time, when present). */
  cpuSeconds?: number;
  stdout: string;
}

const GNU_TIME = "/usr/bin/time";

/** `ok`: the exit statuses that mean success (`advisories match` exits 1 when something matched). */
export function timeProcess(cmd: string, args: string[], input?: string, ok: readonly number[] = [0]): ProcessRun {
  const useTime = existsSync(GNU_TIME);
  const started = process.hrtime.bigint();
  const r = useTime
    ? spawnSync(GNU_TIME, ["-f", "__RSS_KB=%M __CPU=%U+%S", cmd, ...args], { encoding: "utf8", input, maxBuffer: 1 << 30 })
    : spawnSync(cmd, args, { encoding: "utf8", input, maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.error) throw r.error;
  if (!ok.includes(r.status ?? -1)) throw new Error(`${cmd} ${args.slice(0, 3).join(" ")}… exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const rss = /__RSS_KB=(\d+)/.exec(r.stderr)?.[1];
  const cpu = /__CPU=([\d.]+)\+([\d.]+)/.exec(r.stderr);
  return {
    seconds,
    stdout: r.stdout,
    ...(rss ? { peakRssMiB: Number(rss) / 1024 } : {}),
    ...(cpu ? { cpuSeconds: Number(cpu[1]) + Number(cpu[2]) } : {}),
  };
}

/** Median of `n` runs (the first run also warms the page cache). */
export function median(n: number, run: () => ProcessRun): ProcessRun {
  const runs = Array.from({ length: n }, run).sort((a, b) => a.seconds - b.seconds);
  return runs[Math.floor(runs.length / 2)] as ProcessRun;
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** `a` and `b` in turn, `n` times each: the medians and the median of the pairwise ratios a/b (robust to drift on a shared machine). */
export function sideBySide(n: number, a: () => ProcessRun, b: () => ProcessRun): { a: number; b: number; ratio: number } {
  a();
  b();
  const pairs = Array.from({ length: n }, () => [a().seconds, b().seconds] as const);
  const mid = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
  return { a: mid(pairs.map((p) => p[0])), b: mid(pairs.map((p) => p[1])), ratio: mid(pairs.map(([x, y]) => x / y)) };
}

/** A fixed CPU loop (the same work every run): how fast this machine is right now, to read the other figures against. */
export function calibration(): number {
  const t = performance.now();
  let x = 0;
  // (x + i) | 0 ran in 0.3 s or 1.2 s from one run to the next (V8's on-stack replacement); this one is steady.
  for (let i = 0; i < 3e8; i++) x += i & 7;
  if (x < 0) console.log(x);
  return performance.now() - t;
}

/**
 * How long removed files slow the creation of new ones: on an ext4 without a journal (this
 * machine's disk), a new inode skips every inode of its block group freed in the last
 * dirty_expire_centisecs (30 s), reading each one's inode table block. Creating files just after
 * thousands were removed costs ~1 ms each instead of ~40 µs (perf: recently_deleted under
 * __ext4_new_inode).
 */
export const REMOVED_INODES_SLOW_MS = 31_000;

let removedAt: number | undefined;

/** Removes a benchmark's files, noting when: the next benchmark waits the window out first (settle). */
export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  removedAt = Date.now();
}

/** Waits until files removed by an earlier benchmark of this process no longer slow new ones; the ms waited. */
export async function settle(): Promise<number> {
  const wait = removedAt === undefined ? 0 : removedAt + REMOVED_INODES_SLOW_MS - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  return Math.max(0, wait);
}

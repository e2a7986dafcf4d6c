// Helpers for benchmarks: time whole processes (with peak RSS from GNU time when present).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export interface ProcessRun {
  seconds: number;
  peakRssMiB?: number;
  stdout: string;
}

const GNU_TIME = "/usr/bin/time";

export function timeProcess(cmd: string, args: string[], input?: string): ProcessRun {
  const useTime = existsSync(GNU_TIME);
  const started = process.hrtime.bigint();
  const r = useTime
    ? spawnSync(GNU_TIME, ["-f", "__RSS_KB=%M", cmd, ...args], { encoding: "utf8", input, maxBuffer: 1 << 30 })
    : spawnSync(cmd, args, { encoding: "utf8", input, maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(" ")}… exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const rss = /__RSS_KB=(\d+)/.exec(r.stderr)?.[1];
  return { seconds, stdout: r.stdout, ...(rss ? { peakRssMiB: Number(rss) / 1024 } : {}) };
}

/** Median of `n` runs (the first run also warms the page cache). */
export function median(n: number, run: () => ProcessRun): ProcessRun {
  const runs = Array.from({ length: n }, run).sort((a, b) => a.seconds - b.seconds);
  return runs[Math.floor(runs.length / 2)] as ProcessRun;
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);

import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./shared-data";

/** The command users run: the bundle `npm ci` builds (rebuilt for each test run by test/helpers/build-cli.ts). */
export const CLI = join(repoRoot, "dist", "cpansec.mjs");

export interface CliOptions {
  readonly input?: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}
export interface CliResult {
  status: number;
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const opts = (o: CliOptions) => ({ cwd: o.cwd ?? repoRoot, env: { ...process.env, ...o.env } });

/** Runs the cpansec command in a fresh process, as a user would. */
export function runCli(args: string[], input?: string | CliOptions): CliResult {
  const o: CliOptions = typeof input === "string" ? { input } : (input ?? {});
  const r = spawnSync(process.execPath, [CLI, ...args], { ...opts(o), input: o.input, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Like runCli, but without blocking this process (for tests that serve HTTP to the command). */
export function runCliAsync(args: string[], o: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], opts(o));
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    if (o.input !== undefined) child.stdin.end(o.input);
    else child.stdin.end();
    child.on("error", reject).on("close", (status, signal) => resolve({ status: status ?? -1, signal, stdout, stderr }));
  });
}

/** A long-running command (`cpansec run` without --once): wait for what it prints, signal it, collect the end. */
export function startCli(args: string[], o: CliOptions = {}) {
  const child = spawn(process.execPath, [CLI, ...args], opts(o));
  const seen = { stdout: "", stderr: "" };
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (!w.test()) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout.on("data", (c: Buffer) => ((seen.stdout += c), check()));
  child.stderr.on("data", (c: Buffer) => ((seen.stderr += c), check()));
  child.stdin.end();
  const done = new Promise<CliResult>((resolve, reject) =>
    child.on("error", reject).on("close", (status, signal) => resolve({ status: status ?? -1, signal, ...seen })),
  );
  return {
    child,
    seen,
    done,
    /** Resolves once `stream` (all of it so far) matches; rejects if the command ends first. */
    waitFor(stream: "stdout" | "stderr", re: RegExp): Promise<void> {
      return new Promise((resolve, reject) => {
        waiters.push({ test: () => re.test(seen[stream]), resolve });
        check();
        void done.then(() =>
          re.test(seen[stream]) ? resolve() : reject(new Error(`the command ended without printing ${re} on ${stream}:\n${seen.stdout}\n${seen.stderr}`)),
        );
      });
    },
  };
}

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./shared-data";

/** Runs the cpansec command from source in a fresh process, as a user would. */
export function runCli(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "cli/cpansec.ts"), ...args], {
    cwd: repoRoot,
    input,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

import { spawn, spawnSync } from "node:child_process";
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

/** Like runCli, but without blocking this process (for tests that serve HTTP to the command). */
export function runCliAsync(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "cli/cpansec.ts"), ...args], { cwd: repoRoot });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    child.on("error", reject).on("close", (status) => resolve({ status: status ?? -1, stdout, stderr }));
  });
}

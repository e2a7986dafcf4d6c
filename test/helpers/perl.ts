import { spawnSync } from "node:child_process";

/** Why Perl-backed tests cannot run here, or null when perl (with the named modules) is present. */
export function perlMissing(...modules: string[]): string | null {
  const r = spawnSync("perl", ["-e", modules.map((m) => `use ${m} ();`).join(" ") || "1"], { encoding: "utf8" });
  if (r.error) return "perl is not installed";
  if (r.status !== 0) return `perl lacks ${modules.join(", ")}: ${r.stderr.split("\n")[0]}`;
  return null;
}

/** Runs a Perl script with `input` on stdin and returns stdout; throws with stderr on failure. */
export function runPerl(script: string, input: string, args: string[] = []): string {
  const r = spawnSync("perl", ["-e", script, ...args], { input, encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`perl failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Prints a skip reason once, so a skipped differential test is never silent. */
export function announceSkip(what: string, reason: string): void {
  console.warn(`SKIPPED ${what}: ${reason}`);
}

import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The read-only ../shared folder beside the checkout (CPANSEC_SHARED overrides), or null when absent. */
export function sharedDir(): string | null {
  const dir = process.env.CPANSEC_SHARED ?? join(repoRoot, "..", "shared");
  return existsSync(join(dir, "DESIGN.md")) ? dir : null;
}

export function sharedPath(...parts: string[]): string | null {
  const dir = sharedDir();
  if (!dir) return null;
  const p = join(dir, ...parts);
  return existsSync(p) ? p : null;
}

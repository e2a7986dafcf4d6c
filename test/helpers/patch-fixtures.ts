import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

/** Every `.patch` file under `root`, as sorted paths relative to it. */
export function listPatchFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith(".patch")) out.push(relative(root, join(dir, e.name)));
    }
  };
  walk(root);
  return out.sort();
}

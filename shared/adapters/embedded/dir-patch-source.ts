/** A patch source on disk: a directory in CPANSec's layout (a checkout of its site's patches/). */
import { lstatSync, readFileSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { PatchError } from "../../domain/patches/errors";
import type { PatchSource } from "../../domain/patches/registry";

export class DirPatchSource implements PatchSource {
  constructor(readonly location: string) {}

  async list(): Promise<string[]> {
    const out: string[] = [];
    // Four levels at most (L/Dist/version/file); symlinks are not followed, so a link cannot pull
    // in files from elsewhere on the machine.
    const walk = (dir: string, depth: number) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory() && depth < 3) walk(p, depth + 1);
        else if (e.isFile() && e.name.endsWith(".patch")) out.push(relative(this.location, p).split(sep).join("/"));
      }
    };
    walk(this.location, 0);
    return out;
  }

  async read(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const file = join(this.location, ...path.split("/"));
    let st;
    try {
      st = lstatSync(file);
    } catch {
      return undefined;
    }
    if (!st.isFile()) return undefined;
    if (st.size > maxBytes) throw new PatchError("limit", `${path}: ${st.size} bytes is over the ${maxBytes}-byte limit for a patch`);
    return readFileSync(file);
  }
}

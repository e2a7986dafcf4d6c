import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Mirror } from "../../ports";

/** A CPAN mirror that is a local directory (a minicpan, or the demo's generated one). */
export class DirMirror implements Mirror {
  constructor(
    readonly root: string,
    private readonly maxBytes = 128 * 2 ** 20,
  ) {}

  async fetch(path: string): Promise<Uint8Array | undefined> {
    if (path.split("/").includes("..") || path.startsWith("/")) throw new Error(`refusing mirror path ${path}`);
    const file = join(this.root, path);
    try {
      if (statSync(file).size > this.maxBytes) throw new Error(`${path} is over the ${this.maxBytes}-byte limit`);
      return readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }
}

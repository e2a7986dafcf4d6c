import { link, mkdir, readFile, readdir, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LogHead } from "../../ports";

/**
 * LogHead in a directory of numbered versions: `<dir>/<n>`. compareAndSwap creates version n+1
 * with a hard link, which the filesystem lets exactly one writer do, and only after checking that
 * version n holds `expected`: a real compare-and-swap without locks, safe across processes and
 * crashes (a version exists whole or not at all). Old versions are pruned.
 */
export class FsLogHead implements LogHead {
  constructor(readonly dir: string) {}

  private async latest(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return 0;
      throw e;
    }
    return names.reduce((max, n) => (/^[1-9][0-9]*$/.test(n) ? Math.max(max, Number(n)) : max), 0);
  }

  async read(): Promise<string | undefined> {
    for (;;) {
      const n = await this.latest();
      if (n === 0) return undefined;
      try {
        return await readFile(join(this.dir, String(n)), "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e; // pruned under us: look again
      }
    }
  }

  async compareAndSwap(expected: string | undefined, next: string): Promise<boolean> {
    const n = await this.latest();
    const current = n === 0 ? undefined : await readFile(join(this.dir, String(n)), "utf8").catch(() => null);
    if (current !== expected) return false;
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    await writeFile(tmp, next);
    try {
      await link(tmp, join(this.dir, String(n + 1)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw e;
    } finally {
      await unlink(tmp);
    }
    if (n > 2) await unlink(join(this.dir, String(n - 2))).catch(() => undefined);
    return true;
  }
}

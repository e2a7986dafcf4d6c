import { linkSync, mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LogHead } from "../../ports";

/**
 * LogHead in a directory of numbered versions: `<dir>/<n>`. compareAndSwap creates version n+1
 * with a hard link, which the filesystem lets exactly one writer do, and only after checking that
 * version n holds `expected`: a real compare-and-swap without locks, safe across processes and
 * crashes (a version exists whole or not at all). Old versions are pruned. Synchronous file
 * calls, as in FsObjectStore.
 */
export class FsLogHead implements LogHead {
  /** The last version this instance read or wrote (a version's file never changes once linked): not read again. */
  private seen: { n: number; text: string } | undefined;
  private dirMade = false;

  constructor(readonly dir: string) {}

  private latest(): number {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return 0;
      throw e;
    }
    return names.reduce((max, n) => (/^[1-9][0-9]*$/.test(n) ? Math.max(max, Number(n)) : max), 0);
  }

  async read(): Promise<string | undefined> {
    for (;;) {
      const n = this.latest();
      if (n === 0) return undefined;
      try {
        const text = readFileSync(join(this.dir, String(n)), "utf8");
        this.seen = { n, text };
        return text;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e; // pruned under us: look again
      }
    }
  }

  async compareAndSwap(expected: string | undefined, next: string): Promise<boolean> {
    const n = this.latest();
    let current: string | null | undefined;
    try {
      current = n === 0 ? undefined : n === this.seen?.n ? this.seen.text : readFileSync(join(this.dir, String(n)), "utf8");
    } catch {
      current = null; // pruned under us: someone moved on
    }
    if (current !== expected) return false;
    if (!this.dirMade) {
      mkdirSync(this.dir, { recursive: true });
      this.dirMade = true;
    }
    const tmp = join(this.dir, `.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    writeFileSync(tmp, next);
    try {
      linkSync(tmp, join(this.dir, String(n + 1)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw e;
    } finally {
      unlinkSync(tmp);
    }
    this.seen = { n: n + 1, text: next };
    try {
      if (n > 2) unlinkSync(join(this.dir, String(n - 2)));
    } catch {
      // already pruned by another writer
    }
    return true;
  }
}

import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { LogIndex } from "../../ports";

/**
 * LogIndex as an append-only JSON-lines file, mirrored in memory and caught up on each read (other
 * processes may append). Each putMany is one append; a torn last line (a crash mid-write) is
 * ignored until completed, and a repeated record is harmless (same id, same index). An append
 * that lands right at the end of what this instance has read goes into the map as written,
 * instead of being read back and parsed by the next catch-up.
 */
export class FsLogIndex implements LogIndex {
  private readonly map = new Map<string, number>();
  private offset = 0;
  private dirMade = false;

  constructor(readonly file: string) {}

  private catchUp(): void {
    let fd: number;
    try {
      fd = openSync(this.file, "r");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw e;
    }
    try {
      const { size } = fstatSync(fd);
      if (size <= this.offset) return;
      const buf = Buffer.alloc(size - this.offset);
      readSync(fd, buf, 0, buf.length, this.offset);
      const end = buf.lastIndexOf(0x0a) + 1;
      for (const line of buf.subarray(0, end).toString("utf8").split("\n")) {
        if (!line) continue;
        const [id, index] = JSON.parse(line) as [string, number];
        if (!this.map.has(id)) this.map.set(id, index);
      }
      this.offset += end;
    } finally {
      closeSync(fd);
    }
  }

  async getMany(ids: readonly string[]): Promise<Map<string, number>> {
    this.catchUp();
    const out = new Map<string, number>();
    for (const id of ids) {
      const i = this.map.get(id);
      if (i !== undefined) out.set(id, i);
    }
    return out;
  }

  async putMany(records: ReadonlyArray<readonly [string, number]>): Promise<void> {
    if (!records.length) return;
    if (!this.dirMade) {
      mkdirSync(dirname(this.file), { recursive: true });
      this.dirMade = true;
    }
    // The same bytes as JSON.stringify([id, index]) per line, without building each array.
    const lines = Buffer.from(records.map(([id, index]) => `[${JSON.stringify(id)},${index}]\n`).join(""));
    const fd = openSync(this.file, "a");
    try {
      const before = fstatSync(fd).size;
      writeFileSync(fd, lines);
      // Nothing else was appended between the two sizes, so these lines are bytes [before, after):
      // when this instance had read up to `before`, it has now read them too.
      if (before === this.offset && fstatSync(fd).size === before + lines.length) {
        for (const [id, index] of records) if (!this.map.has(id)) this.map.set(id, index);
        this.offset += lines.length;
      }
    } finally {
      closeSync(fd);
    }
  }
}

import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { LogIndex } from "../../ports";

/**
 * LogIndex as an append-only JSON-lines file, mirrored in memory and caught up on each read (other
 * processes may append). Each putMany is one append, and a repeated record is harmless (same id,
 * same index). A crash mid-append leaves a torn last line: the next append starts on a line of its
 * own, and the fragment, which parses as no record, is skipped. Losing it loses nothing: ids are
 * recorded before the batch's commit (functions/append-log/append-log.ts), so the batch staged
 * under the same head is finished again and its ids recorded anew. An append
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
        const record = parseRecord(line);
        if (record && !this.map.has(record[0])) this.map.set(record[0], record[1]);
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
    // Indexed loops, not `for (const [id, index] of records)`: an append of 20,000 entries runs
    // these once, mostly before the JIT optimizes them, and unoptimized destructuring goes through
    // the array iterator for every record.
    // One test over all the ids says whether any has a character JSON escapes; if none has (every id
    // the log makes, hashes and CPAN paths, but an odd path), each is quoted as it is.
    const ids: string[] = [];
    for (let i = 0; i < records.length; i++) ids.push((records[i] as readonly [string, number])[0]);
    const quote = ESCAPED.test(ids.join("")) ? JSON.stringify : (id: string) => `"${id}"`;
    let text = "";
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as readonly [string, number];
      text += `[${quote(r[0])},${r[1]}]\n`;
    }
    let lines = Buffer.from(text);
    const fd = openSync(this.file, "a+");
    try {
      const before = fstatSync(fd).size;
      if (before > 0 && !endsWithNewline(fd, before)) lines = Buffer.concat([NEWLINE, lines]);
      writeFileSync(fd, lines);
      // Nothing else was appended between the two sizes, so these lines are bytes [before, after):
      // when this instance had read up to `before`, it has now read them too.
      if (before === this.offset && fstatSync(fd).size === before + lines.length) {
        for (let i = 0; i < records.length; i++) {
          const r = records[i] as readonly [string, number];
          if (!this.map.has(r[0])) this.map.set(r[0], r[1]);
        }
        this.offset += lines.length;
      }
    } finally {
      closeSync(fd);
    }
  }
}

const NEWLINE = Buffer.from("\n");

/** What JSON.stringify escapes in a string: quote, backslash, control characters, lone surrogates (any surrogate here). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

function endsWithNewline(fd: number, size: number): boolean {
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

/** One line's [id, index], or undefined for an empty line or a torn fragment. */
function parseRecord(line: string): readonly [string, number] | undefined {
  if (!line) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [id, index] = value as unknown[];
  return typeof id === "string" && Number.isSafeInteger(index) && (index as number) >= 0 ? [id, index as number] : undefined;
}

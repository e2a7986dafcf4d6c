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
    let lines = recordLines(records);
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

/**
 * JSON.stringify([id, index]) and a newline per record, written straight into one buffer: a
 * string per line (and the string of all of them) was a heap of short-lived strings that a
 * 20,000-entry append copied through several young-generation collections. Indexed loops, not
 * `for (const [id, index] of records)`: these run once per append, mostly before the JIT optimizes
 * them, and unoptimized destructuring steps an array iterator per record.
 */
function recordLines(records: ReadonlyArray<readonly [string, number]>): Buffer {
  const ids: string[] = [];
  let most = 0;
  for (let i = 0; i < records.length; i++) {
    const id = (records[i] as readonly [string, number])[0];
    ids.push(id);
    most += 3 * id.length;
  }
  // One test over all the ids says whether any has a character JSON escapes. If none has (every id
  // the log makes, hashes and CPAN paths, but an odd path), each is written between quotes as it
  // is; otherwise each goes through JSON.stringify. Room: 3 UTF-8 bytes per UTF-16 unit at most,
  // 6 where JSON.stringify escapes one (\uXXXX), plus `["",` `]\n` and 16 digits.
  const plain = !ESCAPED.test(ids.join(""));
  const out = Buffer.allocUnsafe(plain ? most + 24 * ids.length : 2 * most + 24 * ids.length);
  let at = 0;
  for (let i = 0; i < ids.length; i++) {
    out[at++] = 0x5b; // [
    if (plain) {
      out[at++] = 0x22; // "
      at += out.write(ids[i] as string, at);
      out[at++] = 0x22;
    } else at += out.write(JSON.stringify(ids[i]), at);
    out[at++] = 0x2c; // ,
    at += writeDigits(out, at, (records[i] as readonly [string, number])[1]);
    out[at++] = 0x5d; // ]
    out[at++] = 0x0a;
  }
  return out.subarray(0, at);
}

/** The decimal digits of an index (a safe integer ≥ 0, as a read accepts) at `at`; how many. */
function writeDigits(out: Buffer, at: number, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`log index ${n} is not a whole number`);
  let digits = 1;
  for (let rest = Math.floor(n / 10); rest > 0; rest = Math.floor(rest / 10)) digits++;
  for (let i = digits - 1, rest = n; i >= 0; i--, rest = Math.floor(rest / 10)) out[at + i] = 0x30 + (rest % 10);
  return digits;
}

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

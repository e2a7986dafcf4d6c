/** Fields of a 512-byte tar header, read as GNU tar reads them, for ./tar.ts. */
import { ArchiveError } from "./errors";

/** A NUL-terminated text field. */
export const text = (h: Buffer, from: number, len: number) => {
  const f = h.subarray(from, from + len);
  const end = f.indexOf(0);
  return f.subarray(0, end < 0 ? len : end).toString("utf8");
};

const POSIX_MAGIC = Buffer.from("ustar\u000000", "latin1");

/** The POSIX ustar magic (`ustar\0` `00`): only then is there a name prefix. */
export const isPosix = (h: Buffer) => h.compare(POSIX_MAGIC, 0, 8, 257, 265) === 0;

/** The member name, with the ustar prefix where the magic says there is one. */
export function readName(h: Buffer): string {
  const name = text(h, 0, 100);
  const posix = isPosix(h);
  const prefixBytes = h.subarray(345, 500);
  if (!posix && prefixBytes.some((b) => b !== 0)) {
    // Python's tarfile prepends these bytes to the name whatever the magic; GNU tar and node-tar
    // do not: the same member would be written under two different names.
    throw new ArchiveError("unsupported-entry", `${JSON.stringify(name)}: a non-POSIX header with a name prefix; extractors disagree on its name`, name);
  }
  const prefix = posix ? text(h, 345, 155) : "";
  return prefix ? `${prefix}/${name}` : name;
}

/** The size field: octal (NUL- or space-terminated) or GNU base-256. */
export function readSize(h: Buffer, name: string): number {
  const f = h.subarray(124, 136);
  if ((f[0] as number) & 0x80) {
    if (f[0] === 0xff) throw new ArchiveError("corrupt", `${JSON.stringify(name)}: negative size in tar header`, name);
    let n = (f[0] as number) & 0x7f;
    for (let i = 1; i < 12; i++) n = n * 256 + (f[i] as number);
    if (!Number.isSafeInteger(n)) throw new ArchiveError("limit", `${JSON.stringify(name)}: tar header size is too large`, name);
    return n;
  }
  const s = f
    .toString("latin1")
    .replace(/\0[\s\S]*$/, "")
    .trim();
  if (!/^[0-7]*$/.test(s)) throw new ArchiveError("corrupt", `${JSON.stringify(name)}: bad size field in tar header`, name);
  return s ? parseInt(s, 8) : 0;
}

const KEYS = ["path", "linkpath", "size"];

/** How node-tar reads the same records: split on newlines, values cut at a NUL. */
export function lineParse(body: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of body.toString("utf8").replace(/\n$/, "").split("\n")) {
    const n = parseInt(line, 10);
    if (n !== Buffer.byteLength(line) + 1) continue;
    const kv = line.slice(`${n} `.length).split("=");
    const k = kv.shift();
    if (k) out.set(k, kv.join("=").replace(/\0[\s\S]*/, ""));
  }
  return out;
}

/**
 * pax records (`<len> <key>=<value>\n`), parsed by their lengths as POSIX, GNU tar and Python do.
 * node-tar splits on newlines instead: when the two readings disagree on a path, link or size (a
 * value holding a newline can carry a record of its own), the header is refused.
 */
export function parsePax(body: Buffer): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let i = 0;
  const bad = (why: string) => new ArchiveError("corrupt", `pax header: ${why}`);
  while (i < body.length) {
    if (body[i] === 0) break; // NUL padding after the last record
    const space = body.indexOf(0x20, i);
    const lenText = space < 0 ? "" : body.subarray(i, space).toString("latin1");
    if (!/^[1-9]\d*$/.test(lenText)) throw bad("a record without a length");
    const end = i + Number(lenText);
    if (end > body.length || body[end - 1] !== 0x0a) throw bad("a record whose length does not end at a newline");
    const record = body.subarray(space + 1, end - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (eq <= 0) throw bad("a record without key=value");
    out.push([record.slice(0, eq), record.slice(eq + 1)]);
    i = end;
  }
  const theirs = lineParse(body);
  for (const k of KEYS) {
    const ours = out.findLast(([key]) => key === k)?.[1];
    if (ours?.includes("\0") || ours !== theirs.get(k)) {
      throw new ArchiveError(
        "unsupported-entry",
        `pax header: its ${k} reads differently by record length and by line (${JSON.stringify(ours?.slice(0, 60))}); extractors disagree`,
      );
    }
  }
  return out;
}

/** The sum of a header's bytes with the checksum field counted as spaces. */
export function headerSum(h: Buffer): number {
  let sum = 8 * 0x20;
  for (let i = 0; i < 148; i++) sum += h[i] as number;
  for (let i = 156; i < 512; i++) sum += h[i] as number;
  return sum;
}

const space = (b: number) => (b >= 0x09 && b <= 0x0d) || b === 0x20 || b === 0xa0;

/** The stored checksum (octal up to a NUL, spaces around it allowed) matches the header. */
export function checksumOk(h: Buffer, sum = headerSum(h)): boolean {
  let from = 148;
  let to = 148;
  while (to < 156 && h[to] !== 0) to++;
  while (from < to && space(h[from] as number)) from++;
  while (to > from && space(h[to - 1] as number)) to--;
  if (from === to) return false;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = (h[i] as number) - 0x30;
    if (d < 0 || d > 7) return false;
    n = n * 8 + d;
  }
  return n === sum;
}

/** A numeric field as node-tar decodes it: base-256 only with a 0x80 or 0xff lead, safe integers only. */
function decodable(h: Buffer, from: number, len: number): boolean {
  const lead = h[from] as number;
  if (!(lead & 0x80)) return true;
  if (lead !== 0x80 && lead !== 0xff) return false;
  let n = 0n;
  for (let i = from + (lead === 0x80 ? 1 : 0); i < from + len; i++) n = n * 256n + BigInt(h[i] as number);
  // 0xff: two's complement over the whole field, a negative number.
  const value = lead === 0x80 ? n : n - 2n ** BigInt(8 * len);
  return value >= -BigInt(Number.MAX_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER);
}

/** Header fields node-tar takes from pax records instead of the block (for normal members only). */
export interface PaxFields {
  readonly uid?: boolean;
  readonly gid?: boolean;
  readonly size?: boolean;
  readonly mtime?: boolean;
  readonly atime?: boolean;
  readonly ctime?: boolean;
}

/** Offsets of the numeric fields node-tar decodes (mode, uid, gid, size, mtime; devices and times of ustar). */
const NUMERIC_AT = [100, 108, 116, 124, 136, 329, 337, 476, 488];

/** A numeric field node-tar would decode and could not (only base-256 ones can fail). */
function undecodable(h: Buffer, normal: boolean, ex: PaxFields, gex: PaxFields): number | undefined {
  const from = (k: keyof PaxFields) => normal && (ex[k] || gex[k]);
  const fields: Array<[number, number, boolean]> = [
    [100, 8, true],
    [108, 8, !from("uid")],
    [116, 8, !from("gid")],
    [124, 12, !from("size")],
    [136, 12, !from("mtime")],
  ];
  if (isPosix(h)) {
    fields.push([329, 8, true], [337, 8, true]);
    if (h[475] === 0) fields.push([476, 12, !(ex.atime || gex.atime)], [488, 12, !(ex.ctime || gex.ctime)]);
  }
  return fields.find(([at, len, read]) => read && !decodable(h, at, len))?.[0];
}

/**
 * Why node-tar (strict) would reject this header, which the checks above let through: a numeric
 * field it cannot decode, or its reading of the checksum (12 bytes from offset 148, as an octal
 * number up to a NUL). The reader refuses the same headers, so no archive reads differently than it
 * did through node-tar (test/unit/cpan/tar-reader.test.ts compares the two).
 */
export function nodeTarRejects(h: Buffer, normal: boolean, ex: PaxFields, gex: PaxFields, sum = headerSum(h)): string | undefined {
  const at = NUMERIC_AT.some((i) => (h[i] as number) & 0x80) ? undecodable(h, normal, ex, gex) : undefined;
  if (at !== undefined) return `a numeric field at offset ${at} is not valid base-256`;
  // Only octal gets here (checksumOk first). node-tar reads on into the type and link fields, which
  // changes the number only when the field's last byte is a digit (no NUL or space ends it).
  const last = h[155] as number;
  if (last < 0x30 || last > 0x37) return undefined;
  const stored = parseInt(h.subarray(148, 160).toString("utf8").replace(/\0.*$/, "").trim(), 8);
  return stored === sum ? undefined : "checksum failure";
}

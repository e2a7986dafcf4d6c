/** Fields of a 512-byte tar header, read as GNU tar reads them, for TarHeaderGuard. */
import { ArchiveError } from "./errors";

const text = (h: Buffer, from: number, len: number) => {
  const f = h.subarray(from, from + len);
  const end = f.indexOf(0);
  return f.subarray(0, end < 0 ? len : end).toString("utf8");
};

const POSIX_MAGIC = "ustar\u000000";

/** The member name, with the ustar prefix where the magic says there is one. */
export function readName(h: Buffer): string {
  const name = text(h, 0, 100);
  const posix = h.subarray(257, 265).toString("latin1") === POSIX_MAGIC;
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
function lineParse(body: Buffer): Map<string, string> {
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

/** The header checksum, as node-tar and GNU tar compute it (unsigned bytes, the field as spaces). */
export function checksumOk(h: Buffer): boolean {
  let sum = 8 * 0x20;
  for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += h[i] as number;
  const stored = h
    .subarray(148, 156)
    .toString("latin1")
    .replace(/\0[\s\S]*$/, "")
    .trim();
  return /^[0-7]+$/.test(stored) && parseInt(stored, 8) === sum;
}

// Tar archives byte by byte, for headers no tar writer will produce: any typeflag, sizes on links,
// pax records of any content, lone zero blocks. Every header has a correct checksum.

export interface RawHeader {
  name: string;
  type: string;
  size: number;
  linkname?: string;
  /** "posix" (ustar\000, default), "gnu" (ustar  \0) or "v7" (none). */
  magic?: "posix" | "gnu" | "v7";
}

export function header(h: RawHeader): Buffer {
  const b = Buffer.alloc(512);
  b.write(h.name, 0, 100, "utf8");
  b.write("0000644\0", 100, "latin1");
  b.write("0000000\0", 108, "latin1");
  b.write("0000000\0", 116, "latin1");
  b.write(`${h.size.toString(8).padStart(11, "0")}\0`, 124, "latin1");
  b.write("00000000000\0", 136, "latin1");
  b.write(h.type, 156, 1, "latin1");
  if (h.linkname) b.write(h.linkname, 157, 100, "utf8");
  if ((h.magic ?? "posix") === "posix") b.write("ustar\u000000", 257, "latin1");
  if (h.magic === "gnu") b.write("ustar  \0", 257, "latin1");
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return b;
}

const pad = (n: number) => Buffer.alloc((512 - (n % 512)) % 512);

/** A member: header plus data padded to the block. `size` defaults to the data's length. */
export function member(name: string, type: string, data: string | Buffer = "", extra: Partial<RawHeader> = {}): Buffer {
  const body = Buffer.from(data);
  return Buffer.concat([header({ name, type, size: body.length, ...extra }), body, pad(body.length)]);
}

/** A pax header ('x', or 'g' for global) holding these records, lengths computed. */
export function pax(records: Array<[string, string]>, type: "x" | "g" = "x", raw?: Buffer): Buffer {
  const body =
    raw ??
    Buffer.concat(
      records.map(([k, v]) => {
        const rest = ` ${k}=${v}\n`;
        let n = Buffer.byteLength(rest) + 1;
        while (String(n).length + Buffer.byteLength(rest) !== n) n = String(n).length + Buffer.byteLength(rest);
        return Buffer.from(`${n}${rest}`);
      }),
    );
  return member("PaxHeader/x", type, body);
}

export const end = () => Buffer.alloc(1024);
export const rawTar = (...members: Buffer[]) => Buffer.concat([...members, end()]);

import type { Collector, FileSink } from "./collector";
import { ArchiveError } from "./errors";
import type { Budget } from "./limits";
import { EXTENSIONS, type Pending, REGULAR, applyExtension, checkExtension, checkMember, refuse } from "./tar-guard";
import { checksumOk, headerSum, isPosix, nodeTarRejects, readName, readSize, text } from "./tar-header";

/** Where members go: the collector, or nothing (a reader used only for its checks). */
export type TarSink = Pick<Collector, "openFile" | "directory" | "link">;

/** Types node-tar treated as file-system members (pax fields apply to them), as opposed to extension headers. */
const NORMAL = new Set(["0", "\0", "1", "2", "3", "4", "5", "6", "7", "D"]);

const isZero = (h: Buffer) => {
  for (let i = 0; i < 512; i++) if (h[i] !== 0) return false;
  return true;
};

/**
 * A push parser for a decompressed tar stream, with no stream or event per member: each header is
 * read and checked as it completes (./tar-guard.ts, ./tar-header.ts), file bodies go to the
 * collector as slices of the chunks they arrive in. Every byte is counted before parsing, so bombs
 * stop at the limit. It reads every archive as node-tar's strict Parser did before it (same members,
 * same refusals; test/unit/cpan/tar-reader.test.ts compares the two), with the refusals of the
 * guard that ran beside node-tar then.
 */
export class TarReader {
  private readonly block = Buffer.alloc(512);
  private have = 0;
  /** Data bytes of the current member still to come, then its padding to the next block. */
  private remain = 0;
  private pad = 0;
  private file: FileSink | undefined;
  private meta: { type: string; parts: Buffer[] } | undefined;
  private pending: Pending = { fields: {} };
  private readonly global: Pending["fields"] = {};
  private zeros = 0;
  private members = 0;

  constructor(
    private readonly budget: Budget,
    private readonly out: TarSink,
  ) {}

  write(chunk: Uint8Array): void {
    this.budget.addDecompressed(chunk.byteLength);
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const n = buf.byteLength;
    let i = 0;
    while (i < n && this.zeros < 2) {
      if (this.remain > 0) {
        const k = Math.min(this.remain, n - i);
        this.data(buf.subarray(i, i + k));
        i += k;
      } else if (this.pad > 0) {
        const k = Math.min(this.pad, n - i);
        this.pad -= k;
        i += k;
      } else if (this.have === 0 && n - i >= 512) {
        this.header(buf.subarray(i, i + 512));
        i += 512;
      } else {
        const k = Math.min(512 - this.have, n - i);
        this.block.set(buf.subarray(i, i + k), this.have);
        this.have += k;
        i += k;
        if (this.have === 512) {
          this.have = 0;
          this.header(this.block);
        }
      }
    }
  }

  end(): void {
    if (this.remain > 0 || this.pad > 0) throw new Error(`truncated tar: the stream ends ${this.remain + this.pad} bytes before the end of a member`);
    if (this.members === 0) throw new ArchiveError("corrupt", "no tar entries: not a tar stream, or an empty one");
  }

  private data(part: Buffer): void {
    this.remain -= part.byteLength;
    if (this.file) this.file.write(part);
    else this.meta?.parts.push(Buffer.from(part));
    if (this.remain > 0) return;
    if (this.file) {
      const f = this.file;
      this.file = undefined;
      f.close();
    } else if (this.meta) {
      const { type, parts } = this.meta;
      this.meta = undefined;
      applyExtension(type, Buffer.concat(parts), this.pending, this.global);
    }
  }

  private header(h: Buffer): void {
    if (isZero(h)) {
      this.zeros++;
      return;
    }
    const sum = headerSum(h);
    if (!checksumOk(h, sum)) throw new ArchiveError("corrupt", `tar header checksum does not match (at ${JSON.stringify(readName(h).slice(0, 100))})`);
    const name = this.pending.path ?? readName(h);
    // GNU tar and Python stop at the first zero block. Nothing may follow one.
    if (this.zeros) throw refuse(name, "a member after an end-of-archive block (GNU tar and Python stop before it)");
    const type = String.fromCharCode(h[156] as number);
    const size = this.pending.size ?? readSize(h, name);
    const extension = EXTENSIONS.has(type);
    if (extension) checkExtension(type, name, size, this.pending);
    else checkMember(type, name, size);
    const normal = NORMAL.has(type);
    const why = nodeTarRejects(h, normal, this.pending.fields, this.global, sum);
    if (why) throw new Error(`tar header of ${JSON.stringify(name.slice(0, 100))}: ${why}`);
    // The header's own path (pax and long names apply to members only), with the ustar prefix.
    const own = (normal ? this.pending.path : undefined) ?? text(h, 0, 100);
    const prefix = isPosix(h) ? text(h, 345, 155) : "";
    const headerPath = prefix ? `${prefix}/${own}` : own;
    if (!headerPath) throw new Error("a tar header without a name");
    const link = text(h, 157, 100);
    const isLink = type === "1" || type === "2";
    if (isLink && !link) throw new Error(`${JSON.stringify(headerPath)}: a link header without a link name`);
    if (!isLink && type !== "x" && type !== "g" && link) throw new Error(`${JSON.stringify(headerPath)}: a link name on a header that is not a link`);
    this.pad = Math.ceil(size / 512) * 512 - size;
    if (extension) {
      // An empty pax header sets nothing (an empty long name was refused above).
      this.meta = size > 0 ? { type, parts: [] } : undefined;
      this.remain = size;
      return;
    }
    const path = this.pending.path ?? headerPath;
    const linkpath = this.pending.linkpath ?? link;
    this.pending = { fields: {} };
    this.members++;
    // Old tars mark a directory as a file whose name ends in "/" (checkMember saw it has no data);
    // node-tar looked at the name before the ustar prefix, and so does this.
    if (type === "5" || ((type === "0" || type === "\0") && own.endsWith("/"))) this.out.directory(path);
    else if (isLink) this.out.link(path, type === "1" ? "hardlink" : "symlink", linkpath);
    else if (REGULAR.has(type)) {
      this.remain = size;
      const file = this.out.openFile(path, size);
      if (size === 0) file.close();
      else this.file = file;
    }
  }
}

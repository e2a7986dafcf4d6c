/**
 * Reads every tar header in step with node-tar and refuses what common extractors would write
 * differently from what the manifest says. node-tar skips members it does not know (`Z`, `9`, GNU
 * sparse `S`, ...) while GNU tar, Python's tarfile and Perl's Archive::Tar write them as regular
 * files; it takes the old GNU `N` type as a long name where they write a file; it skips data after
 * a link header that they read as the next header. Each such case is an ArchiveError here, so an
 * upload can never install a file its SBOM does not list (docs/decisions/0003-archive-reading.md,
 * test/unit/cpan/tar-typeflags.test.ts compares with GNU tar and Python).
 */
import { ArchiveError } from "./errors";
import { checksumOk, parsePax, readName, readSize } from "./tar-header";

const META_MAX = 1024 * 1024; // node-tar's maxMetaEntrySize, as TarReader sets it
const REGULAR = new Set(["0", "\0", "7"]);
const NO_DATA = new Set(["1", "2", "5"]);

/** What the refused types are, and why they cannot be listed as they would be written. */
const REFUSED: Record<string, string> = {
  "3": "a character device",
  "4": "a block device",
  "6": "a FIFO",
  S: "a GNU sparse file (extractors expand it; its stored bytes are not the file's)",
  D: "a GNU dump directory (GNU tar makes a directory, Python and Archive::Tar a file)",
  M: "a GNU multi-volume continuation (GNU tar refuses it, Python writes it as a file)",
  V: "a GNU volume header (GNU tar skips it, Python writes it as a file)",
  N: "an old GNU long-name entry (extractors write it as a file, node-tar renames the next one)",
  X: "a Solaris extended header",
};

const refuse = (name: string, why: string) =>
  new ArchiveError("unsupported-entry", `${JSON.stringify(name)}: ${why}; refused, so that nothing an extractor writes is missing from the manifest`, name);

export class TarHeaderGuard {
  private block = Buffer.alloc(512);
  private have = 0;
  private skip = 0;
  private metaLeft = 0;
  private metaType = "";
  private meta: Buffer[] = [];
  private pending: { path?: string; size?: number; sized?: boolean } = {};
  private zeros = 0;

  write(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.byteLength && this.zeros < 2) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.byteLength - i);
        if (this.metaLeft > 0) this.collect(chunk.subarray(i, i + Math.min(n, this.metaLeft)));
        this.skip -= n;
        i += n;
        continue;
      }
      const n = Math.min(512 - this.have, chunk.byteLength - i);
      this.block.set(chunk.subarray(i, i + n), this.have);
      this.have += n;
      i += n;
      if (this.have === 512) {
        this.have = 0;
        this.header(this.block);
      }
    }
  }

  private collect(part: Uint8Array): void {
    this.meta.push(Buffer.from(part));
    this.metaLeft -= part.byteLength;
    if (this.metaLeft === 0) this.endMeta(Buffer.concat(this.meta));
  }

  private endMeta(body: Buffer): void {
    this.meta = [];
    if (this.metaType === "L") this.pending.path = body.toString("utf8").replace(/\0[\s\S]*$/, "");
    if (this.metaType !== "x" && this.metaType !== "g") return;
    const records = parsePax(body);
    for (const [key, value] of records) {
      if (key.startsWith("GNU.sparse."))
        throw refuse(this.pending.path ?? "(pax header)", "a GNU sparse file in pax form (extractors expand it; its stored bytes are not the file's)");
      if (this.metaType === "g" && ["size", "path", "linkpath"].includes(key))
        throw refuse("(global pax header)", `a global pax header sets ${key} for every entry that follows`);
      if (key === "path") this.pending.path = value;
      if (key === "size") {
        if (!/^\d+$/.test(value)) throw new ArchiveError("corrupt", `pax header has a bad size ${JSON.stringify(value.slice(0, 40))}`);
        this.pending.size = Number(value);
      }
    }
  }

  private header(h: Buffer): void {
    if (h.every((b) => b === 0)) {
      this.zeros++;
      return;
    }
    if (!checksumOk(h)) throw new ArchiveError("corrupt", `tar header checksum does not match (at ${JSON.stringify(readName(h).slice(0, 100))})`);
    const name = this.pending.path ?? readName(h);
    // GNU tar and Python stop at the first zero block; node-tar reads on. Nothing may follow one.
    if (this.zeros) throw refuse(name, "a member after an end-of-archive block (GNU tar and Python stop before it)");
    const type = String.fromCharCode(h[156] as number);
    const size = this.pending.size ?? readSize(h, name);
    if ("xgLK".includes(type)) {
      // node-tar applies a pax size to the next file entry only; extractors differ on extension headers.
      if (this.pending.size !== undefined) throw refuse(name, "a pax size followed by another extension header");
      if (size > META_MAX) throw refuse(name, `an extension header of ${size} bytes (over ${META_MAX})`);
      this.metaType = type;
      this.metaLeft = size;
      this.skip = Math.ceil(size / 512) * 512;
      if (size === 0) this.endMeta(Buffer.alloc(0));
      return;
    }
    this.pending = {};
    if (REGULAR.has(type)) {
      if (name.endsWith("/") && size > 0) throw refuse(name, "a regular file whose name ends in / (GNU tar makes a directory, Python a file)");
      this.skip = Math.ceil(size / 512) * 512;
      return;
    }
    if (NO_DATA.has(type)) {
      // Extractors read no data after a link or directory header; node-tar skips `size` bytes.
      if (size > 0) throw refuse(name, `a ${type === "5" ? "directory" : "link"} header with ${size} bytes of data (extractors read them as the next header)`);
      return;
    }
    throw refuse(
      name,
      `tar type ${JSON.stringify(type)} is ${REFUSED[type] ?? "not a type this reader knows (GNU tar, Python and Archive::Tar extract unknown types as regular files)"}`,
    );
  }
}

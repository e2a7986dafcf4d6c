/**
 * What a tar member may be, for ./tar.ts: only what common extractors write the same way. GNU tar,
 * Python's tarfile and Perl's Archive::Tar write members of types they do not know (`Z`, `9`, GNU
 * sparse `S`, ...) as regular files, take the old GNU `N` type as a file, and read no data after a
 * link header; node-tar, which read these archives before, skipped or renamed such members. Each such
 * case is an ArchiveError here, so an upload can never install a file its SBOM does not list
 * (docs/decisions/0003-archive-reading.md, test/unit/cpan/tar-typeflags.test.ts compares with GNU
 * tar and Python).
 */
import { ArchiveError } from "./errors";
import { type PaxFields, lineParse, parsePax } from "./tar-header";

/** Largest pax or long-name header body read (node-tar's maxMetaEntrySize, kept). */
const META_MAX = 1024 * 1024;
export const REGULAR = new Set(["0", "\0", "7"]);
const NO_DATA = new Set(["1", "2", "5"]);
export const EXTENSIONS = new Set(["x", "g", "L", "K"]);

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

export const refuse = (name: string, why: string) =>
  new ArchiveError("unsupported-entry", `${JSON.stringify(name)}: ${why}; refused, so that nothing an extractor writes is missing from the manifest`, name);

/** What extension headers set for the next member (and, for node-tar's field checks, which fields). */
export interface Pending {
  path?: string;
  linkpath?: string;
  size?: number;
  fields: { -readonly [K in keyof PaxFields]: PaxFields[K] };
}

/** Refuses an extension header whose body cannot be read the same way by every extractor. */
export function checkExtension(type: string, name: string, size: number, pending: Pending): void {
  // node-tar applied a pax size to the next file entry only; extractors differ on extension headers.
  if (pending.size !== undefined) throw refuse(name, "a pax size followed by another extension header");
  if (size > META_MAX) throw refuse(name, `an extension header of ${size} bytes (over ${META_MAX})`);
  // GNU tar writes a long name with its NUL; an empty one names nothing and readers disagree on it.
  if ((type === "L" || type === "K") && size === 0) throw refuse(name, "an empty GNU long-name header");
}

/** A GNU long name or link: up to its NUL, with nothing but NULs after it (readers cut it in different places). */
function longName(body: Buffer, name: string): string {
  const end = body.indexOf(0);
  if (end >= 0 && body.subarray(end).some((b) => b !== 0)) throw refuse(name, "a GNU long name with bytes after its terminating NUL");
  return body.subarray(0, end < 0 ? body.length : end).toString("utf8");
}

/** Applies a pax (`x`, `g`) or GNU long-name (`L`, `K`) body to what the next member will be. */
export function applyExtension(type: string, body: Buffer, pending: Pending, global: Pending["fields"]): void {
  if (type === "L") pending.path = longName(body, "(GNU long name)");
  if (type === "K") pending.linkpath = longName(body, "(GNU long link)");
  if (type !== "x" && type !== "g") return;
  const records = parsePax(body);
  for (const [key, value] of records) {
    if (key.startsWith("GNU.sparse."))
      throw refuse(pending.path ?? "(pax header)", "a GNU sparse file in pax form (extractors expand it; its stored bytes are not the file's)");
    if (type === "g" && ["size", "path", "linkpath"].includes(key))
      throw refuse("(global pax header)", `a global pax header sets ${key} for every entry that follows`);
    if (key === "path") {
      if (value === "") throw new ArchiveError("corrupt", "pax header has an empty path");
      pending.path = value;
    }
    if (key === "linkpath") pending.linkpath = value;
    if (key === "size") {
      if (!/^\d+$/.test(value)) throw new ArchiveError("corrupt", `pax header has a bad size ${JSON.stringify(value.slice(0, 40))}`);
      pending.size = Number(value);
    }
  }
  // Which header fields node-tar would have taken from these records (and so not decoded).
  const fields = type === "x" ? pending.fields : global;
  for (const [key, value] of lineParse(body)) {
    if (key === "uid" || key === "gid" || key === "mtime" || key === "atime" || key === "ctime") fields[key] = true;
    if (key === "size" && +value >= 0) fields.size = true;
  }
}

/** Refuses a member header (not an extension) that extractors would write differently from its listing. */
export function checkMember(type: string, name: string, size: number): void {
  if (REGULAR.has(type)) {
    if (name.endsWith("/") && size > 0) throw refuse(name, "a regular file whose name ends in / (GNU tar makes a directory, Python a file)");
    return;
  }
  if (NO_DATA.has(type)) {
    // Extractors read no data after a link or directory header.
    if (size > 0) throw refuse(name, `a ${type === "5" ? "directory" : "link"} header with ${size} bytes of data (extractors read them as the next header)`);
    return;
  }
  throw refuse(
    name,
    `tar type ${JSON.stringify(type)} is ${REFUSED[type] ?? "not a type this reader knows (GNU tar, Python and Archive::Tar extract unknown types as regular files)"}`,
  );
}

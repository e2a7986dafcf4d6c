/**
 * The log's entry for one CPAN upload (docs/architecture.md, storage layout): exact UTF-8 bytes, `\n` after each
 * line, nothing else. Built once, stored and hashed as built.
 */
import { isUtf8 } from "node:buffer";
import { EntryError } from "./entry-error";
import { PATCH_HEADER, type PatchEntry, parsePatchEntry } from "./patch-entry";

export { EntryError };

export interface UploadEntry {
  /** CPAN path, e.g. authors/id/E/ET/ETHER/Try-Tiny-0.31.tar.gz */
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  /** The RECENT epoch exactly as the feed wrote it (a decimal string). */
  readonly uploaded: string;
}

const HEADER = "cpansec-upload/v1";
const PATH = /^authors\/id\/[A-Z]\/[A-Z][-A-Z0-9]\/[A-Z][-A-Z0-9]*\/[^\s/][^\s]*$/;

function check(e: UploadEntry): void {
  // PATH starts with "authors/", so a ".." segment is "/../" inside or "/.." at the end.
  if (!PATH.test(e.path) || e.path.includes("/../") || e.path.endsWith("/..")) throw new EntryError(`bad CPAN path ${JSON.stringify(e.path)}`);
  if (!/^[0-9a-f]{64}$/.test(e.sha256)) throw new EntryError(`bad sha256 ${JSON.stringify(e.sha256)}`);
  if (!Number.isSafeInteger(e.size) || e.size < 0) throw new EntryError(`bad size ${e.size}`);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(e.uploaded)) throw new EntryError(`bad upload epoch ${JSON.stringify(e.uploaded)}`);
}

export function buildEntry(e: UploadEntry): string {
  check(e);
  return `${HEADER}\npath ${e.path}\nsha256 ${e.sha256}\nsize ${e.size}\nuploaded ${e.uploaded}\n`;
}

export function parseEntry(text: string): UploadEntry {
  const m = /^cpansec-upload\/v1\npath (\S+)\nsha256 (\S+)\nsize (0|[1-9][0-9]*)\nuploaded (\S+)\n$/.exec(text);
  if (!m) throw new EntryError("not a cpansec-upload/v1 entry");
  const e = { path: m[1] as string, sha256: m[2] as string, size: Number(m[3]), uploaded: m[4] as string };
  check(e);
  return e;
}

/**
 * The id the log deduplicates on: the CPAN path for upload entries, the overlay path for patch
 * entries (./patch-entry.ts: that name says which release and which patches), else the SHA-256.
 */
export function entryId(text: string, sha256hex: () => string): string {
  if (text.startsWith(`${HEADER}\n`)) return `path:${parseEntry(text).path}`;
  if (text.startsWith(`${PATCH_HEADER}\n`)) return `patched:${parsePatchEntry(text).path}`;
  return `sha256:${sha256hex()}`;
}

const strict = new TextDecoder("utf-8", { fatal: true });
const C = 0x63;
const BOM = 0xef;

/**
 * entryId of an entry's bytes, which must be UTF-8 (decoding's own error otherwise). Only bytes
 * that may start with a kind's header ("c", or the byte-order mark decoding drops) are decoded and
 * read: any other entry's id is its hash, and a log append takes the id of every entry.
 */
export function entryIdOf(bytes: Uint8Array, sha256hex: () => string): string {
  if (bytes[0] === C || bytes[0] === BOM || !isUtf8(bytes)) return entryId(strict.decode(bytes), sha256hex);
  return `sha256:${sha256hex()}`;
}

/** What a logged entry says when it is one of the kinds this log writes; neither for any other text (logged, not read). */
export function readLogEntry(text: string): { upload?: UploadEntry; patch?: PatchEntry } {
  try {
    if (text.startsWith(`${HEADER}\n`)) return { upload: parseEntry(text) };
    if (text.startsWith(`${PATCH_HEADER}\n`)) return { patch: parsePatchEntry(text) };
  } catch (e) {
    if (!(e instanceof EntryError)) throw e;
  }
  return {};
}

/**
 * Reading a CPAN upload: in memory, streamed, never extracted to disk, bounded by ArchiveLimits.
 * Archives are hostile input: every failure is an ArchiveError that says which file and why.
 */
import { Collector, type ManifestEntry } from "./collector";
import { type ArchiveFormat, corrupt, decompressInto, detectFormat, gunzipOnPool } from "./decompress";
import { ArchiveError } from "./errors";
import { type ArchiveLimits, Budget, DEFAULT_LIMITS } from "./limits";
import { TarReader } from "./tar";

export { ArchiveError, DEFAULT_LIMITS };
export type { ArchiveFormat, ArchiveLimits, ManifestEntry };
export type { ArchiveErrorCode } from "./errors";

export interface ArchiveContents {
  readonly format: ArchiveFormat;
  /** Regular files (with digests) and links (with targets, never followed), in archive order. */
  readonly entries: readonly ManifestEntry[];
  /** Bytes of the files `keep` asked for. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly warnings: readonly string[];
}

export interface ReadArchiveOptions {
  readonly limits?: Partial<ArchiveLimits>;
  readonly keep?: (path: string) => boolean | number;
  /** Also compute SHA-1 of each file (SPDX needs it). */
  readonly sha1?: boolean;
}

export async function readArchive(bytes: Uint8Array, options: ReadArchiveOptions = {}): Promise<ArchiveContents> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  new Budget(limits, bytes.byteLength); // refuses an oversized archive before its bytes are looked at
  const format = detectFormat(bytes);
  if (format === "tar.gz") {
    // Inflating on the thread pool frees this thread for parsing. On any failure the archive is
    // read again the usual way, whose pieces decide at which byte a limit trips: the error, and
    // the bytes of the answer, are then the same as if the pool had never been tried. Hostile
    // input pays the work twice, within the same limits.
    const fast = await readWith(bytes, format, limits, options, gunzipOnPool).catch(() => undefined);
    if (fast) return fast;
  }
  return readWith(bytes, format, limits, options, (buf, sink) => decompressInto(buf, format as Exclude<ArchiveFormat, "zip">, sink));
}

type Inflate = (buf: Uint8Array, sink: (chunk: Uint8Array) => void) => Promise<void>;

async function readWith(
  bytes: Uint8Array,
  format: ArchiveFormat,
  limits: ArchiveLimits,
  options: ReadArchiveOptions,
  inflate: Inflate,
): Promise<ArchiveContents> {
  const budget = new Budget(limits, bytes.byteLength);
  const out = new Collector(budget, { keep: options.keep ?? (() => false), sha1: options.sha1 ?? false });
  try {
    if (format === "zip") await (await import("./zip")).readZip(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), budget, out);
    else {
      const tar = new TarReader(budget, out);
      await inflate(bytes, (chunk) => tar.write(chunk));
      tar.end();
    }
  } catch (e) {
    throw corrupt(format, e);
  }
  return { format, entries: out.entries, files: out.files, warnings: out.warnings };
}

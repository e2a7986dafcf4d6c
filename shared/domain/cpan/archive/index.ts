/**
 * Reading a CPAN upload: in memory, streamed, never extracted to disk, bounded by ArchiveLimits.
 * Archives are hostile input: every failure is an ArchiveError that says which file and why.
 */
import { Collector, type ManifestEntry } from "./collector";
import { type ArchiveFormat, corrupt, decompressInto, detectFormat } from "./decompress";
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
  const budget = new Budget(limits, bytes.byteLength);
  const format = detectFormat(bytes);
  const out = new Collector(budget, { keep: options.keep ?? (() => false), sha1: options.sha1 ?? false });
  try {
    if (format === "zip") await (await import("./zip")).readZip(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), budget, out);
    else {
      const tar = new TarReader(budget, out);
      await decompressInto(bytes, format, (chunk) => tar.write(chunk));
      tar.end();
    }
  } catch (e) {
    throw corrupt(format, e);
  }
  return { format, entries: out.entries, files: out.files, warnings: out.warnings };
}

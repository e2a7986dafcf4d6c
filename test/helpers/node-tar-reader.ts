/**
 * The tar parser archives were read with before shared/domain/cpan/archive/tar.ts: node-tar's
 * Parser in strict mode, feeding the same Collector. Kept as the reference the reader is compared
 * with (test/unit/cpan/tar-reader.test.ts). The header checks that ran beside it then are in the
 * reader now and are not part of this reference: it answers what node-tar lists and what it refuses.
 */
import { Parser, type ReadEntry } from "tar";
import { type ArchiveContents, type ArchiveLimits, DEFAULT_LIMITS, readArchive } from "../../shared/domain/cpan/archive";
import { Collector } from "../../shared/domain/cpan/archive/collector";
import { corrupt, decompressInto, detectFormat } from "../../shared/domain/cpan/archive/decompress";
import { ArchiveError } from "../../shared/domain/cpan/archive/errors";
import { Budget } from "../../shared/domain/cpan/archive/limits";

const FILE_TYPES = new Set(["File", "OldFile", "ContiguousFile"]);

class NodeTarReader {
  private readonly parser: Parser;
  private failure: unknown;
  private entries = 0;

  constructor(
    private readonly budget: Budget,
    private readonly out: Collector,
  ) {
    this.parser = new Parser({ strict: true, maxMetaEntrySize: 1024 * 1024, onReadEntry: (e) => this.entry(e) });
    this.parser.on("error", (e: unknown) => (this.failure ??= e));
    this.parser.on(
      "ignoredEntry",
      (e: ReadEntry) => (this.failure ??= new ArchiveError("unsupported-entry", `${JSON.stringify(e.path)}: a ${String(e.type)} entry node-tar skips`, e.path)),
    );
  }

  private entry(e: ReadEntry): void {
    try {
      this.entries++;
      const type = String(e.type);
      if (FILE_TYPES.has(type)) {
        const sink = this.out.openFile(e.path, e.size ?? 0);
        e.on("data", (c: Buffer) => this.safely(() => sink.write(c)));
        e.on("end", () => this.safely(() => sink.close()));
        return;
      }
      if (type === "Directory") this.out.directory(e.path);
      else if (type === "SymbolicLink" || type === "Link") this.out.link(e.path, type === "Link" ? "hardlink" : "symlink", e.linkpath ?? "");
      else throw new ArchiveError("unsupported-entry", `${e.path} is a ${type} entry`, e.path);
      e.resume();
    } catch (err) {
      this.failure ??= err;
      e.resume();
    }
  }

  private safely(f: () => void): void {
    try {
      f();
    } catch (err) {
      this.failure ??= err;
    }
  }

  write(chunk: Uint8Array): void {
    this.budget.addDecompressed(chunk.byteLength);
    this.parser.write(chunk as Buffer);
    if (this.failure) throw this.failure;
  }

  end(): void {
    this.parser.end();
    if (this.failure) throw this.failure;
    if (this.entries === 0) throw new ArchiveError("corrupt", "no tar entries: not a tar stream, or an empty one");
  }
}

/** readArchive, with node-tar reading the tar stream. */
export async function readArchiveNodeTar(
  bytes: Uint8Array,
  options: { limits?: Partial<ArchiveLimits>; keep?: (path: string) => boolean | number; sha1?: boolean } = {},
): Promise<ArchiveContents> {
  const format = detectFormat(bytes);
  if (format === "zip") return readArchive(bytes, options);
  const budget = new Budget({ ...DEFAULT_LIMITS, ...options.limits }, bytes.byteLength);
  const out = new Collector(budget, { keep: options.keep ?? (() => false), sha1: options.sha1 ?? false });
  try {
    const tar = new NodeTarReader(budget, out);
    await decompressInto(bytes, format, (chunk) => tar.write(chunk));
    tar.end();
  } catch (e) {
    throw corrupt(format, e);
  }
  return { format, entries: out.entries, files: out.files, warnings: out.warnings };
}

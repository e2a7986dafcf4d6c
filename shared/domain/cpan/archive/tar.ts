import { Parser, type ReadEntry } from "tar";
import type { Collector } from "./collector";
import { ArchiveError } from "./errors";
import type { Budget } from "./limits";
import { TarHeaderGuard } from "./tar-guard";

const FILE_TYPES = new Set(["File", "OldFile", "ContiguousFile"]);

/**
 * A push parser for a decompressed tar stream (node-tar's Parser, strict: a bad header checksum is
 * an error, not a skipped entry). Every byte is counted before parsing, so bombs stop at the limit;
 * file bodies stream through the collector, which hashes them and keeps only what was asked for.
 */
export class TarReader {
  private readonly parser: Parser;
  private readonly guard = new TarHeaderGuard();
  private failure: unknown;
  private entries = 0;

  constructor(
    private readonly budget: Budget,
    private readonly out: Collector,
  ) {
    this.parser = new Parser({ strict: true, maxMetaEntrySize: 1024 * 1024, onReadEntry: (e) => this.entry(e) });
    this.parser.on("error", (e: unknown) => (this.failure ??= e));
    // TarHeaderGuard refuses every member node-tar would skip before node-tar sees it; this is
    // the second line, should the two ever disagree.
    this.parser.on(
      "ignoredEntry",
      (e: ReadEntry) =>
        (this.failure ??= new ArchiveError(
          "unsupported-entry",
          `${JSON.stringify(e.path)}: a ${String(e.type)} entry this reader would skip; refused`,
          e.path,
        )),
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
      else throw new ArchiveError("unsupported-entry", `${e.path} is a ${type} entry; only files, directories and links are allowed`, e.path);
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

  private check(): void {
    if (this.failure) throw this.failure;
  }

  write(chunk: Uint8Array): void {
    this.budget.addDecompressed(chunk.byteLength);
    this.guard.write(chunk);
    this.parser.write(chunk as Buffer);
    this.check();
  }

  end(): void {
    this.parser.end();
    this.check();
    if (this.entries === 0) throw new ArchiveError("corrupt", "no tar entries: not a tar stream, or an empty one");
  }
}

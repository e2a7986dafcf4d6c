import { createHash } from "node:crypto";
import { ArchiveError } from "./errors";
import type { Budget } from "./limits";
import { safeEntryPath } from "./paths";

export type EntryType = "file" | "symlink" | "hardlink";

export interface ManifestEntry {
  readonly path: string;
  readonly type: EntryType;
  /** Bytes of a regular file; 0 for links. */
  readonly size: number;
  readonly sha256?: string;
  readonly sha1?: string;
  /** Where a link points. Recorded, never followed. */
  readonly linkTarget?: string;
}

export interface FileSink {
  write(chunk: Uint8Array): void;
  close(): void;
}

export interface CollectOptions {
  /**
   * Which files' bytes to keep in memory (META, and what later steps ask for): true for the whole
   * file (up to maxKeptFileBytes), or a number to keep only that many leading bytes.
   */
  readonly keep: (path: string) => boolean | number;
  readonly sha1: boolean;
}

/** Builds the manifest as entries stream past: hashes every file, keeps only the wanted bytes. */
export class Collector {
  private readonly byPath = new Map<string, ManifestEntry>();
  readonly files = new Map<string, Uint8Array>();
  readonly warnings: string[] = [];

  constructor(
    private readonly budget: Budget,
    private readonly options: CollectOptions,
  ) {}

  private record(rawPath: string, declaredSize: number): string {
    const path = safeEntryPath(rawPath);
    this.budget.addEntry(path, declaredSize);
    if (this.byPath.delete(path)) {
      this.files.delete(path);
      this.warnings.push(`duplicate entry ${path}: the last copy wins, as extractors do`);
    }
    return path;
  }

  /** Files and links in archive order (a duplicate takes the place of its last copy). */
  get entries(): ManifestEntry[] {
    return [...this.byPath.values()];
  }

  directory(rawPath: string): void {
    this.budget.addEntry(safeEntryPath(rawPath), 0);
  }

  link(rawPath: string, type: Exclude<EntryType, "file">, target: string): void {
    const path = this.record(rawPath, 0);
    this.byPath.set(path, { path, type, size: 0, linkTarget: target });
  }

  /** Starts a regular file: feed its bytes to `write`, then `close` (which checks the declared size). */
  openFile(rawPath: string, declaredSize: number): FileSink {
    const path = this.record(rawPath, declaredSize);
    const maxKept = this.budget.limits.maxKeptFileBytes;
    const sha256 = createHash("sha256");
    const sha1 = this.options.sha1 ? createHash("sha1") : undefined;
    const wanted = this.options.keep(path);
    const prefix = typeof wanted === "number" ? Math.min(wanted, maxKept) : undefined;
    let kept: Uint8Array[] | undefined = wanted ? [] : undefined;
    let size = 0;
    const tooBig = () => {
      // Too large to parse safely: still hashed and listed, but its bytes are not kept.
      this.warnings.push(`${path} is over the ${maxKept}-byte limit for a file that is parsed; not read`);
      kept = undefined;
    };
    if (kept && prefix === undefined && declaredSize > maxKept) tooBig();
    return {
      write: (chunk) => {
        size += chunk.byteLength;
        this.budget.checkEntrySize(path, size);
        sha256.update(chunk);
        sha1?.update(chunk);
        if (kept && prefix !== undefined) {
          const room = prefix - (size - chunk.byteLength);
          if (room > 0) kept.push(chunk.subarray(0, room));
        } else if (kept) {
          kept.push(chunk);
          if (size > maxKept) tooBig();
        }
      },
      close: () => {
        if (size !== declaredSize) throw new ArchiveError("corrupt", `${path}: header says ${declaredSize} bytes, data has ${size}`, path);
        if (kept) this.files.set(path, Buffer.concat(kept));
        this.byPath.set(path, { path, type: "file", size, sha256: sha256.digest("hex"), ...(sha1 ? { sha1: sha1.digest("hex") } : {}) });
      },
    };
  }
}

import { createHash } from "node:crypto";
import { ArchiveError } from "./errors";
import { type Budget, MAX_WARNINGS } from "./limits";
import { escapesRoot, safeEntryPath } from "./paths";

export type EntryType = "file" | "symlink" | "hardlink";

export interface ManifestEntry {
  readonly path: string;
  readonly type: EntryType;
  /**
   * Bytes of a regular file, and of a hard link to one (extractors write it as a copy of its
   * target, so it carries the target's size and digests); 0 for symlinks.
   */
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
  /** Paths that hard links point at: replacing one later is written differently by extractors. */
  private readonly linkedTo = new Set<string>();
  readonly files = new Map<string, Uint8Array>();
  private readonly notes: string[] = [];
  private unlisted = 0;
  private kept = 0;
  private sampled = 0;

  constructor(
    private readonly budget: Budget,
    private readonly options: CollectOptions,
  ) {}

  /** At most MAX_WARNINGS, then a count: an archive cannot grow memory through its warnings. */
  get warnings(): string[] {
    return this.unlisted ? [...this.notes, `and ${this.unlisted} more warnings`] : [...this.notes];
  }

  private warn(w: string): void {
    if (this.notes.length < MAX_WARNINGS) this.notes.push(w);
    else this.unlisted++;
  }

  private record(rawPath: string, declaredSize: number): string {
    const path = safeEntryPath(rawPath);
    this.budget.addEntry(path, declaredSize);
    if (this.linkedTo.has(path)) {
      // GNU tar keeps the link's old bytes, Python copies the new ones: no single manifest is true.
      throw new ArchiveError(
        "unsupported-entry",
        `${JSON.stringify(path)} is replaced after a hard link to it; extractors disagree on the link's bytes (GNU tar keeps the old, Python copies the new)`,
        path,
      );
    }
    const old = this.byPath.get(path);
    if (old) {
      this.byPath.delete(path);
      this.kept -= this.files.get(path)?.byteLength ?? 0;
      this.files.delete(path);
      this.warn(`duplicate entry ${path}: the last copy wins, as extractors do`);
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
    if (escapesRoot(path, target, type))
      this.warn(`${path} is a ${type === "symlink" ? "symbolic" : "hard"} link to ${JSON.stringify(target)}, outside the archive`);
    if (type === "symlink") {
      this.byPath.set(path, { path, type, size: 0, linkTarget: target });
      return;
    }
    // A hard link's target is a path in the archive (not relative to the link), already extracted.
    let to: ManifestEntry | undefined;
    try {
      to = this.byPath.get(safeEntryPath(target));
    } catch {
      to = undefined;
    }
    if (to?.type === "file" || (to?.type === "hardlink" && to.sha256)) {
      this.linkedTo.add(to.path);
      const { size, sha256, sha1 } = to;
      this.byPath.set(path, { path, type, size, ...(sha256 ? { sha256 } : {}), ...(sha1 ? { sha1 } : {}), linkTarget: target });
      return;
    }
    if (!to) {
      // GNU tar skips the link and goes on; Python stops extracting there: they disagree.
      throw new ArchiveError(
        "unsupported-entry",
        `${JSON.stringify(path)} is a hard link to ${JSON.stringify(target)}, which is not in the archive before it; extractors disagree on what follows`,
        path,
      );
    }
    this.byPath.set(path, { path, type, size: 0, linkTarget: target });
  }

  /**
   * How much of a file to keep (false, all of it, or a leading-byte count), settled from its
   * declared size before any byte arrives, within the archive's allowance: however many files an
   * archive holds, what is kept stays under maxKeptBytes.
   */
  private allowance(path: string, declaredSize: number): boolean | number {
    const wanted = this.options.keep(path);
    if (!wanted) return false;
    const { maxKeptFileBytes: maxFile, maxKeptBytes: maxAll } = this.budget.limits;
    if (wanted === true && declaredSize > maxFile) {
      this.warn(`${path} is over the ${maxFile}-byte limit for a file that is parsed; not read`);
      return false;
    }
    const n = wanted === true ? declaredSize : Math.min(wanted, maxFile, declaredSize);
    const room = Math.min(maxAll - this.kept, wanted === true ? Infinity : maxAll * 0.75 - this.sampled);
    if (n > room) {
      this.warn(`${path} not examined: the ${maxAll}-byte allowance for bytes kept from one archive is used up`);
      return false;
    }
    this.kept += n;
    if (wanted !== true) this.sampled += n;
    return wanted === true ? true : n;
  }

  /** Starts a regular file: feed its bytes to `write`, then `close` (which checks the declared size). */
  openFile(rawPath: string, declaredSize: number): FileSink {
    const path = this.record(rawPath, declaredSize);
    const maxKept = this.budget.limits.maxKeptFileBytes;
    const sha256 = createHash("sha256");
    const sha1 = this.options.sha1 ? createHash("sha1") : undefined;
    const wanted = this.allowance(path, declaredSize);
    const prefix = typeof wanted === "number" ? wanted : undefined;
    let kept: Uint8Array[] | undefined = wanted ? [] : undefined;
    let size = 0;
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
          if (size > maxKept) kept = undefined; // more data than the header said: close() reports it
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

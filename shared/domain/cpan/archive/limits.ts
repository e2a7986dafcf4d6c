import { ArchiveError } from "./errors";

/** Bounds on what one archive may cost to read. Every one is checked before or while bytes arrive. */
export interface ArchiveLimits {
  /** Compressed size of the archive itself. */
  readonly maxArchiveBytes: number;
  /** Sum of all decompressed bytes (the tar stream, or the sum of zip entries). */
  readonly maxTotalBytes: number;
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
  /** Decompressed / compressed, enforced once the output passes ratioFloorBytes. */
  readonly maxRatio: number;
  readonly ratioFloorBytes: number;
  /** Largest file whose bytes are kept in memory for later steps (META and the like). */
  readonly maxKeptFileBytes: number;
  /**
   * All kept bytes of one archive together. Leading-byte samples (bundled-code detection) may use
   * three quarters of it, so that a META late in the archive still fits.
   */
  readonly maxKeptBytes: number;
  /** One entry name, and all entry names together (the manifest is kept in memory). */
  readonly maxNameBytes: number;
  readonly maxTotalNameBytes: number;
}

export const DEFAULT_LIMITS: ArchiveLimits = {
  maxArchiveBytes: 128 * 2 ** 20,
  maxTotalBytes: 1024 * 2 ** 20,
  maxEntries: 50_000,
  maxEntryBytes: 256 * 2 ** 20,
  maxRatio: 100,
  ratioFloorBytes: 16 * 2 ** 20,
  maxKeptFileBytes: 4 * 2 ** 20,
  maxKeptBytes: 32 * 2 ** 20,
  maxNameBytes: 4096,
  maxTotalNameBytes: 16 * 2 ** 20,
};

/** Warnings kept per archive; past this, one line counts the rest. */
export const MAX_WARNINGS = 100;

const mib = (n: number) => `${(n / 2 ** 20).toFixed(n < 2 ** 20 ? 3 : 1)} MiB`;

/** Running totals for one archive; throws ArchiveError("limit") the moment a bound is crossed. */
export class Budget {
  private total = 0;
  private entries = 0;
  private names = 0;
  constructor(
    readonly limits: ArchiveLimits,
    private readonly compressedBytes: number,
  ) {
    if (compressedBytes > limits.maxArchiveBytes) {
      throw new ArchiveError("limit", `archive is ${mib(compressedBytes)}, over the ${mib(limits.maxArchiveBytes)} limit`);
    }
  }

  /** Counts decompressed bytes as they stream out of the decompressor. */
  addDecompressed(n: number): void {
    this.total += n;
    if (this.total > this.limits.maxTotalBytes) {
      throw new ArchiveError("limit", `archive expands past the ${mib(this.limits.maxTotalBytes)} limit on uncompressed size`);
    }
    if (this.total > this.limits.ratioFloorBytes && this.total / Math.max(1, this.compressedBytes) > this.limits.maxRatio) {
      throw new ArchiveError(
        "limit",
        `archive expands more than ${this.limits.maxRatio}x (${mib(this.compressedBytes)} to over ${mib(this.total)}): a compression bomb?`,
      );
    }
  }

  addEntry(path: string, declaredSize: number): void {
    this.entries++;
    if (this.entries > this.limits.maxEntries) throw new ArchiveError("limit", `archive has more than ${this.limits.maxEntries} entries`, path);
    const name = Buffer.byteLength(path);
    if (name > this.limits.maxNameBytes)
      throw new ArchiveError(
        "limit",
        `an entry name of ${name} bytes, over the ${this.limits.maxNameBytes}-byte limit: ${JSON.stringify(path.slice(0, 100))}...`,
        path.slice(0, 100),
      );
    this.names += name;
    if (this.names > this.limits.maxTotalNameBytes)
      throw new ArchiveError("limit", `entry names total over ${mib(this.limits.maxTotalNameBytes)}`, path.slice(0, 100));
    this.checkEntrySize(path, declaredSize);
  }

  checkEntrySize(path: string, size: number): void {
    if (size > this.limits.maxEntryBytes) {
      throw new ArchiveError("limit", `${path} is ${mib(size)}, over the ${mib(this.limits.maxEntryBytes)} limit for one file`, path);
    }
  }
}

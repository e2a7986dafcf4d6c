import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ConflictError, type ObjectStore } from "../../ports";

/**
 * ObjectStore on a directory laid out exactly like the S3 bucket it stands for. Objects appear whole or not at
 * all: written to a temporary file, then hard-linked into place (create: fails if present) or
 * renamed over (publish). No fsync: this survives a crashed process, not a lost machine.
 * Synchronous file calls on purpose: each is microseconds on a local disk, while a promise-based
 * call costs a thread-pool round trip (25x slower reads here; docs/benchmarks.md).
 */
export class FsObjectStore implements ObjectStore {
  constructor(readonly dir: string) {}

  private file(path: string): string {
    if (!/^[A-Za-z0-9._+~@,=-]+(\/[A-Za-z0-9._+~@,=-]+)*$/.test(path) || path.split("/").some((p) => p === ".." || p === ".")) {
      throw new Error(`refusing object path ${JSON.stringify(path)}`);
    }
    return join(this.dir, path);
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    try {
      return readFileSync(this.file(path));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  private readonly made = new Set<string>();
  /**
   * Temporary names: unique to this store object (random) and to each write (a counter), so
   * neither another process nor another write here can pick the same one. Random bytes per
   * write cost more than the write itself when a publication writes thousands of files.
   */
  private readonly tmpPrefix = `.tmp-${process.pid}-${randomBytes(6).toString("hex")}-`;
  private writes = 0;

  private temp(file: string, bytes: Uint8Array): string {
    const dir = dirname(file);
    if (!this.made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.made.add(dir);
    }
    const tmp = `${file}${this.tmpPrefix}${++this.writes}`;
    writeFileSync(tmp, bytes);
    return tmp;
  }

  async create(path: string, bytes: Uint8Array): Promise<void> {
    const file = this.file(path);
    const tmp = this.temp(file, bytes);
    try {
      linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      if (Buffer.compare(readFileSync(file), bytes) !== 0) throw new ConflictError(path);
    } finally {
      unlinkSync(tmp);
    }
  }

  async publish(path: string, bytes: Uint8Array): Promise<void> {
    const file = this.file(path);
    renameSync(this.temp(file, bytes), file);
  }
}

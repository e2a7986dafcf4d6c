import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ConflictError, type TileStore } from "../../ports";

/**
 * TileStore on a directory laid out exactly like the S3 log bucket. Objects appear whole or not at
 * all: written to a temporary file, then hard-linked into place (create: fails if present) or
 * renamed over (publish). No fsync: this survives a crashed process, not a lost machine.
 */
export class FsTileStore implements TileStore {
  constructor(readonly dir: string) {}

  private file(path: string): string {
    if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(path) || path.split("/").some((p) => p === "..")) {
      throw new Error(`refusing object path ${JSON.stringify(path)}`);
    }
    return join(this.dir, path);
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.file(path));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  private async temp(file: string, bytes: Uint8Array): Promise<string> {
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${randomBytes(6).toString("hex")}`;
    await writeFile(tmp, bytes);
    return tmp;
  }

  async create(path: string, bytes: Uint8Array): Promise<void> {
    const file = this.file(path);
    const tmp = await this.temp(file, bytes);
    try {
      await link(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const existing = await readFile(file);
      if (Buffer.compare(existing, bytes) !== 0) throw new ConflictError(path);
    } finally {
      await unlink(tmp);
    }
  }

  async publish(path: string, bytes: Uint8Array): Promise<void> {
    const file = this.file(path);
    await rename(await this.temp(file, bytes), file);
  }
}

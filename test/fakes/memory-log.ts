// In-memory log ports with the same contracts as the real adapters (checked by test/contracts).
import { ConflictError, type LogHead, type LogIndex, type TileStore } from "../../shared/ports";

export class MemoryTileStore implements TileStore {
  readonly objects = new Map<string, Uint8Array>();
  async read(path: string) {
    return this.objects.get(path);
  }
  async create(path: string, bytes: Uint8Array) {
    const old = this.objects.get(path);
    if (old && Buffer.compare(old, bytes) !== 0) throw new ConflictError(path);
    this.objects.set(path, new Uint8Array(bytes));
  }
  async publish(path: string, bytes: Uint8Array) {
    this.objects.set(path, new Uint8Array(bytes));
  }
}

export class MemoryLogHead implements LogHead {
  value: string | undefined;
  async read() {
    return this.value;
  }
  async compareAndSwap(expected: string | undefined, next: string) {
    if (this.value !== expected) return false;
    this.value = next;
    return true;
  }
}

export class MemoryLogIndex implements LogIndex {
  readonly map = new Map<string, number>();
  async getMany(ids: readonly string[]) {
    return new Map(ids.flatMap((id) => (this.map.has(id) ? [[id, this.map.get(id) as number] as const] : [])));
  }
  async putMany(records: ReadonlyArray<readonly [string, number]>) {
    for (const [id, i] of records) if (!this.map.has(id)) this.map.set(id, i);
  }
}

export const memoryLog = () => ({ tiles: new MemoryTileStore(), head: new MemoryLogHead(), index: new MemoryLogIndex() });

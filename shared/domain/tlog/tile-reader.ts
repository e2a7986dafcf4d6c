import { type Hash, perfectRoot } from "./hash";
import type { NodeSource } from "./proof";
import { TILE_HEIGHT, TILE_WIDTH, type TileRef, splitTile, tileFor, tilePath } from "./tiles";

export type ReadBytes = (path: string) => Promise<Uint8Array | undefined>;

export class MissingTileError extends Error {
  override readonly name = "MissingTileError";
}

/**
 * Hashes of a tree of `size` read from its tiles, each tile fetched at most once. `reads` counts
 * fetches (the proof budget is a handful per proof). For a past size whose partial tile was never
 * written (batches skip sizes), pass the log's current size: the tile is then read at its current
 * width and cut to the prefix, which C2SP guarantees is the same.
 */
export class TileReader {
  private readonly cache = new Map<string, Promise<Hash[]>>();
  reads = 0;

  constructor(
    private readonly read: ReadBytes,
    readonly size: number,
    private readonly currentSize = size,
  ) {}

  tile(ref: TileRef): Promise<Hash[]> {
    const path = tilePath(ref.level, ref.index, ref.width);
    let p = this.cache.get(path);
    if (!p) {
      p = (async () => {
        this.reads++;
        const bytes = await this.read(path);
        if (bytes) return splitTile(bytes, ref, path);
        const wider = tileFor(ref.level, ref.index * TILE_WIDTH, this.currentSize);
        if (wider.width > ref.width) {
          const widerPath = tilePath(wider.level, wider.index, wider.width);
          this.reads++;
          const b = await this.read(widerPath);
          if (b) return splitTile(b, wider, widerPath).slice(0, ref.width);
        }
        throw new MissingTileError(`${path} is missing (needed for tree size ${this.size})`);
      })();
      this.cache.set(path, p);
    }
    return p;
  }

  /** The NodeSource for proofs: a node at Merkle level L comes from tile level floor(L/8). */
  readonly node: NodeSource = async (level, index) => {
    const t = Math.floor(level / TILE_HEIGHT);
    const span = 2 ** (level - t * TILE_HEIGHT);
    const first = index * span;
    const ref = tileFor(t, first, this.size);
    const hashes = await this.tile(ref);
    const at = first - ref.index * TILE_WIDTH;
    if (at + span > hashes.length) throw new MissingTileError(`node ${level}/${index} is not complete in a tree of size ${this.size}`);
    return perfectRoot(hashes.slice(at, at + span));
  };
}

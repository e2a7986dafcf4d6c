/**
 * What appending entries to a tiled log writes: the new and grown tiles and entry bundles of every
 * level, and the new root. Pure over a tile reader: the sequencer decides when to write.
 */
import { rangeRoot } from "./compact-range";
import { type Hash, HASH_SIZE, leafHashesInto, perfectRootOfBytes } from "./hash";
import type { ReadBytes } from "./tile-reader";
import { TILE_WIDTH, checkTile, decodeBundle, encodeBundle, entriesPath, tilePath } from "./tiles";

export interface Extension {
  readonly size: number;
  readonly root: Hash;
  /** Objects to create, lowest levels first; all are immutable at their paths. */
  readonly writes: ReadonlyArray<readonly [path: string, bytes: Uint8Array]>;
}

const TILE_BYTES = TILE_WIDTH * HASH_SIZE;

export async function extendLog(read: ReadBytes, size: number, entries: readonly Uint8Array[]): Promise<Extension> {
  const newSize = size + entries.length;
  const writes: [string, Uint8Array][] = [];
  const need = async (path: string) => {
    const b = await read(path);
    if (!b) throw new Error(`${path} is missing: the log at size ${size} is incomplete`);
    return b;
  };

  // Entry bundles share level 0's partitioning: grow the partial one, then add new ones.
  const partial = size % TILE_WIDTH;
  const firstBundle = Math.floor(size / TILE_WIDTH);
  const bundle = partial ? entriesPath(firstBundle, partial) : "";
  const bundled = partial ? [...decodeBundle(await need(bundle), bundle, partial), ...entries] : entries;
  for (let i = 0; i < bundled.length; i += TILE_WIDTH) {
    const items = bundled.slice(i, i + TILE_WIDTH);
    writes.push([entriesPath(firstBundle + i / TILE_WIDTH, items.length), encodeBundle(items)]);
  }

  // Each level as one buffer of hashes from the start of its partial tile (the old partial tile,
  // then the new hashes); its tiles are slices of it. `fresh`: the level's new hashes.
  let fresh = Buffer.allocUnsafe(entries.length * HASH_SIZE);
  leafHashesInto(entries, fresh, 0);
  // The root folds the perfect subtrees of the tree's right edge, largest first: within each tile
  // level they lie in its partial tile at the new size.
  const edge: Hash[][] = [];
  for (let level = 0; Math.floor(newSize / TILE_WIDTH ** level) > 0; level++) {
    const count = Math.floor(size / TILE_WIDTH ** level);
    const width = count % TILE_WIDTH;
    const first = Math.floor(count / TILE_WIDTH);
    const ref = { level, index: first, width };
    const old = width ? checkTile(await need(tilePath(level, first, width)), ref, tilePath(level, first, width)) : new Uint8Array(0);
    const hashes = fresh.byteLength ? Buffer.concat([old, fresh]) : old;
    const next = Buffer.allocUnsafe(Math.floor(hashes.byteLength / TILE_BYTES) * HASH_SIZE);
    for (let at = 0; at < hashes.byteLength && fresh.byteLength; at += TILE_BYTES) {
      const t = hashes.subarray(at, at + TILE_BYTES);
      writes.push([tilePath(level, first + at / TILE_BYTES, t.byteLength / HASH_SIZE), t]);
      if (t.byteLength === TILE_BYTES) next.set(perfectRootOfBytes(t), (at / TILE_BYTES) * HASH_SIZE);
    }
    const tail = hashes.subarray(hashes.byteLength - (hashes.byteLength % TILE_BYTES));
    const roots: Hash[] = [];
    for (let at = 0, span = TILE_WIDTH / 2; span >= 1; span /= 2) {
      if (tail.byteLength / HASH_SIZE - at < span) continue;
      roots.push(perfectRootOfBytes(tail.subarray(at * HASH_SIZE, (at + span) * HASH_SIZE)));
      at += span;
    }
    edge.push(roots);
    fresh = next;
  }
  return { size: newSize, root: rangeRoot({ size: newSize, hashes: edge.reverse().flat() }), writes };
}

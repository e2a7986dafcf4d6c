/**
 * What appending entries to a tiled log writes: the new and grown tiles and entry bundles of every
 * level, and the new root. Pure over a tile reader: the sequencer decides when to write.
 */
import { type Hash, leafHash, perfectRoot } from "./hash";
import { treeRoot } from "./proof";
import { type ReadBytes, TileReader } from "./tile-reader";
import { TILE_WIDTH, decodeBundle, encodeBundle, entriesPath, joinTile, splitTile, tilePath } from "./tiles";

export interface Extension {
  readonly size: number;
  readonly root: Hash;
  /** Objects to create, lowest levels first; all are immutable at their paths. */
  readonly writes: ReadonlyArray<readonly [path: string, bytes: Uint8Array]>;
}

function chunks<T>(items: T[], firstIndex: number): { index: number; items: T[] }[] {
  const out: { index: number; items: T[] }[] = [];
  for (let i = 0; i < items.length; i += TILE_WIDTH) out.push({ index: firstIndex + i / TILE_WIDTH, items: items.slice(i, i + TILE_WIDTH) });
  return out;
}

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
  const oldEntries = partial ? decodeBundle(await need(entriesPath(firstBundle, partial)), entriesPath(firstBundle, partial), partial) : [];
  for (const c of chunks([...oldEntries, ...entries], firstBundle)) writes.push([entriesPath(c.index, c.items.length), encodeBundle(c.items)]);

  let fresh: Hash[] = entries.map((e) => leafHash(e));
  for (let level = 0; fresh.length > 0; level++) {
    const count = Math.floor(size / TILE_WIDTH ** level);
    const width = count % TILE_WIDTH;
    const first = Math.floor(count / TILE_WIDTH);
    const ref = { level, index: first, width };
    const old = width ? splitTile(await need(tilePath(level, first, width)), ref, tilePath(level, first, width)) : [];
    const next: Hash[] = [];
    for (const c of chunks([...old, ...fresh], first)) {
      writes.push([tilePath(level, c.index, c.items.length), joinTile(c.items)]);
      if (c.items.length === TILE_WIDTH) next.push(perfectRoot(c.items));
    }
    fresh = next;
  }

  const written = new Map(writes);
  const reader = new TileReader(async (p) => written.get(p) ?? read(p), newSize);
  return { size: newSize, root: await treeRoot(newSize, reader.node), writes };
}

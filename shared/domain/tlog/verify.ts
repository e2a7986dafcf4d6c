/**
 * Full verification of a tiled log, as a third party runs it: the checkpoint's signature, every
 * entry bundle, every tile of every level recomputed from the entries, and the root. It never
 * claims success on a partial check: anything missing or different is a LogVerificationError
 * naming the object and what is wrong.
 */
import { type Checkpoint, parseCheckpoint } from "./checkpoint";
import { type Hash, b64, equalBytes, leafHash, perfectRoot } from "./hash";
import { type Verifier, openNote } from "./note";
import { treeRoot } from "./proof";
import { type ReadBytes, TileReader } from "./tile-reader";
import { TILE_WIDTH, decodeBundle, entriesPath, splitTile, tilePath, tilesAt } from "./tiles";

export class LogVerificationError extends Error {
  override readonly name = "LogVerificationError";
}

export interface VerifiedLog {
  readonly checkpoint: Checkpoint;
  /** The entries, in log order (when asked for). */
  readonly entries?: Uint8Array[];
}

/**
 * A signed note verifies a key's signature over the text, not which log the text is about: the
 * origin line must name the expected log too, by default the first verifier's name (C2SP logs name
 * their key after their origin), or a checkpoint of another log signed by the same key passes.
 */
export function openCheckpointNote(note: string, verifiers: readonly Verifier[], origin = verifiers[0]?.name): Checkpoint {
  const checkpoint = parseCheckpoint(openNote(note, verifiers).text);
  if (checkpoint.origin !== origin) throw new LogVerificationError(`checkpoint origin is ${checkpoint.origin}, expected ${origin}`);
  return checkpoint;
}

export async function openCheckpoint(read: ReadBytes, verifiers: readonly Verifier[], origin?: string): Promise<{ note: string; checkpoint: Checkpoint }> {
  const bytes = await read("checkpoint");
  if (!bytes) throw new LogVerificationError("checkpoint is missing");
  const note = new TextDecoder().decode(bytes);
  try {
    return { note, checkpoint: openCheckpointNote(note, verifiers, origin) };
  } catch (e) {
    if (e instanceof LogVerificationError) throw e;
    throw new LogVerificationError(`checkpoint: ${(e as Error).message}`, { cause: e });
  }
}

export async function verifyLog(
  read: ReadBytes,
  verifiers: readonly Verifier[],
  options: { keepEntries?: boolean; origin?: string } = {},
): Promise<VerifiedLog> {
  const { checkpoint } = await openCheckpoint(read, verifiers, options.origin);
  const size = checkpoint.size;
  const need = async (path: string) => {
    const b = await read(path);
    if (!b) throw new LogVerificationError(`${path} is missing (tree size ${size})`);
    return b;
  };
  const entries: Uint8Array[] = [];
  let level: Hash[] = [];
  for (const ref of tilesAt(0, size)) {
    const path = entriesPath(ref.index, ref.width);
    let bundle: Uint8Array[];
    try {
      bundle = decodeBundle(await need(path), path, ref.width);
    } catch (e) {
      throw e instanceof LogVerificationError ? e : new LogVerificationError((e as Error).message, { cause: e });
    }
    if (options.keepEntries) entries.push(...bundle);
    level.push(...bundle.map((e) => leafHash(e)));
  }
  // Check every tile of every level against hashes recomputed from the entries.
  for (let l = 0; level.length > 0; l++) {
    const next: Hash[] = [];
    for (const ref of tilesAt(l, size)) {
      const path = tilePath(l, ref.index, ref.width);
      const stored = splitTile(await need(path), ref, path);
      const want = level.slice(ref.index * TILE_WIDTH, ref.index * TILE_WIDTH + ref.width);
      const bad = want.findIndex((h, i) => !equalBytes(h, stored[i] as Hash));
      if (bad >= 0) throw new LogVerificationError(`${path}: hash ${bad} is ${b64(stored[bad] as Hash)}, the entries give ${b64(want[bad] as Hash)}`);
      if (ref.width === TILE_WIDTH) next.push(perfectRoot(want));
    }
    level = next;
  }
  const root = await treeRoot(size, new TileReader(read, size).node);
  if (!equalBytes(root, checkpoint.root)) throw new LogVerificationError(`checkpoint root ${b64(checkpoint.root)} does not match the tiles' root ${b64(root)}`);
  return { checkpoint, ...(options.keepEntries ? { entries } : {}) };
}

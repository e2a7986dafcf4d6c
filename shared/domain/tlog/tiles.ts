/**
 * C2SP tlog-tiles: tile and entry-bundle paths, which tiles a tree size has, and the bundle format.
 * Pure functions; the key layout of the log bucket is exactly these paths.
 */
import { type Hash, HASH_SIZE } from "./hash";

export const TILE_WIDTH = 256;
/** Merkle levels per tile level: a tile at tile level T holds hashes of Merkle level 8T. */
export const TILE_HEIGHT = 8;

export class TileFormatError extends Error {
  override readonly name = "TileFormatError";
}

/** 1234067 → "x001/x234/067"; 1000 → "x001/000"; 0 → "000". */
export function indexPath(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new TileFormatError(`bad tile index ${n}`);
  const groups: string[] = [];
  let rest = n;
  do {
    groups.unshift(String(rest % 1000).padStart(3, "0"));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join("/");
}

const suffix = (width: number) => {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new TileFormatError(`bad tile width ${width}`);
  return width === TILE_WIDTH ? "" : `.p/${width}`;
};

export function tilePath(level: number, n: number, width = TILE_WIDTH): string {
  if (!Number.isInteger(level) || level < 0 || level > 63) throw new TileFormatError(`bad tile level ${level}`);
  return `tile/${level}/${indexPath(n)}${suffix(width)}`;
}

export function entriesPath(n: number, width = TILE_WIDTH): string {
  return `tile/entries/${indexPath(n)}${suffix(width)}`;
}

export interface TileRef {
  readonly level: number;
  readonly index: number;
  readonly width: number;
}

/** Every tile a tree of `size` has at tile `level`, the partial one last (empty tiles never exist). */
export function tilesAt(level: number, size: number): TileRef[] {
  const hashes = Math.floor(size / TILE_WIDTH ** level);
  const full = Math.floor(hashes / TILE_WIDTH);
  const out: TileRef[] = [];
  for (let i = 0; i < full; i++) out.push({ level, index: i, width: TILE_WIDTH });
  if (hashes % TILE_WIDTH) out.push({ level, index: full, width: hashes % TILE_WIDTH });
  return out;
}

/** The tile holding hash `i` of tile level `level` in a tree of `size`, with its width at that size. */
export function tileFor(level: number, i: number, size: number): TileRef {
  const index = Math.floor(i / TILE_WIDTH);
  const hashes = Math.floor(size / TILE_WIDTH ** level);
  return { level, index, width: Math.min(TILE_WIDTH, hashes - index * TILE_WIDTH) };
}

/** A tile's bytes, checked to hold exactly `ref.width` hashes. */
export function checkTile(bytes: Uint8Array, ref: TileRef, path: string): Uint8Array {
  if (bytes.byteLength !== ref.width * HASH_SIZE) {
    throw new TileFormatError(`${path}: ${bytes.byteLength} bytes, want ${ref.width * HASH_SIZE} (${ref.width} hashes)`);
  }
  return bytes;
}

export function splitTile(bytes: Uint8Array, ref: TileRef, path: string): Hash[] {
  checkTile(bytes, ref, path);
  return Array.from({ length: ref.width }, (_, i) => bytes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
}

export function joinTile(hashes: readonly Hash[]): Uint8Array {
  return Buffer.concat(hashes);
}

export const MAX_ENTRY_BYTES = 0xffff;

/** An entry bundle: each entry prefixed by its length as a big-endian uint16. */
export function encodeBundle(entries: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as Uint8Array;
    if (e.byteLength > MAX_ENTRY_BYTES) throw new TileFormatError(`entry of ${e.byteLength} bytes is over the ${MAX_ENTRY_BYTES}-byte limit of entry bundles`);
    size += 2 + e.byteLength;
  }
  // One allocation, each entry copied once (a bundle is written for every 256 entries appended).
  // Every byte is written below. Indexed loops: a batch's staged bundle holds all its entries, and
  // a cold for-of steps an array iterator per entry.
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as Uint8Array;
    out[at] = e.byteLength >> 8;
    out[at + 1] = e.byteLength & 0xff;
    out.set(e, at + 2);
    at += 2 + e.byteLength;
  }
  return out;
}

export function decodeBundle(bytes: Uint8Array, path: string, want?: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.byteLength) {
    if (at + 2 > bytes.byteLength) throw new TileFormatError(`${path}: truncated length prefix at byte ${at}`);
    const n = ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
    if (at + 2 + n > bytes.byteLength) throw new TileFormatError(`${path}: entry ${out.length} claims ${n} bytes, only ${bytes.byteLength - at - 2} left`);
    out.push(bytes.subarray(at + 2, at + 2 + n));
    at += 2 + n;
  }
  if (want !== undefined && out.length !== want) throw new TileFormatError(`${path}: ${out.length} entries, want ${want}`);
  return out;
}

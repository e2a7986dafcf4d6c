/**
 * What a third-party monitor does with each new checkpoint: verify its signature, read the new
 * entries, fold their leaf hashes into the compact range it kept from last time (so the new tree
 * provably extends every tree it saw), compare the root, and watch for a CPAN path logged twice
 * with different contents. A checkpoint smaller than the verified tree is checked against it
 * (older-checkpoint.ts) and is always an alert: a log's head never goes back.
 */
import { appendLeaf, type CompactRange, EMPTY_RANGE, rangeRoot } from "./compact-range";
import { type UploadEntry, readLogEntry } from "./entry";
import type { PatchEntry } from "./patch-entry";
import { b64, equalBytes, leafHash, unb64 } from "./hash";
import type { Verifier } from "./note";
import type { ReadBytes } from "./tile-reader";
import { TILE_WIDTH, decodeBundle, entriesPath } from "./tiles";
import { checkOlderCheckpoint } from "./older-checkpoint";
import { LogVerificationError, openCheckpoint } from "./verify";

export interface MonitorState {
  readonly origin: string;
  readonly checkpoint: string;
  readonly size: number;
  /** The compact range at `size`, base64. */
  readonly range: string[];
  /** CPAN path (of an upload, or of a patched archive in the overlay) → sha256 of its first log entry. */
  readonly paths: Record<string, string>;
}

export interface MonitorResult {
  readonly state: MonitorState;
  readonly newEntries: { index: number; text: string; upload?: UploadEntry; patch?: PatchEntry }[];
  /** Evidence of misbehaviour: an inconsistent checkpoint (a fork), a rollback, a path logged with two hashes. */
  readonly alerts: string[];
}

/** `origin`: what the checkpoint must name (by default the log key's name). */
export async function monitorLog(read: ReadBytes, verifiers: readonly Verifier[], previous?: MonitorState, origin?: string): Promise<MonitorResult> {
  const { note, checkpoint } = await openCheckpoint(read, verifiers, origin);
  if (previous && previous.origin !== checkpoint.origin)
    throw new LogVerificationError(`checkpoint origin ${checkpoint.origin} is not the monitored ${previous.origin}`);
  let range: CompactRange = previous ? { size: previous.size, hashes: previous.range.map(unb64) } : EMPTY_RANGE;
  const alerts: string[] = [];
  if (previous && checkpoint.size < previous.size) {
    const verdict = await checkOlderCheckpoint(read, checkpoint, { size: previous.size, root: rangeRoot(range) });
    return { state: previous, newEntries: [], alerts: [verdict.alert] };
  }
  if (previous && checkpoint.size === previous.size) {
    if (!equalBytes(checkpoint.root, rangeRoot(range)))
      alerts.push(
        `INCONSISTENT CHECKPOINT: size ${checkpoint.size} was signed with two different roots (${b64(rangeRoot(range))} before, ${b64(checkpoint.root)} now)`,
      );
    return { state: previous, newEntries: [], alerts };
  }
  const paths = { ...previous?.paths };
  const newEntries: MonitorResult["newEntries"] = [];
  const decoder = new TextDecoder("utf-8", { fatal: false });
  for (let start = range.size; start < checkpoint.size; ) {
    const n = Math.floor(start / TILE_WIDTH);
    const width = Math.min(TILE_WIDTH, checkpoint.size - n * TILE_WIDTH);
    let path = entriesPath(n, width);
    let bytes = await read(path);
    if (!bytes && width < TILE_WIDTH) bytes = await read((path = entriesPath(n)));
    if (!bytes) throw new LogVerificationError(`${path} is missing (tree size ${checkpoint.size})`);
    const bundle = decodeBundle(bytes, path).slice(0, width);
    if (bundle.length < width) throw new LogVerificationError(`${path}: ${bundle.length} entries, want ${width}`);
    for (let i = start - n * TILE_WIDTH; i < width; i++) {
      const entry = bundle[i] as Uint8Array;
      range = appendLeaf(range, leafHash(entry));
      const text = decoder.decode(entry);
      const { upload, patch } = readLogEntry(text);
      const named = upload ?? patch; // other entries are logged, not tracked by path
      if (named) {
        const first = paths[named.path];
        if (first === undefined) paths[named.path] = named.sha256;
        else if (first !== named.sha256)
          alerts.push(`PATH LOGGED TWICE: ${named.path} at index ${range.size - 1} has sha256 ${named.sha256}, first logged with ${first}`);
      }
      newEntries.push({ index: range.size - 1, text, ...(upload ? { upload } : {}), ...(patch ? { patch } : {}) });
    }
    start = n * TILE_WIDTH + width;
  }
  if (!equalBytes(rangeRoot(range), checkpoint.root)) {
    alerts.push(
      `INCONSISTENT CHECKPOINT: the signed root of size ${checkpoint.size} is ${b64(checkpoint.root)}, but the previously verified tree plus the new entries give ${b64(rangeRoot(range))}`,
    );
    return { state: previous ?? { origin: checkpoint.origin, checkpoint: "", size: 0, range: [], paths: {} }, newEntries: [], alerts };
  }
  return {
    state: { origin: checkpoint.origin, checkpoint: note, size: checkpoint.size, range: range.hashes.map(b64), paths },
    newEntries,
    alerts,
  };
}

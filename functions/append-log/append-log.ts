/**
 * The sequencer: the only writer of the transparency log. Stage → write → commit → publish:
 *
 * 1. read the head (the signed checkpoint, size N);
 * 2. if `.staging/N` exists, a batch was staged at N and not finished (a crash, or a concurrent
 *    sequencer): finish that one first, identically, then start over;
 * 3. drop entries already logged (by id: the CPAN path), stage the rest at `.staging/N`
 *    (create-only: of two sequencers only one stages at N; the other finishes its batch);
 * 4. record ids, write tiles and bundles (create-only; identical bytes are a retry), sign, and
 *    compare-and-swap the head from N: the commit point;
 * 5. publish `checkpoint`.
 * Every step is idempotent and every write deterministic given the staged batch, so a crash after
 * any write leaves a log the next append completes, and no two writers can fork it.
 */
import { hash } from "node:crypto";
import { formatCheckpoint, parseCheckpoint } from "../../shared/domain/tlog/checkpoint";
import { entryIdOf } from "../../shared/domain/tlog/entry";
import { extendLog } from "../../shared/domain/tlog/extend";
import { EMPTY_ROOT } from "../../shared/domain/tlog/hash";
import { type Signer, formatVerifierKey, openNote, signNote } from "../../shared/domain/tlog/note";
import { decodeBundle, encodeBundle, entriesPath } from "../../shared/domain/tlog/tiles";
import { ConflictError } from "../../shared/ports";
import type { LogDeps } from "../../shared/ports/deps";

export interface AppendResult {
  /** Log index of each input entry, in input order (an already-logged entry keeps its index). */
  readonly indexes: number[];
  /**
   * Positions (in the input) of entries whose id was already logged with different bytes: a second
   * sha256 for a known CPAN path. The log keeps the first; the caller raises the integrity alert.
   */
  readonly mismatched: number[];
  /** The signed checkpoint that includes them. */
  readonly checkpoint: string;
}

export class SequencerError extends Error {
  override readonly name = "SequencerError";
}

const MAX_ROUNDS = 50;
const STAGING = (size: number) => `.staging/${size}`;
const utf8 = new TextEncoder();

const idOf = (entry: Uint8Array) => entryIdOf(entry, () => hash("sha256", entry, "hex"));

// The head each signer last verified or signed in this process: the same text again is not verified again.
const trusted = new WeakMap<Signer, { note: string; origin: string; size: number }>();

async function readHead(deps: LogDeps): Promise<{ note: string; size: number } | undefined> {
  const note = await deps.head.read();
  if (note === undefined) return undefined;
  let cp = trusted.get(deps.signer);
  if (cp?.note !== note) {
    cp = { note, ...parseCheckpoint(openNote(note, [deps.signer]).text) };
    trusted.set(deps.signer, cp);
  }
  if (cp.origin !== deps.origin) throw new SequencerError(`log head is for origin ${cp.origin}, not ${deps.origin}`);
  return { note, size: cp.size };
}

/** Creates the empty log (size 0 checkpoint, vkey) if there is none yet. */
export async function initLog(deps: LogDeps): Promise<string> {
  const empty = signNote(formatCheckpoint({ origin: deps.origin, size: 0, root: EMPTY_ROOT, extensions: [] }), deps.signer);
  await deps.head.compareAndSwap(undefined, empty);
  const head = await readHead(deps);
  if (!head) throw new SequencerError("log head vanished after creation");
  await deps.tiles.publish("vkey", utf8.encode(`${formatVerifierKey(deps.signer)}\n`));
  if (head.size === 0) await deps.tiles.publish("checkpoint", utf8.encode(head.note));
  return head.note;
}

/**
 * Writes a staged batch's records and tiles, signs, and moves the head from `from`: the new head,
 * or undefined if another writer moved it first. `ids`: the batch's, when the caller has them.
 */
async function commit(deps: LogDeps, from: { note: string; size: number }, batch: Uint8Array[], ids = batch.map(idOf)): Promise<string | undefined> {
  await deps.index.putMany(batch.map((_, i) => [ids[i] as string, from.size + i] as const));
  const ext = await extendLog((p) => deps.tiles.read(p), from.size, batch);
  for (const [path, bytes] of ext.writes) await deps.tiles.create(path, bytes);
  const next = signNote(formatCheckpoint({ origin: deps.origin, size: ext.size, root: ext.root, extensions: [] }), deps.signer);
  // The commit point: tiles, bundles and ids are all durable before the head names the new size.
  // Losing the race is fine: the winner committed this same staged batch (signatures are
  // deterministic), or an even later head.
  if (!(await deps.head.compareAndSwap(from.note, next))) return undefined;
  trusted.set(deps.signer, { note: next, origin: deps.origin, size: ext.size });
  return next;
}

/** Entries of the log at `indexes` (tree of `size`), read from their bundles. */
async function loggedEntries(deps: LogDeps, indexes: number[], size: number): Promise<Map<number, Uint8Array>> {
  const bundles = new Map<string, Uint8Array[]>();
  const out = new Map<number, Uint8Array>();
  for (const at of indexes) {
    if (at >= size) throw new SequencerError(`the index records an entry at ${at}, beyond the log's size ${size}`);
    const n = Math.floor(at / 256);
    const path = entriesPath(n, n < Math.floor(size / 256) ? 256 : size % 256);
    let bundle = bundles.get(path);
    if (!bundle) {
      const bytes = await deps.tiles.read(path);
      if (!bytes) throw new SequencerError(`${path} is missing`);
      bundle = decodeBundle(bytes, path);
      bundles.set(path, bundle);
    }
    out.set(at, bundle[at % 256] as Uint8Array);
  }
  return out;
}

export async function appendEntries(deps: LogDeps, entries: readonly Uint8Array[]): Promise<AppendResult> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const head = (await readHead(deps)) ?? (await initLog(deps), await readHead(deps));
    if (!head) throw new SequencerError("log head could not be created");
    const staged = await deps.tiles.read(STAGING(head.size));
    if (staged) {
      await commit(deps, head, decodeBundle(staged, STAGING(head.size)));
      continue;
    }
    const ids = entries.map(idOf);
    const known = await deps.index.getMany([...new Set(ids)]);
    const logged = await loggedEntries(deps, [...new Set(known.values())], head.size);
    const indexes: number[] = [];
    const mismatched: number[] = [];
    const batch: Uint8Array[] = [];
    const batchIds: string[] = [];
    const inBatch = new Map<string, number>();
    entries.forEach((e, i) => {
      const id = ids[i] as string;
      const at = known.get(id) ?? inBatch.get(id);
      if (at !== undefined) {
        const first = logged.get(at) ?? batch[at - head.size];
        if (first && Buffer.compare(first, e) !== 0) mismatched.push(i);
        indexes.push(at);
        return;
      }
      inBatch.set(id, head.size + batch.length);
      indexes.push(head.size + batch.length);
      batch.push(e);
      batchIds.push(id);
    });
    let checkpoint = head.note;
    if (batch.length) {
      try {
        await deps.tiles.create(STAGING(head.size), encodeBundle(batch));
      } catch (e) {
        if (e instanceof ConflictError) continue; // another sequencer staged at this size: finish theirs first
        throw e;
      }
      const next = await commit(deps, head, batch, batchIds);
      if (!next) continue; // someone finished our staged batch first; the next round finds our entries
      checkpoint = next;
    }
    await deps.tiles.publish("checkpoint", utf8.encode(checkpoint));
    return { indexes, mismatched, checkpoint };
  }
  throw new SequencerError(`could not append after ${MAX_ROUNDS} rounds of contention`);
}

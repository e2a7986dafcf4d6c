/**
 * The small interfaces the use cases need. Each contract below is what every adapter (embedded
 * and AWS) must honour; test/contracts/ holds the tests that check an adapter against it.
 */

/** A write that found different bytes already stored: never overwrite, never silently succeed. */
export class ConflictError extends Error {
  override readonly name = "ConflictError";
  constructor(readonly key: string) {
    super(`${key} already exists with different content`);
  }
}

/**
 * An object store (an S3 bucket, or a directory laid out like one).
 * - read: the bytes last written at `path`, or undefined; read-after-write consistent.
 * - create: writes `path` only if absent. Identical bytes already there are success (a retry);
 *   different bytes throw ConflictError. Safe to call concurrently for the same path.
 * - publish: overwrites `path`; only for the few mutable objects (a pointer, a checkpoint).
 */
export interface ObjectStore {
  read(path: string): Promise<Uint8Array | undefined>;
  create(path: string, bytes: Uint8Array): Promise<void>;
  publish(path: string, bytes: Uint8Array): Promise<void>;
}

/**
 * The transparency log's bucket: tiles and entry bundles (create), `checkpoint` and `vkey`
 * (publish), and the sequencer's private `.staging/` objects (create).
 */
export type TileStore = ObjectStore;

/** The private artifacts bucket: archives, per-release results, advisory feed snapshots. */
export type BlobStore = ObjectStore;

/**
 * The log head: the latest signed checkpoint, the sequencer's commit point.
 * - read: strongly consistent; undefined before the log exists.
 * - compareAndSwap: atomically sets `next` only if the head is still `expected` (undefined means
 *   absent); returns false, changing nothing, when another writer moved it first.
 */
export interface LogHead {
  read(): Promise<string | undefined>;
  compareAndSwap(expected: string | undefined, next: string): Promise<boolean>;
}

/**
 * Which log index holds an entry id (the CPAN path of an upload), so a release is logged once.
 * - putMany: records ids; putting the same id with the same index again is a no-op. The
 *   sequencer only ever writes a staged batch's ids, so an id never maps to two indexes.
 * - getMany: the recorded index of each id that has one; sees every completed putMany.
 */
export interface LogIndex {
  getMany(ids: readonly string[]): Promise<Map<string, number>>;
  putMany(records: ReadonlyArray<readonly [id: string, index: number]>): Promise<void>;
}

import type { Finding } from "./domain/advisories/findings";
import type { ReleaseRecord } from "./domain/pipeline/record";
import type { PipelineEvent } from "./messages/events";

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

/**
 * The `releases` table: one item per AUTHOR/filename.
 * - create: writes only if absent (a re-read of RECENT never creates twice); false if present.
 * - update: read-modify-write with optimistic concurrency (the record's `revision`), retried on
 *   conflict; `change` returning undefined writes nothing. Returns what was written.
 * - byDistribution: every stored release of a distribution (the GSI in DynamoDB).
 */
export interface ReleaseStore {
  create(record: ReleaseRecord): Promise<boolean>;
  get(id: string): Promise<ReleaseRecord | undefined>;
  update(id: string, change: (r: ReleaseRecord) => ReleaseRecord | undefined): Promise<ReleaseRecord | undefined>;
  byDistribution(distribution: string): Promise<ReleaseRecord[]>;
  list(): Promise<ReleaseRecord[]>;
}

/** Small named values that must survive restarts (the RECENT cursor, the feed's ETag). */
export interface CursorStore {
  get(name: string): Promise<string | undefined>;
  put(name: string, value: string): Promise<void>;
}

/** The `findings` table: a release's findings replace its previous ones; queried by advisory. */
export interface FindingStore {
  replace(releaseId: string, findings: readonly Finding[]): Promise<void>;
  byRelease(releaseId: string): Promise<Finding[]>;
  byAdvisory(advisoryId: string): Promise<{ releaseId: string; finding: Finding }[]>;
}

/** Events, stored once by id (create is conditional) before they are queued for notification. */
export interface EventStore {
  create(event: PipelineEvent): Promise<boolean>;
  list(): Promise<PipelineEvent[]>;
}

/** A job queue (SQS semantics: at-least-once, so every consumer is idempotent). */
export interface JobQueue<T> {
  send(bodies: readonly T[]): Promise<void>;
}

/** A CPAN mirror: the bytes at a path below its root, undefined when it has none (404). */
export interface Mirror {
  fetch(path: string): Promise<Uint8Array | undefined>;
}

import type { Finding } from "../domain/advisories/findings";
import type { ReleaseRecord } from "../domain/pipeline/record";
import type { EmailMessage } from "../domain/notify/email";
import type { Subscription } from "../domain/notify/subscription";
import type { PipelineEvent } from "../messages/events";
import { DELIVERY_TTL_S } from "../domain/notify/retry";

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
 * - lagging: every release with a `lag` record (waiting for a lagging mirror, or failed for it),
 *   of one author or of all; may lag behind writes by a moment (a sparse GSI in DynamoDB), which
 *   the retry sweep tolerates: it runs again a minute later.
 */
export interface ReleaseStore {
  create(record: ReleaseRecord): Promise<boolean>;
  get(id: string): Promise<ReleaseRecord | undefined>;
  update(id: string, change: (r: ReleaseRecord) => ReleaseRecord | undefined): Promise<ReleaseRecord | undefined>;
  byDistribution(distribution: string): Promise<ReleaseRecord[]>;
  lagging(author?: string): Promise<ReleaseRecord[]>;
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

/**
 * The match index: each stored release under the keys its last match consulted (its own
 * distribution, every distribution its prerequisites resolved to, every prerequisite module; see
 * shared/domain/advisories/rematch.ts), so a feed or 02packages change finds the releases it can
 * affect with a query, not a scan.
 * - put / remove: add or delete (key, release) pairs; idempotent.
 * - releases: the ids under any of the keys, sorted, each once; strongly consistent (sees every
 *   completed put), which the refresh's ordering argument needs (docs/decisions/0011-rematching.md).
 */
export interface MatchIndex {
  put(releaseId: string, keys: readonly string[]): Promise<void>;
  remove(releaseId: string, keys: readonly string[]): Promise<void>;
  releases(keys: readonly string[]): Promise<string[]>;
}

/**
 * Events, stored once by id (create is conditional) before they are queued for notification.
 * - get: the stored event, read-after-create consistent (notify reads what emit just created).
 *   Optional for the pipeline; the notify use cases need it (NotifyDeps).
 * - newestPublic(limit): the newest `limit` events of the public types (PUBLIC_EVENT_TYPES, what
 *   the Atom feed shows), newest first, ties by id, as feedEvents orders them: one index query
 *   whose cost is the limit's, never the store's (the feed is rebuilt once per notify batch).
 *   The index holds the public types only, so the types are fixed, not a parameter. May lag a
 *   moment behind create on AWS (a GSI is read eventually consistent), so a rebuild adds the
 *   events it has in hand.
 * - list: every event, oldest first: a scan, for summaries and tests, never a hot path.
 * newestPublic and list leave out a stored item that is not an event; get throws, naming its problems.
 */
export interface EventStore {
  create(event: PipelineEvent): Promise<boolean>;
  newestPublic(limit: number): Promise<PipelineEvent[]>;
  list(): Promise<PipelineEvent[]>;
  get(id: string): Promise<PipelineEvent | undefined>;
}

/** A job queue (SQS semantics: at-least-once, so every consumer is idempotent). */
export interface JobQueue<T> {
  send(bodies: readonly T[]): Promise<void>;
}

/** An object on the mirror is larger than the fetch allows: reading stopped at the limit. */
export class MirrorLimitError extends Error {
  override readonly name = "MirrorLimitError";
}

/**
 * An object the mirror offers that is not acceptable as a file: a symlink, a FIFO, a directory,
 * a path that would leave its directory. Permanent for that object: not worth a retry.
 */
export class MirrorRefusedError extends Error {
  override readonly name = "MirrorRefusedError";
}

/**
 * A CPAN mirror: the bytes at a path below its root, undefined when it has none (404).
 * - the path is checked before anything is fetched (shared/domain/cpan/upload-path.ts
 *   checkMirrorPath): a path that could leave its directory throws MirrorRefusedError;
 * - maxBytes (default: the adapter's archive limit) stops the read at the limit, while
 *   streaming, with MirrorLimitError;
 * - only regular files are served: anything else throws MirrorRefusedError.
 */
export interface Mirror {
  fetch(path: string, o?: { readonly maxBytes?: number }): Promise<Uint8Array | undefined>;
}

// ---------------------------------------------------------------------------------------------
// Notifications (docs/notifications.md): subscriptions, deliveries, email and webhook senders.
// ---------------------------------------------------------------------------------------------

/**
 * The `subscriptions` table (pk id).
 * - create: writes only if the id is absent; false if present (ids are random, so a retry of the
 *   same create is the only way to collide).
 * - get/list: strongly consistent; list returns every subscription, disabled ones included, in a
 *   stable order (by createdAt, then id).
 * - remove: deletes; true if it existed. Deliveries already queued for it are then skipped.
 * - disable: sets `disabled: {at, reason}` unless already disabled (the first reason is kept);
 *   false when the subscription does not exist.
 */
export interface SubscriptionStore {
  create(s: Subscription): Promise<boolean>;
  get(id: string): Promise<Subscription | undefined>;
  list(): Promise<Subscription[]>;
  remove(id: string): Promise<boolean>;
  disable(id: string, at: string, reason: string): Promise<boolean>;
}

/**
 * What the public unsubscribe page needs of the subscriptions table, and all its role may do
 * there (no secret, no other subscription, no listing):
 * - state: one subscription's, strongly consistent; undefined when there is no such subscription.
 * - disable: as SubscriptionStore.disable (the first reason stays; false when absent).
 */
export interface UnsubscribeStore {
  state(id: string): Promise<"active" | "disabled" | undefined>;
  disable(id: string, at: string, reason: string): Promise<boolean>;
}

export type DeliveryStatus = "planned" | "queued" | "delivered" | "gone" | "failed" | "skipped";

/** One (event, subscription) pair: the `deliveries` table, pk `${eventId} ${subscriptionId}`. */
export interface DeliveryRecord {
  readonly eventId: string;
  readonly subscriptionId: string;
  readonly status: DeliveryStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Attempts started (begin calls that won the lease). */
  readonly attempts: number;
  /** Epoch ms until which the current attempt owns the delivery; 0 or absent: no lease. */
  readonly leaseUntil?: number;
  readonly lastError?: string;
  /** Epoch seconds after which the record may be dropped (DynamoDB TTL, attribute expiresAt). */
  readonly expiresAt: number;
}

/** The record `claim` creates, on every backend: planned, no attempt yet, kept DELIVERY_TTL_S. */
export function plannedDelivery(eventId: string, subscriptionId: string, at: string): DeliveryRecord {
  return {
    eventId,
    subscriptionId,
    status: "planned",
    createdAt: at,
    updatedAt: at,
    attempts: 0,
    expiresAt: Math.floor(Date.parse(at) / 1000) + DELIVERY_TTL_S,
  };
}

/** Statuses after which nothing is sent again. */
export const FINAL_DELIVERY_STATUSES: readonly DeliveryStatus[] = ["delivered", "gone", "failed", "skipped"];

/**
 * The `deliveries` table: at most one delivery per (event, subscription).
 * - claim: conditional create with status "planned"; true only for the first caller, ever (until
 *   expiresAt, which must be far beyond the retry schedule: 30 days).
 * - markQueued: planned → queued, once the deliver job is on the queue; no-op in any other state.
 * - begin: takes the lease for one attempt: succeeds (returns the record with attempts + 1 and
 *   leaseUntil = nowMs + leaseMs) only if the status is not final and no unexpired lease exists.
 *   Conditional: two concurrent callers never both win. undefined when absent, final or leased.
 * - settle: sets a final status (and lastError), clears the lease; a final status never changes.
 * - release: after a failed attempt that will be retried: records lastError, clears the lease.
 */
export interface DeliveryStore {
  claim(eventId: string, subscriptionId: string, at: string): Promise<boolean>;
  get(eventId: string, subscriptionId: string): Promise<DeliveryRecord | undefined>;
  markQueued(eventId: string, subscriptionId: string, at: string): Promise<void>;
  begin(eventId: string, subscriptionId: string, nowMs: number, leaseMs: number): Promise<DeliveryRecord | undefined>;
  settle(eventId: string, subscriptionId: string, status: "delivered" | "gone" | "failed" | "skipped", at: string, error?: string): Promise<void>;
  release(eventId: string, subscriptionId: string, at: string, error: string): Promise<void>;
}

/**
 * Sends one rendered email (SES v2 SendEmail on AWS; SMTP or an outbox directory embedded).
 * Resolves when the message is accepted by the next hop; throws on failure (the caller retries).
 * Sending the same message id again should not produce a second copy where the backend can tell
 * (the outbox can; SMTP and SES cannot, which is why deliver holds a lease while sending).
 */
export interface Mailer {
  send(message: EmailMessage): Promise<void>;
}

export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * The outcome of one webhook attempt:
 * - delivered: a 2xx answer;
 * - gone: 410, the receiver wants no more (the subscription is disabled);
 * - retry: worth another attempt (5xx, 429, timeouts, connection errors, 3xx, other 4xx, a host
 *   that resolved to a refused address: DNS can change), with the receiver's Retry-After if any;
 * - permanent: can never succeed as configured (a URL the policy refuses in itself).
 */
export type WebhookOutcome =
  | { readonly kind: "delivered"; readonly status: number }
  | { readonly kind: "gone"; readonly status: number }
  | { readonly kind: "retry"; readonly reason: string; readonly status?: number; readonly retryAfterMs?: number }
  | { readonly kind: "permanent"; readonly reason: string };

/** POSTs a signed webhook, under the SSRF policy (shared/adapters/http/webhook.ts). Never throws. */
export interface WebhookSender {
  send(request: WebhookRequest): Promise<WebhookOutcome>;
}

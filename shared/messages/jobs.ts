/**
 * Queue bodies, versioned (`v`). One per step; every consumer is idempotent. Each body has a zod
 * schema, parsed where a message enters a step (the Lambda worker and the embedded runner), so a
 * malformed message is refused with the reason rather than cast and half-processed.
 */
// zod/mini, as the feed schema: the Lambda bundles stay small.
import * as z from "zod/mini";

const id = z.string().check(z.minLength(1));

export const IngestJobSchema = z.object({ v: z.literal(1), id, path: id, uploaded: id });
export type IngestJob = Readonly<z.infer<typeof IngestJobSchema>>;

/**
 * sbom, advisories and log steps work from the stored release: the id is enough. `force`: match
 * again even with the same inputs (the overlay added a patched archive the findings should name).
 */
export const StepJobSchema = z.object({ v: z.literal(1), id, force: z.optional(z.literal(true)) });
export type StepJob = Readonly<z.infer<typeof StepJobSchema>>;

export const NotifyJobSchema = z.object({ v: z.literal(1), eventId: id });
export type NotifyJob = Readonly<z.infer<typeof NotifyJobSchema>>;

/** One delivery of one event to one subscription (planned by notify, worked by deliver). */
export const DeliverJobSchema = z.object({ v: z.literal(1), eventId: id, subscriptionId: id });
export type DeliverJob = Readonly<z.infer<typeof DeliverJobSchema>>;

/** Publish the feed in use (publish-advisories); the snapshot's sha256 tells one refresh's job from another's (FIFO deduplication). */
const sha256 = z.string().check(z.regex(/^[0-9a-f]{64}$/));

export const PublishJobSchema = z.object({ v: z.literal(1), feed: sha256 });
export type PublishJob = Readonly<z.infer<typeof PublishJobSchema>>;

/**
 * Publish the patched CPAN overlay (publish-overlay) for the patch registry in use, `patches` its
 * snapshot's sha256. `logged`: queued by append-log once it has appended the overlay's entries
 * (the log's size then), so the FIFO queue does not take it for the refresh's job and drop it.
 */
export const OverlayJobSchema = z.object({ v: z.literal(1), patches: sha256, logged: z.optional(z.int().check(z.minimum(0))) });
export type OverlayJob = Readonly<z.infer<typeof OverlayJobSchema>>;

/** The most cpansec-patch/v1 entries one append-log job carries (each at most a few kB: SQS takes 256 KiB). */
export const MAX_PATCHED_PER_JOB = 20;

/**
 * publish-overlay's request to the log's only writer: append these overlay paths' cpansec-patch/v1
 * entries (deduplicated by `patched:<path>`), then queue the overlay for `patches` again.
 */
export const PatchedLogJobSchema = z.object({
  v: z.literal(1),
  patches: sha256,
  patched: z.array(z.object({ path: id, entry: id })).check(z.minLength(1), z.maxLength(MAX_PATCHED_PER_JOB)),
});
export type PatchedLogJob = Readonly<z.infer<typeof PatchedLogJobSchema>>;

/** append-log's queue: a stored release to log, or the overlay's entries. */
export const LogJobSchema = z.union([StepJobSchema, PatchedLogJobSchema]);
export type LogJob = StepJob | PatchedLogJob;

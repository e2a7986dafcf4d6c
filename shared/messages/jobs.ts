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
export const PublishJobSchema = z.object({ v: z.literal(1), feed: z.string().check(z.regex(/^[0-9a-f]{64}$/)) });
export type PublishJob = Readonly<z.infer<typeof PublishJobSchema>>;

/**
 * The per-release result documents under their keys in the artifacts store (their shapes and bytes:
 * shared/domain/pipeline/documents.ts). release.json is created once (ingest); advisories.json and
 * log.json are published, since a re-match or a rerun after an upgrade rewrites them.
 */
import {
  type AdvisoriesDocument,
  type LogDocument,
  type MatchSubject,
  type ReleaseDocument,
  advisoriesBytes,
  documentBytes,
  matchSubject,
} from "../domain/pipeline/documents";
import * as z from "zod/mini";
import { advisoriesKey, eventKey, logJsonKey, releaseJsonKey } from "../domain/pipeline/keys";
import type { ReleaseRecord } from "../domain/pipeline/record";
import type { PipelineEvent } from "../messages/events";
import { type BlobStore, ConflictError } from "../ports";
import { TransientError, parseMessageText } from "../ports/errors";

type Ref = Pick<ReleaseRecord, "author" | "filename">;

/** What matching reads of release.json (matching needs none of the archive's bytes). */
const prereqs = z.record(z.string(), z.record(z.string(), z.record(z.string(), z.string())));
const MatchSubjectSchema = z.object({
  distribution: z.nullable(z.string()),
  version: z.nullable(z.string()),
  archive: z.object({ sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)) }),
  meta: z.nullable(z.object({ prereqs })),
});

/** release.json, once: an earlier attempt's (of the same archive, which is create-only too) stands. */
export async function createReleaseJson(blobs: BlobStore, r: Ref, doc: ReleaseDocument): Promise<void> {
  await blobs.create(releaseJsonKey(r), documentBytes(doc)).catch((e: unknown) => {
    if (!(e instanceof ConflictError)) throw e;
  });
}

/** What matching needs of a stored release, from its release.json: missing is not yet (transient), malformed is permanent. */
export async function readMatchSubject(blobs: BlobStore, r: Ref): Promise<MatchSubject> {
  const key = releaseJsonKey(r);
  const bytes = await blobs.read(key);
  if (!bytes) throw new TransientError(`${key} is not stored yet`);
  return matchSubject(parseMessageText(MatchSubjectSchema, new TextDecoder().decode(bytes), key));
}

export const publishAdvisories = (blobs: BlobStore, r: Ref, doc: AdvisoriesDocument) => blobs.publish(advisoriesKey(r), advisoriesBytes(doc));

export const publishLogJson = (blobs: BlobStore, r: Ref, doc: LogDocument) => blobs.publish(logJsonKey(r), documentBytes(doc));

/** The event's public copy (events/<id>.json), once; the event store holds the record of it. */
export const createEventDocument = (blobs: BlobStore, event: PipelineEvent) => blobs.create(eventKey(event.id), documentBytes(event));

/** The same, replacing what is there: for the attempt that stored the event (shared/pipeline/complete.ts). */
export const publishEventDocument = (blobs: BlobStore, event: PipelineEvent) => blobs.publish(eventKey(event.id), documentBytes(event));

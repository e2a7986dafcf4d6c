/**
 * Events the pipeline emits, versioned (`v`). Their ids are derived from what they are about, so a
 * redelivered step creates the same event, which the event store keeps once. Each has a zod
 * schema (PipelineEventSchema), parsed where a stored event is read back (the event stores of
 * both backends), so a damaged or foreign item is refused with the reason, not cast and sent.
 */
import { createHash } from "node:crypto";
import * as z from "zod/mini";

export const EVENT_TYPES = ["release.processed", "release.vulnerable", "integrity.alert", "advisory.published", "patch.published"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface PipelineEvent {
  readonly v: 1;
  readonly id: string;
  readonly type: EventType;
  readonly time: string;
  readonly release?: { readonly id: string; readonly path: string; readonly distribution?: string; readonly version?: string; readonly author: string };
  /** Keys (S3) or paths (embedded) of the results this event is about. */
  readonly links?: Readonly<Record<string, string>>;
  readonly detail?: Readonly<Record<string, unknown>>;
}

const text = z.string().check(z.minLength(1));

// Loose objects: a field the schema does not name is kept, not stripped (an older reader loses nothing).
export const PipelineEventSchema = z.looseObject({
  v: z.literal(1),
  id: text,
  type: z.enum(EVENT_TYPES),
  time: text,
  release: z.optional(z.looseObject({ id: text, path: text, distribution: z.optional(z.string()), version: z.optional(z.string()), author: text })),
  links: z.optional(z.record(z.string(), z.string())),
  detail: z.optional(z.record(z.string(), z.unknown())),
});
// The schema's output is a PipelineEvent: a field added to one and not the other fails the typecheck.
export const schemaAgrees = (e: z.infer<typeof PipelineEventSchema>): PipelineEvent => e;

export function eventId(type: EventType, about: string): string {
  return `evt_${createHash("sha256").update(`${type}\n${about}`).digest("hex").slice(0, 32)}`;
}

/**
 * `patch.published`'s detail: a CPANSec patch in force for the release's exact distribution and
 * version that resolves a CVE of advisories affecting it (one event per release and patch bytes).
 */
export interface PatchPublishedDetail {
  readonly patch: {
    readonly path: string;
    readonly url: string;
    readonly sha256: string;
    readonly cve: string;
    readonly revision: number;
    /** The patched archive in the overlay, once built. */
    readonly patched?: string;
  };
  /** The advisories it resolves a CVE of, as release.vulnerable lists them. */
  readonly advisories: ReadonlyArray<{ readonly id: string; readonly kind: string; readonly severity: string | null; readonly cves: readonly string[] }>;
}

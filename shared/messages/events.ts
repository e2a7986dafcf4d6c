/**
 * Events the pipeline emits, versioned (`v`). Their ids are derived from what they are about, so a
 * redelivered step creates the same event, which the event store keeps once.
 */
import { createHash } from "node:crypto";

export type EventType = "release.processed" | "release.vulnerable" | "integrity.alert" | "advisory.published" | "patch.published";

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

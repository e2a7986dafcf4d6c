/**
 * Events the pipeline emits, versioned (`v`). Their ids are derived from what they are about, so a
 * redelivered step creates the same event, which the event store keeps once.
 */
import { createHash } from "node:crypto";

export type EventType = "release.processed" | "release.vulnerable" | "integrity.alert" | "advisory.published";

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

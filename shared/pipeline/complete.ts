/**
 * The step-completion rule: each step marks itself on the release; whichever sees the release
 * complete records the `release.processed` event (created once, by id) and queues it. A step that
 * is redelivered after that re-queues the same event id, which notification deduplicates.
 */
import { resultLinks } from "../domain/notify/links";
import { eventKey } from "../domain/pipeline/keys";
import { createEventDocument, publishEventDocument } from "./documents";
import { type ReleaseRecord, type StepName, type StepState, isComplete, terminalState, withStep } from "../domain/pipeline/record";
import { type EventType, type PipelineEvent, eventId } from "../messages/events";
import type { CompleteDeps } from "../ports/deps";

export async function emit(
  deps: CompleteDeps,
  type: EventType,
  r: ReleaseRecord,
  about: string,
  detail?: Record<string, unknown>,
  links?: Record<string, string>,
): Promise<PipelineEvent> {
  const event: PipelineEvent = {
    v: 1,
    id: eventId(type, about),
    type,
    time: deps.clock().toISOString(),
    release: {
      id: r.id,
      path: r.path,
      author: r.author,
      ...(r.distribution ? { distribution: r.distribution } : {}),
      ...(r.version ? { version: r.version } : {}),
    },
    ...(links ? { links } : {}),
    ...(detail ? { detail } : {}),
  };
  // Stored first (once), then queued: a crash in between is healed by the step's redelivery.
  const created = await deps.events.create(event);
  // Stored now: the document is this event's, over any copy an attempt whose stored event was
  // lost left behind (embedded: its batch's commit never happened), which has another time.
  // An event stored before (a redelivery; a re-match announcing its release again) has its
  // document too, unless that attempt died in between: a read, not a write that must conflict.
  if (created) await publishEventDocument(deps.blobs, event).catch(() => undefined);
  else if (!(await deps.blobs.read(eventKey(event.id)))) await createEventDocument(deps.blobs, event).catch(() => undefined);
  await deps.queues.notify.send([{ v: 1, eventId: event.id }]);
  return event;
}

export async function completeStep(deps: CompleteDeps, id: string, step: StepName, state: Omit<StepState, "at">): Promise<ReleaseRecord> {
  const at = deps.clock().toISOString();
  const written = await deps.releases.update(id, (r) => {
    const next = withStep(r, step, { ...state, at });
    return isComplete(next) && !next.completedAt ? { ...next, completedAt: at } : next;
  });
  const r = written ?? ((await deps.releases.get(id)) as ReleaseRecord);
  await announceIfComplete(deps, r);
  return r;
}

/**
 * `release.processed` for a complete release (the event id is the release's, so it is stored
 * once). Also what a redelivered step calls when it finds its work recorded: the record's write
 * may have landed while the announcement after it did not.
 */
export async function announceIfComplete(deps: CompleteDeps, r: ReleaseRecord): Promise<void> {
  // A release reopened after failing for lag is announced anew for each run (a new event id).
  if (isComplete(r))
    await emit(
      deps,
      "release.processed",
      r,
      r.reopened ? `${r.id}\nreopened ${r.reopened}` : r.id,
      { state: terminalState(r), ...(r.failure ? { failure: r.failure } : {}) },
      resultLinks(r),
    );
}

/**
 * notify-subscribers: for one event, one delivery job per matching subscription, and the public
 * Atom feed brought up to date.
 *
 * At most one delivery per (event, subscription), none lost (docs/decisions/0008):
 *   1. claim the pair in `deliveries` (conditional create, status "planned");
 *   2. send the deliver job;
 *   3. mark the pair "queued".
 * A redelivered notify job finds its claims taken: pairs already "queued" (or further) are done;
 * a pair still "planned" means a previous attempt died between 1 and 3, so its job may never have
 * been sent, and it is sent again. The worst case is two deliver jobs for one pair, and deliver
 * makes that harmless: it sends only under a lease on the pair and never after a final status.
 */
import { FEED_KEY, PUBLIC_EVENT_TYPES, renderAtom } from "../../shared/domain/notify/atom";
import { matches } from "../../shared/domain/notify/match";
import type { DeliverJob, NotifyJob } from "../../shared/messages/jobs";
import { TransientError } from "../../shared/ports/errors";
import type { NotifySubscribersDeps } from "../../shared/ports/deps";

export interface NotifyResult {
  readonly matched: number;
  /** Deliver jobs sent by this call (a redelivery sends only what an earlier attempt may have lost). */
  readonly queued: number;
  readonly feed: boolean;
}

export async function notifySubscribers(deps: NotifySubscribersDeps, job: NotifyJob): Promise<NotifyResult> {
  const event = await deps.events.get(job.eventId);
  // emit stores the event before queueing it, so absence is a lagging read: retry, then the DLQ.
  if (!event) throw new TransientError(`event ${job.eventId} is not in the event store`);
  const now = deps.clock().toISOString();
  const jobs: DeliverJob[] = [];
  let matched = 0;
  for (const s of await deps.subscriptions.list()) {
    if (!matches(s, event)) continue;
    matched++;
    if (!(await deps.deliveries.claim(event.id, s.id, now))) {
      const d = await deps.deliveries.get(event.id, s.id);
      if (d?.status !== "planned") continue;
    }
    jobs.push({ v: 1, eventId: event.id, subscriptionId: s.id });
  }
  if (jobs.length) await deps.queues.deliver.send(jobs);
  for (const j of jobs) await deps.deliveries.markQueued(j.eventId, j.subscriptionId, now);
  const feed = PUBLIC_EVENT_TYPES.includes(event.type) ? await publishFeed(deps) : false;
  return { matched, queued: jobs.length, feed };
}

/**
 * Rebuilds the Atom feed from the event store (the newest public events) and publishes it when it
 * changed. Idempotent: the same events give the same bytes. Two concurrent rebuilds may race, the
 * later write holding an older view; the next public event's rebuild heals that.
 */
export async function publishFeed(deps: NotifySubscribersDeps): Promise<boolean> {
  const xml = renderAtom(await deps.events.list(), {
    id: deps.links.feedId,
    title: "cpansec: CPAN security events",
    selfUrl: deps.links.feedUrl,
    author: "cpansec-pipeline",
    link: deps.links.result,
    epoch: "2026-01-01T00:00:00Z",
  });
  const bytes = new TextEncoder().encode(xml);
  const current = await deps.feeds.read(FEED_KEY);
  if (current && Buffer.from(current).equals(bytes)) return false;
  await deps.feeds.publish(FEED_KEY, bytes);
  return true;
}

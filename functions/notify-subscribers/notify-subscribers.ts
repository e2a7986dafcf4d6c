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
import { FEED_ENTRIES, FEED_KEY, PUBLIC_EVENT_TYPES, renderAtom } from "../../shared/domain/notify/atom";
import { matches } from "../../shared/domain/notify/match";
import type { PipelineEvent } from "../../shared/messages/events";
import type { DeliverJob, NotifyJob } from "../../shared/messages/jobs";
import { TransientError } from "../../shared/ports/errors";
import type { NotifySubscribersDeps } from "../../shared/ports/deps";
import type { Subscription } from "../../shared/domain/notify/subscription";

export interface NotifyResult {
  readonly matched: number;
  /** Deliver jobs sent by this call (a redelivery sends only what an earlier attempt may have lost). */
  readonly queued: number;
  readonly feed: boolean;
}

/** One event's delivery jobs (the claims above), and the event (the feed rebuild adds it when public). */
async function planDeliveries(
  deps: NotifySubscribersDeps,
  job: NotifyJob,
  subscriptions: readonly Subscription[],
): Promise<NotifyResult & { readonly event: PipelineEvent }> {
  const event = await deps.events.get(job.eventId);
  // emit stores the event before queueing it, so absence is a lagging read: retry, then the DLQ.
  if (!event) throw new TransientError(`event ${job.eventId} is not in the event store`);
  const now = deps.clock().toISOString();
  const jobs: DeliverJob[] = [];
  let matched = 0;
  for (const s of subscriptions) {
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
  return { matched, queued: jobs.length, feed: PUBLIC_EVENT_TYPES.includes(event.type), event };
}

export async function notifySubscribers(deps: NotifySubscribersDeps, job: NotifyJob): Promise<NotifyResult> {
  const { event, ...planned } = await planDeliveries(deps, job, await deps.subscriptions.list());
  return { ...planned, feed: planned.feed ? await publishFeed(deps, [event]) : false };
}

/**
 * A batch of notify jobs (the step): each event's deliveries on its own (a failure fails only its
 * job), then the Atom feed rebuilt once for the batch, not once per public event: the feed is the
 * same, and a batch of public events costs one query for the feed's entries, not one each. A rebuild
 * that fails fails the batch's public jobs (their redelivery plans nothing twice and rebuilds).
 */
export async function notifyBatch(deps: NotifySubscribersDeps, jobs: readonly NotifyJob[]): Promise<Map<number, unknown>> {
  const failed = new Map<number, unknown>();
  const subscriptions = await deps.subscriptions.list();
  const shown: number[] = [];
  const events: PipelineEvent[] = [];
  for (const [i, job] of jobs.entries()) {
    try {
      const planned = await planDeliveries(deps, job, subscriptions);
      if (planned.feed) {
        shown.push(i);
        events.push(planned.event);
      }
    } catch (e) {
      failed.set(i, e);
    }
  }
  if (shown.length) await publishFeed(deps, events).catch((e: unknown) => shown.forEach((i) => failed.set(i, e)));
  return failed;
}

/**
 * Rebuilds the Atom feed from the event store's newest public events (an index query for the
 * feed's entries: its cost does not grow with the store) and publishes it when it changed.
 * `known` are events just read by id (strongly consistent): the index may not show them yet on
 * AWS, and the feed must not leave out the events its rebuild is for.
 * Idempotent: the same events give the same bytes. Two concurrent rebuilds may race, the later
 * write holding an older view; the next public event's rebuild heals that.
 */
export async function publishFeed(deps: NotifySubscribersDeps, known: readonly PipelineEvent[] = []): Promise<boolean> {
  const newest = new Map([...known, ...(await deps.events.newestPublic(FEED_ENTRIES))].map((e) => [e.id, e]));
  const xml = renderAtom([...newest.values()], {
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

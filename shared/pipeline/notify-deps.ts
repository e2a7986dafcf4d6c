/**
 * What the notify and deliver use cases are wired with (separate from PipelineDeps: the pipeline
 * steps do not need any of it). Embedded: shared/adapters/embedded/notify.ts; AWS: the handlers.
 */
import type { DeliverJob } from "../messages/jobs";
import type { PipelineEvent } from "../messages/events";
import type { DeliveryStore, EventStore, JobQueue, Mailer, ObjectStore, SubscriptionStore, WebhookSender } from "../ports";

export interface NotifyDeps {
  readonly events: Pick<EventStore, "list"> & { get(id: string): Promise<PipelineEvent | undefined> };
  readonly subscriptions: SubscriptionStore;
  readonly deliveries: DeliveryStore;
  readonly queues: { readonly deliver: JobQueue<DeliverJob> };
  readonly mailer: Mailer;
  readonly webhooks: WebhookSender;
  /** Where the Atom feed is published as FEED_KEY (`feeds/atom.xml`): the public log bucket on AWS. */
  readonly feeds: ObjectStore;
  readonly clock: () => Date;
  /** Math.random in production; fixed in tests. */
  readonly random: () => number;
  readonly email: {
    /** The From address (an SES verified identity on AWS). */
    readonly from: string;
    /** One-click unsubscribe URL for a subscription, when the deployment offers one. */
    readonly unsubscribeUrl?: (subscriptionId: string) => string;
  };
  readonly links: {
    /** A result key (releases/…, as in PipelineEvent.links) as a reader can open it. */
    readonly result: (key: string) => string;
    /** The public transparency log (base URL or directory). */
    readonly publicLog?: string;
    /** The Atom feed: its stable id and public URL. */
    readonly feedId: string;
    readonly feedUrl: string;
  };
}

/** Queue bodies, versioned. One per step; every consumer is idempotent. */
export interface IngestJob {
  readonly v: 1;
  readonly id: string;
  readonly path: string;
  readonly uploaded: string;
}

/** sbom, advisories and log steps work from the stored release: the id is enough. */
export interface StepJob {
  readonly v: 1;
  readonly id: string;
}

export interface NotifyJob {
  readonly v: 1;
  readonly eventId: string;
}

/** One delivery of one event to one subscription (planned by notify, worked by deliver). */
export interface DeliverJob {
  readonly v: 1;
  readonly eventId: string;
  readonly subscriptionId: string;
}

export const QUEUES = ["ingest-release", "generate-sbom", "match-advisories", "append-log", "notify", "deliver"] as const;
export type QueueName = (typeof QUEUES)[number];

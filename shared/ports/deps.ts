/**
 * What each use case is wired with: ports only, so embedded and AWS wire the same code. The
 * pipeline steps take PipelineDeps (or the part of it they name); notify and deliver take
 * NotifyDeps; the log sequencer takes LogDeps. Also the contract of a step table row's code
 * (QueueStep), which the Lambda worker and the embedded runner both call.
 */
import type { PrivateKey, PublicKey } from "openpgp";
import type * as z from "zod/mini";
import type { Feed, FeedTrust } from "../domain/advisories/feed";
import type { PackagesIndex } from "../domain/cpan/packages";
import type { PatchSnapshot } from "../domain/patches/snapshot";
import type { BuiltLookup } from "../domain/patches/citations";
import type { MatchIdentity } from "../domain/pipeline/record";
import type { Signer } from "../domain/tlog/note";
import type { PublicationOptions } from "../domain/publish/publication";
import type { QUEUE_WORKERS, QueueKey } from "../steps";
import type {
  BlobStore,
  CursorStore,
  DeliveryStore,
  EventStore,
  FindingStore,
  JobQueue,
  LogHead,
  LogIndex,
  Mailer,
  MatchIndex,
  Mirror,
  ObjectStore,
  ReleaseStore,
  SubscriptionStore,
  TileStore,
  WebhookSender,
} from ".";

/** The body of a step's queue, as its row's schema parses it. */
export type JobOf<K extends QueueKey> = z.infer<(typeof QUEUE_WORKERS)[K]["schema"]>;

/** Every step table row's queue, by key: what producers send to. Both backends build it from the table. */
export type Queues = { readonly [K in QueueKey]: JobQueue<JobOf<K>> };

/** The deps a step's `wiring` names: the Lambda handler builds them, the embedded runner holds all three. */
export interface Wirings {
  readonly pipeline: StepDeps;
  /** The pipeline's ports and the log's: append-log, the log's one writer. */
  readonly log: PipelineDeps;
  readonly notify: NotifyDeps;
}

/**
 * The code of a step table row: `functions/<folder>/step.ts` exports it as `step`. A step takes
 * one message at a time (`run`, its result is logged), or a whole batch (`runBatch`: the FIFO log
 * sequencer, notify's one Atom rebuild per batch), naming the positions that failed on their own.
 */
export type QueueStep<B = never> = {
  [W in keyof Wirings]:
    | { readonly wiring: W; readonly run: (deps: Wirings[W], body: B, receives: number) => Promise<unknown> }
    | { readonly wiring: W; readonly runBatch: (deps: Wirings[W], bodies: readonly B[]) => Promise<Map<number, unknown>> };
}[keyof Wirings];

export type { FeedTrust } from "../domain/advisories/feed";

export interface MatchInputs {
  readonly feed?: Feed;
  readonly trust: FeedTrust;
  readonly packages?: PackagesIndex;
  /** The patch registry in use (shared/pipeline/patch-inputs.ts); absent: no patch source configured. */
  readonly patches?: PatchSnapshot;
  readonly identity: MatchIdentity;
}

export interface LogDeps {
  readonly tiles: TileStore;
  readonly head: LogHead;
  readonly index: LogIndex;
  readonly signer: Signer;
  /** The log's origin line, e.g. "cpansec.example.org/log". */
  readonly origin: string;
}

export interface PipelineDeps {
  readonly mirror: Mirror;
  readonly blobs: BlobStore;
  readonly releases: ReleaseStore;
  readonly cursors: CursorStore;
  readonly findings: FindingStore;
  readonly events: EventStore;
  readonly matchIndex: MatchIndex;
  readonly queues: Queues;
  readonly log: LogDeps;
  /** Keys trusted to sign CHECKSUMS (PAUSE's batch key in production). */
  readonly trustedKeys: readonly PublicKey[];
  /** The advisory feed in use (undefined: matching is skipped and says so). */
  readonly feed: () => Promise<Feed | undefined>;
  readonly packages: () => Promise<PackagesIndex | undefined>;
  /** The feed and 02packages the pointers name now, with their identity (match-advisories). */
  readonly matchInputs: () => Promise<MatchInputs>;
  /**
   * The patched archives the overlay holds, for findings to name (`patched`); absent: no overlay
   * (AWS does not build one yet). Not part of the match identity: the overlay step queues a forced
   * re-match for the releases an archive it adds changes the answer of.
   */
  readonly patched?: () => Promise<BuiltLookup | undefined>;
  readonly clock: () => Date;
  readonly tool: { readonly name: string; readonly version: string };
  /** How many receives a mismatching CHECKSUMS entry gets (mirror lag) before it is an integrity alert. */
  readonly checksumRetries: number;
  /**
   * How long an upload may wait for a lagging mirror (the archive, its CHECKSUMS, or its entry in
   * it not there yet) before it fails with that reason (docs/decisions/0010-mirror-lag.md).
   */
  readonly lagDeadlineMs: number;
  /** Where publish-advisories publishes the advisory index. */
  readonly publication: PublicationTarget;
  /**
   * Where publish-overlay publishes the patched CPAN overlay (AWS: the log bucket's patched-cpan/);
   * absent: the backend builds its overlay in the refresh itself (embedded) or not at all.
   */
  readonly overlay?: OverlayTarget;
}

/** What every pipeline function but append-log has: the pipeline's ports without the log's (only append-log holds the signing key). */
export type StepDeps = Omit<PipelineDeps, "log">;

// The narrow deps each pipeline use case (and shared/pipeline helper) names: the ports it touches.
export type ReleaseReadDeps = Pick<PipelineDeps, "blobs" | "releases">;
/** Marking a step done, and announcing the release when it was the last (shared/pipeline/complete.ts). */
export type CompleteDeps = Pick<PipelineDeps, "blobs" | "releases" | "events" | "queues" | "clock">;
export type RecordMatchDeps = CompleteDeps & Pick<PipelineDeps, "findings" | "matchIndex" | "tool">;
export type IngestDeps = CompleteDeps & Pick<PipelineDeps, "mirror" | "trustedKeys" | "checksumRetries" | "lagDeadlineMs">;
export type SbomDeps = CompleteDeps & Pick<PipelineDeps, "feed" | "packages" | "tool">;
export type MatchDeps = RecordMatchDeps & Pick<PipelineDeps, "matchInputs" | "patched">;
export type AppendLogDeps = CompleteDeps & Pick<PipelineDeps, "log">;
export type WatchDeps = Pick<PipelineDeps, "mirror" | "cursors" | "releases" | "queues" | "clock">;
export type RematchDeps = Pick<PipelineDeps, "blobs" | "cursors" | "matchIndex" | "releases" | "queues">;

/** What the notify and deliver use cases are wired with (the pipeline steps need none of it). */
export interface NotifyDeps {
  readonly events: Pick<EventStore, "newestPublic" | "get">;
  readonly subscriptions: SubscriptionStore;
  readonly deliveries: DeliveryStore;
  readonly queues: Pick<Queues, "deliver">;
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

export type NotifySubscribersDeps = Pick<NotifyDeps, "events" | "subscriptions" | "deliveries" | "queues" | "feeds" | "links" | "clock">;
export type DeliverDeps = Pick<NotifyDeps, "events" | "subscriptions" | "deliveries" | "clock" | "webhooks" | "mailer" | "email" | "links">;

/**
 * Where publish-advisories writes (publication's root: the log bucket's `advisories/` on AWS,
 * `<data>/public/advisories/` embedded), with the CSAF publisher and the URL the root is served at.
 */
export interface PublicationTarget {
  readonly store: ObjectStore;
  readonly options: Omit<PublicationOptions, "fallbackTime">;
}

/** The patched CPAN overlay as publish-overlay writes it: the store, its signing key and the log, read only. */
export interface OverlayTarget {
  readonly store: ObjectStore;
  /** The overlay's public URL (02packages' header). */
  readonly url: string;
  /** The PAUSE-style id of its author directory, e.g. CPANSEC. */
  readonly author: string;
  /** The key that signs CHECKSUMS; undefined: none configured (the secret says `none`). */
  readonly key: () => Promise<PrivateKey | undefined>;
  /** The log as its readers see it: the index by entry id, and the public checkpoint, vkey and tiles. */
  readonly log: { readonly index: Pick<LogIndex, "getMany">; readonly files: Pick<TileStore, "read"> };
}

/** What publish-overlay is wired with: the stored releases, findings and patches, the queues, and the target. */
export type OverlayJobDeps = Pick<PipelineDeps, "releases" | "blobs" | "findings" | "matchIndex" | "queues" | "clock" | "tool" | "overlay">;

/** What publish-advisories is wired with: the artifacts bucket (the feed pointer and snapshot) and the target. */
export type PublishDeps = Pick<PipelineDeps, "blobs" | "publication">;

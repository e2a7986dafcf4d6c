/**
 * The pipeline's steps, one row each: its queue, message schema, FIFO or not, batch size,
 * redrive (maxReceiveCount), timeouts, alarm threshold, retry policy, what it may touch, and the
 * folder of its code. Everything reads it: the CDK stack makes a queue worker per row and grants
 * it the row's access (infra/), the Lambda worker and the embedded runner parse bodies with its
 * schema and retry on its policy, both backends build the producers' queues from it, and the tests
 * create the same queues. The code of a row is `functions/<folder>/step.ts` (its use case, see
 * QueueStep in shared/ports/deps.ts). Pure data: no SDK, no CDK (docs/architecture.md, adding a step).
 */
import type * as z from "zod/mini";
import type { TableKey } from "./adapters/aws/resources";
import { DELIVERY_ATTEMPTS, retryDelay } from "./domain/notify/retry";
import { DeliverJobSchema, IngestJobSchema, LogJobSchema, NotifyJobSchema, OverlayJobSchema, PublishJobSchema, StepJobSchema } from "./messages/jobs";

export type SecretKey = "logKey" | "pauseKey" | "feedKey" | "unsubscribeKey" | "overlayKey";

/**
 * GetItem and UpdateItem of single items by key, reading and writing only these top-level
 * attributes (IAM fine-grained access on dynamodb:Attributes): no Scan, Query or PutItem, and
 * every read must name its attributes.
 */
export interface ItemAccess {
  readonly items: readonly string[];
}
export type TableAccess = "read" | "readWrite" | ItemAccess;

/**
 * What a step may touch, as data: infra/grants.ts turns it into IAM statements and
 * test/infra/least-privilege.test.ts checks the synthesized policies against it. Least
 * privilege: a step gets a table, a queue, a key prefix or a secret only if its code uses it.
 */
export interface StepAccess<Q extends string = string> {
  readonly tables: Partial<Record<TableKey, TableAccess>>;
  /** Queues (step table keys) the step sends to. */
  readonly sends: readonly Q[];
  /** Object key patterns in the artifacts bucket. */
  readonly artifacts: { readonly read: readonly string[]; readonly write: readonly string[] };
  /** Object key patterns in the log bucket. */
  readonly log: { readonly read: readonly string[]; readonly write: readonly string[] };
  readonly secrets: readonly SecretKey[];
  /** ses:SendEmail through the stage's identity and configuration set. */
  readonly email: boolean;
}

/**
 * A retry schedule of its own, instead of the queue's visibility timeout (AWS) or the runner's
 * backoff (embedded): the delay after failed attempt n (1-based) of a RetryLaterError, given the
 * receiver's Retry-After and a jitter in [0, 1); undefined after the last attempt.
 */
export type RetryPolicy = (attempt: number, retryAfterMs: number | undefined, jitter: number) => number | undefined;

export interface QueueSpec {
  readonly name: string;
  readonly env: string;
  /** FIFO keeps one writer's order (append-log): one message group, processed a batch at a time. */
  readonly fifo: boolean;
  /** Receives before the message moves to the dead-letter queue (the redrive policy). */
  readonly maxReceiveCount: number;
  /** Lambda event source batch size. */
  readonly batchSize: number;
  /** Seconds a received message stays hidden; SQS wants at least six times the function timeout. */
  readonly visibilityTimeout: number;
  /** The function's timeout, seconds. */
  readonly timeout: number;
  /** The handler, relative to the repository root. */
  readonly entry: string;
  readonly memorySize: number;
  /** The body's schema, parsed by the Lambda worker and the embedded runner before the use case runs. */
  readonly schema: z.ZodMiniType;
  /** Seconds the oldest message may wait before its alarm fires. */
  readonly maxMessageAge: number;
  readonly access: StepAccess;
  /** Retries on a schedule of its own (deliver); then maxReceiveCount is also the embedded runner's limit. */
  readonly retry?: RetryPolicy;
}

const none = { read: [], write: [] } as const;
// Steps that finish a release record write its `release.processed` event (shared/pipeline/complete.ts).
const stepWrites = ["releases/*", "events/*"];

/**
 * sbom and advisories: the archive to describe, the module index and the feed's
 * module→distribution map to resolve prerequisites; they write results and tell notify.
 */
const describesRelease = {
  sends: ["notify"],
  artifacts: { read: ["archives/*", "index/*", "advisories/*"], write: stepWrites },
  log: none,
  secrets: [],
  email: false,
} as const satisfies Omit<StepAccess, "tables">;

/** The step table: one row per queue-fed step (docs/architecture.md, how to add a step). */
export const QUEUE_WORKERS = {
  ingest: {
    name: "ingest-release",
    env: "INGEST_QUEUE_URL",
    fifo: false,
    maxReceiveCount: 5,
    batchSize: 5,
    timeout: 120,
    visibilityTimeout: 720,
    entry: "functions/ingest-release/handler.ts",
    memorySize: 1024,
    schema: IngestJobSchema,
    maxMessageAge: 900,
    access: {
      tables: { releases: "readWrite", events: "readWrite" },
      sends: ["sbom", "advisories", "log", "notify"],
      artifacts: { read: [], write: ["archives/*", "index/*", ...stepWrites] },
      log: none,
      secrets: ["pauseKey"],
      email: false,
    },
  },
  sbom: {
    name: "generate-sbom",
    env: "SBOM_QUEUE_URL",
    fifo: false,
    maxReceiveCount: 5,
    batchSize: 10,
    timeout: 60,
    visibilityTimeout: 360,
    entry: "functions/generate-sbom/handler.ts",
    memorySize: 1024,
    schema: StepJobSchema,
    maxMessageAge: 900,
    access: { ...describesRelease, tables: { releases: "readWrite", events: "readWrite" } },
  },
  advisories: {
    name: "match-advisories",
    env: "ADVISORIES_QUEUE_URL",
    fifo: false,
    maxReceiveCount: 5,
    batchSize: 10,
    timeout: 60,
    visibilityTimeout: 360,
    entry: "functions/match-advisories/handler.ts",
    memorySize: 1024,
    schema: StepJobSchema,
    maxMessageAge: 900,
    // The patch registry in use (findings name its patches) and the overlay's model (and the archives it built).
    access: {
      ...describesRelease,
      tables: { releases: "readWrite", findings: "readWrite", events: "readWrite", matchIndex: "readWrite" },
      artifacts: { read: [...describesRelease.artifacts.read, "patches/*"], write: stepWrites },
      log: { read: ["patched-cpan/cpansec-patched.json"], write: [] },
    },
  },
  log: {
    name: "append-log",
    env: "LOG_QUEUE_URL",
    fifo: true,
    maxReceiveCount: 10,
    batchSize: 10,
    timeout: 60,
    visibilityTimeout: 360,
    entry: "functions/append-log/handler.ts",
    memorySize: 512,
    schema: LogJobSchema,
    maxMessageAge: 900,
    access: {
      tables: { logHead: "readWrite", logIndex: "readWrite", releases: "readWrite", events: "readWrite" },
      // notify: a release's events; overlay: the overlay's entries are logged, publish-overlay lists them.
      sends: ["notify", "overlay"],
      artifacts: { read: [], write: stepWrites },
      log: { read: [], write: ["*"] },
      secrets: ["logKey"],
      email: false,
    },
  },
  notify: {
    name: "notify",
    env: "NOTIFY_QUEUE_URL",
    fifo: false,
    maxReceiveCount: 5,
    batchSize: 10,
    timeout: 60,
    visibilityTimeout: 360,
    entry: "functions/notify-subscribers/handler.ts",
    memorySize: 512,
    schema: NotifyJobSchema,
    maxMessageAge: 900,
    access: {
      tables: { events: "read", subscriptions: "read", deliveries: "readWrite" },
      sends: ["deliver"],
      artifacts: none,
      log: { read: [], write: ["feeds/*"] },
      secrets: [],
      email: false,
    },
  },
  // Webhook retries back off for minutes on purpose: an hour of waiting is still normal there.
  deliver: {
    name: "deliver",
    env: "DELIVER_QUEUE_URL",
    fifo: false,
    maxReceiveCount: DELIVERY_ATTEMPTS,
    batchSize: 10,
    timeout: 30,
    visibilityTimeout: 180,
    entry: "functions/deliver-notification/handler.ts",
    memorySize: 512,
    schema: DeliverJobSchema,
    maxMessageAge: 3600,
    // The unsubscribe key signs the one-click links deliver puts in emails (and unsubscribe checks).
    access: {
      tables: { events: "read", subscriptions: "readWrite", deliveries: "readWrite" },
      sends: [],
      artifacts: none,
      log: none,
      secrets: ["unsubscribeKey"],
      email: true,
    },
    // The delivery schedule (about a day, shared/domain/notify/retry.ts), then the dead-letter queue.
    retry: (attempt, retryAfterMs, jitter) => retryDelay(attempt, jitter, retryAfterMs),
  },
  // The advisory index next to the log (docs/publishing.md): one publication at a time (FIFO),
  // one job per refresh; the export of the whole feed takes seconds and a first publication
  // thousands of writes, hence the long timeout. Writes the log bucket's advisories/ only.
  publish: {
    name: "publish-advisories",
    env: "PUBLISH_QUEUE_URL",
    fifo: true,
    maxReceiveCount: 5,
    batchSize: 1,
    timeout: 900,
    visibilityTimeout: 5400,
    entry: "functions/publish-advisories/handler.ts",
    memorySize: 2048,
    schema: PublishJobSchema,
    maxMessageAge: 7200,
    access: {
      tables: {},
      sends: [],
      artifacts: { read: ["advisories/*"], write: [] },
      log: { read: [], write: ["advisories/*"] },
      secrets: [],
      email: false,
    },
  },
  // The patched CPAN overlay (docs/patches.md, "On AWS"): one publisher at a time (FIFO), one job per
  // refresh with a patch registry. It builds the archives and SBOMs, sends their log entries to
  // append-log (the only holder of the log key), and lists them once append-log has logged them and
  // queued it again: it reads the log (index, checkpoint, tiles) and never writes it.
  overlay: {
    name: "publish-overlay",
    env: "OVERLAY_QUEUE_URL",
    fifo: true,
    maxReceiveCount: 5,
    batchSize: 1,
    timeout: 900,
    visibilityTimeout: 5400,
    entry: "functions/publish-overlay/handler.ts",
    memorySize: 2048,
    schema: OverlayJobSchema,
    maxMessageAge: 7200,
    access: {
      tables: { releases: "read", findings: "read", matchIndex: "read", logIndex: "read" },
      // advisories: the forced re-match of the releases whose findings should name an archive.
      sends: ["advisories", "log"],
      artifacts: { read: ["archives/*", "patches/*", "index/*"], write: [] },
      log: { read: ["checkpoint", "vkey", "tile/*"], write: ["patched-cpan/*"] },
      secrets: ["overlayKey"],
      email: false,
    },
  },
} as const satisfies Record<string, QueueSpec>;

export type QueueKey = keyof typeof QUEUE_WORKERS;

/** A step table: the one above, or (tests) one with a row added. */
export type StepTable = Readonly<Record<string, QueueSpec>>;

// Every queue a row sends to is a row of the table (a type check only).
const _sendsAreRows: Readonly<Record<QueueKey, { access: StepAccess<QueueKey> }>> = QUEUE_WORKERS;

/** The folder under functions/ that holds a row's code: where its handler is. */
export function stepFolder(spec: Pick<QueueSpec, "entry">): string {
  const m = /^functions\/([a-z0-9-]+)\/handler\.ts$/.exec(spec.entry);
  if (!m?.[1]) throw new Error(`step entry ${spec.entry} is not functions/<folder>/handler.ts`);
  return m[1];
}

/** The one message group of a FIFO queue: a single group means one batch in flight at a time. */
export const FIFO_GROUP = "log";

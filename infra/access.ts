/**
 * What each step may touch, as data: grants.ts turns it into IAM statements and test/infra checks
 * the synthesized policies against it. Least privilege: a step gets a table, a queue, a key prefix
 * or a secret only if its code uses it.
 *
 * Object writes are create-only or publish (shared/adapters/aws/s3-object-store.ts); a create that
 * meets an existing object reads it back to compare, so every write pattern is readable too.
 */
import { UNSUBSCRIBE_ATTRIBUTES } from "../shared/adapters/aws/dynamo-unsubscribe";
import type { HTTP_FUNCTIONS, SCHEDULED, TableKey } from "../shared/adapters/aws/resources";
import type { QueueKey } from "../shared/steps";

export type StepKey = QueueKey | keyof typeof SCHEDULED | keyof typeof HTTP_FUNCTIONS;
export type SecretKey = "logKey" | "pauseKey" | "feedKey" | "unsubscribeKey";

/**
 * GetItem and UpdateItem of single items by key, reading and writing only these top-level
 * attributes (IAM fine-grained access on dynamodb:Attributes): no Scan, Query or PutItem, and
 * every read must name its attributes.
 */
export interface ItemAccess {
  readonly items: readonly string[];
}
export type TableAccess = "read" | "readWrite" | ItemAccess;

export interface StepAccess {
  readonly tables: Partial<Record<TableKey, TableAccess>>;
  /** Queues the step sends to. */
  readonly sends: readonly QueueKey[];
  /** Object key patterns in the artifacts bucket. */
  readonly artifacts: { readonly read: readonly string[]; readonly write: readonly string[] };
  /** Object key patterns in the log bucket. */
  readonly log: { readonly read: readonly string[]; readonly write: readonly string[] };
  readonly secrets: readonly SecretKey[];
  /** ses:SendEmail through the stage's identity and configuration set. */
  readonly email: boolean;
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

export const ACCESS: Readonly<Record<StepKey, StepAccess>> = {
  watch: { tables: { releases: "readWrite", cursors: "readWrite" }, sends: ["ingest"], artifacts: none, log: none, secrets: [], email: false },
  // Refreshes the feed (verified with the feed key) and 02packages, then queues the re-matches
  // the match index selects; match-advisories does the matching.
  refresh: {
    tables: { releases: "read", matchIndex: "read", cursors: "readWrite" },
    sends: ["advisories"],
    artifacts: { read: [], write: ["advisories/*", "index/*"] },
    log: none,
    secrets: ["feedKey"],
    email: false,
  },
  ingest: {
    tables: { releases: "readWrite", events: "readWrite" },
    sends: ["sbom", "advisories", "log", "notify"],
    artifacts: { read: [], write: ["archives/*", "index/*", ...stepWrites] },
    log: none,
    secrets: ["pauseKey"],
    email: false,
  },
  sbom: { ...describesRelease, tables: { releases: "readWrite", events: "readWrite" } },
  advisories: { ...describesRelease, tables: { releases: "readWrite", findings: "readWrite", events: "readWrite", matchIndex: "readWrite" } },
  log: {
    tables: { logHead: "readWrite", logIndex: "readWrite", releases: "readWrite", events: "readWrite" },
    sends: ["notify"],
    artifacts: { read: [], write: stepWrites },
    log: { read: [], write: ["*"] },
    secrets: ["logKey"],
    email: false,
  },
  notify: {
    tables: { events: "read", subscriptions: "read", deliveries: "readWrite" },
    sends: ["deliver"],
    artifacts: none,
    log: { read: [], write: ["feeds/*"] },
    secrets: [],
    email: false,
  },
  // The unsubscribe key signs the one-click links deliver puts in emails and unsubscribe checks.
  deliver: {
    tables: { events: "read", subscriptions: "readWrite", deliveries: "readWrite" },
    sends: [],
    artifacts: none,
    log: none,
    secrets: ["unsubscribeKey"],
    email: true,
  },
  // Public (a function URL, no AWS auth): one subscription's `disabled` flag, never a secret or the list.
  unsubscribe: {
    tables: { subscriptions: { items: UNSUBSCRIBE_ATTRIBUTES } },
    sends: [],
    artifacts: none,
    log: none,
    secrets: ["unsubscribeKey"],
    email: false,
  },
};

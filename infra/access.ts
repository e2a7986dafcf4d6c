/**
 * What each function may touch, as data: grants.ts turns it into IAM statements and test/infra
 * checks the synthesized policies against it. The queue-fed steps declare theirs in their step
 * table row (shared/steps.ts); the scheduled and HTTP functions are here.
 *
 * Object writes are create-only or publish (shared/adapters/aws/s3-object-store.ts); a create that
 * meets an existing object reads it back to compare, so every write pattern is readable too.
 */
import { UNSUBSCRIBE_ATTRIBUTES } from "../shared/adapters/aws/dynamo-unsubscribe";
import type { HTTP_FUNCTIONS, SCHEDULED } from "../shared/adapters/aws/resources";
import { QUEUE_WORKERS, type QueueKey, type StepAccess, type StepTable } from "../shared/steps";

export type { ItemAccess, SecretKey, StepAccess, TableAccess } from "../shared/steps";

export type FunctionKey = keyof typeof SCHEDULED | keyof typeof HTTP_FUNCTIONS;
export type StepKey = QueueKey | FunctionKey;

const none = { read: [], write: [] } as const;

/** The functions that are not step table rows. */
export const FUNCTION_ACCESS: Readonly<Record<FunctionKey, StepAccess<QueueKey>>> = {
  watch: { tables: { releases: "readWrite", cursors: "readWrite" }, sends: ["ingest"], artifacts: none, log: none, secrets: [], email: false },
  // Refreshes the feed (verified with the feed key), 02packages and the patch registry, then
  // queues the re-matches the match index selects; match-advisories does the matching.
  // With a patch source it stores the registry (patches/) and queues publish-overlay.
  refresh: {
    tables: { releases: "read", matchIndex: "read", cursors: "readWrite" },
    sends: ["advisories", "publish", "overlay"],
    artifacts: { read: ["patch-source/*"], write: ["advisories/*", "index/*", "patches/*"] },
    log: none,
    secrets: ["feedKey"],
    email: false,
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

/** Every function's access: each step table row's, then the scheduled and HTTP functions'. */
export function accessOf(steps: StepTable): Readonly<Record<string, StepAccess>> {
  return { ...Object.fromEntries(Object.entries(steps).map(([k, spec]) => [k, spec.access])), ...FUNCTION_ACCESS };
}

export const ACCESS = accessOf(QUEUE_WORKERS) as Readonly<Record<StepKey, StepAccess<QueueKey>>>;

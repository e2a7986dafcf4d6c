/**
 * The pipeline's steps, one row each: its queue, message schema, FIFO or not, batch size,
 * redrive (maxReceiveCount), timeouts, alarm threshold and the handler of its use case. The CDK
 * stack creates a queue worker per row (infra/pipeline-stack.ts), the Lambda worker and the
 * embedded runner parse bodies with its schema, and the tests create the same queues from it.
 * Pure data: no SDK, no CDK.
 */
import type * as z from "zod/mini";
import { DeliverJobSchema, IngestJobSchema, NotifyJobSchema, StepJobSchema } from "./messages/jobs";

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
}

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
    schema: StepJobSchema,
    maxMessageAge: 900,
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
  },
  // Webhook retries back off for minutes on purpose: an hour of waiting is still normal there.
  deliver: {
    name: "deliver",
    env: "DELIVER_QUEUE_URL",
    fifo: false,
    maxReceiveCount: 10,
    batchSize: 10,
    timeout: 30,
    visibilityTimeout: 180,
    entry: "functions/deliver-notification/handler.ts",
    memorySize: 512,
    schema: DeliverJobSchema,
    maxMessageAge: 3600,
  },
} as const satisfies Record<string, QueueSpec>;

export type QueueKey = keyof typeof QUEUE_WORKERS;

/** The one message group of a FIFO queue: a single group means one batch in flight at a time. */
export const FIFO_GROUP = "log";

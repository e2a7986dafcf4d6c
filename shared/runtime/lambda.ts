/**
 * What every handler shares: the cold start (environment checked, clients built, secrets read,
 * once per container), Powertools logging and metrics, and the SQS batch contract: each record
 * succeeds or is reported in batchItemFailures (processPartialResponse), so only failures are
 * redelivered and, after maxReceiveCount, dead-lettered. Use cases decide what is permanent:
 * they record it on the release and return normally; anything they throw is retried.
 */
import { BatchProcessor, EventType, SqsFifoPartialProcessorAsync, processPartialResponse } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import { MetricUnit, Metrics } from "@aws-lambda-powertools/metrics";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import pkg from "../../package.json" with { type: "json" };
import type * as z from "zod/mini";
import type { JobOf, QueueStep, StepDeps, Wirings } from "../ports/deps";
import { RetryLaterError, parseMessageText } from "../ports/errors";
import { QUEUE_WORKERS, type QueueKey, type QueueSpec } from "../steps";
import { type AwsClients, awsClientsFromEnv } from "../adapters/aws/clients";
import { type AwsEnv, readAwsEnv } from "../adapters/aws/env";
import { retryLater } from "../adapters/aws/sqs-queue";
import { type AwsPipelineOptions, awsPipelineDeps } from "./aws-pipeline";

export interface HandlerContext {
  readonly name: string;
  readonly env: AwsEnv;
  readonly clients: AwsClients;
  readonly deps: StepDeps;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export type RuntimeBase = Pick<HandlerContext, "name" | "env" | "clients" | "logger" | "metrics">;

/** What every handler starts with (the notify, deliver and unsubscribe ones wire no StepDeps). */
export function runtimeBase(name: string, env: Record<string, string | undefined> = process.env): RuntimeBase {
  const config = readAwsEnv(env);
  return {
    name,
    env: config,
    clients: awsClientsFromEnv(env),
    logger: new Logger({ serviceName: name }),
    metrics: new Metrics({ namespace: "cpansec", serviceName: name }),
  };
}

/** What a handler adds to the shared wiring at cold start (its secrets, its feed policy). */
export type Extras = (env: AwsEnv, clients: AwsClients) => Promise<Partial<AwsPipelineOptions>>;

/**
 * Runs at import (the Lambda init phase): a bad environment fails the cold start with every
 * problem named. `AWS_ENDPOINT_URL` (an emulator, in the tests) is the SDK's own variable.
 */
export function coldStart(name: string, extras?: Extras, env: Record<string, string | undefined> = process.env): Promise<HandlerContext> {
  const { env: config, clients, logger, metrics } = runtimeBase(name, env);
  const ready = (async () => {
    const more = extras ? await extras(config, clients) : {};
    const deps = awsPipelineDeps(config, clients, { tool: { name: "cpansec-pipeline", version: pkg.version }, ...more });
    return { name, env: config, clients, deps, logger, metrics };
  })();
  ready.catch((e: unknown) => logger.error("cold start failed", e as Error));
  return ready;
}

/**
 * A queue body: JSON that its step's schema accepts. Anything else is a BadMessageError naming the
 * problems; it is thrown like any failure, so SQS redelivers it into the DLQ, where it is kept.
 */
export const parseBody = <S extends z.ZodMiniType>(schema: S, record: SQSRecord): z.infer<S> =>
  parseMessageText(schema, record.body, `message ${record.messageId}`);

const receives = (r: SQSRecord) => Number(r.attributes.ApproximateReceiveCount) || 1;

/** A per-message SQS worker (ingest, sbom, advisories, deliver). */
export function sqsWorker<S extends z.ZodMiniType, C extends { logger: Logger; metrics: Metrics } = HandlerContext>(
  ready: Promise<C>,
  schema: S,
  step: (ctx: C, body: z.infer<S>, receives: number, record: SQSRecord) => Promise<void>,
) {
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const ctx = await ready;
    ctx.logger.addContext(context);
    let ok = 0;
    let failed = 0;
    try {
      return await processPartialResponse(
        event,
        async (record: SQSRecord) => {
          try {
            await step(ctx, parseBody(schema, record), receives(record), record);
            ok++;
          } catch (e) {
            failed++;
            ctx.logger.warn("message failed; SQS will redeliver it", { messageId: record.messageId, receives: receives(record), error: e as Error });
            throw e;
          }
        },
        new BatchProcessor(EventType.SQS),
        { context, throwOnFullBatchFailure: false },
      );
    } finally {
      ctx.metrics.addMetric("MessagesSucceeded", MetricUnit.Count, ok);
      ctx.metrics.addMetric("MessagesFailed", MetricUnit.Count, failed);
      ctx.metrics.publishStoredMetrics();
    }
  };
}

/**
 * A whole-batch worker (append-log: one sequencer batch per receive; notify: one Atom rebuild per
 * batch). The batch step runs once and names the records that failed on their own; if it throws,
 * every record fails. On a FIFO queue the FIFO processor then also fails the records after a
 * failed one, keeping the group's order; they are redone idempotently.
 */
export function sqsBatchWorker<S extends z.ZodMiniType, C extends { logger: Logger; metrics: Metrics } = HandlerContext>(
  ready: Promise<C>,
  schema: S,
  step: (ctx: C, bodies: z.infer<S>[]) => Promise<Map<number, unknown>>,
  fifo = true,
) {
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const ctx = await ready;
    ctx.logger.addContext(context);
    let batch: Promise<Map<number, unknown>> | undefined;
    const position = new Map(event.Records.map((r, i) => [r.messageId, i]));
    try {
      return await processPartialResponse(
        event,
        async (record: SQSRecord) => {
          batch ??= step(
            ctx,
            event.Records.map((r) => parseBody(schema, r)),
          ).catch((e: unknown) => {
            ctx.logger.warn("batch failed; SQS will redeliver it", { messages: event.Records.length, error: e as Error });
            throw e;
          });
          const failed = await batch;
          const error = failed.get(position.get(record.messageId) as number);
          if (error !== undefined) {
            ctx.logger.warn("message failed; SQS will redeliver it", { messageId: record.messageId, error: error as Error });
            throw error;
          }
        },
        fifo ? new SqsFifoPartialProcessorAsync() : new BatchProcessor(EventType.SQS),
        { context, throwOnFullBatchFailure: false },
      );
    } finally {
      ctx.metrics.addMetric("BatchSize", MetricUnit.Count, event.Records.length);
      ctx.metrics.publishStoredMetrics();
    }
  };
}

type DepsOf<S> = S extends { readonly wiring: infer W extends keyof Wirings } ? Wirings[W] : never;

/**
 * The Lambda handler of a step table row: the row's step (its folder's step.ts) over the deps its
 * `wiring` names, per message or per batch as the step is written, a result logged (one with a
 * `warning`, publish-overlay without a key say, as a warning). A RetryLaterError of a row with a `retry` schedule hides the message until its next attempt is
 * due (ChangeMessageVisibility); any other failure comes back after the visibility timeout.
 */
export function stepHandler<K extends QueueKey, S extends QueueStep<JobOf<K>>>(ready: Promise<RuntimeBase & { deps: DepsOf<S> }>, key: K, step: S) {
  const spec: QueueSpec = QUEUE_WORKERS[key];
  const s = step as QueueStep<JobOf<K>>; // ctx.deps is DepsOf<S>, what the step's wiring names
  if ("runBatch" in s) return sqsBatchWorker(ready, spec.schema, (ctx, bodies) => s.runBatch(ctx.deps as never, bodies as JobOf<K>[]), spec.fifo);
  return sqsWorker(ready, spec.schema, async (ctx, body, receives, record) => {
    try {
      const result = await s.run(ctx.deps as never, body as JobOf<K>, receives);
      const warning = (result as { warning?: unknown } | undefined)?.warning;
      const log = { job: body as Record<string, unknown>, result: result as Record<string, unknown> };
      if (typeof warning === "string") ctx.logger.warn(`done, with a warning: ${warning}`, log);
      else if (result !== undefined) ctx.logger.info("done", log);
    } catch (e) {
      if (spec.retry && e instanceof RetryLaterError) {
        const ms = spec.retry(receives, e.retryAfterMs, Math.random());
        if (ms !== undefined) await retryLater(ctx.clients.sqs, ctx.env.queues[key], record.receiptHandle, ms);
      }
      throw e;
    }
  });
}

/** An EventBridge-scheduled function: its result is logged; a throw is a failed invocation (retried, then its DLQ). */
export function scheduled<R>(ready: Promise<HandlerContext>, run: (ctx: HandlerContext) => Promise<R>) {
  return async (_event: unknown, context: Context): Promise<R> => {
    const ctx = await ready;
    ctx.logger.addContext(context);
    try {
      const result = await run(ctx);
      ctx.metrics.addMetric("RunsSucceeded", MetricUnit.Count, 1);
      ctx.logger.info("done", { result: result as unknown as Record<string, unknown> });
      return result;
    } finally {
      ctx.metrics.publishStoredMetrics();
    }
  };
}

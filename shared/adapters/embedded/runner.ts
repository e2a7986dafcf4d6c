/**
 * Plays the part of Lambda's SQS event sources for `cpansec run`: receives batches from the
 * embedded queues, calls the step, deletes what succeeded, retries what failed with exponential
 * backoff, and dead-letters a message after `maxReceives` (the redrive policy), keeping why. A
 * body its step's schema refuses is dead-lettered at once with the reason: no retry can fix it.
 */
import type * as z from "zod/mini";
import { BadMessageError, parseMessage } from "../../ports/errors";
import type { EmbeddedDb, QueuedMessage } from "./sqlite-db";

export interface Worker {
  readonly queue: string;
  readonly batchSize: number;
  /** Returns the messages that failed, with their errors (reportBatchItemFailures). */
  handle(messages: QueuedMessage<unknown>[]): Promise<Map<number, unknown>>;
  /** This queue's redrive policy and retry delays, when they differ from the runner's (deliver). */
  readonly maxReceives?: number;
  readonly backoffMs?: (receives: number, error: unknown) => number;
  /**
   * Its batches run beside the other queues' (the step runs on another thread): the runner moves
   * on at once, settles the batch when the step has finished (acked only then: a crash before
   * leaves it in SQLite to redo), and receives this queue's next batch only after that.
   */
  readonly detached?: boolean;
  /**
   * Its batch's writes and the batch's outcomes commit together, in one SQLite transaction (one
   * commit for the batch, not one per statement): for steps whose work is the store and local files
   * only (a transaction held across a network call would hold the store's write lock that long).
   */
  readonly oneTransaction?: boolean;
}

export interface RunnerOptions {
  readonly maxReceives: number;
  readonly visibilityMs: number;
  /** Delay before retry n (1-based). */
  readonly backoffMs: (receives: number) => number;
  readonly onBatch?: (queue: string, ok: number, failed: number) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Stop waiting when every remaining message becomes visible later than this from now: they stay
   * queued (in SQLite) for the next pass. Without it, runUntilIdle waits for every retry.
   */
  readonly horizonMs?: number;
}

export const defaultBackoff = (base: number, cap: number) => (n: number) => Math.min(cap, base * 2 ** (n - 1)) * (0.5 + Math.random() / 2);

const describe = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** `fn` on each message in turn; the ones it threw for, with their errors. */
async function each(messages: readonly QueuedMessage<unknown>[], fn: (m: QueuedMessage<unknown>) => Promise<void>): Promise<Map<number, unknown>> {
  const failed = new Map<number, unknown>();
  for (const m of messages) {
    try {
      await fn(m);
    } catch (e) {
      failed.set(m.id, e);
    }
  }
  return failed;
}

/** One message at a time through `step`; failures are reported per message, never for the batch. */
export function perMessage<S extends z.ZodMiniType>(
  queue: string,
  schema: S,
  step: (body: z.infer<S>, receives: number) => Promise<void>,
  batchSize = 10,
): Worker {
  return {
    queue,
    batchSize,
    handle: (messages) => each(messages, (m) => step(parseMessage(schema, m.body, `${queue} message ${m.id}`), m.receives)),
  };
}

/**
 * A whole batch through `step` (the log sequencer appends a batch at once). The step returns the
 * positions that failed on their own; if it throws, the whole batch failed. Malformed bodies fail
 * on their own and stay out of the batch.
 */
export function perBatch<S extends z.ZodMiniType>(
  queue: string,
  schema: S,
  step: (bodies: z.infer<S>[]) => Promise<Map<number, unknown>>,
  batchSize = 256,
): Worker {
  return {
    queue,
    batchSize,
    async handle(messages) {
      const good: { m: QueuedMessage<unknown>; body: z.infer<S> }[] = [];
      const bad = await each(messages, async (m) => void good.push({ m, body: parseMessage(schema, m.body, `${queue} message ${m.id}`) }));
      if (!good.length) return bad;
      try {
        const failed = await step(good.map((g) => g.body));
        return new Map([...bad, ...[...failed].map(([at, e]): [number, unknown] => [(good[at] as (typeof good)[number]).m.id, e])]);
      } catch (e) {
        return new Map([...bad, ...good.map((g): [number, unknown] => [g.m.id, e])]);
      }
    },
  };
}

/** Runs the workers until every queue they read is empty (delayed retries included, up to horizonMs). */
export async function runUntilIdle(db: EmbeddedDb, workers: readonly Worker[], o: RunnerOptions): Promise<void> {
  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const names = new Set(workers.map((w) => w.queue));
  // A detached batch that finishes while a batch's transaction is open settles after its commit:
  // its acks must not join (or be rolled back with) another queue's writes.
  const later: (() => void)[] = [];
  const settle = (w: Worker, batch: readonly QueuedMessage<unknown>[], failed: Map<number, unknown>, report = true) => {
    if (w.detached && db.db.inTransaction) return void later.push(() => settle(w, batch, failed));
    db.settle(() => {
      for (const m of batch) {
        const error = failed.get(m.id);
        if (!failed.has(m.id)) db.ack(m.id);
        else if (error instanceof BadMessageError) db.deadLetter(m.id, describe(error));
        else if (m.receives >= (w.maxReceives ?? o.maxReceives)) db.deadLetter(m.id, `${describe(error)} (after ${m.receives} receives)`);
        else db.retryLater(m.id, w.backoffMs ? w.backoffMs(m.receives, error) : o.backoffMs(m.receives));
      }
    });
    if (report) o.onBatch?.(w.queue, batch.length - failed.size, failed.size);
  };
  /**
   * The batch's writes and its acks, retries and dead letters in one commit: a message is acked
   * exactly when what it wrote is committed, and a crash before the commit leaves the whole batch
   * to be received again (files it wrote stay: the steps rewrite them, or keep the first copy of a
   * create-only one). A message that fails keeps what it wrote before failing, as without the
   * transaction. Should SQLite roll the transaction back itself (a full disk), nothing of the batch
   * is known to be stored: every message of it is retried.
   */
  const inOneTransaction = async (w: Worker, batch: QueuedMessage<unknown>[]) => {
    db.db.exec("BEGIN IMMEDIATE");
    try {
      let failed: Map<number, unknown>;
      try {
        failed = await w.handle(batch);
      } catch (e) {
        failed = new Map(batch.map((m) => [m.id, e]));
      }
      if (!db.db.inTransaction) failed = new Map(batch.map((m) => [m.id, failed.get(m.id) ?? new Error("the batch's transaction was rolled back")]));
      settle(w, batch, failed, false);
      if (db.db.inTransaction) db.db.exec("COMMIT");
      o.onBatch?.(w.queue, batch.length - failed.size, failed.size); // what is reported is committed
    } finally {
      if (db.db.inTransaction) db.db.exec("ROLLBACK");
    }
  };
  // Detached workers' batches still running; each settles itself (between this loop's steps: JS runs one thing at a time).
  const running = new Map<Worker, Promise<void>>();
  let broken: { error: unknown } | undefined; // a detached batch's settle failed: the run fails, as it would in line
  for (;;) {
    if (broken) throw broken.error;
    let worked = false;
    for (const w of workers) {
      if (running.has(w)) continue;
      const batch = db.receive<unknown>(w.queue, w.batchSize, o.visibilityMs);
      if (!batch.length) continue;
      worked = true;
      if (w.detached) {
        const done = w.handle(batch).then(
          (failed) => settle(w, batch, failed),
          (e: unknown) => settle(w, batch, new Map(batch.map((m) => [m.id, e]))),
        );
        running.set(
          w,
          done.catch((error: unknown) => void (broken ??= { error })).finally(() => running.delete(w)),
        );
        continue;
      }
      if (w.oneTransaction) await inOneTransaction(w, batch);
      else settle(w, batch, await w.handle(batch));
      for (const run of later.splice(0)) run();
    }
    if (worked) continue;
    const pending = db.pending().filter((p) => names.has(p.queue));
    if (!running.size && !pending.length) return;
    const next = Math.min(...pending.map((p) => p.nextVisibleAt ?? Date.now()));
    if (!running.size && o.horizonMs !== undefined && next - Date.now() > o.horizonMs) return;
    const wait = sleep(Math.max(5, Math.min(1000, next - Date.now())));
    // A detached batch that finishes may have made work (a retry now visible) or ended the run.
    await (running.size ? Promise.race([wait, ...running.values()]) : wait);
  }
}

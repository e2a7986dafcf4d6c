/**
 * The embedded runner's workers, made from the step table: a row's code is the `step` its folder's
 * functions/<folder>/step.ts exports, imported by that path. esbuild bundles the pattern (every
 * functions/<folder>/step.ts, each a chunk), so a new row and its folder need no line here.
 * Per message or per batch, and the retry schedule, are as the row and its step say, as on AWS.
 */
import type { QueueStep, Wirings } from "../../shared/ports/deps";
import { RetryLaterError } from "../../shared/ports/errors";
import { type QueueSpec, type StepTable, stepFolder } from "../../shared/steps";
import { type Worker, perBatch, perMessage } from "../../shared/adapters/embedded/runner";

/** A step table row with its code. */
export interface TableStep {
  readonly key: string;
  readonly spec: QueueSpec;
  readonly step: QueueStep<unknown>;
}

/** A row's step module (its `step` export). */
export type StepLoader = (spec: QueueSpec, key: string) => Promise<unknown>;

/** functions/<folder>/step.ts, beside the row's handler. */
export const stepModule: StepLoader = (spec) => import(`../../functions/${stepFolder(spec)}/step.ts`);

const isStep = (s: unknown): s is QueueStep<unknown> =>
  typeof s === "object" &&
  s !== null &&
  ["pipeline", "log", "notify"].includes((s as { wiring?: unknown }).wiring as string) &&
  (typeof (s as { run?: unknown }).run === "function" || typeof (s as { runBatch?: unknown }).runBatch === "function");

/** Every row with its step; a row whose folder has no step.ts exporting a QueueStep fails, naming it. */
export async function loadSteps(table: StepTable, load: StepLoader = stepModule): Promise<TableStep[]> {
  return Promise.all(
    Object.entries(table).map(async ([key, spec]) => {
      const mod = await load(spec, key).catch((e: unknown) => {
        throw new Error(`step ${key}: the step module beside ${spec.entry} cannot be loaded: ${e instanceof Error ? e.message : String(e)}`);
      });
      const step = (mod as { step?: unknown } | undefined)?.step;
      if (!isStep(step)) throw new Error(`step ${key}: the step module beside ${spec.entry} exports no QueueStep named step`);
      return { key, spec, step };
    }),
  );
}

export type Wrap = <T>(queue: string, step: (body: T, receives: number) => Promise<void>) => (body: T, receives: number) => Promise<void>;

export interface WorkerOptions {
  readonly wrap: Wrap;
  /** Jitter for retry schedules (the notify deps' random). */
  readonly random: () => number;
  /** Tests: replaces every row's retry schedule (a faster one). */
  readonly retryDelayMs?: (attempt: number, retryAfterMs?: number) => number | undefined;
}

/** The runner's worker for one row: its step over the deps its `wiring` names. */
export function stepWorker({ spec, step }: TableStep, wirings: Wirings, o: WorkerOptions): Worker {
  const deps = wirings[step.wiring] as never; // the deps this step's wiring names (checked where the step is written)
  if ("runBatch" in step) {
    return perBatch(spec.name, spec.schema, async (jobs) => {
      let failed = new Map<number, unknown>();
      await o.wrap<unknown[]>(spec.name, async (js) => void (failed = await step.runBatch(deps, js)))(jobs, 1);
      return failed;
    });
  }
  const worker = perMessage(
    spec.name,
    spec.schema,
    o.wrap(spec.name, async (body: unknown, n: number) => void (await step.run(deps, body, n))),
  );
  const retry = spec.retry;
  if (!retry) return worker;
  const delay = o.retryDelayMs ?? ((attempt: number, after?: number) => retry(attempt, after, o.random()));
  return {
    ...worker,
    maxReceives: spec.maxReceiveCount,
    backoffMs: (n, e) => delay(n, e instanceof RetryLaterError ? e.retryAfterMs : undefined) ?? 0,
  };
}

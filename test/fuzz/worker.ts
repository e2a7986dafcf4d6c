/**
 * The fuzz worker: runs one batch (target, seed, inputs) at a time for test/fuzz/run.ts. Before
 * each input it bumps a shared counter, so the parent can see a hang (the counter stops) and
 * rebuild the exact input from the seed and the counter, even when this thread never answers.
 */
import { parentPort, workerData } from "node:worker_threads";
import fc from "fast-check";
import { Tally, describeError, runOne } from "./harness";
import { buildTargets } from "./targets";

export interface Batch {
  readonly target: string;
  readonly seed: number;
  readonly runs: number;
}

export interface BatchResult {
  readonly target: string;
  readonly seed: number;
  readonly outcomes: Record<string, number>;
  readonly inputs: number;
  readonly maxMs: number;
  readonly heapPeak: number;
  readonly failure?: { readonly path?: string; readonly counterexample: string; readonly error: string };
}

const beat = new Int32Array(workerData.heartbeat as SharedArrayBuffer);
const { targets } = await buildTargets();
const byName = new Map(targets.map((t) => [t.name, t]));

parentPort?.on("message", async (b: Batch) => {
  const t = byName.get(b.target);
  if (!t) throw new Error(`no target ${b.target}`);
  const tally = new Tally();
  let heapPeak = 0;
  Atomics.store(beat, 0, 0);
  const details = await fc.check(
    fc.asyncProperty(t.arbitrary, async (input) => {
      Atomics.add(beat, 0, 1);
      tally.add(await runOne(t, input));
      if (tally.inputs % 16 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }),
    { seed: b.seed, numRuns: b.runs },
  );
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  const result: BatchResult = {
    target: b.target,
    seed: b.seed,
    outcomes: Object.fromEntries(tally.outcomes),
    inputs: tally.inputs,
    maxMs: tally.maxMs,
    heapPeak,
    ...(details.failed
      ? {
          failure: {
            path: details.counterexamplePath ?? undefined,
            counterexample: fc.stringify(details.counterexample).slice(0, 4000),
            error: describeError(details.errorInstance),
          },
        }
      : {}),
  };
  parentPort?.postMessage(result);
});
parentPort?.postMessage({ ready: targets.map((t) => t.name) });

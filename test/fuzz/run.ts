/**
 * `npm run fuzz -- --minutes N [--target name] [--seed S]`: every target (or one), round-robin,
 * in batches with fresh random seeds until time is up. A worker thread runs the inputs so that
 * a hang (no input finished within the watchdog limit) or runaway memory (the worker's heap cap)
 * is caught and reported with the input that caused it, rebuilt from its seed. Exits 1 on any
 * failure. Failing inputs are written to $TMPDIR/cpansec-fuzz-failures/ for a regression test.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import fc from "fast-check";
import { parseArgs } from "node:util";
import { DEFAULT_DEADLINE_MS } from "./harness";
import { buildTargets } from "./targets";
import type { Batch, BatchResult } from "./worker";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "1" },
    target: { type: "string" },
    seed: { type: "string" },
    batch: { type: "string", default: "100" },
    "heap-mb": { type: "string", default: "1024" },
  },
});
const deadlineEnd = Date.now() + Number(values.minutes) * 60_000;
const { targets, notes } = await buildTargets();
const chosen = values.target ? targets.filter((t) => t.name === values.target) : targets;
if (!chosen.length) throw new Error(`no target ${values.target}; targets: ${targets.map((t) => t.name).join(", ")}`);
for (const n of notes) console.log(`fuzz seeds: ${n}`);
const rng = fc.sample(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { seed: values.seed ? Number(values.seed) : Date.now() % 2 ** 31, numRuns: 1_000_000 });
let nextSeed = 0;

interface Totals {
  inputs: number;
  outcomes: Map<string, number>;
  maxMs: number;
  heapPeak: number;
}
const totals = new Map(chosen.map((t) => [t.name, { inputs: 0, outcomes: new Map<string, number>(), maxMs: 0, heapPeak: 0 } as Totals]));
const failures: string[] = [];
let rssPeak = 0;

function record(kind: string, target: string, seed: number, detail: string, input?: string): void {
  const dir = join(tmpdir(), "cpansec-fuzz-failures");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${target}-${seed}-${kind}.txt`);
  writeFileSync(file, `${kind} in ${target}, seed ${seed}\n${detail}\n${input ? `input: ${input}\n` : ""}`);
  failures.push(`${kind} in ${target} (seed ${seed}): ${detail.split("\n")[0]} → ${file}`);
  console.log(`FAIL ${kind} in ${target}, seed ${seed}\n${detail}${input ? `\ninput: ${input.slice(0, 2000)}` : ""}`);
}

/** The n-th input fast-check generates for this seed (the same stream fc.check walks). */
function nthInput(target: string, seed: number, n: number): string {
  const t = chosen.find((x) => x.name === target);
  if (!t || n < 1) return "(unknown)";
  return fc.stringify(fc.sample(t.arbitrary, { seed, numRuns: n })[n - 1]);
}

async function runBatches(): Promise<void> {
  let i = 0;
  while (Date.now() < deadlineEnd) {
    const heartbeat = new SharedArrayBuffer(4);
    const beat = new Int32Array(heartbeat);
    const worker = new Worker(new URL("./worker-boot.mjs", import.meta.url), {
      workerData: { heartbeat },
      resourceLimits: { maxOldGenerationSizeMb: Number(values["heap-mb"]) },
    });
    // One batch at a time; a dead or hung worker ends this inner loop and a fresh one is started.
    const ok = await new Promise<boolean>((resolve) => {
      let current: Batch | undefined;
      let lastCount = -1;
      let lastChange = Date.now();
      const send = () => {
        if (Date.now() >= deadlineEnd) return void worker.terminate().then(() => resolve(true));
        const t = chosen[i++ % chosen.length];
        current = { target: (t as (typeof chosen)[number]).name, seed: rng[nextSeed++ % rng.length] as number, runs: Number(values.batch) };
        lastCount = -1;
        lastChange = Date.now();
        worker.postMessage(current);
      };
      const watchdog = setInterval(() => {
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        const count = Atomics.load(beat, 0);
        if (count !== lastCount) {
          lastCount = count;
          lastChange = Date.now();
          return;
        }
        const limit = 3 * Math.max(DEFAULT_DEADLINE_MS, chosen.find((t) => t.name === current?.target)?.deadlineMs ?? 0);
        if (current && Date.now() - lastChange > limit) {
          clearInterval(watchdog);
          record(
            "hang",
            current.target,
            current.seed,
            `input #${count} did not finish within ${limit} ms (the worker was stopped)`,
            nthInput(current.target, current.seed, count),
          );
          void worker.terminate().then(() => resolve(false));
        }
      }, 250);
      worker.on("message", (m: BatchResult | { ready: string[] }) => {
        if ("ready" in m) return send();
        const tot = totals.get(m.target) as Totals;
        tot.inputs += m.inputs;
        tot.maxMs = Math.max(tot.maxMs, m.maxMs);
        tot.heapPeak = Math.max(tot.heapPeak, m.heapPeak);
        for (const [k, n] of Object.entries(m.outcomes)) tot.outcomes.set(k, (tot.outcomes.get(k) ?? 0) + n);
        if (m.failure) record("crash", m.target, m.seed, `${m.failure.error}\nfast-check path: ${m.failure.path}`, m.failure.counterexample);
        send();
      });
      worker.on("error", (e) => {
        clearInterval(watchdog);
        const count = Atomics.load(beat, 0);
        if (current)
          record(
            (e as NodeJS.ErrnoException).code === "ERR_WORKER_OUT_OF_MEMORY" ? "memory" : "worker-error",
            current.target,
            current.seed,
            `input #${count}: ${(e as Error).message}`,
            nthInput(current.target, current.seed, count),
          );
        resolve(false);
      });
      worker.on("exit", () => {
        clearInterval(watchdog);
        resolve(true);
      });
    });
    if (ok && Date.now() >= deadlineEnd) break;
  }
}

const started = Date.now();
await runBatches();
const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
console.log(`\nfuzzed ${((Date.now() - started) / 60_000).toFixed(1)} min; process RSS peak ${mib(rssPeak)}`);
for (const [name, t] of totals) {
  const accepted = t.outcomes.get("accepted") ?? 0;
  const rejected = [...t.outcomes].filter(([k]) => k !== "accepted").map(([k, n]) => `${n} ${k}`);
  console.log(
    `fuzz ${name}: ${t.inputs} inputs, ${rejected.length ? `rejected ${rejected.join(", ")}` : "0 rejected"}, ${accepted} accepted (slowest ${Math.round(t.maxMs)} ms, worker heap peak ${mib(t.heapPeak)})`,
  );
}
console.log(failures.length ? `\n${failures.length} failure(s):\n${failures.join("\n")}` : "\nno failures");
process.exit(failures.length ? 1 : 0);

/**
 * Reading many archives on every core: worker threads run readForScan (inflate, hash, parse) while
 * the main thread reads too and hands the results on in argument order, so the output is the serial
 * scan's, byte for byte. Only on request (`--jobs N`): measured on a quiet 2-core machine it did not
 * pay at any archive count up to the corpus's 298 (docs/benchmarks.md), because each worker repeats
 * the main thread's module load and JIT warm-up.
 */
import { Worker } from "node:worker_threads";
import { type ReadRequest, type ReadResult, readForScan } from "./scan-read";
import { SCAN_READER } from "./self";

/** Requests in flight per worker: enough that a worker never waits for the busy main thread. */
const IN_FLIGHT = 4;
/** How far ahead of the next archive to print the main thread reads (bounds what waits in memory). */
const AHEAD = 32;

/** The worker's side: answers each request with its ReadResult (./cpansec.ts starts it). */
export async function serveReads(port: import("node:worker_threads").MessagePort): Promise<void> {
  port.on("message", async (m: { i: number; req: ReadRequest }) => {
    try {
      port.postMessage({ i: m.i, result: await readForScan(m.req) });
    } catch (e) {
      port.postMessage({ i: m.i, crash: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
}

/** How many threads read: `jobs` when given, else one; never more than there are archives. */
export function readers(count: number, jobs: number | undefined, entry: string | undefined): number {
  if (!entry) return 1; // not started from the bundle's entry: no script for a worker to run
  return Math.max(1, Math.min(jobs ?? 1, count));
}

/**
 * Archives read at once on this thread: while one is parsed here, the thread pool inflates and
 * hashes the others (readArchive, describeRelease). Each holds its compressed bytes and a few
 * inflated pieces, so this bounds what waits in memory.
 */
const READ_AHEAD = 4;

/** Yields each archive's ReadResult in argument order, with up to READ_AHEAD of them in flight. */
export async function* readAhead(requests: readonly ReadRequest[]): AsyncGenerator<ReadResult> {
  const pending: Promise<ReadResult>[] = [];
  let next = 0;
  for (let out = 0; out < requests.length; out++) {
    while (next < requests.length && next - out < READ_AHEAD) {
      const p = readForScan(requests[next++] as ReadRequest);
      // Awaited in order below; until then a failure must not count as unhandled.
      p.catch(() => {});
      pending.push(p);
    }
    yield await (pending.shift() as Promise<ReadResult>);
  }
}

type Msg = { i: number; result: ReadResult } | { i: number; crash: string };

/** Yields each archive's ReadResult in argument order, read by `threads` threads (this one included). */
export async function* readAll(requests: readonly ReadRequest[], threads: number, entry?: string): AsyncGenerator<ReadResult> {
  if (threads <= 1 || !entry) {
    yield* readAhead(requests);
    return;
  }
  const done = new Map<number, ReadResult>();
  let next = 0;
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let closing = false;
  const workers = Array.from({ length: threads - 1 }, () => {
    const w = { thread: new Worker(new URL(entry), { workerData: { role: SCAN_READER } }), busy: 0 };
    w.thread.on("message", (m: Msg) => {
      w.busy--;
      if ("crash" in m) failure ??= new Error(`a scan worker failed on ${requests[m.i]?.file}: ${m.crash}`);
      else done.set(m.i, m.result);
      feed(w);
      wake?.();
    });
    w.thread.on("error", (e) => {
      failure ??= e;
      wake?.();
    });
    // A worker that ends on its own (not by terminate below) leaves its requests unanswered.
    w.thread.on("exit", (code) => {
      if (!closing) failure ??= new Error(`a scan worker exited (status ${code}) before answering`);
      wake?.();
    });
    return w;
  });
  const feed = (w: (typeof workers)[number]) => {
    while (w.busy < IN_FLIGHT && next < requests.length) {
      w.thread.postMessage({ i: next, req: requests[next] });
      next++;
      w.busy++;
    }
  };
  try {
    for (const w of workers) feed(w);
    for (let out = 0; out < requests.length; out++) {
      while (!done.has(out)) {
        if (failure) throw failure;
        if (next < requests.length && next - out < AHEAD) {
          const i = next++;
          done.set(i, await readForScan(requests[i] as ReadRequest));
          // Let the workers' answers in before the next archive.
          await new Promise((r) => setImmediate(r));
        } else await new Promise<void>((r) => (wake = r));
      }
      const result = done.get(out) as ReadResult;
      done.delete(out);
      yield result;
    }
  } finally {
    closing = true;
    await Promise.all(workers.map((w) => w.thread.terminate()));
  }
}

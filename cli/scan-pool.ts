/**
 * Reading many archives on every core: reader threads (./scan-worker.ts) run readRaw (inflate,
 * hash) while the main thread reads too, describes every archive (META, identity) and hands the
 * results on in argument order, so the output is the serial scan's, byte for byte.
 */
import { Worker } from "node:worker_threads";
import { type ReadResult, describeRaw } from "./scan-result";
import { type RawRead, type ReadRequest, readRaw } from "./scan-read";

/** Requests in flight per reader thread: enough that it never waits for the busy main thread. */
const IN_FLIGHT = 4;
/** How far ahead of the next archive to print the main thread reads (bounds what waits in memory). */
const AHEAD = 32;
/**
 * How many threads read: `jobs` when given, else one; never more than there are archives. One by
 * default because the thread pool already puts inflating and hashing on the second core (about a
 * third of a scan's CPU runs off this thread), so a reader thread mostly adds its own start-up and
 * warm-up: measured side by side it did not pay (docs/benchmarks.md).
 */
export function readers(count: number, jobs: number | undefined, entry: string | undefined): number {
  if (!entry) return 1; // not started from the bundle's entry: no script for a worker to run
  return Math.max(1, Math.min(jobs ?? 1, count));
}

/**
 * Archives read at once on this thread: while one is parsed here, the thread pool inflates and
 * hashes the others (readArchive, readUpload). Each holds its compressed bytes and a few inflated
 * pieces, so this bounds what waits in memory.
 */
const READ_AHEAD = 4;

/** Yields each archive's ReadResult in argument order, with up to READ_AHEAD of them in flight. */
async function* readAhead(requests: readonly ReadRequest[]): AsyncGenerator<ReadResult> {
  const pending: Promise<RawRead>[] = [];
  let next = 0;
  for (let out = 0; out < requests.length; out++) {
    while (next < requests.length && next - out < READ_AHEAD) {
      const p = readRaw(requests[next++] as ReadRequest);
      // Awaited in order below; until then a failure must not count as unhandled.
      p.catch(() => {});
      pending.push(p);
    }
    yield describeRaw(await (pending.shift() as Promise<RawRead>));
  }
}

type Msg = { i: number; result: RawRead } | { i: number; crash: string };

/** Yields each archive's ReadResult in argument order, read by `threads` threads (this one included). */
export async function* readAll(requests: readonly ReadRequest[], threads: number, entry?: string): AsyncGenerator<ReadResult> {
  if (threads <= 1 || !entry) {
    yield* readAhead(requests);
    return;
  }
  const done = new Map<number, RawRead>();
  let next = 0;
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let closing = false;
  const script = new URL("./scan-worker.mjs", entry);
  const workers = Array.from({ length: threads - 1 }, () => {
    const w = { thread: new Worker(script), busy: 0 };
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
          done.set(i, await readRaw(requests[i] as ReadRequest));
          // Let the workers' answers in before the next archive.
          await new Promise((r) => setImmediate(r));
        } else await new Promise<void>((r) => (wake = r));
      }
      const raw = done.get(out) as RawRead;
      done.delete(out);
      yield describeRaw(raw);
    }
  } finally {
    closing = true;
    await Promise.all(workers.map((w) => w.thread.terminate()));
  }
}

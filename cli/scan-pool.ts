/**
 * Scanning many archives on every core: scan threads (./scan-worker.ts) each work out whole
 * archives (read, inflate, hash, META, identity, findings, SBOMs: renderScan) while this thread
 * does the same for its share; only plain results cross (the record, the text, the files to
 * write), and this thread hands them on in argument order, so the output is the serial scan's,
 * byte for byte, and --out's folders are claimed in that order.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Feed } from "../shared/domain/advisories/feed";
import { compileFeed } from "../shared/domain/advisories/match";
import type { MatchMode } from "../shared/domain/advisories/ranges";
import { parsePackagesIndex } from "../shared/domain/cpan/packages";
import { type RenderedScan, type ScanOptions, renderScan } from "./scan-one";
import { type ReadRequest, readForScan } from "./scan-read";
import { type ErrorFields, reviveError } from "./embedded/thread-error";

/**
 * What a scan thread needs to render as this one does: the options, with the feed as parsed (it
 * compiles its own) and 02packages as text (it parses its own: a parsed index is slower to copy).
 */
export interface PoolInit {
  readonly options: Pick<ScanOptions, "out" | "author" | "uploaded" | "scope">;
  readonly feed?: { readonly feed: Feed; readonly mode: MatchMode };
  readonly packagesText?: string;
}

/** The render options a PoolInit stands for, built on a scan thread. */
export function poolOptions(init: PoolInit): Omit<ScanOptions, "claimed"> {
  const other: MatchMode = init.feed?.mode === "strict" ? "cpan-audit" : "strict";
  return {
    ...init.options,
    ...(init.feed ? { advisories: { chosen: compileFeed(init.feed.feed, init.feed.mode), other: compileFeed(init.feed.feed, other) } } : {}),
    ...(init.packagesText !== undefined ? { packages: parsePackagesIndex(init.packagesText) } : {}),
  };
}

/** Requests in flight per scan thread: enough that it never waits for this one. */
const IN_FLIGHT = 4;
/** How far past the next archive to print any thread reads (bounds what waits in memory). */
const AHEAD = 32;
/**
 * From this many archives a scan uses a second thread by default (`--jobs` overrides): below it
 * the thread's start-up (its own copy of the scan code to load and warm up) costs more than its
 * share of the work saves. Measured side by side by `npm run bench -- --only scan`
 * (docs/benchmarks.md).
 */
export const POOL_FROM = 400;

/**
 * How many threads scan: `jobs` when given; else two from POOL_FROM archives when the machine has
 * two cores or more, one below; never more than there are archives.
 */
export function scanThreads(count: number, jobs: number | undefined, entry: string | undefined, cores = availableParallelism()): number {
  if (!entry) return 1; // not started from the bundle's entry: no script for a worker to run
  const wanted = jobs ?? (count >= POOL_FROM && cores >= 2 ? 2 : 1);
  return Math.max(1, Math.min(wanted, count));
}

/**
 * Archives read at once on this thread: while one is parsed here, the thread pool inflates and
 * hashes the others (readArchive, readUpload). Each holds its compressed bytes and a few inflated
 * pieces, so this bounds what waits in memory.
 */
const READ_AHEAD = 4;

// An error made on a scan thread comes back as it was thrown there: its name, code and message decide the exit status.
type Msg = { ready: true } | { i: number; result: RenderedScan } | { i: number; error: ErrorFields };

/**
 * Yields each archive rendered, in argument order, by `threads` threads (this one included). This
 * thread renders with `options`; each scan thread builds the same from `init`. `eager` (--jobs
 * given): the threads get archives from the start; otherwise a thread joins once it is ready (its
 * code loaded, about 75 ms), so a short scan never waits for one still starting. An error thrown
 * for an archive is thrown when that archive's turn to print comes, as in a serial scan; a thread
 * that dies leaves its archives to this one.
 */
export async function* renderAll(
  requests: readonly ReadRequest[],
  options: Omit<ScanOptions, "claimed">,
  threads: number,
  entry?: string,
  init?: PoolInit,
  eager = false,
): AsyncGenerator<RenderedScan> {
  const done = new Map<number, RenderedScan>();
  const failed = new Map<number, Error>();
  /** Archives a dead thread had in hand: this thread takes them first. */
  const orphans: number[] = [];
  let next = 0;
  let wake: (() => void) | undefined;
  let closing = false;
  // No scan threads without the bundle's entry (no script for them to run).
  const script = entry && init ? new URL("./scan-worker.mjs", entry) : undefined;
  const workers = Array.from({ length: script ? threads - 1 : 0 }, () => {
    const w = { thread: new Worker(script as URL, { workerData: init }), ready: eager, dead: false, held: new Set<number>() };
    w.thread.on("message", (m: Msg) => {
      if ("ready" in m) w.ready = true;
      else {
        w.held.delete(m.i);
        if ("error" in m) failed.set(m.i, reviveError(m.error));
        else done.set(m.i, m.result);
      }
      feed(w);
      wake?.();
    });
    const lost = () => {
      if (closing || w.dead) return;
      w.dead = true;
      orphans.push(...w.held);
      w.held.clear();
      wake?.();
    };
    // A thread that fails or ends on its own (not by terminate below) leaves its archives unanswered.
    w.thread.on("error", lost);
    w.thread.on("exit", lost);
    return w;
  });
  // The next archive to hand on: nobody reads more than AHEAD past it (what waits is bounded).
  let head = 0;
  const feed = (w: (typeof workers)[number]) => {
    while (w.ready && !w.dead && w.held.size < IN_FLIGHT && next < requests.length && next - head < AHEAD) {
      w.thread.postMessage({ i: next, req: requests[next] });
      w.held.add(next++);
    }
  };
  // This thread's own archives, READ_AHEAD at a time (each one's inflating on the thread pool
  // overlaps the parsing of another), rendered as each read ends.
  let mine = 0;
  const renderHere = (i: number) => {
    mine++;
    readForScan(requests[i] as ReadRequest)
      .then((read) => renderScan(read, options))
      .then(
        (r) => done.set(i, r),
        (e: unknown) => failed.set(i, e instanceof Error ? e : new Error(String(e))),
      )
      .finally(() => {
        mine--;
        wake?.();
      });
  };
  try {
    for (const w of workers) feed(w);
    for (; head < requests.length; head++) {
      while (!done.has(head)) {
        const error = failed.get(head);
        if (error) throw error;
        while (mine < READ_AHEAD && orphans.length) renderHere(orphans.shift() as number);
        while (mine < READ_AHEAD && next < requests.length && next - head < AHEAD) renderHere(next++);
        for (const w of workers) feed(w);
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
      const rendered = done.get(head) as RenderedScan;
      done.delete(head);
      yield rendered;
    }
  } finally {
    closing = true;
    await Promise.all(workers.map((w) => w.thread.terminate()));
  }
}

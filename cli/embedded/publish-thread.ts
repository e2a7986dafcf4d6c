/**
 * publish-advisories on a thread of its own, so that a refresh's publication (seconds of export and
 * thousands of files) runs on another core while the runner goes on with the releases. The step
 * and its bytes are the same: only where it runs changes. Each job starts a thread that builds its
 * own stores (./publish-worker.ts); the job's message stays in flight in SQLite until the thread
 * answers, so a killed process leaves it to be received again. Errors come back as the step's own
 * (./thread-error.ts), so retries and dead letters are as in line.
 */
import { Worker } from "node:worker_threads";
import type { PublishResult } from "../../functions/publish-advisories/publish-advisories";
import type { PublishJob } from "../../shared/messages/jobs";
import type { JobOf, QueueStep } from "../../shared/ports/deps";
import { entryUrl } from "../self";
import type { PublicationConfig } from "./publication";
import { type ErrorFields, reviveError } from "./thread-error";

interface Script {
  /** A file to run, or (from source) code to evaluate. */
  readonly file: URL | string;
  readonly eval?: boolean;
}

/**
 * The thread's entry: dist/publish-worker.mjs beside the bundle's entry; from source (tsx,
 * vitest) ./publish-worker.ts, loaded through tsx's loader registered on the thread itself (on
 * Node 20 a thread's --import tsx does not apply to its own entry); none when the bundle was not
 * started from its entry (no file to run: the step stays in line).
 */
function script(): Script | undefined {
  if (import.meta.url.endsWith(".ts")) {
    const entry = new URL("./publish-worker.ts", import.meta.url).href;
    const tsx = import.meta.resolve("tsx/esm/api");
    return { file: `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, eval: true };
  }
  return entryUrl ? { file: new URL("./publish-worker.mjs", entryUrl) } : undefined;
}

type Answer = { result: PublishResult } | { error: ErrorFields };

function publishOn(s: Script, config: PublicationConfig, job: PublishJob): Promise<PublishResult> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const thread = new Worker(s.file, { workerData: { config, job }, eval: s.eval === true });
    thread.once("message", (m: Answer) => {
      answered = true;
      if ("error" in m) reject(reviveError(m.error));
      else resolve(m.result);
    });
    thread.once("error", (e) => {
      answered = true;
      reject(new Error(`the publish-advisories thread failed: ${e.message}`, { cause: e }));
    });
    // Out of memory, or process.exit in the step: no answer, so the job is retried like any failure.
    thread.once("exit", (code) => {
      if (!answered) reject(new Error(`the publish-advisories thread exited (status ${code}) before answering`));
    });
  });
}

/** The publish row's step, run on a thread; undefined when there is no thread entry to run. */
export function threadedPublishStep(config: PublicationConfig): QueueStep<JobOf<"publish">> | undefined {
  const s = script();
  if (!s) return undefined;
  return { wiring: "pipeline", run: (_deps, job) => publishOn(s, config, job) };
}

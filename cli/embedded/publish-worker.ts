/**
 * The publication's thread (./publish-thread.ts): one publish-advisories job on its own stores,
 * answered with the result or the error's class, name and message. It only reads and writes
 * files; the job's queue message stays with the runner, which acks it on the answer.
 */
import { parentPort, workerData } from "node:worker_threads";
import { publishAdvisories } from "../../functions/publish-advisories/publish-advisories";
import type { PublishJob } from "../../shared/messages/jobs";
import { type PublicationConfig, embeddedPublishDeps } from "./publication";
import { errorFields } from "./thread-error";

const { config, job } = workerData as { config: PublicationConfig; job: PublishJob };
try {
  parentPort?.postMessage({ result: await publishAdvisories(embeddedPublishDeps(config), job) });
} catch (e) {
  parentPort?.postMessage({ error: errorFields(e) });
}

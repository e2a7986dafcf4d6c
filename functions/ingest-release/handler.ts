/** Lambda: SQS ingest-release → download, verify against PAUSE-signed CHECKSUMS, parse, fan out. */
import { coldStart, sqsWorker } from "../../shared/runtime/lambda";
import { pauseKeys } from "../../shared/adapters/aws/pause-keys";
import { QUEUE_WORKERS } from "../../shared/steps";
import { ingestRelease } from "./ingest-release";

const ready = coldStart("ingest-release", async (env, clients) => ({ trustedKeys: await pauseKeys(env, clients.options) }));
export const handler = sqsWorker(ready, QUEUE_WORKERS.ingest.schema, (ctx, job, receives) => ingestRelease(ctx.deps, job, receives));

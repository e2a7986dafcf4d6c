/** Lambda: SQS ingest-release → download, verify against PAUSE-signed CHECKSUMS, parse, fan out. */
import { coldStart, sqsWorker } from "../../shared/adapters/aws/lambda";
import type { IngestJob } from "../../shared/messages/jobs";
import { ingestRelease } from "./ingest-release";

const ready = coldStart("ingest-release", { pauseKeys: true });
export const handler = sqsWorker<IngestJob>(ready, (ctx, job, receives) => ingestRelease(ctx.deps, job, receives));

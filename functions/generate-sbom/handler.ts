/** Lambda: SQS generate-sbom → CycloneDX 1.6 and SPDX 2.3 documents for a stored release. */
import { coldStart, sqsWorker } from "../../shared/runtime/lambda";
import { QUEUE_WORKERS } from "../../shared/steps";
import { generateSbom } from "./generate-sbom";

const ready = coldStart("generate-sbom");
export const handler = sqsWorker(ready, QUEUE_WORKERS.sbom.schema, (ctx, job) => generateSbom(ctx.deps, job));

/** Lambda: SQS generate-sbom → CycloneDX 1.6 and SPDX 2.3 documents for a stored release. */
import { coldStart, sqsWorker } from "../../shared/runtime/lambda";
import { StepJobSchema } from "../../shared/messages/jobs";
import { generateSbom } from "./generate-sbom";

const ready = coldStart("generate-sbom");
export const handler = sqsWorker(ready, StepJobSchema, (ctx, job) => generateSbom(ctx.deps, job));

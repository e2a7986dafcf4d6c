/** Lambda: SQS generate-sbom → CycloneDX 1.6 and SPDX 2.3 documents for a stored release. */
import { coldStart, sqsWorker } from "../../shared/adapters/aws/lambda";
import type { StepJob } from "../../shared/messages/jobs";
import { generateSbom } from "./generate-sbom";

const ready = coldStart("generate-sbom");
export const handler = sqsWorker<StepJob>(ready, (ctx, job) => generateSbom(ctx.deps, job));

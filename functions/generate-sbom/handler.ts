/** Lambda: SQS generate-sbom → CycloneDX 1.6 and SPDX 2.3 documents for a stored release. */
import { coldStart, stepHandler } from "../../shared/runtime/lambda";
import { step } from "./step";

export const handler = stepHandler(coldStart("generate-sbom"), "sbom", step);

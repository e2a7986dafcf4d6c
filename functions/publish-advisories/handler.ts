/** Lambda: SQS publish-advisories (FIFO) → the OSV, CSAF and index files of the feed in use, in the public log bucket. */
import { coldStart, stepHandler } from "../../shared/runtime/lambda";
import { step } from "./step";

export const handler = stepHandler(coldStart("publish-advisories"), "publish", step);

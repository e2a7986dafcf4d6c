/** Lambda: SQS match-advisories → findings for a stored release against the current feed. */
import { coldStart, stepHandler } from "../../shared/runtime/lambda";
import { step } from "./step";

export const handler = stepHandler(coldStart("match-advisories"), "advisories", step);

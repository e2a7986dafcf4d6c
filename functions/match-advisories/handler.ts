/** Lambda: SQS match-advisories → findings for a stored release against the current feed. */
import { awsOverlayStore } from "../../shared/adapters/aws/overlay-store";
import { overlayLookup } from "../../shared/pipeline/overlay-model";
import { coldStart, stepHandler } from "../../shared/runtime/lambda";
import { step } from "./step";

// Findings name the patched archive the overlay holds (its model in the log bucket's patched-cpan/).
const ready = coldStart("match-advisories").then((ctx) => ({
  ...ctx,
  deps: { ...ctx.deps, patched: overlayLookup(awsOverlayStore(ctx.env, ctx.clients).store) },
}));
export const handler = stepHandler(ready, "advisories", step);

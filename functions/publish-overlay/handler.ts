/**
 * Lambda: SQS publish-overlay (FIFO) → the patched CPAN overlay in the public log bucket's
 * patched-cpan/, signed with the overlay key secret's key; its log entries through append-log.
 */
import { awsOverlayTarget } from "../../shared/adapters/aws/overlay";
import { coldStart, stepHandler } from "../../shared/runtime/lambda";
import { step } from "./step";

// Only this function reads the overlay key (and only its role may): the target is added here.
const ready = coldStart("publish-overlay").then((ctx) => ({ ...ctx, deps: { ...ctx.deps, overlay: awsOverlayTarget(ctx.env, ctx.clients) } }));
export const handler = stepHandler(ready, "overlay", step);

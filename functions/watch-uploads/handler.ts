/** Lambda (EventBridge, every minute): read RECENT, record new uploads, queue them for ingest. */
import { coldStart, scheduled } from "../../shared/runtime/lambda";
import { watchUploads } from "./watch-uploads";

const ready = coldStart("watch-uploads");
export const handler = scheduled(ready, async (ctx) => {
  const result = await watchUploads(ctx.deps);
  if (result.gap) ctx.logger.error("RECENT does not reach back to the cursor: uploads may be missing", { gap: result.gap });
  for (const i of result.ignored ?? []) ctx.logger.warn("RECENT event ignored", { ...i });
  return result;
});

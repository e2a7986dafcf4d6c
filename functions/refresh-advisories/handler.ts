/**
 * Lambda (EventBridge, hourly): refresh the advisory feed (validate, snapshot, move the pointer),
 * re-match stored releases of the distributions it changed, and refresh the mirror's
 * 02packages index (module → distribution, for the SBOMs).
 */
import { awsBlobs } from "../../shared/adapters/aws/pipeline";
import { coldStart, scheduled } from "../../shared/adapters/aws/lambda";
import { HTTP_MIRROR_DEFAULTS, HttpMirror } from "../../shared/adapters/http/mirror";
import { FETCH_LIMITS } from "../../shared/domain/fetch-limits";
import { PACKAGES_KEY } from "../../shared/domain/pipeline/keys";
import { refreshAdvisories, rematchAfterRefresh } from "./refresh-advisories";

/** GET a URL with the mirror's limits, timeout and retries. */
async function download(url: string, maxBytes: number): Promise<Uint8Array> {
  const u = new URL(url);
  const file = `${u.pathname.split("/").pop() ?? ""}${u.search}`;
  const bytes = await new HttpMirror(new URL(".", u).href, { ...HTTP_MIRROR_DEFAULTS, maxBytes }).fetch(file);
  if (!bytes) throw new Error(`GET ${url}: not found`);
  return bytes;
}

// Re-matching must use the feed this run stored, not one a warm container loaded earlier.
const ready = coldStart("refresh-advisories", async () => ({ feedTtlMs: 0 }));
export const handler = scheduled(ready, async (ctx) => {
  const { artifacts } = awsBlobs(ctx.env, ctx.clients);
  const feed = await refreshAdvisories({ blobs: artifacts, fetchFeed: () => download(ctx.env.feedUrl, FETCH_LIMITS.advisoryFeed), now: ctx.deps.clock });
  if (feed.status === "rejected") ctx.logger.error("advisory feed rejected; the previous one stays in use", { reason: feed.reason });
  const rematch = feed.status === "updated" && feed.previous ? await rematchAfterRefresh(ctx.deps, feed.diff) : undefined;
  const index = await ctx.deps.mirror.fetch("modules/02packages.details.txt.gz");
  if (index) await artifacts.publish(PACKAGES_KEY, index);
  return { feed: feed.status, ...(feed.status !== "rejected" ? { version: feed.feed } : {}), ...(rematch ? { rematch } : {}), packagesIndex: index ? index.byteLength : "missing" };
});

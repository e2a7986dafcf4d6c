/**
 * Lambda (EventBridge, hourly): the refresh sequence (refresh-sequence.ts) over the AWS ports: the
 * advisory feed from FEED_URL (verified when a feed key is trusted), the mirror's 02packages, then
 * a re-match of every stored release either change can affect.
 */
import { feedKeys } from "../../shared/adapters/aws/feed-keys";
import { HTTP_MIRROR_DEFAULTS, HttpMirror } from "../../shared/adapters/http/mirror";
import { FETCH_LIMITS } from "../../shared/domain/fetch-limits";
import { coldStart, scheduled } from "../../shared/runtime/lambda";
import { runRefresh } from "./refresh-sequence";

/** GET a URL with the mirror's limits, timeout and retries; undefined on 404. */
async function download(url: string, maxBytes: number): Promise<Uint8Array | undefined> {
  const u = new URL(url);
  const file = `${u.pathname.split("/").pop() ?? ""}${u.search}`;
  return new HttpMirror(new URL(".", u).href, { ...HTTP_MIRROR_DEFAULTS, maxBytes }).fetch(file);
}

const ready = coldStart("refresh-advisories");
// The feed key is read at cold start too: a bad secret fails the function, saying why.
const trusted = ready.then((ctx) => feedKeys(ctx.env, ctx.clients.options));
trusted.catch(() => undefined);

export const handler = scheduled(ready, async (ctx) => {
  const url = ctx.env.feedUrl;
  const { feed, packages, rematch } = await runRefresh(ctx.deps, {
    // The feed is configured: a missing one is an error here (the previous one stays in use).
    feed: async () => {
      const bytes = await download(url, FETCH_LIMITS.advisoryFeed);
      if (!bytes) throw new Error(`GET ${url}: not found`);
      return bytes;
    },
    feedKeys: await trusted,
    feedSignature: () => download(`${url}.gpg`, FETCH_LIMITS.feedSignature),
  });
  if (feed?.status === "rejected") ctx.logger.error("advisory feed rejected; the previous one stays in use", { reason: feed.reason });
  if (packages.problem) ctx.logger.error("02packages not used", { reason: packages.problem });
  return {
    ...(feed ? { feed: feed.status, ...(feed.status !== "rejected" ? { version: feed.feed, verified: feed.verified } : { reason: feed.reason }) } : {}),
    ...(rematch ? { rematch } : {}),
    packagesIndex: packages.bytes ?? "missing",
  };
});

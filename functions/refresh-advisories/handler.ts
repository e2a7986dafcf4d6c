/**
 * Lambda (EventBridge, hourly): refresh the advisory feed (verify its signature when a feed key is
 * trusted, validate, snapshot, move the pointer) and the mirror's 02packages index, then queue a
 * re-match of every stored release either change can affect.
 */
import { feedKeys } from "../../shared/adapters/aws/feed-keys";
import { awsBlobs } from "../../shared/runtime/aws-pipeline";
import { coldStart, scheduled } from "../../shared/runtime/lambda";
import { HTTP_MIRROR_DEFAULTS, HttpMirror } from "../../shared/adapters/http/mirror";
import { FETCH_LIMITS } from "../../shared/domain/fetch-limits";
import { MirrorLimitError } from "../../shared/ports";
import { publishPackages } from "../../shared/pipeline/match-inputs";
import { refreshAdvisories } from "./refresh-advisories";
import { queueRematches } from "./rematch";

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
  const { artifacts } = awsBlobs(ctx.env, ctx.clients);
  const fetchFeed = async () => {
    const bytes = await download(ctx.env.feedUrl, FETCH_LIMITS.advisoryFeed);
    if (!bytes) throw new Error(`GET ${ctx.env.feedUrl}: not found`);
    return bytes;
  };
  const feed = await refreshAdvisories({
    blobs: artifacts,
    fetchFeed,
    feedKeys: await trusted,
    fetchSignature: () => download(`${ctx.env.feedUrl}.gpg`, FETCH_LIMITS.feedSignature),
    now: ctx.deps.clock,
  });
  if (feed.status === "rejected") ctx.logger.error("advisory feed rejected; the previous one stays in use", { reason: feed.reason });
  const index = await ctx.deps.mirror.fetch("modules/02packages.details.txt.gz", { maxBytes: FETCH_LIMITS.packagesIndex }).catch((e: unknown) => {
    if (!(e instanceof MirrorLimitError)) throw e;
    ctx.logger.error("02packages not used", { reason: e.message });
    return undefined;
  });
  // An unreadable index is not published (the last good one stays); the re-matching goes on.
  if (index) await publishPackages(artifacts, index).catch((e: Error) => ctx.logger.error("02packages not used", { reason: e.message }));
  const rematch = await queueRematches(ctx.deps);
  return {
    feed: feed.status,
    ...(feed.status !== "rejected" ? { version: feed.feed, verified: feed.verified } : { reason: feed.reason }),
    ...(rematch ? { rematch } : {}),
    packagesIndex: index ? index.byteLength : "missing",
  };
});

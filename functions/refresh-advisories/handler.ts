/**
 * Lambda (EventBridge, hourly): the refresh sequence (refresh-sequence.ts) over the AWS ports: the
 * advisory feed from FEED_URL (verified when a feed key is trusted), the mirror's 02packages, then
 * a re-match of every stored release either change can affect. CVE JSON 5 records under
 * `advisories/cve/` in the artifacts bucket are merged into the feed (docs/cve-records.md).
 */
import { feedKeys } from "../../shared/adapters/aws/feed-keys";
import { readS3CveRecords } from "../../shared/adapters/aws/s3-cve-records";
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
    // CPANSec's CVE records, synced by the operator under advisories/cve/ (docs/cve-records.md).
    cveRecords: () =>
      readS3CveRecords(ctx.clients.s3, ctx.env.artifactsBucket, (why) => ctx.logger.error("CVE records not read; the feed in use stays", { reason: why })),
  });
  if (feed?.status !== "rejected" && feed?.cve) ctx.logger.info("CVE records", { report: feed.cve });
  if (feed?.status === "rejected") ctx.logger.error("advisory feed rejected; the previous one stays in use", { reason: feed.reason });
  if (packages.problem) ctx.logger.error("02packages not used", { reason: packages.problem });
  return {
    ...(feed ? { feed: feed.status, ...(feed.status !== "rejected" ? { version: feed.feed, verified: feed.verified } : { reason: feed.reason }) } : {}),
    ...(feed?.status !== "rejected" && feed?.cve ? { cve: feed.cve.at(-1) } : {}),
    ...(rematch ? { rematch } : {}),
    packagesIndex: packages.bytes ?? "missing",
  };
});

/**
 * Lambda (EventBridge, hourly): the refresh sequence (refresh-sequence.ts) over the AWS ports: the
 * advisory feed from FEED_URL (verified when a feed key is trusted), the mirror's 02packages, then
 * a re-match of every stored release either change can affect. CVE JSON 5 records under
 * `advisories/cve/` in the artifacts bucket are merged into the feed (docs/cve-records.md).
 */
import type { AwsClients } from "../../shared/adapters/aws/clients";
import { type AwsEnv, ConfigError } from "../../shared/adapters/aws/env";
import { ENV } from "../../shared/adapters/aws/resources";
import { S3PatchSource } from "../../shared/adapters/aws/s3-patch-source";
import { feedKeys } from "../../shared/adapters/aws/feed-keys";
import { readS3CveRecords } from "../../shared/adapters/aws/s3-cve-records";
import { HTTP_MIRROR_DEFAULTS, HttpMirror } from "../../shared/adapters/http/mirror";
import { FETCH_LIMITS } from "../../shared/domain/fetch-limits";
import { coldStart, scheduled } from "../../shared/runtime/lambda";
import { HttpPatchSource } from "../../shared/adapters/http/patch-source";
import type { Feed } from "../../shared/domain/advisories/feed";
import { type PatchSourceConfig, runRefresh } from "./refresh-sequence";

/**
 * PATCHES_URL: the artifacts bucket's patch-source/ prefix (the only one the refresh may read), or a
 * site, which has no listing, so its patches are the ones the feed in use references.
 */
function patchSource(base: string, env: AwsEnv, s3: AwsClients["s3"]): PatchSourceConfig {
  if (base.startsWith("s3:")) {
    const source = new S3PatchSource(s3, env.artifactsBucket);
    if (base !== source.location)
      throw new ConfigError(`${ENV.patchesUrl}: ${base} is not ${source.location}, the one bucket prefix the refresh reads patches from`);
    return { source: () => source, urlFor: (p) => source.url(p) };
  }
  const refs = (feed: Feed | undefined) => Object.values(feed?.dists ?? {}).flatMap((d) => d.advisories.flatMap((a) => a.references));
  return { source: (feed) => new HttpPatchSource(base, HttpPatchSource.pathsUnder(base, refs(feed))), urlFor: (p) => `${base.replace(/\/*$/, "/")}${p}` };
}

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
  const patchesUrl = ctx.env.patchesUrl;
  const { feed, packages, patches, rematch, overlayQueued } = await runRefresh(ctx.deps, {
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
    ...(patchesUrl ? { patches: patchSource(patchesUrl, ctx.env, ctx.clients.s3) } : {}),
    // publish-overlay holds the overlay key: the refresh only queues it.
    queueOverlay: true,
  });
  if (feed?.status !== "rejected" && feed?.cve) ctx.logger.info("CVE records", { report: feed.cve });
  if (patches?.status === "failed") ctx.logger.error("patch source not read; the registry in use stays", { reason: patches.problem });
  if (feed?.status === "rejected") ctx.logger.error("advisory feed rejected; the previous one stays in use", { reason: feed.reason });
  if (packages.problem) ctx.logger.error("02packages not used", { reason: packages.problem });
  return {
    ...(feed ? { feed: feed.status, ...(feed.status !== "rejected" ? { version: feed.feed, verified: feed.verified } : { reason: feed.reason }) } : {}),
    ...(feed?.status !== "rejected" && feed?.cve ? { cve: feed.cve.at(-1) } : {}),
    ...(rematch ? { rematch } : {}),
    ...(patches ? { patches: patches.status === "failed" ? "failed" : { status: patches.status, sha256: patches.sha256, inForce: patches.patches } } : {}),
    packagesIndex: packages.bytes ?? "missing",
    ...(overlayQueued ? { overlayQueued } : {}),
  };
});

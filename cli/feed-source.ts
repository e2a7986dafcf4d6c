import { hash } from "node:crypto";
import { fetchBody } from "../shared/adapters/http/body";
import type { Feed } from "../shared/domain/advisories/feed";
import type { MatchFeed } from "../shared/domain/advisories/match";
import { readCachedMatchFeed, writeCachedMatchFeed } from "./match-feed-cache";
import { FETCH_LIMITS } from "../shared/domain/fetch-limits";
import { readFileUnder } from "./read-file-under";

/**
 * A feed-sized object from a file or an HTTP(S) URL, read under `maxBytes` (streamed, stopped at
 * the limit); undefined when the server says 404 or the file does not exist.
 */
export async function readSourceBytes(source: string, maxBytes: number, timeoutMs = 60_000): Promise<Uint8Array | undefined> {
  if (/^https?:\/\//.test(source)) return fetchBody(source, { maxBytes, timeoutMs });
  try {
    return await readFileUnder(source, maxBytes);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/** The advisory feed's bytes, under the feed limit; a missing feed is an error. */
export async function readFeedBytes(source: string, timeoutMs?: number): Promise<Uint8Array> {
  const bytes = await readSourceBytes(source, FETCH_LIMITS.advisoryFeed, timeoutMs);
  if (!bytes) throw new Error(`advisory feed ${source}: not found`);
  return bytes;
}

/** The feed's detached OpenPGP signature, published beside it as `<feed>.gpg`; undefined when there is none. */
export function readFeedSignature(source: string, timeoutMs?: number): Promise<Uint8Array | undefined> {
  return readSourceBytes(`${source}.gpg`, FETCH_LIMITS.feedSignature, timeoutMs);
}

/** Reads and validates the advisory feed from a file or an HTTPS URL. */
export async function loadFeed(source: string, timeoutMs = 60_000): Promise<Feed> {
  // Loaded on first use: the schema library is most of the bundle and most commands never need it.
  const { parseFeed } = await import("../shared/domain/advisories/feed");
  return parseFeed(await readFeedBytes(source, timeoutMs));
}

/**
 * loadFeed for commands: a feed that cannot be loaded is a usage-level error (exit 2), said plainly.
 * With `cveDir` (`--cve`), the CVE JSON 5 records there are merged in (docs/cve-records.md).
 */
export async function loadFeedOrExit(source: string, cveDir?: string): Promise<Feed | undefined> {
  const feed = await orExit(source, loadFeed);
  if (!feed || !cveDir) return feed;
  const { withCveDirOrExit } = await import("./cve-source");
  return withCveDirOrExit(feed, cveDir);
}

/**
 * What matching reads of the feed: from the cache when these bytes (by SHA-256) were read before;
 * else the feed is parsed and checked as loadFeed does, and cached for next time.
 */
export async function loadMatchFeed(source: string): Promise<MatchFeed> {
  const bytes = await readFeedBytes(source);
  const cached = readCachedMatchFeed(hash("sha256", bytes));
  if (cached) return cached;
  const { parseFeed } = await import("../shared/domain/advisories/feed");
  const feed = parseFeed(bytes);
  writeCachedMatchFeed(feed);
  return feed;
}

/** loadMatchFeed for commands, as loadFeedOrExit. */
export const loadMatchFeedOrExit = (source: string): Promise<MatchFeed | undefined> => orExit(source, loadMatchFeed);

async function orExit<T>(source: string, load: (source: string) => Promise<T>): Promise<T | undefined> {
  try {
    return await load(source);
  } catch (e) {
    process.stderr.write(`cpansec: cannot use the advisory feed ${source}: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return undefined;
  }
}

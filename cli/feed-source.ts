import { hash } from "node:crypto";
import { fetchBody } from "../shared/adapters/http/body";
import type { Feed } from "../shared/domain/advisories/feed";
import { matchData } from "../shared/domain/advisories/match-cache";
import type { MatchTable } from "../shared/domain/advisories/match-table";
import type { NameResolution } from "../shared/domain/advisories/names";
import type { PackagesIndex } from "../shared/domain/cpan/packages";
import type { MatchMode } from "../shared/domain/advisories/ranges";
import { readCachedMatchData, writeCachedMatchData } from "./match-feed-cache";
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

/** What matching reads of a feed: its table, and module2dist when a name first needs it (most of the cache, seldom needed). */
export interface FeedMatch {
  readonly table: MatchTable;
  readonly module2dist: () => Promise<Readonly<Record<string, string>>>;
}

/** `mode`'s match data of the feed with these bytes from the cache (by their SHA-256), or undefined when it has none. */
export function cachedFeedMatch(bytes: Uint8Array, mode: MatchMode): FeedMatch | undefined {
  const cached = readCachedMatchData(hash("sha256", bytes), mode);
  if (!cached) return undefined;
  return {
    table: cached.table,
    // A module2dist the cache cannot give (refused when first read) is the feed's.
    module2dist: async () => {
      try {
        return cached.module2dist();
      } catch {
        return (await import("../shared/domain/advisories/feed")).parseFeed(bytes).module2dist;
      }
    },
  };
}

/** The name resolver of `advisories match` (module2dist read now, with 02packages if given). */
export async function feedMatchResolver(data: FeedMatch, packages?: PackagesIndex): Promise<(name: string) => NameResolution> {
  const { nameResolver } = await import("../shared/domain/advisories/names");
  return nameResolver({ module2dist: await data.module2dist(), isDistribution: (d) => data.table.dists.has(d) }, packages);
}

/**
 * What matching reads of the feed, for `mode`: from the cache when these bytes (by SHA-256) were
 * read before; else the feed is parsed and checked as loadFeed does, and cached for next time.
 */
export async function loadMatchData(source: string, mode: MatchMode): Promise<FeedMatch> {
  const bytes = await readFeedBytes(source);
  const cached = cachedFeedMatch(bytes, mode);
  if (cached) return cached;
  const data = matchData((await import("../shared/domain/advisories/feed")).parseFeed(bytes));
  writeCachedMatchData(data);
  return { table: data.tables[mode], module2dist: async () => data.module2dist };
}

/** loadMatchData for commands, as loadFeedOrExit. */
export const loadMatchDataOrExit = (source: string, mode: MatchMode): Promise<FeedMatch | undefined> => orExit(source, (s) => loadMatchData(s, mode));

async function orExit<T>(source: string, load: (source: string) => Promise<T>): Promise<T | undefined> {
  try {
    return await load(source);
  } catch (e) {
    process.stderr.write(`cpansec: cannot use the advisory feed ${source}: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return undefined;
  }
}

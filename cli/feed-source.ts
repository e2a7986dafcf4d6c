import { readFile } from "node:fs/promises";
import type { Feed } from "../shared/domain/advisories/feed";

/** The published feed: the latest release asset of briandfoy/cpan-security-advisory. */
export const DEFAULT_FEED_URL = "https://github.com/briandfoy/cpan-security-advisory/releases/latest/download/cpan-security-advisory.json";
const MAX_FEED_BYTES = 64 * 2 ** 20;

/** Reads and validates the advisory feed from a file or an HTTPS URL. */
export async function loadFeed(source: string, timeoutMs = 60_000): Promise<Feed> {
  // Loaded on first use: the schema library is most of the bundle and most commands never need it.
  const { FeedError, parseFeed } = await import("../shared/domain/advisories/feed");
  let bytes: Uint8Array;
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new FeedError(`GET ${source}: HTTP ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  } else {
    bytes = await readFile(source);
  }
  if (bytes.byteLength > MAX_FEED_BYTES) throw new FeedError(`advisory feed ${source} is ${bytes.byteLength} bytes, over the ${MAX_FEED_BYTES}-byte limit`);
  return parseFeed(bytes);
}

/** loadFeed for commands: a feed that cannot be loaded is a usage-level error (exit 2), said plainly. */
export async function loadFeedOrExit(source: string): Promise<Feed | undefined> {
  try {
    return await loadFeed(source);
  } catch (e) {
    process.stderr.write(`cpansec: cannot use the advisory feed ${source}: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return undefined;
  }
}

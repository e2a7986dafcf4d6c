/**
 * Where `advisories match` keeps the MatchData of each feed it has read (match-cache.ts), one file
 * per feed SHA-256 under $XDG_CACHE_HOME/cpansec (else ~/.cache/cpansec). The cache only saves
 * time: any problem reading or writing it (none there, refused, no permission, disk full) means
 * reading the feed itself, never a different answer. CPANSEC_CACHE=off turns it off.
 */
import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import pkg from "../package.json" with { type: "json" };
import { type CachedMatch, type MatchData, decodeMatchData, encodeMatchData } from "../shared/domain/advisories/match-cache";
import type { MatchMode } from "../shared/domain/advisories/ranges";
import { FETCH_LIMITS } from "../shared/domain/fetch-limits";

/** Feeds kept: the newest few (a feed is republished often; old caches are only disk). */
const KEEP = 4;
const NAME = /^feed-[0-9a-f]{64}\.match$/;

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CPANSEC_CACHE === "off") return undefined;
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".cache"), "cpansec");
}

/**
 * The directory, made if need be, when only this user can write to it: a cache another user could
 * plant files in would let them choose the answers.
 */
function ownDir(dir: string): boolean {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  return st.isDirectory() && (process.getuid === undefined || st.uid === process.getuid()) && (st.mode & 0o022) === 0;
}

const fileFor = (dir: string, sha256: string) => join(dir, `feed-${sha256}.match`);

/** `mode`'s part of the cached MatchData of the feed with this SHA-256, or undefined (none, or refused). */
export function readCachedMatchData(sha256: string, mode: MatchMode, dir = cacheDir()): CachedMatch | undefined {
  if (!dir) return undefined;
  try {
    if (!ownDir(dir)) return undefined;
    const fd = openSync(fileFor(dir, sha256), "r");
    try {
      const { size } = fstatSync(fd);
      if (size > FETCH_LIMITS.advisoryFeed) return undefined;
      const buf = Buffer.allocUnsafe(size);
      let got = 0;
      for (let n = 1; n > 0 && got < size; got += n) n = readSync(fd, buf, got, size - got, got);
      return decodeMatchData(buf.subarray(0, got), sha256, pkg.version, mode);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not there, not readable, refused (CacheRefused): the feed is read instead, and the cache rewritten.
    return undefined;
  }
}

/** Best effort: written whole under a temporary name and renamed, so a reader sees all of it or none. */
export function writeCachedMatchData(data: MatchData, dir = cacheDir()): void {
  if (!dir) return;
  const tmp = join(dir, `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    if (!ownDir(dir)) return;
    writeFileSync(tmp, encodeMatchData(data, pkg.version), { flag: "wx", mode: 0o600 });
    renameSync(tmp, fileFor(dir, data.version.sha256));
    prune(dir);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // never made
    }
  }
}

function prune(dir: string): void {
  const files = readdirSync(dir)
    .filter((f) => NAME.test(f))
    .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of files.slice(KEEP)) unlinkSync(join(dir, f));
}

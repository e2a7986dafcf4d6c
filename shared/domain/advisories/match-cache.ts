/**
 * The part of a feed that matching reads (MatchFeed: ids, ranges, names), as bytes a later run
 * loads instead of the feed: `advisories match` would otherwise spend most of its time decoding,
 * parsing and checking the 4 MB feed (and collecting the garbage) for ~100 KB of rows.
 *
 * The first line is a header naming the feed by its SHA-256, the cpansec version that wrote it
 * (another version may normalise the feed differently) and the SHA-256 of the rest. A cache for
 * another feed or version, a damaged one, or one whose content is not of the shape written, is
 * refused with CacheRefused; the caller then reads the feed itself. The hash finds damage, not
 * forgery: who can write the cache can write the feed beside it (docs/threat-model.md).
 */
import { hash } from "node:crypto";
import type { MatchFeed, MatchRow } from "./match";

export const CACHE_FORMAT = "cpansec-match-feed/1";

export class CacheRefused extends Error {
  override readonly name = "CacheRefused";
}

type StoredRow = [id: string, affected: readonly string[], fixed: readonly string[]];

export function encodeMatchFeed(feed: MatchFeed, writer: string): Uint8Array {
  const dists: Record<string, StoredRow[]> = {};
  for (const [name, entry] of Object.entries(feed.dists)) dists[name] = entry.advisories.map((r) => [r.id, r.affected, r.fixed]);
  const payload = Buffer.from(JSON.stringify({ version: feed.version, module2dist: feed.module2dist, dists }));
  const header = { format: CACHE_FORMAT, writer, feed: feed.version.sha256, payload: hash("sha256", payload) };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), payload]);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");

function check(ok: boolean, what: string): asserts ok {
  if (!ok) throw new CacheRefused(what);
}

/** The MatchFeed of the feed with SHA-256 `feedSha256`, as `writer` cached it; throws CacheRefused otherwise. */
export function decodeMatchFeed(bytes: Uint8Array, feedSha256: string, writer: string): MatchFeed {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nl = buf.indexOf(10);
  check(nl > 0, "no header line");
  let header: unknown;
  let body: unknown;
  try {
    header = JSON.parse(buf.toString("utf8", 0, nl));
  } catch {
    throw new CacheRefused("the header is not JSON");
  }
  check(isObj(header) && header.format === CACHE_FORMAT, "another format");
  check(header.writer === writer, `written by cpansec ${String(header.writer)}`);
  check(header.feed === feedSha256, "for another feed");
  const payload = buf.subarray(nl + 1);
  check(header.payload === hash("sha256", payload), "damaged: its content does not have the SHA-256 its header says");
  try {
    body = JSON.parse(payload.toString("utf8"));
  } catch {
    throw new CacheRefused("the content is not JSON");
  }
  check(isObj(body) && isObj(body.version) && body.version.sha256 === feedSha256, "no feed version");
  const { date, commit } = body.version;
  check((date === undefined || typeof date === "string") && (commit === undefined || typeof commit === "string"), "a bad feed version");
  const { module2dist, dists } = body;
  // JSON.parse makes "__proto__" an own key, but the feed's reader never keeps one: refused, not used.
  check(isObj(module2dist) && !Object.hasOwn(module2dist, "__proto__"), "no module2dist");
  for (const d of Object.values(module2dist)) check(typeof d === "string", "a module2dist value that is not a string");
  check(isObj(dists) && !Object.hasOwn(dists, "__proto__"), "no dists");
  const out: Record<string, { advisories: MatchRow[] }> = {};
  for (const [name, rows] of Object.entries(dists)) {
    check(Array.isArray(rows), `dists.${name} is not a list`);
    out[name] = {
      advisories: rows.map((r: unknown) => {
        check(Array.isArray(r) && r.length === 3 && typeof r[0] === "string" && r[0] !== "" && isStrings(r[1]) && isStrings(r[2]), `a bad row in ${name}`);
        return { id: r[0], affected: r[1], fixed: r[2] };
      }),
    };
  }
  return {
    version: { ...(date ? { date } : {}), ...(commit ? { commit } : {}), sha256: feedSha256 },
    module2dist: module2dist as Record<string, string>,
    dists: out,
  };
}

/**
 * What `advisories match` reads of a feed (MatchData: a MatchTable per mode and module2dist), as
 * bytes a later run loads instead of the feed: it would otherwise spend most of its time decoding,
 * parsing and checking the 4 MB feed, then compiling and evaluating its rows, for answers that are
 * the same every time.
 *
 * The first line is a header naming the feed by its SHA-256, the cpansec version that wrote it
 * (another version may normalise or match the feed differently) and the SHA-256 of the rest. A
 * cache for another feed or version, a damaged one, or one whose content is not of the shape
 * written, is refused with CacheRefused; the caller then reads the feed itself. The hash finds
 * damage, not forgery: who can write the cache can write the feed beside it (docs/threat-model.md).
 *
 * The rest is one line of JSON per section: each mode's table, then module2dist. A run parses the
 * header, its mode's table, and module2dist only when a name is not a distribution of the feed
 * (most of the bytes, seldom needed).
 */
import { hash } from "node:crypto";
import type { FeedVersion } from "./feed";
import { type MatchFeed, compileFeed } from "./match";
import { type DistCells, type MatchTable, buildMatchTable } from "./match-table";
import type { MatchMode } from "./ranges";

export const CACHE_FORMAT = "cpansec-match-feed/2";
const MODES: readonly MatchMode[] = ["strict", "cpan-audit"];

export interface MatchData {
  readonly version: FeedVersion;
  readonly module2dist: Readonly<Record<string, string>>;
  readonly tables: Readonly<Record<MatchMode, MatchTable>>;
}

/** One run's view of a cached MatchData: module2dist is read on first call (and throws CacheRefused then if it is bad). */
export interface CachedMatch {
  readonly table: MatchTable;
  readonly module2dist: () => Readonly<Record<string, string>>;
}

export class CacheRefused extends Error {
  override readonly name = "CacheRefused";
}

export function matchData(feed: MatchFeed): MatchData {
  const [strict, audit] = MODES.map((mode) => buildMatchTable(compileFeed(feed, mode))) as [MatchTable, MatchTable];
  return { version: feed.version, module2dist: feed.module2dist, tables: { strict, "cpan-audit": audit } };
}

type StoredTable = { answers: readonly (readonly string[])[]; dists: Record<string, [keys: readonly string[], cells: readonly number[]]> };

export function encodeMatchData(data: MatchData, writer: string): Uint8Array {
  const table = (t: MatchTable): StoredTable => ({ answers: t.answers, dists: Object.fromEntries([...t.dists].map(([d, c]) => [d, [c.keys, c.cells]])) });
  const payload = Buffer.from([...MODES.map((mode) => table(data.tables[mode])), data.module2dist].map((section) => JSON.stringify(section)).join("\n"));
  const header = { format: CACHE_FORMAT, writer, feed: data.version.sha256, payload: hash("sha256", payload) };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), payload]);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
/** JSON.parse makes "__proto__" an own key, but no writer ever keeps one: refused, not used. */
const isMap = (v: unknown): v is Record<string, unknown> => isObj(v) && !Object.hasOwn(v, "__proto__");
const KEY = /^\d{10}(?:\.\d{10})*$/;

function check(ok: boolean, what: string): asserts ok {
  if (!ok) throw new CacheRefused(what);
}

function parse(buf: Buffer, start: number, end: number, what: string): unknown {
  try {
    return JSON.parse(buf.toString("utf8", start, end));
  } catch {
    throw new CacheRefused(`${what} is not JSON`);
  }
}

/** Strings, each above the one before (sorted, unique), each passing `ok`. */
function ascending(v: unknown, ok: (s: string) => boolean): v is string[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== "string" || !ok(v[i]) || (i > 0 && !(v[i - 1] < v[i]))) return false;
  return true;
}

function decodeTable(t: unknown, mode: string): MatchTable {
  check(isObj(t) && Array.isArray(t.answers) && isMap(t.dists), `no ${mode} table`);
  const { answers } = t;
  check(answers.length > 0 && Array.isArray(answers[0]) && answers[0].length === 0, `${mode}: the first answer is not []`);
  for (const ids of answers)
    check(
      ascending(ids, (s) => s !== ""),
      `a bad ${mode} answer`,
    );
  const dists = new Map<string, DistCells>();
  for (const [name, d] of Object.entries(t.dists)) {
    check(Array.isArray(d) && d.length === 2 && ascending(d[0], (k) => KEY.test(k)) && Array.isArray(d[1]), `a bad ${mode} entry for ${name}`);
    const [keys, cells] = d as [string[], unknown[]];
    check(cells.length === 2 * keys.length + 1, `${mode} ${name}: ${cells.length} cells for ${keys.length} bounds`);
    for (const c of cells) check(Number.isInteger(c) && (c as number) >= 0 && (c as number) < answers.length, `${mode} ${name}: a cell without an answer`);
    dists.set(name, { keys, cells: cells as number[] });
  }
  return { answers: answers as string[][], dists };
}

function decodeModule2dist(m: unknown): Readonly<Record<string, string>> {
  check(isMap(m), "no module2dist");
  for (const d of Object.values(m)) check(typeof d === "string", "a module2dist value that is not a string");
  return m as Record<string, string>;
}

/** `mode`'s part of the MatchData of the feed with SHA-256 `feedSha256`, as `writer` cached it; throws CacheRefused otherwise. */
export function decodeMatchData(bytes: Uint8Array, feedSha256: string, writer: string, mode: MatchMode): CachedMatch {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nl = buf.indexOf(10);
  check(nl > 0, "no header line");
  const header = parse(buf, 0, nl, "the header");
  check(isObj(header) && header.format === CACHE_FORMAT, "another format");
  check(header.writer === writer, `written by cpansec ${String(header.writer)}`);
  check(header.feed === feedSha256, "for another feed");
  check(header.payload === hash("sha256", buf.subarray(nl + 1)), "damaged: its content does not have the SHA-256 its header says");
  // The sections' bounds: JSON.stringify writes no newline.
  const ends = [nl];
  for (let at = nl; (at = buf.indexOf(10, at + 1)) >= 0; ) ends.push(at);
  ends.push(buf.length);
  check(ends.length === MODES.length + 2, `${ends.length - 1} sections, not ${MODES.length + 1}`);
  const section = (i: number, what: string) => parse(buf, (ends[i] as number) + 1, ends[i + 1] as number, what);
  const table = decodeTable(section(MODES.indexOf(mode), `the ${mode} table`), mode);
  let module2dist: Readonly<Record<string, string>> | undefined;
  return { table, module2dist: () => (module2dist ??= decodeModule2dist(section(MODES.length, "module2dist"))) };
}

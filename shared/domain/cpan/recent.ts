/**
 * RECENT files (File::Rsync::Mirror::Recent): `{meta: {minmax: {min, max}, ...}, recent:
 * [{epoch, path, type}]}`, newest first, epochs as JSON strings or numbers. Which uploads a watcher
 * has not seen yet, given its cursor (the epoch of the last event it enqueued).
 */
import { checksumsAuthor, parseUploadPath } from "./upload-path";

export { isUploadPath } from "./upload-path";

export class RecentError extends Error {
  override readonly name = "RecentError";
}

export interface RecentEvent {
  /** As written in the file, so the log records exactly what the mirror said. */
  readonly epoch: string;
  readonly path: string;
  readonly type: "new" | "delete";
}

export interface RecentFile {
  readonly interval?: string;
  /** The oldest epoch the file covers: events before it may be missing from this file. */
  readonly min?: string;
  readonly dirtymark?: string;
  readonly events: readonly RecentEvent[];
}

/** The RECENT files to try, shortest first: a longer one when the cursor is older than a file reaches. */
export const RECENT_FILES = [
  "RECENT-1h.json",
  "RECENT-6h.json",
  "RECENT-1d.json",
  "RECENT-1W.json",
  "RECENT-1M.json",
  "RECENT-1Q.json",
  "RECENT-1Y.json",
] as const;

const EPOCH = /^[0-9]{1,12}(\.[0-9]{1,9})?$/;

function epochText(v: unknown, where: string): string {
  const s = typeof v === "number" ? String(v) : v;
  if (typeof s !== "string" || !EPOCH.test(s)) throw new RecentError(`${where}: epoch ${JSON.stringify(v)} is not a decimal Unix time`);
  return s;
}

/** An epoch without leading zeros in its integer part or trailing zeros in its fraction. */
function canonical(e: string): [string, string] {
  const [i = "", f = ""] = e.split(".");
  return [i.replace(/^0+(?=.)/, ""), f.replace(/0+$/, "")];
}

/**
 * Exact comparison of decimal epochs (no floating-point rounding): -1, 0 or 1. Leading zeros do
 * not make an epoch later (`000000000000` is 0, not a 12-digit time).
 */
export function compareEpochs(a: string, b: string): number {
  const [ai, af] = canonical(a);
  const [bi, bf] = canonical(b);
  if (ai.length !== bi.length) return ai.length < bi.length ? -1 : 1;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const n = Math.max(af.length, bf.length);
  const x = af.padEnd(n, "0");
  const y = bf.padEnd(n, "0");
  return x === y ? 0 : x < y ? -1 : 1;
}

/** A time as a RECENT epoch (seconds, three decimals), for comparing with the file's epochs. */
export function epochOf(date: Date): string {
  const ms = date.getTime();
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, "0")}`;
}

/** `epoch` + `seconds` (whole seconds), exactly. */
export function addSeconds(epoch: string, seconds: number): string {
  const [i, f] = canonical(epoch);
  return `${Number(i) + seconds}${f ? `.${f}` : ""}`;
}

export function parseRecent(bytes: Uint8Array, name = "RECENT"): RecentFile {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new RecentError(`${name} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const r = raw as { meta?: { interval?: unknown; minmax?: { min?: unknown }; dirtymark?: unknown }; recent?: unknown };
  if (!r || typeof r !== "object" || !Array.isArray(r.recent)) throw new RecentError(`${name} has no "recent" list`);
  const events = r.recent.map((e: unknown, i: number): RecentEvent => {
    const x = e as { epoch?: unknown; path?: unknown; type?: unknown };
    if (typeof x?.path !== "string") throw new RecentError(`${name}: recent[${i}] has no path`);
    if (x.type !== "new" && x.type !== "delete") throw new RecentError(`${name}: recent[${i}] type ${JSON.stringify(x.type)} is neither "new" nor "delete"`);
    return { epoch: epochText(x.epoch, `${name}: recent[${i}]`), path: x.path, type: x.type };
  });
  const min = r.meta?.minmax?.min;
  return {
    ...(typeof r.meta?.interval === "string" ? { interval: r.meta.interval } : {}),
    ...(min !== undefined && min !== null ? { min: epochText(min, `${name}: meta.minmax.min`) } : {}),
    ...(r.meta?.dirtymark !== undefined ? { dirtymark: String(r.meta.dirtymark) } : {}),
    events,
  };
}

/** Does this file reach back to the cursor? (If not, a longer RECENT file must be read.) */
export function covers(file: RecentFile, cursor: string | undefined): boolean {
  if (cursor === undefined) return true; // a first run starts from what the file holds
  return file.min === undefined || compareEpochs(file.min, cursor) <= 0;
}

/** How far past the watcher's clock an epoch may be before it is not believed (clock skew). */
export const FUTURE_SKEW_S = 300;

export type WatchItem =
  | { readonly kind: "upload"; readonly event: RecentEvent; readonly author: string; readonly filename: string }
  /** The author's CHECKSUMS changed: releases of theirs waiting for it are worth another look. */
  | { readonly kind: "checksums"; readonly event: RecentEvent; readonly author: string };

export interface Ignored {
  readonly epoch: string;
  readonly path: string;
  readonly reason: string;
}

/**
 * What the watcher acts on after the cursor, oldest first: upload events (each path's latest) and
 * CHECKSUMS changes (each author's latest). Events dated more than FUTURE_SKEW_S past `now` are
 * ignored (a poisoned epoch would otherwise become the cursor and hide every later upload), and so
 * are archive paths not in the exact upload shape; both come back with the reason.
 */
export function newUploads(file: RecentFile, cursor: string | undefined, now: string): { items: WatchItem[]; ignored: Ignored[] } {
  const latest = new Map<string, WatchItem>();
  const ignored: Ignored[] = [];
  const limit = addSeconds(now, FUTURE_SKEW_S);
  for (const e of file.events) {
    if (cursor !== undefined && compareEpochs(e.epoch, cursor) <= 0) continue;
    const upload = parseUploadPath(e.path);
    const author = upload ? undefined : checksumsAuthor(e.path);
    if (!upload && !author) continue;
    if (compareEpochs(e.epoch, limit) > 0) {
      ignored.push({ epoch: e.epoch, path: e.path, reason: `dated ${e.epoch}, after the watcher's clock (${now})` });
      continue;
    }
    if (upload && !upload.ok) {
      ignored.push({ epoch: e.epoch, path: e.path, reason: upload.reason });
      continue;
    }
    const key = upload ? e.path : `CHECKSUMS ${author}`;
    const seen = latest.get(key);
    if (seen && compareEpochs(e.epoch, seen.event.epoch) <= 0) continue;
    latest.set(
      key,
      upload?.ok ? { kind: "upload", event: e, author: upload.author, filename: upload.filename } : { kind: "checksums", event: e, author: author as string },
    );
  }
  const items = [...latest.values()].sort((a, b) => compareEpochs(a.event.epoch, b.event.epoch) || (a.event.path < b.event.path ? -1 : 1));
  return { items, ignored };
}

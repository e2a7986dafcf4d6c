/**
 * RECENT files (File::Rsync::Mirror::Recent): `{meta: {minmax: {min, max}, ...}, recent:
 * [{epoch, path, type}]}`, newest first, epochs as JSON strings or numbers. Which uploads a watcher
 * has not seen yet, given its cursor (the epoch of the last event it enqueued).
 */
import { ARCHIVE_EXTENSION } from "./distname";

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
export const RECENT_FILES = ["RECENT-1h.json", "RECENT-6h.json", "RECENT-1d.json", "RECENT-1W.json", "RECENT-1M.json", "RECENT-1Q.json", "RECENT-1Y.json"] as const;

const EPOCH = /^[0-9]{1,12}(\.[0-9]{1,9})?$/;

function epochText(v: unknown, where: string): string {
  const s = typeof v === "number" ? String(v) : v;
  if (typeof s !== "string" || !EPOCH.test(s)) throw new RecentError(`${where}: epoch ${JSON.stringify(v)} is not a decimal Unix time`);
  return s;
}

/** Exact comparison of decimal epochs (no floating-point rounding): -1, 0 or 1. */
export function compareEpochs(a: string, b: string): number {
  const [ai = "", af = ""] = a.split(".");
  const [bi = "", bf = ""] = b.split(".");
  if (ai.length !== bi.length) return ai.length < bi.length ? -1 : 1;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const n = Math.max(af.length, bf.length);
  const x = af.padEnd(n, "0");
  const y = bf.padEnd(n, "0");
  return x === y ? 0 : x < y ? -1 : 1;
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

/** Distribution archives under authors/id/ (what MetaCPAN indexes, plus .tar.xz). */
export function isUploadPath(path: string): boolean {
  return /^authors\/id\/[A-Z]\/[A-Z][-A-Z0-9]\/[A-Z][-A-Z0-9]*\/[^\s]+$/.test(path) && !path.split("/").includes("..") && ARCHIVE_EXTENSION.test(path);
}

/** Does this file reach back to the cursor? (If not, a longer RECENT file must be read.) */
export function covers(file: RecentFile, cursor: string | undefined): boolean {
  if (cursor === undefined) return true; // a first run starts from what the file holds
  return file.min === undefined || compareEpochs(file.min, cursor) <= 0;
}

/** Upload events after the cursor, oldest first, each path once (its latest event). */
export function newUploads(file: RecentFile, cursor: string | undefined): RecentEvent[] {
  const latest = new Map<string, RecentEvent>();
  for (const e of file.events) {
    if (!isUploadPath(e.path)) continue;
    if (cursor !== undefined && compareEpochs(e.epoch, cursor) <= 0) continue;
    const seen = latest.get(e.path);
    if (!seen || compareEpochs(e.epoch, seen.epoch) > 0) latest.set(e.path, e);
  }
  return [...latest.values()].sort((a, b) => compareEpochs(a.epoch, b.epoch) || (a.path < b.path ? -1 : 1));
}

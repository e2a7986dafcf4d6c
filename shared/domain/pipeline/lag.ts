/**
 * Mirror lag (docs/decisions/0010-mirror-lag.md): RECENT may name an upload before the mirror has
 * the archive or before the author's CHECKSUMS lists it. That is not an integrity failure: the
 * release waits (`lag` on its record, no ingest step yet), is retried on a schedule that backs off
 * to LAG_MAX_DELAY_MS, and is failed only once LAG_DEADLINE_MS has passed since it was first
 * found behind. Pure: the caller passes the time.
 */
import type { LagState, ReleaseRecord } from "./record";

export const LAG_DEADLINE_MS = 6 * 3600_000;
export const LAG_FIRST_DELAY_MS = 60_000;
export const LAG_MAX_DELAY_MS = 30 * 60_000;

/** The record's lag after one more attempt at `now` that found the mirror behind. */
export function nextLag(previous: LagState | undefined, reason: string, now: Date): LagState {
  const attempts = (previous?.attempts ?? 0) + 1;
  const delay = Math.min(LAG_MAX_DELAY_MS, LAG_FIRST_DELAY_MS * 2 ** (attempts - 1));
  return { since: previous?.since ?? now.toISOString(), attempts, nextAt: new Date(now.getTime() + delay).toISOString(), reason };
}

export function lagExpired(lag: LagState, now: Date, deadlineMs = LAG_DEADLINE_MS): boolean {
  return now.getTime() - Date.parse(lag.since) >= deadlineMs;
}

/** Waiting for the mirror: no ingest outcome yet. */
export const isWaitingForLag = (r: ReleaseRecord): boolean => r.lag !== undefined && r.steps.ingest === undefined;

export const failedForLag = (r: ReleaseRecord): boolean => r.failure?.lag === true;

/**
 * A release failed for lag, back to waiting (it is being queued now: the sweep's next retry is the
 * longest delay away): its steps and failure cleared, counted as reopened, its deadline anew.
 */
export function reopen(r: ReleaseRecord, now: Date): ReleaseRecord {
  const { failure: _f, completedAt: _c, lag, ...rest } = r;
  const nextAt = new Date(now.getTime() + LAG_MAX_DELAY_MS).toISOString();
  return { ...rest, steps: {}, reopened: (r.reopened ?? 0) + 1, ...(lag ? { lag: { ...lag, since: now.toISOString(), attempts: 0, nextAt } } : {}) };
}

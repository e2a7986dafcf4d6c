/**
 * The delivery retry schedule, shared by the embedded runner and the AWS deliver handler (which
 * applies it with ChangeMessageVisibility). Ten attempts spread over about a day (Standard
 * Webhooks' usual schedule, compressed to end near 24 h), each delay jittered by ±20% so
 * receivers that come back are not hit by every sender at once; then the dead-letter queue.
 */
const S = 1000;
const M = 60 * S;
const H = 60 * M;

/** Delay after failed attempt n (1-based); sums to 23 h 35 min before jitter. */
export const RETRY_DELAYS_MS: readonly number[] = [5 * S, 5 * M, 30 * M, 1 * H, 2 * H, 3 * H, 4 * H, 6 * H, 7 * H];
export const DELIVERY_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** SQS cannot hide a message for longer (ChangeMessageVisibility's limit). */
export const MAX_DELAY_MS = 12 * H;

/**
 * How long to wait after failed attempt `attempt` (1-based), or undefined when it was the last.
 * `jitter` is a number in [0, 1) (Math.random() in production); `retryAfterMs` is the receiver's
 * Retry-After, honoured when longer than the schedule, up to MAX_DELAY_MS.
 */
export function retryDelay(attempt: number, jitter: number, retryAfterMs?: number): number | undefined {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a positive integer, not ${attempt}`);
  const base = RETRY_DELAYS_MS[attempt - 1];
  if (base === undefined) return undefined;
  const jittered = Math.round(base * (0.8 + 0.4 * Math.min(Math.max(jitter, 0), 1)));
  return Math.min(MAX_DELAY_MS, Math.max(jittered, retryAfterMs ?? 0));
}

/** Retry-After: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when unusable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** How long a delivery record is kept: far beyond the retry schedule (about a day). */
export const DELIVERY_TTL_S = 30 * 24 * 3600;

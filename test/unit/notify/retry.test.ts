import { describe, expect, it } from "vitest";
import { DELIVERY_ATTEMPTS, MAX_DELAY_MS, RETRY_DELAYS_MS, parseRetryAfter, retryDelay } from "../../../shared/domain/notify/retry";

describe("delivery retry schedule", () => {
  it("spreads ten attempts over about a day, then stops", () => {
    expect(DELIVERY_ATTEMPTS).toBe(10);
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(20 * 3600_000);
    expect(total).toBeLessThan(26 * 3600_000);
    expect(retryDelay(1, 0.5)).toBe(5000);
    expect(retryDelay(9, 0.5)).toBe(7 * 3600_000);
    expect(retryDelay(10, 0.5)).toBeUndefined();
    for (let i = 1; i < RETRY_DELAYS_MS.length; i++) expect(RETRY_DELAYS_MS[i]).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[i - 1] as number);
  });

  it("jitters by ±20% and honours a longer Retry-After up to the SQS limit", () => {
    expect(retryDelay(2, 0)).toBe(240_000);
    expect(retryDelay(2, 0.999999)).toBeCloseTo(360_000, -2);
    expect(retryDelay(1, 0.5, 60_000)).toBe(60_000);
    expect(retryDelay(3, 0.5, 1000)).toBe(30 * 60_000);
    expect(retryDelay(1, 0.5, 48 * 3600_000)).toBe(MAX_DELAY_MS);
    expect(() => retryDelay(0, 0.5)).toThrow(RangeError);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = new Date("2026-11-01T00:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Sun, 01 Nov 2026 00:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Sat, 31 Oct 2026 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

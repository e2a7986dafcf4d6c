/**
 * Fault injection for the ports: wraps any port object so that each async method call may
 * - fail: throw before doing anything (a network error, throttling);
 * - delay: do the work late (reorders concurrent work);
 * - lie: do the work, then throw (the write landed but the caller thinks it failed: the hard case
 *   for idempotency);
 * and a JobQueue's send may deliver twice (SQS's at-least-once). Faults are drawn from a seeded
 * generator, so a failing run can be replayed, and counted, so a test can report what it survived.
 */

export class InjectedFault extends Error {
  override readonly name = "InjectedFault";
}

export interface FaultRates {
  readonly fail: number;
  readonly delay: number;
  readonly lie: number;
  /** JobQueue.send only: the bodies are sent twice. */
  readonly duplicate: number;
  readonly maxDelayMs: number;
}

export type FaultKind = "fail" | "delay" | "lie" | "duplicate";

/** Mulberry32: small, seeded, good enough to spread faults. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  readonly counts = new Map<string, number>();
  enabled = true;

  constructor(
    private readonly rates: FaultRates,
    private readonly random: () => number,
  ) {}

  private count(port: string, kind: FaultKind): void {
    const k = `${port} ${kind}`;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }

  total(kind?: FaultKind): number {
    let n = 0;
    for (const [k, v] of this.counts) if (!kind || k.endsWith(` ${kind}`)) n += v;
    return n;
  }

  /** `port` with faults on every async method (methods named in `spare` are left alone). */
  wrap<T extends object>(name: string, port: T, spare: readonly string[] = []): T {
    return new Proxy(port, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== "function" || typeof prop !== "string" || spare.includes(prop)) return value;
        return async (...args: unknown[]) => {
          const call = () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (!this.enabled) return call();
          const where = `${name}.${prop}`;
          const r = this.random();
          let edge = this.rates.fail;
          if (r < edge) {
            this.count(where, "fail");
            throw new InjectedFault(`injected failure in ${where}`);
          }
          if (r < (edge += this.rates.delay)) {
            this.count(where, "delay");
            await new Promise((res) => setTimeout(res, Math.floor(this.random() * this.rates.maxDelayMs)));
            return call();
          }
          if (r < (edge += this.rates.lie)) {
            this.count(where, "lie");
            await call();
            throw new InjectedFault(`injected failure after ${where} succeeded`);
          }
          if (prop === "send" && r < edge + this.rates.duplicate) {
            this.count(where, "duplicate");
            await call();
            return call();
          }
          return call();
        };
      },
    });
  }
}

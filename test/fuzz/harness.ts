/**
 * A fuzz target and the contract every parser of outside data keeps: for any input it returns a
 * value or throws one of its own documented errors. Anything else (TypeError, RangeError, an
 * error from a library underneath) is a crash; an input that takes longer than the deadline is a
 * hang. Both are FuzzFailures.
 */
import type fc from "fast-check";

export type ErrorClass = abstract new (...args: never[]) => Error;
/** An error class, optionally only with messages that match (TypeError is documented for one case only). */
export type Acceptable = ErrorClass | { readonly type: ErrorClass; readonly message: RegExp };

export interface FuzzTarget<T = unknown> {
  readonly name: string;
  /** The entry points under test. */
  readonly parser: string;
  /** How inputs are made: structure-aware generators, mutation of which seeds. */
  readonly inputs: string;
  readonly arbitrary: fc.Arbitrary<T>;
  readonly run: (input: T) => unknown;
  readonly accepts: readonly Acceptable[];
  /** Invariants of an accepted input's result (limits held, and the like); throw to fail. */
  readonly check?: (input: T, output: unknown) => void;
  /** Inputs per run in `npm test` (the whole file must stay well under 20 s on two cores). */
  readonly runs: number;
  readonly deadlineMs?: number;
}

export const DEFAULT_DEADLINE_MS = 3000;

export class FuzzFailure extends Error {
  override readonly name = "FuzzFailure";
}

/** Erases the input type so targets of different inputs share one registry. */
export const target = <T>(t: FuzzTarget<T>): FuzzTarget => t as unknown as FuzzTarget;

function acceptable(t: FuzzTarget, e: unknown): e is Error {
  return t.accepts.some((a) => (typeof a === "function" ? e instanceof a : e instanceof a.type && a.message.test(e.message)));
}

export const describeError = (e: unknown) =>
  e instanceof Error ? `${e.constructor.name}: ${e.message}\n${e.stack?.split("\n").slice(1, 6).join("\n") ?? ""}` : String(e);

function withDeadline<T>(p: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FuzzFailure(`${name}: hang: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

export interface Outcome {
  /** "accepted", or the name of the documented error the input was rejected with. */
  readonly result: string;
  readonly ms: number;
}

/** Runs one input; throws FuzzFailure on a crash, a hang, or a broken invariant. */
export async function runOne(t: FuzzTarget, input: unknown): Promise<Outcome> {
  const deadline = t.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const start = performance.now();
  let result = "accepted";
  let output: unknown;
  try {
    const r = t.run(input);
    output = r instanceof Promise ? await withDeadline(r, deadline, t.name) : r;
  } catch (e) {
    if (e instanceof FuzzFailure) throw e;
    if (!acceptable(t, e)) throw new FuzzFailure(`${t.name}: crash: ${describeError(e)}`, { cause: e });
    result = e.name;
  }
  if (result === "accepted") t.check?.(input, output);
  const ms = performance.now() - start;
  if (ms > deadline) throw new FuzzFailure(`${t.name}: hang: one input took ${Math.round(ms)} ms (deadline ${deadline} ms)`);
  return { result, ms };
}

/** Per-target counts: inputs, and outcomes by kind. */
export class Tally {
  inputs = 0;
  maxMs = 0;
  readonly outcomes = new Map<string, number>();
  add(o: Outcome): void {
    this.inputs++;
    this.maxMs = Math.max(this.maxMs, o.ms);
    this.outcomes.set(o.result, (this.outcomes.get(o.result) ?? 0) + 1);
  }
  summary(name: string): string {
    const accepted = this.outcomes.get("accepted") ?? 0;
    const rejected = [...this.outcomes].filter(([k]) => k !== "accepted").map(([k, n]) => `${n} ${k}`);
    return `fuzz ${name}: ${this.inputs} inputs, ${rejected.length ? `rejected ${rejected.join(", ")}` : "0 rejected"}, ${accepted} accepted (slowest ${Math.round(this.maxMs)} ms)`;
  }
}

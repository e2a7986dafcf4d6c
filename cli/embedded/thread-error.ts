/**
 * An error thrown on another thread, brought back as the runner tells errors apart: the nearest
 * of the shared error classes it is an instance of (shared/ports/errors.ts), with its own name,
 * message and stack (a structured clone would keep only Error).
 */
import { BadMessageError, PermanentError, RetryLaterError, TransientError } from "../../shared/ports/errors";

type Kind = "BadMessageError" | "PermanentError" | "RetryLaterError" | "TransientError" | "Error";

export interface ErrorFields {
  readonly kind: Kind;
  readonly name: string;
  readonly message: string;
  readonly stack?: string | undefined;
  readonly retryAfterMs?: number | undefined;
}

const kindOf = (e: Error): Kind =>
  e instanceof BadMessageError
    ? "BadMessageError"
    : e instanceof PermanentError
      ? "PermanentError"
      : e instanceof RetryLaterError
        ? "RetryLaterError"
        : e instanceof TransientError
          ? "TransientError"
          : "Error";

export function errorFields(e: unknown): ErrorFields {
  if (!(e instanceof Error)) return { kind: "Error", name: "Error", message: String(e) };
  return { kind: kindOf(e), name: e.name, message: e.message, stack: e.stack, retryAfterMs: e instanceof RetryLaterError ? e.retryAfterMs : undefined };
}

export function reviveError(f: ErrorFields): Error {
  const e =
    f.kind === "RetryLaterError"
      ? new RetryLaterError(f.message, f.retryAfterMs)
      : f.kind === "BadMessageError"
        ? new BadMessageError(f.message)
        : f.kind === "PermanentError"
          ? new PermanentError(f.message)
          : f.kind === "TransientError"
            ? new TransientError(f.message)
            : new Error(f.message);
  Object.defineProperty(e, "name", { value: f.name, configurable: true, writable: true });
  if (f.stack) e.stack = f.stack;
  return e;
}

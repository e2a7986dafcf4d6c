/**
 * An error thrown on another thread, brought back as the runner and the command tell errors apart:
 * the nearest of the shared error classes it is an instance of (shared/ports/errors.ts), with its
 * own name, message, code and stack (a structured clone would keep only Error). Used by the
 * publication's thread and by a scan's threads.
 */
import { BadMessageError, PermanentError, RetryLaterError, TransientError } from "../../shared/ports/errors";

/** The shared classes, most specific first (an instance of an earlier one is reported as it). */
const CLASSES = { BadMessageError, PermanentError, RetryLaterError, TransientError } as const;
type Kind = keyof typeof CLASSES | "Error";

export interface ErrorFields {
  readonly kind: Kind;
  readonly name: string;
  readonly message: string;
  readonly stack?: string | undefined;
  readonly code?: unknown;
  readonly retryAfterMs?: number | undefined;
}

const kindOf = (e: Error): Kind => (Object.keys(CLASSES) as (keyof typeof CLASSES)[]).find((k) => e instanceof CLASSES[k]) ?? "Error";

export function errorFields(e: unknown): ErrorFields {
  if (!(e instanceof Error)) return { kind: "Error", name: "Error", message: String(e) };
  const { code } = e as NodeJS.ErrnoException;
  return {
    kind: kindOf(e),
    name: e.name,
    message: e.message,
    stack: e.stack,
    ...(code !== undefined ? { code } : {}),
    retryAfterMs: e instanceof RetryLaterError ? e.retryAfterMs : undefined,
  };
}

export function reviveError(f: ErrorFields): Error {
  const e =
    f.kind === "RetryLaterError" ? new RetryLaterError(f.message, f.retryAfterMs) : f.kind === "Error" ? new Error(f.message) : new CLASSES[f.kind](f.message);
  Object.defineProperty(e, "name", { value: f.name, configurable: true, writable: true });
  if (f.code !== undefined) Object.assign(e, { code: f.code });
  if (f.stack) e.stack = f.stack;
  return e;
}

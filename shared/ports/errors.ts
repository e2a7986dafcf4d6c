/**
 * The error classes every step and adapter shares: what they mean for the queue that delivered the
 * message decides between acknowledging it and letting it be redelivered.
 */
import type * as z from "zod/mini";
import { type PipelineEvent, PipelineEventSchema } from "../messages/events";

/** A failure that will not change on retry: record it and acknowledge. */
export class PermanentError extends Error {
  override readonly name: string = "PermanentError";
}

/** A failure worth retrying (network, a lagging mirror): throw it, the queue retries, then the DLQ. */
export class TransientError extends Error {
  override readonly name: string = "TransientError";
}

/**
 * A transient failure to be retried on its step's own schedule (the step table row's `retry`),
 * not the queue's: `retryAfterMs` is the other side's Retry-After, if it gave one.
 */
export class RetryLaterError extends TransientError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** A queue body that is not JSON or not the step's schema: no retry can fix it. */
export class BadMessageError extends PermanentError {
  override readonly name = "BadMessageError";
}

/** Checks a queue body (already JSON-decoded) against its step's schema, naming every problem. */
export function parseMessage<S extends z.ZodMiniType>(schema: S, body: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(body)"}: ${i.message}`);
  throw new BadMessageError(`${what} is not a valid message: ${problems.join("; ")}`);
}

/** A raw queue body (a string): JSON first, then the schema. */
export function parseMessageText<S extends z.ZodMiniType>(schema: S, text: string, what: string): z.infer<S> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadMessageError(`${what} is not JSON`);
  }
  return parseMessage(schema, body, what);
}

/** A stored event read back (the event stores): the event schema, or a BadMessageError naming each problem. */
export function parseStoredEvent(body: unknown): PipelineEvent {
  const id = typeof body === "object" && body !== null && typeof (body as { id?: unknown }).id === "string" ? (body as { id: string }).id : "?";
  return parseMessage(PipelineEventSchema, body, `stored event ${id}`);
}

/** Every stored event that parses: one damaged item must not stop the Atom feed (its own notify job names the problem). */
export function storedEvents(bodies: readonly unknown[]): PipelineEvent[] {
  return bodies.flatMap((b) => {
    const r = PipelineEventSchema.safeParse(b);
    return r.success ? [r.data] : [];
  });
}

/**
 * How the cpansec command fails: every error a user can cause is one line and an exit status from
 * the table in docs/cli.md; only a bug (exit 70) mentions the stack, which --debug prints.
 */

/** Exit statuses shared by every command (docs/cli.md, "Exit status"). */
export const EXIT = { ok: 0, found: 1, usage: 2, unreadableArchive: 3, unreachable: 4, bug: 70 } as const;

/** A failure the user can act on, with the status to exit with. */
export class UserError extends Error {
  override readonly name = "UserError";
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Fails the command with a message a person can act on (exit 1), not a stack trace. */
export class CommandFailure extends Error {}

/** Node's codes for a path given on the command line that cannot be used as asked. */
const PATH_CODES = new Set(["ENOENT", "ENOTDIR", "EISDIR", "EACCES", "EPERM", "ELOOP", "ENAMETOOLONG", "EROFS"]);
/** Codes of a network source that did not answer (undici puts them on the cause). */
const NET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

type Coded = Error & { code?: unknown; cause?: unknown };
const chain = (e: unknown): Coded[] => {
  const out: Coded[] = [];
  for (let c = e; c instanceof Error && out.length < 8; c = (c as Coded).cause) out.push(c as Coded);
  return out;
};

/** A network failure (connection refused, DNS, TLS, timeout): worth retrying later, not a bug. */
export function isNetworkError(e: unknown): boolean {
  return chain(e).some(
    (c) =>
      (typeof c.code === "string" && NET_CODES.has(c.code)) ||
      c.name === "TimeoutError" ||
      c.name === "AbortError" ||
      (c.name === "TypeError" && c.message === "fetch failed") ||
      c.name === "MirrorError",
  );
}

/** One line for a network failure: `connect ECONNREFUSED 127.0.0.1:8768` rather than `fetch failed`. */
export function networkReason(e: unknown): string {
  const all = chain(e);
  if (all.some((c) => c.name === "TimeoutError")) return "timed out";
  const deepest = all.filter((c) => !(c.name === "TypeError" && c.message === "fetch failed")).pop();
  return deepest?.message ?? String(e);
}

/** The exit status and message for an error that reached the top of a command. */
export function classify(e: unknown): { exitCode: number; message: string; bug: boolean } {
  if (e instanceof UserError) return { exitCode: e.exitCode, message: e.message, bug: false };
  const err: Coded = e instanceof Error ? e : new Error(String(e));
  if (typeof err.code === "string" && PATH_CODES.has(err.code)) return { exitCode: EXIT.usage, message: err.message, bug: false };
  if (isNetworkError(err)) return { exitCode: EXIT.unreachable, message: networkReason(err), bug: false };
  // Any other system refusal (EEXIST: keygen never overwrites; ENOSPC) is a failure to do the job, not a bug.
  if (typeof err.code === "string" && /^E[A-Z]+$/.test(err.code)) return { exitCode: EXIT.found, message: err.message, bug: false };
  // Errors of a named class (FeedError, ChecksumsError, LogError, ...) are the domain saying no.
  if (/Error$/.test(err.name) && !["Error", "TypeError", "RangeError", "ReferenceError", "SyntaxError"].includes(err.name))
    return { exitCode: EXIT.found, message: err.message, bug: false };
  return { exitCode: EXIT.bug, message: err.message, bug: true };
}

/** Says on stderr why a command failed, as every command's top does, and gives its exit status. */
export function reportFailure(e: unknown, debug: boolean): number {
  const c = e instanceof CommandFailure ? { exitCode: EXIT.found, message: e.message, bug: false } : classify(e);
  const stack = debug ? `\n${(e as Error).stack ?? ""}` : c.bug ? "\n(a bug in cpansec: --debug shows where; please report it)" : "";
  process.stderr.write(`cpansec: ${c.message}${stack}\n`);
  return c.exitCode;
}

/**
 * Patches are untrusted input. Every refusal is a PatchError with a code a caller can act on and
 * a message that names the patch, the file and the hunk; it will never read differently, so it is
 * recorded, not retried.
 */
export type PatchErrorCode =
  | "malformed" // not a unified diff this parser accepts (bad hunk header, wrong line counts, ...)
  | "unsafe-path" // absolute, `..`, or otherwise outside the distribution's directory
  | "binary" // a git binary patch or "Binary files differ": nothing here can be checked by eye
  | "unsupported" // valid diff syntax this tool does not apply (renames, mode-only changes, CRLF)
  | "limit" // over a size bound
  | "layout" // a path that is not <L>/<Dist>/<version>/<CVE>-r<N>.patch
  | "does-not-apply" // a hunk whose old lines are not in the file, exactly
  | "mismatch"; // the patch is for another distribution or version than the archive

export class PatchError extends Error {
  override readonly name = "PatchError";
  constructor(
    readonly code: PatchErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Bounds on what one patch may cost to read. The 40 published patches are all under 11 KiB. */
export interface PatchLimits {
  readonly maxPatchBytes: number;
  readonly maxFiles: number;
  readonly maxHunks: number;
}

export const DEFAULT_PATCH_LIMITS: PatchLimits = { maxPatchBytes: 1024 * 1024, maxFiles: 500, maxHunks: 5000 };
